/**
 * JupyterLab for real: the harness's Lab 4.5 (lab/, built by `npm run lab` or .ci/run) served by
 * Debian's jupyter_server on 127.0.0.1, driven in headless Chromium, in both variants (with
 * jupyterlab-plotly's renderer and without it):
 * - live: the evaluation notebook (a copy beside notebooks/) on demo data with the project's kernel,
 *   Run All: no error output, every figure draws; saved, closed and reopened, the figures draw again
 *   without rerunning;
 * - the executed notebook of `npm run report` opens and every figure draws when trusted; untrusted,
 *   the Plotly renderer still draws every figure, and without it each figure shows a note saying how
 *   to trust the notebook;
 * - no console error and no request beyond 127.0.0.1, anywhere.
 * Jupyter state (secrets, signatures, settings) is isolated in a temp dir. Lab's autosave is off: the
 * live test saves explicitly, and an autosave running beside that save made Lab show a false "File
 * Changed" dialog (see {@link NO_AUTOSAVE}). The demo sample (1,200 normal rows) keeps normal panels
 * as densities, as at full scale. On a busy 2-core machine a
 * variant takes minutes: jupyterlab-plotly draws every figure at once (and a PNG copy of each).
 */
import { after, before, describe, test } from 'node:test';
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Page } from 'playwright-core';
import { findProjectRoot } from '../lib/notebook/kernel';
import { paramsToEnv } from '../lib/notebook/params';
import { LAB_VARIANTS, type LabServer, findLabPython, labIsBuilt, startLab, userSettingsFile } from '../lab/harness';
import { type OfflinePage, hasChromium, launchOffline } from './browser-harness';
import {
  errorOutputs,
  executionCounts,
  figureOutputCount,
  figureStatesIn,
  labCommand,
  openLabPage,
  openNotebook,
  runAll,
  scrollThroughFigures,
  untrustedFigureNotes,
  waitForNotebook,
} from './lab-page';

const root = findProjectRoot(__dirname);
const GENERATOR = path.join(root, 'dist', 'data', 'generate.js');
const REPORT = path.join(root, 'dist', 'cli', 'report.js');
const RUN_FOLDERS = ['models_2019_06_01_21_21', 'models_2019_06_01_21_44', 'models_2019_06_01_22_11'];
const inCi = process.env.CI === 'true';
// In CI a missing build is a failure (before() says so), never a silent skip.
const skip = !hasChromium()
  ? 'no /usr/bin/chromium'
  : !findLabPython()
    ? 'no Python with jupyter_server and jupyterlab_server'
    : !fs.existsSync(GENERATOR)
      ? 'data generator not built'
      : !labIsBuilt(root) && !inCi
        ? 'lab/ is not built (`npm run lab` or .ci/run builds it)'
        : false;

/**
 * Lab's settings for these tests: no autosave. Lab 4.5 lets an autosave (120 s after opening, while the
 * notebook is dirty) run beside a `docmanager:save` (that command only guards against itself), and
 * each save first asks the server whether the file changed on disk since Lab last opened or saved it.
 * jupyter_server 1.23 writes a notebook while blocking its event loop (3-8 s for the 14 MB executed
 * demo notebook on a loaded machine). When the autosave fired during the test's save (which, after
 * Run All and a scroll through every figure, falls near the 120 s mark), its check was answered just
 * after the test's save had written the file and before Lab had recorded that save: "changed on disk"
 * against the time of opening, a modal "File Changed" dialog, and the reopened notebook never became
 * current. `lastModifiedCheckMargin` cannot help: the gap it sees is the time since opening.
 */
const NO_AUTOSAVE = { '@jupyterlab/docmanager-extension:plugin': { autosave: false } } as const;

let work = '';
let notebookDir = '';
let env: NodeJS.ProcessEnv = {};

/** The notebook dir's path relative to the served root (the project), with `/`. */
function rel(file: string): string {
  return path.relative(root, path.join(notebookDir, file)).split(path.sep).join('/');
}

before(() => {
  if (skip) return;
  assert.ok(
    labIsBuilt(root),
    "lab/ is not built: .ci/run must build it (node -e \"require('./dist/lab/harness').ensureLabBuild('.')\")",
  );
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'lab-test-'));
  const data = path.join(work, 'data');
  const gen = spawnSync(process.execPath, [GENERATOR, '--scale', 'demo', '--out', data], { encoding: 'utf8' });
  assert.equal(gen.status, 0, gen.stderr);
  const params = {
    models: RUN_FOLDERS.map((r) => path.join(data, 'models', r)),
    full: path.join(data, 'final', 'final_dataset_5T.csv'),
    sampleSize: 1200,
  };
  env = {
    ...process.env,
    ...paramsToEnv(params),
    // Isolated Jupyter state: no user config, secrets, signatures or runtime files touched.
    JUPYTER_CONFIG_DIR: path.join(work, 'config'),
    JUPYTER_DATA_DIR: path.join(work, 'jupyter-data'),
    JUPYTER_RUNTIME_DIR: path.join(work, 'runtime'),
    IPYTHONDIR: path.join(work, 'ipython'),
  };
  // The executed report notebook, signed with this isolated secret (so the server trusts it).
  const out = path.join(work, 'report');
  const report = spawnSync(
    process.execPath,
    [REPORT, '--models', ...params.models, '--full', params.full, '--sample', '1200', '--out', out],
    { encoding: 'utf8', env, timeout: 240_000 },
  );
  assert.equal(report.status, 0, report.stderr);
  // A sibling of notebooks/, so the notebook's '../dist/lib/...' imports resolve as in the real one.
  notebookDir = fs.mkdtempSync(path.join(root, '.lab-test-'));
  for (const variant of LAB_VARIANTS) {
    fs.copyFileSync(
      path.join(root, 'notebooks', 'evaluation_5T.ipynb'),
      path.join(notebookDir, `live-${variant}.ipynb`),
    );
  }
  fs.copyFileSync(path.join(out, 'evaluation_5T.ipynb'), path.join(notebookDir, 'report.ipynb'));
  // Any change to a signed notebook voids its signature: the same report, untrusted.
  const untrusted = JSON.parse(fs.readFileSync(path.join(out, 'evaluation_5T.ipynb'), 'utf8')) as {
    metadata: Record<string, unknown>;
  };
  untrusted.metadata.copied_from = 'report.ipynb';
  fs.writeFileSync(path.join(notebookDir, 'report-untrusted.ipynb'), JSON.stringify(untrusted, null, 1));
});

after(() => {
  if (notebookDir) fs.rmSync(notebookDir, { recursive: true, force: true });
  if (work) fs.rmSync(work, { recursive: true, force: true });
});

for (const variant of LAB_VARIANTS) {
  describe(`JupyterLab ${variant === 'plotly' ? 'with' : 'without'} jupyterlab-plotly`, { skip }, () => {
    let server: LabServer | undefined;
    let browser: Omit<OfflinePage, 'close'> | undefined;

    before(async () => {
      server = await startLab({
        projectRoot: root,
        variant,
        env,
        stateDir: path.join(work, `state-${variant}`),
        userSettings: NO_AUTOSAVE,
        extraArgs: ['--ContentsManager.allow_hidden=True'],
      });
      const base = server.baseUrl;
      browser = await launchOffline(
        path.join(work, `profile-${variant}`),
        (url) =>
          url.startsWith(`${base}/`) || url.startsWith('data:') || url.startsWith('blob:') || url === 'about:blank',
      );
      await openLabPage(browser.page, `${base}/lab?token=${server.token}`);
    });

    after(async () => {
      await browser?.context.close().catch(() => undefined);
      await server?.stop();
    });

    /** Fails with what the page and the server said. */
    async function explain<T>(what: string, work: Promise<T>): Promise<T> {
      try {
        return await work;
      } catch (err) {
        const shot = path.join(os.tmpdir(), `lab-test-${variant}-${process.pid}.png`);
        await browser!.page.screenshot({ path: shot }).catch(() => undefined);
        throw new Error(
          `${what}: ${(err as Error).message}\nconsole errors: ${JSON.stringify(browser!.errors)}\nblocked: ${JSON.stringify(browser!.blocked)}\n` +
            `screenshot: ${shot}\nserver log (tail):\n${server!.log().split('\n').slice(-30).join('\n')}`,
        );
      }
    }

    function assertClean(): void {
      assert.deepEqual(browser!.errors, [], 'no console error');
      assert.deepEqual(browser!.blocked, [], 'no request beyond 127.0.0.1');
    }

    async function assertAllDrawn(page: Page, expected: number, what: string): Promise<void> {
      const states = await explain(
        `${what}: scrolling through the figures`,
        scrollThroughFigures(page, variant, 30_000, undefined, expected),
      );
      const seen = await page.evaluate(() =>
        Array.from(document.querySelectorAll('.jp-NotebookPanel')).map((p) => ({
          hidden: p.classList.contains('lm-mod-hidden'),
          mimes: Array.from(
            new Set(
              Array.from(p.querySelectorAll('.jp-OutputArea-output')).map(
                (o) => o.getAttribute('data-mime-type') ?? o.className,
              ),
            ),
          ).join(' '),
        })),
      );
      assert.equal(states.length, expected, `${what}: one drawing per figure output (panels: ${JSON.stringify(seen)})`);
      const undrawn = states.map((s, i) => (s.drawn ? '' : `${i}: ${s.text}`)).filter(Boolean);
      assert.deepEqual(undrawn, [], `${what}: every figure drew`);
    }

    test("Lab runs these tests with autosave off, as the state dir's user settings say", async () => {
      const plugin = Object.keys(NO_AUTOSAVE)[0];
      assert.ok(fs.existsSync(userSettingsFile(path.join(work, `state-${variant}`), plugin)));
      const res = await fetch(`${server!.baseUrl}/lab/api/settings/${plugin}?token=${server!.token}`);
      assert.equal(res.status, 200);
      const served = (await res.json()) as { settings: { autosave?: boolean } };
      assert.equal(served.settings.autosave, false, 'Lab reads autosave: false');
    });

    test('live: Run All on demo data draws every figure; saved, closed and reopened, they draw again without rerunning', {
      timeout: 900_000,
    }, async () => {
      const page = browser!.page;
      const file = rel(`live-${variant}.ipynb`);
      // Every write of the notebook through Lab: only the test's own save may write it.
      const writes: string[] = [];
      const onRequest = (request: { method(): string; url(): string }): void => {
        if (request.method() === 'PUT' && new URL(request.url()).pathname.endsWith(`/api/contents/${file}`))
          writes.push(new Date().toISOString());
      };
      page.on('request', onRequest);
      await explain('the notebook did not open with its kernel', openNotebook(page, file, { kernel: true }));
      await explain('Run All did not finish', runAll(page, 600_000));
      assert.deepEqual(await errorOutputs(page), [], 'no error or stderr output');
      const figures = await figureOutputCount(page);
      assert.ok(figures >= 28, `${figures} figure outputs`);
      await assertAllDrawn(page, figures, 'after Run All');
      const counts = await executionCounts(page);

      await labCommand(page, 'docmanager:save');
      await explain(
        'the notebook was not saved',
        page.waitForFunction(
          () => document.querySelector('.lm-TabBar-tab.lm-mod-current.jp-mod-dirty') === null,
          undefined,
          { timeout: 30_000 },
        ),
      );
      assert.deepEqual(
        await page.$$eval('.jp-Dialog', (dialogs) => dialogs.map((d) => (d.textContent ?? '').slice(0, 200))),
        [],
        'no dialog after the save',
      );
      assert.equal(
        writes.length,
        1,
        `the test's save is the only write of the notebook (writes at ${writes.join(', ')})`,
      );
      const saved = JSON.parse(fs.readFileSync(path.join(notebookDir, `live-${variant}.ipynb`), 'utf8')) as {
        cells: { outputs?: { data?: Record<string, unknown> }[] }[];
      };
      const savedFigures = saved.cells
        .flatMap((c) => c.outputs ?? [])
        .filter((o) => o.data && 'application/vnd.plotly.v1+json' in o.data).length;
      assert.equal(savedFigures, figures, 'every figure is in the saved file');
      await labCommand(page, 'application:close');
      await page.waitForFunction(
        () => document.querySelector('.jp-NotebookPanel:not(.lm-mod-hidden)') === null,
        undefined,
        { timeout: 30_000 },
      );

      await explain('the saved notebook did not reopen', openNotebook(page, file, { kernel: true }));
      assert.equal(await figureOutputCount(page), figures);
      await assertAllDrawn(page, figures, 'reopened');
      assert.deepEqual(await executionCounts(page), counts, 'nothing ran again');
      assertClean();
      await labCommand(page, 'application:close');
      page.off('request', onRequest);
      assert.equal(writes.length, 1, 'the reopened notebook was not written again');
    });

    test('the executed report notebook, trusted: every figure draws', { timeout: 600_000 }, async () => {
      const page = browser!.page;
      await explain('the report did not open', openNotebook(page, rel('report.ipynb'), { kernel: false }));
      const figures = await figureOutputCount(page);
      assert.ok(figures >= 28, `${figures} figure outputs`);
      await assertAllDrawn(page, figures, 'trusted report');
      assertClean();
      await labCommand(page, 'application:close');
    });

    test(`the executed report notebook, untrusted: ${variant === 'plotly' ? 'every figure draws' : 'each figure says how to trust the notebook'}`, {
      timeout: 600_000,
    }, async () => {
      const page = browser!.page;
      await explain(
        'the untrusted report did not open',
        openNotebook(page, rel('report-untrusted.ipynb'), { kernel: false }),
      );
      const figures = await figureOutputCount(page);
      assert.ok(figures >= 28, `${figures} figure outputs`);
      if (variant === 'plotly') {
        await assertAllDrawn(page, figures, 'untrusted report');
      } else {
        assert.deepEqual(await figureStatesIn(page, variant), [], 'no figure script runs in an untrusted notebook');
        const notes = await untrustedFigureNotes(page, figures);
        assert.equal(notes.length, figures, 'a note where each figure would be');
        for (const note of notes)
          assert.match(note, /Trust Notebook/, `the note says how to trust the notebook: ${note}`);
      }
      assertClean();
      await waitForNotebook(page, rel('report-untrusted.ipynb'), { kernel: false });
      await labCommand(page, 'application:close');
    });
  });
}
