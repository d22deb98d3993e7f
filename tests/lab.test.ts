/**
 * JupyterLab for real: the harness's Lab 4.5 (lab/, built by `npm run lab` or .ci/run) served by
 * Debian's jupyter_server on 127.0.0.1, driven in headless Chromium, in both variants (with
 * jupyterlab-plotly's renderer and without it):
 * - live: the evaluation notebook (a copy beside notebooks/) on demo data with the project's kernel,
 *   Run All: no error output, every figure draws; saved, closed and reopened, the figures draw again
 *   without rerunning;
 * - the executed notebook of `npm run report` (figures as HTML twins only, the default) opens and
 *   every figure draws when trusted; untrusted, each figure shows a note saying how to trust the
 *   notebook, in both variants;
 * - following one IP (the follow output of the triage cell), in both variants: a click on its line
 *   or the search box highlights it in every figure that holds it (again when a released figure
 *   draws again), a table row chooses it, two open notebooks keep their own choice, and a hostile
 *   label is followed as text; untrusted, the output is a note and nothing breaks;
 * - with jupyterlab-plotly, the same report with each figure's Plotly JSON stored beside its twin
 *   (`showFigure(fig, { plotlyJson: true })`): the extension draws every figure, trusted or not; the
 *   search box, a click on a heatmap row and the panel (which says figures are not highlighted) work;
 * - no console error and no request beyond 127.0.0.1, anywhere.
 * Jupyter state (secrets, signatures, settings) is isolated in a temp dir. Lab's autosave is off: the
 * live test saves explicitly, and an autosave running beside that save made Lab show a false "File
 * Changed" dialog (see {@link NO_AUTOSAVE}). The demo sample (1,200 normal rows) keeps normal panels
 * as densities, as at full scale. On a busy 2-core machine a variant takes minutes.
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
import { type OfflinePage, hasChromium, launchOffline, windowListeners } from './browser-harness';
import { FIGURES, clickLabelIn, drawFigure, figureIds, figureTitles, figuresNaming, settle } from './follow-page';
import { PLOTLY_MIME, figureBundle, plotlyLibraryBundle, tableBundle } from '../lib/notebook/display';
import { followBundle } from '../lib/notebook/follow-output';
import { plotAllIps } from '../lib/figures/timeline';
import { HOSTILE, HOSTILE_TWO, hostileFrames, hostileSummary } from './plot-fixtures';
import { isFigureOutput, outputHtml, twinSpecs } from './twins';
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
let reportDir = '';

/** The notebook panel in view. */
const SHOWN = '.jp-NotebookPanel:not(.lm-mod-hidden)';

/**
 * A small executed notebook whose IPs include two hostile labels: plotly.js, the follow output, a
 * timeline holding them and a table naming them (the outputs a notebook shows), as Jupyter writes them.
 */
function hostileNotebook(): unknown {
  const { anomalous, normal } = hostileFrames();
  const summary = hostileSummary(anomalous);
  const bundles = [
    plotlyLibraryBundle(),
    followBundle(summary),
    figureBundle(plotAllIps(anomalous, normal, 'avg_Length')),
    tableBundle(anomalous, { rows: 30 }),
  ];
  return {
    nbformat: 4,
    nbformat_minor: 5,
    metadata: {},
    cells: bundles.map((bundle, i) => ({
      cell_type: 'code',
      id: `cell-${i}`,
      metadata: {},
      execution_count: i + 1,
      source: `// output ${i + 1}`,
      outputs: [{ output_type: 'display_data', data: bundle.data, metadata: bundle.metadata }],
    })),
  };
}

/**
 * A notebook whose figures carry their Plotly JSON beside the twin, as `showFigure(fig, { plotlyJson: true })`
 * stores them: each twin's spec, decoded, under the Plotly mime type.
 */
function withPlotlyJson(notebook: { cells: { outputs?: { data?: Record<string, unknown> }[] }[] }): object {
  for (const output of notebook.cells.flatMap((c) => c.outputs ?? [])) {
    const specs = twinSpecs(outputHtml(output.data));
    if (specs.length === 1) output.data![PLOTLY_MIME] = specs[0][1];
  }
  return notebook;
}

/** The chosen IP of the notebook in view: its panel's label, or undefined when its panel is closed. */
async function chosenInLab(page: Page): Promise<string | undefined> {
  return page.evaluate((shown) => {
    const panel = document.querySelector(`${shown} .ae-follow-panel`) as HTMLElement | null;
    return panel && !panel.hidden ? (panel.querySelector('.ae-follow-label')?.textContent ?? undefined) : undefined;
  }, SHOWN);
}

/** Types `text` into the search box of the notebook in view and presses Enter. */
async function searchInLab(page: Page, text: string): Promise<void> {
  await page.fill(`${SHOWN} .ae-follow-search`, text);
  await page.press(`${SHOWN} .ae-follow-search`, 'Enter');
}

/** Waits until the follow output of the notebook in view has set itself up. */
async function followReady(page: Page): Promise<void> {
  await page.waitForSelector(`${SHOWN} .ae-follow-output[data-state="ready"] .ae-follow-search`, {
    state: 'attached',
    timeout: 60_000,
  });
}

/** The text/html outputs of a notebook file, joined (the twins' specs are in them). */
function notebookHtml(file: string): string {
  const nb = JSON.parse(fs.readFileSync(file, 'utf8')) as {
    cells: { outputs?: { data?: Record<string, unknown> }[] }[];
  };
  return nb.cells
    .flatMap((c) => c.outputs ?? [])
    .map((o) => outputHtml(o.data))
    .join('\n');
}
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
  reportDir = out;
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
  // The report storing each figure's Plotly JSON too, signed, and an untrusted copy.
  const json = withPlotlyJson(JSON.parse(fs.readFileSync(path.join(out, 'evaluation_5T.ipynb'), 'utf8')));
  fs.writeFileSync(path.join(notebookDir, 'report-json-untrusted.ipynb'), JSON.stringify(json, null, 1));
  fs.writeFileSync(path.join(notebookDir, 'report-json.ipynb'), JSON.stringify(json, null, 1));
  // The hostile notebook, signed with the same isolated secret.
  fs.writeFileSync(path.join(notebookDir, 'hostile.ipynb'), JSON.stringify(hostileNotebook(), null, 1));
  for (const signed of ['hostile.ipynb', 'report-json.ipynb']) {
    const sign = spawnSync(findLabPython() as string, ['-m', 'nbformat.sign', path.join(notebookDir, signed)], {
      env,
      encoding: 'utf8',
    });
    assert.equal(sign.status, 0, sign.stderr);
  }
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

    /** Opens an executed notebook without its kernel; returns how many figure outputs it holds (at least 28). */
    async function openExecuted(page: Page, file: string): Promise<number> {
      await explain(`${file} did not open`, openNotebook(page, rel(file), { kernel: false }));
      const figures = await figureOutputCount(page);
      assert.ok(figures >= 28, `${figures} figure outputs`);
      return figures;
    }

    /** Escape clears the chosen IP; then no console error or outside request so far, and the notebook closes. */
    async function escapeAndClose(page: Page): Promise<void> {
      await page.keyboard.press('Escape');
      assert.equal(await chosenInLab(page), undefined);
      assertClean();
      await closeUnsaved(page, 'application:close');
    }

    /**
     * Closes the notebook in view (or all, with `application:close-all`) without saving: jupyterlab-plotly's
     * drawing can mark a notebook of Plotly JSON unsaved (it keeps PNG copies in the model), and Lab
     * then asks whether to save; the hostile notebook has no kernelspec, so Lab gave it its default one.
     */
    async function closeUnsaved(page: Page, command: 'application:close' | 'application:close-all'): Promise<void> {
      await labCommand(page, command);
      const discard = await page
        .waitForSelector('.jp-Dialog .jp-Dialog-button.jp-mod-warn', { timeout: 3_000 })
        .catch(() => null);
      await discard?.click();
    }

    /** Once the follow output is set up, types the report's top IP into its search box: chosen. Returns the report's summary. */
    async function followTopIp(page: Page): Promise<{ anomalies: { label: string }[] }> {
      await explain('the follow output did not set itself up', followReady(page));
      const summary = JSON.parse(fs.readFileSync(path.join(reportDir, 'summary.json'), 'utf8')) as {
        anomalies: { label: string }[];
      };
      const top = summary.anomalies[0].label;
      await searchInLab(page, top);
      assert.equal(await chosenInLab(page), top);
      return summary;
    }

    async function assertAllDrawn(page: Page, expected: number, what: string): Promise<void> {
      const states = await explain(
        `${what}: scrolling through the figures`,
        scrollThroughFigures(page, 30_000, undefined, expected),
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
      const savedFigures = saved.cells.flatMap((c) => c.outputs ?? []).filter((o) => isFigureOutput(o.data)).length;
      assert.equal(savedFigures, figures, 'every figure is in the saved file');
      const pngs = saved.cells.flatMap((c) => c.outputs ?? []).filter((o) => o.data && 'image/png' in o.data).length;
      assert.equal(pngs, 0, 'no PNG copy saved (jupyterlab-plotly stores one of each figure it draws; it drew none)');
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
      const figures = await openExecuted(page, 'report.ipynb');
      await assertAllDrawn(page, figures, 'trusted report');
      // Following an IP: the search box of the triage cell opens its panel; Escape clears.
      await followTopIp(page);
      await escapeAndClose(page);
    });

    test('figures stored with their Plotly JSON: jupyterlab-plotly draws every one, trusted or not; the search box, a heatmap row and the panel work', {
      timeout: 600_000,
      skip: variant === 'html' && 'without jupyterlab-plotly the twins draw these figures (the tests above)',
    }, async () => {
      const page = browser!.page;
      const figures = await openExecuted(page, 'report-json-untrusted.ipynb');
      await assertAllDrawn(page, figures, 'untrusted, drawn by the extension');
      await closeUnsaved(page, 'application:close');

      await explain('the notebook did not open', openNotebook(page, rel('report-json.ipynb'), { kernel: false }));
      await assertAllDrawn(page, figures, 'trusted, drawn by the extension');
      assert.equal(
        await page.$$eval(`${SHOWN} .jp-RenderedPlotly`, (n) => n.length),
        figures,
        'the extension drew them',
      );
      const summary = await followTopIp(page);
      // jupyterlab-plotly draws the figures with its own plotly.js: the panel says they are not highlighted.
      await page.waitForFunction(
        (shown) => /not highlighted/.test(document.querySelector(`${shown} .ae-follow-panel`)?.textContent ?? ''),
        SHOWN,
        { timeout: 30_000 },
      );
      await page.keyboard.press('Escape');
      // A click on a row of the extension's campaigns heatmap chooses that IP.
      const extension = `${SHOWN} .jp-RenderedPlotly`;
      const heatmap = await page.$$eval(extension, (drawn) =>
        drawn.findIndex((gd) => (gd as HTMLElement & { data?: { type?: string }[] }).data?.[0]?.type === 'heatmap'),
      );
      assert.ok(heatmap >= 0, 'the campaigns heatmap is drawn');
      await page.$$eval(extension, (drawn, k) => drawn[k as number].scrollIntoView({ block: 'center' }), heatmap);
      await page.waitForTimeout(1000);
      const other = summary.anomalies[1].label;
      await clickLabelIn(page, heatmap, other, SHOWN, '.jp-RenderedPlotly');
      assert.equal(await chosenInLab(page), other);
      await escapeAndClose(page);
    });

    test('the executed report notebook, untrusted: each figure says how to trust the notebook', {
      timeout: 600_000,
    }, async () => {
      const page = browser!.page;
      const figures = await openExecuted(page, 'report-untrusted.ipynb');
      assert.deepEqual(await figureStatesIn(page), [], 'no figure script runs in an untrusted notebook');
      const notes = await untrustedFigureNotes(page, figures);
      assert.equal(notes.length, figures, 'a note where each figure would be');
      for (const note of notes)
        assert.match(note, /Trust Notebook/, `the note says how to trust the notebook: ${note}`);
      // The follow output is a note saying how to trust the notebook (Lab's sanitizer keeps its text), and no search box.
      const follow = await page.$$eval(`${SHOWN} .jp-OutputArea-output[data-mime-type="text/html"]`, (outputs) =>
        outputs.map((o) => (o.textContent ?? '').trim()).filter((t) => t.startsWith('Follow an IP:')),
      );
      assert.equal(follow.length, 1, 'the follow output is a note');
      assert.match(follow[0], /Trust Notebook/);
      assert.equal(await page.$$eval(`${SHOWN} .ae-follow-search`, (n) => n.length), 0);
      assertClean();
      await waitForNotebook(page, rel('report-untrusted.ipynb'), { kernel: false });
      await labCommand(page, 'application:close');
    });

    test('following one IP: its line, the search box, every figure that holds it (again when redrawn), a table row, Escape; each notebook its own; hostile labels inert', {
      timeout: 600_000,
    }, async () => {
      const page = browser!.page;
      await explain('the report did not open', openNotebook(page, rel('report.ipynb'), { kernel: false }));
      await explain('the follow output did not set itself up', followReady(page));
      const html = notebookHtml(path.join(notebookDir, 'report.ipynb'));
      const summary = JSON.parse(fs.readFileSync(path.join(reportDir, 'summary.json'), 'utf8')) as {
        anomalies: { label: string; score: number }[];
      };
      // The IP drawn in the most figures.
      const held = (label: string): number => [...figuresNaming(html, label).values()].filter(Boolean).length;
      const label = [...summary.anomalies].sort((a, b) => held(b.label) - held(a.label) || b.score - a.score)[0].label;
      const naming = figuresNaming(html, label);
      assert.ok(held(label) >= 5, `the IP is in several figures (${held(label)})`);
      // In document order (Lab attaches the cells of a long notebook as they come near: not all are there yet).
      const ids = figureIds(html);
      assert.equal(ids.length, await figureOutputCount(page), 'a twin per figure output');
      const titles = figureTitles(html);

      // A click on its line in the first timeline that holds it.
      const timeline = ids.findIndex((id) => naming.get(id) && /along the timeline/.test(titles.get(id) ?? ''));
      assert.ok(timeline >= 0, 'a timeline holds it');
      await explain('the timeline did not draw', drawFigure(page, timeline, SHOWN));
      await clickLabelIn(page, timeline, label, SHOWN);
      assert.equal(await chosenInLab(page), label);
      await settle(page);
      assert.equal(
        await page.$$eval(`${SHOWN} ${FIGURES}`, (d, k) => d[k as number].hasAttribute('data-ae-chosen'), timeline),
        true,
      );
      await page.keyboard.press('Escape');
      assert.equal(await chosenInLab(page), undefined);
      await settle(page);
      assert.equal(await page.$$eval(`${SHOWN} [data-ae-chosen]`, (d) => d.length), 0, 'Escape clears every figure');

      // Typed in the search box (part of it, Enter): highlighted in exactly the figures that hold it.
      await searchInLab(page, label.slice(0, -2));
      assert.equal(await chosenInLab(page), label);
      const wrong: string[] = [];
      for (let i = 0; i < ids.length; i++) {
        await explain(`figure ${i} did not draw`, drawFigure(page, i, SHOWN));
        await settle(page);
        const chosen = await page.$$eval(
          `${SHOWN} ${FIGURES}`,
          (d, k) => d[k as number].hasAttribute('data-ae-chosen'),
          i,
        );
        if (chosen !== (naming.get(ids[i]) ?? false)) wrong.push(`${i}: chosen ${chosen}, holds ${naming.get(ids[i])}`);
      }
      assert.deepEqual(
        await page.$$eval(`${SHOWN} ${FIGURES}`, (d) => d.map((x) => x.getAttribute('data-anomaly-eval-figure') ?? '')),
        ids,
        'the figures visited are those of the notebook',
      );
      assert.deepEqual(wrong, [], 'highlighted exactly in the figures whose spec names the IP');
      // The first timeline was released far above and draws again when it comes back: highlighted again.
      await drawFigure(page, timeline, SHOWN);
      await settle(page);
      const again = await page.$$eval(
        `${SHOWN} ${FIGURES}`,
        (d, k) => ({
          draws: Number(d[k as number].getAttribute('data-draws')),
          chosen: d[k as number].hasAttribute('data-ae-chosen'),
        }),
        timeline,
      );
      assert.ok(again.draws >= 2, `the figure was released and drawn again (${again.draws} draws)`);
      assert.equal(again.chosen, true, 'highlighted again when drawn again');
      const panelText = await page.$eval(`${SHOWN} .ae-follow-panel`, (p) => p.textContent ?? '');
      assert.match(panelText, new RegExp(`In ${held(label)} figures`), 'the panel counts the figures that hold it');
      await page.keyboard.press('Escape');

      // Its row in the triage table (sorted by score): the second row.
      const byScore = [...summary.anomalies].sort((a, b) => b.score - a.score);
      const row = page.locator(`${SHOWN} table:has(th:text-is("reason 1")) tbody tr`).nth(1);
      await row.scrollIntoViewIfNeeded();
      await row.click();
      assert.equal(await chosenInLab(page), byScore[1].label);
      assert.ok((await page.$$eval(`${SHOWN} tr.ae-chosen-row`, (r) => r.length)) >= 1, 'its row is highlighted');

      // A second notebook, hostile labels: followed as text, nothing runs; each notebook keeps its own IP.
      await explain('the hostile notebook did not open', openNotebook(page, rel('hostile.ipynb'), { kernel: false }));
      await explain('its follow output did not set itself up', followReady(page));
      assert.equal(await chosenInLab(page), undefined, "the other notebook's IP is not chosen here");
      for (const hostile of [HOSTILE, HOSTILE_TWO]) {
        await searchInLab(page, hostile);
        assert.equal(await chosenInLab(page), hostile);
        await drawFigure(page, 0, SHOWN);
        await settle(page);
        assert.equal(await page.$eval(`${SHOWN} ${FIGURES}`, (d) => d.hasAttribute('data-ae-chosen')), true);
        assert.ok(
          (await page.$$eval(`${SHOWN} tr.ae-chosen-row`, (r) => r.length)) >= 1,
          'its table row is highlighted',
        );
      }
      const injected = await page.evaluate(() => ({
        xss: (window as unknown as { __xss?: number }).__xss,
        imgs: document.querySelectorAll('img[src="x"]').length,
        svgOnload: document.querySelectorAll('svg[onload]').length,
      }));
      assert.deepEqual(injected, { xss: undefined, imgs: 0, svgOnload: 0 });
      await labCommand(page, 'docmanager:open', { path: rel('report.ipynb') });
      await waitForNotebook(page, rel('report.ipynb'), { kernel: false });
      assert.equal(await chosenInLab(page), byScore[1].label, 'the report keeps its own IP');
      await page.keyboard.press('Escape');
      assert.equal(await chosenInLab(page), undefined);
      await labCommand(page, 'docmanager:open', { path: rel('hostile.ipynb') });
      await waitForNotebook(page, rel('hostile.ipynb'), { kernel: false });
      assert.equal(await chosenInLab(page), HOSTILE_TWO, "Escape in the report left the hostile notebook's IP");
      assertClean();
      // Closed, the notebooks let go of the window: their Escape listeners leave within ~10 s.
      const escapeListeners = await windowListeners(page, 'keydown', { name: 'onKey' });
      assert.ok(escapeListeners >= 2, `one Escape listener per open notebook (${escapeListeners})`);
      await closeUnsaved(page, 'application:close-all');
      await explain(
        'the notebooks did not close',
        page.waitForFunction(() => document.querySelector('.jp-NotebookPanel') === null, undefined, {
          timeout: 30_000,
        }),
      );
      const t0 = Date.now();
      while ((await windowListeners(page, 'keydown', { name: 'onKey' })) > 0 && Date.now() - t0 < 20_000)
        await page.waitForTimeout(500);
      assert.equal(
        await windowListeners(page, 'keydown', { name: 'onKey' }),
        0,
        'no Escape listener left by a closed notebook',
      );
    });
  });
}
