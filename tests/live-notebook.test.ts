/**
 * The closest to JupyterLab this machine offers: Debian's classic Notebook server on localhost
 * with the project's kernel (JUPYTER_PATH), the evaluation notebook opened in headless Chromium,
 * Cell → Run All, and every figure draws in the page while the kernel runs (and the query tables
 * sort), with no trust prompt and no console error. The notebook runs from a temp copy beside
 * notebooks/ (so autosave never touches the committed file) on demo data generated into a temp dir.
 * Bounded: 4 minutes.
 */
import { after, before, test } from 'node:test';
import * as assert from 'node:assert/strict';
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { randomBytes } from 'node:crypto';
import type { BrowserContext } from 'playwright-core';
import { findProjectRoot, projectJupyterDir } from '../lib/notebook/kernel';
import { paramsToEnv } from '../lib/notebook/params';
import { CHROMIUM } from './plot-fixtures';
import { isLocal, launchOffline } from './browser-harness';
import { freePort } from '../lab/harness';

const root = findProjectRoot(__dirname);
const JUPYTER = '/usr/bin/jupyter';
const GENERATOR = path.join(root, 'dist', 'data', 'generate.js');
const hasNotebookServer =
  fs.existsSync(JUPYTER) && spawnSync('/usr/bin/python3', ['-c', 'import notebook'], { stdio: 'ignore' }).status === 0;
const skip = !hasNotebookServer
  ? 'no classic Notebook server (python3-notebook)'
  : !fs.existsSync(CHROMIUM)
    ? 'no /usr/bin/chromium'
    : !fs.existsSync(GENERATOR)
      ? 'data generator not built'
      : false;

const RUN_FOLDERS = ['models_2019_06_01_21_21', 'models_2019_06_01_21_44', 'models_2019_06_01_22_11'];

async function waitForServer(url: string, server: ChildProcess, log: () => string, timeoutMs: number): Promise<void> {
  const t0 = Date.now();
  while (Date.now() - t0 < timeoutMs) {
    if (server.exitCode !== null) throw new Error(`the Notebook server exited (${server.exitCode}):\n${log()}`);
    try {
      const res = await fetch(url);
      if (res.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`the Notebook server did not answer within ${timeoutMs} ms:\n${log()}`);
}

let work = '';
let notebookDir = '';
let server: ChildProcess | undefined;
let serverLog = '';
let baseUrl = '';
let token = '';
let context: BrowserContext | undefined;

before(async () => {
  if (skip) return;
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'live-notebook-'));
  const data = path.join(work, 'data');
  const gen = spawnSync(process.execPath, [GENERATOR, '--scale', 'demo', '--out', data], { encoding: 'utf8' });
  assert.equal(gen.status, 0, gen.stderr);
  assert.equal(spawnSync(process.execPath, [path.join(root, 'dist', 'cli', 'kernel.js')]).status, 0);
  // A sibling of notebooks/, so the notebook's '../dist/lib/...' imports resolve as in the real one.
  notebookDir = fs.mkdtempSync(path.join(root, '.live-test-'));
  fs.copyFileSync(path.join(root, 'notebooks', 'evaluation_5T.ipynb'), path.join(notebookDir, 'evaluation_5T.ipynb'));

  const port = await freePort();
  token = randomBytes(16).toString('hex');
  baseUrl = `http://127.0.0.1:${port}`;
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    ...paramsToEnv({
      models: RUN_FOLDERS.map((r) => path.join(data, 'models', r)),
      full: path.join(data, 'final', 'final_dataset_5T.csv'),
      sampleSize: 300,
    }),
    JUPYTER_PATH: projectJupyterDir(root),
    // Isolated Jupyter state: no user config, secrets, signatures or runtime files touched.
    JUPYTER_CONFIG_DIR: path.join(work, 'config'),
    JUPYTER_DATA_DIR: path.join(work, 'jupyter-data'),
    JUPYTER_RUNTIME_DIR: path.join(work, 'runtime'),
    IPYTHONDIR: path.join(work, 'ipython'),
  };
  server = spawn(
    JUPYTER,
    [
      'notebook',
      '--no-browser',
      `--port=${port}`,
      '--port-retries=0',
      '--ip=127.0.0.1',
      `--NotebookApp.token=${token}`,
      `--notebook-dir=${root}`,
      '--ContentsManager.allow_hidden=True',
      ...(process.getuid?.() === 0 ? ['--allow-root'] : []),
    ],
    { env, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  server.stdout?.on('data', (chunk: Buffer) => (serverLog += chunk.toString()));
  server.stderr?.on('data', (chunk: Buffer) => (serverLog += chunk.toString()));
  await waitForServer(`${baseUrl}/api/status?token=${token}`, server, () => serverLog, 60_000);
});

after(async () => {
  if (context) await context.close().catch(() => undefined);
  if (server && server.exitCode === null) {
    // Shut the kernels down through the API, then stop the server we started (by its pid).
    try {
      const sessions = (await (await fetch(`${baseUrl}/api/sessions?token=${token}`)).json()) as { id: string }[];
      for (const s of sessions) await fetch(`${baseUrl}/api/sessions/${s.id}?token=${token}`, { method: 'DELETE' });
    } catch {
      // server already gone
    }
    const exited = new Promise<void>((resolve) => server!.once('exit', () => resolve()));
    server.kill('SIGTERM');
    const timer = setTimeout(() => server!.exitCode === null && server!.kill('SIGKILL'), 10_000);
    await exited;
    clearTimeout(timer);
  }
  if (notebookDir) fs.rmSync(notebookDir, { recursive: true, force: true });
  if (work) fs.rmSync(work, { recursive: true, force: true });
});

test('classic Notebook: Run All draws every figure, no trust prompt, no console error', {
  skip,
  timeout: 240_000,
}, async () => {
  const profile = path.join(work, 'chromium-profile');
  const browser = await launchOffline(
    profile,
    (url) => url.startsWith(baseUrl) || (isLocal(url) && !url.startsWith('file:')),
  );
  context = browser.context;
  const { page, errors, blocked } = browser;
  const dialogs: string[] = [];
  page.on('dialog', (dialog) => {
    dialogs.push(dialog.message());
    void dialog.dismiss();
  });

  /** Waits, and on timeout fails with what the page and the server said. */
  const waitOrExplain = async (what: string, wait: Promise<unknown>): Promise<void> => {
    try {
      await wait;
    } catch (err) {
      const shot = path.join(os.tmpdir(), `live-notebook-failure-${process.pid}.png`);
      await page.screenshot({ path: shot, fullPage: false }).catch(() => undefined);
      throw new Error(
        `${what}: ${(err as Error).message}\nconsole errors: ${JSON.stringify(errors)}\nblocked: ${JSON.stringify(blocked)}\n` +
          `dialogs: ${JSON.stringify(dialogs)}\nscreenshot: ${shot}\nserver log (tail):\n${serverLog.split('\n').slice(-30).join('\n')}`,
      );
    }
  };

  const rel = path.relative(root, path.join(notebookDir, 'evaluation_5T.ipynb')).split(path.sep).join('/');
  await page.goto(`${baseUrl}/notebooks/${rel}?token=${token}`, { waitUntil: 'load', timeout: 60_000 });
  // The kernel is up when the notebook reports it idle.
  await waitOrExplain(
    'the kernel did not start',
    page.waitForFunction(
      () => {
        const w = window as unknown as {
          Jupyter?: {
            notebook?: {
              _fully_loaded?: boolean;
              kernel?: { is_connected(): boolean; info_reply?: { implementation?: string } };
            };
          };
        };
        const nb = w.Jupyter?.notebook;
        return (
          nb?._fully_loaded === true &&
          nb.kernel?.is_connected() === true &&
          nb.kernel.info_reply?.implementation !== undefined &&
          document.querySelector('#kernel_indicator_icon.kernel_idle_icon') !== null
        );
      },
      undefined,
      { timeout: 60_000, polling: 200 },
    ),
  );
  const kernelName = await page.evaluate(
    () => (window as unknown as { Jupyter: { notebook: { kernel: { name: string } } } }).Jupyter.notebook.kernel.name,
  );
  assert.equal(kernelName, 'tslab-anomaly-eval');

  // Cell → Run All, through the menu a user clicks.
  await page.click('#celllink');
  await page.locator('#run_all_cells > a').waitFor({ state: 'visible' });
  await page.click('#run_all_cells > a');
  await waitOrExplain(
    'Run All did not start',
    page.waitForFunction(
      () =>
        Array.from(document.querySelectorAll('.code_cell .input_prompt')).some((p) =>
          /In\s*\[[*\d]/.test(p.textContent ?? ''),
        ),
      undefined,
      { timeout: 15_000, polling: 100 },
    ),
  );

  // Done when every code cell has a number and the kernel is idle again.
  await waitOrExplain(
    'Run All did not finish',
    page.waitForFunction(
      () => {
        const prompts = Array.from(document.querySelectorAll('.code_cell .input_prompt')).map(
          (p) => p.textContent ?? '',
        );
        const allRun = prompts.length > 0 && prompts.every((p) => /In\s*\[\d+\]/.test(p));
        return allRun && document.querySelector('#kernel_indicator_icon.kernel_idle_icon') !== null;
      },
      undefined,
      { timeout: 180_000, polling: 500 },
    ),
  );
  const errorOutputs = await page.$$eval('.output_area .output_error, .output_area .output_stderr', (els) =>
    els.map((e) => (e.textContent ?? '').slice(0, 300)),
  );
  assert.deepEqual(errorOutputs, [], 'no error or stderr output in any cell');

  // Figures draw when scrolled near: visit each one.
  const figures = await page.$$eval('div[data-anomaly-eval-figure]', (divs) => divs.length);
  assert.ok(figures >= 28, `${figures} figures on the page`);
  for (let i = 0; i < figures; i++) {
    await page.evaluate((k) => document.querySelectorAll('div[data-anomaly-eval-figure]')[k].scrollIntoView(), i);
    await page.waitForFunction(
      (k) => document.querySelectorAll('div[data-anomaly-eval-figure]')[k].getAttribute('data-state') === 'drawn',
      i,
      { timeout: 30_000, polling: 50 },
    );
  }
  // Figures far from the viewport are released again by design (lib/display): each must have drawn once.
  const undrawn = await page.$$eval('div[data-anomaly-eval-figure]', (divs) =>
    divs
      .map((d, i) => `${i}:${d.getAttribute('data-state')}`)
      .filter((_, i) => !divs[i].hasAttribute('data-drawn-ms') || divs[i].getAttribute('data-state') === 'error'),
  );
  assert.deepEqual(undrawn, [], 'every figure drew');
  const svgs = await page.$$eval('div[data-anomaly-eval-figure][data-state="drawn"] .main-svg', (els) => els.length);
  assert.ok(svgs > 0, 'the figures in view hold their SVG');
  // The query tables (the triage table, "Ask your own questions") sort on a header click here too.
  const tableStates = await page.$$eval('[data-anomaly-eval-table]', (boxes) =>
    boxes.map((b) => b.getAttribute('data-state')),
  );
  assert.ok(tableStates.length >= 4 && tableStates.every((state) => state === 'ready'), JSON.stringify(tableStates));
  const triage = page.locator('[data-anomaly-eval-table]').first();
  await triage.scrollIntoViewIfNeeded();
  await triage.locator('th', { hasText: 'score' }).click();
  assert.equal(await triage.locator('th[aria-sort="ascending"]').textContent(), 'score ▲');
  type JupyterWindow = {
    Jupyter: { notebook: { trusted: boolean; toJSON(): unknown; save_notebook(): Promise<unknown>; dirty: boolean } };
  };
  // Outputs made in this session are trusted (toJSON recomputes the notebook's trust from its cells).
  const trusted = await page.evaluate(() => {
    const nb = (window as unknown as JupyterWindow).Jupyter.notebook;
    nb.toJSON();
    return nb.trusted;
  });
  assert.equal(trusted, true, 'every output of Run All is trusted');
  const visibleModals = () =>
    page.$$eval('.modal-dialog', (els) => els.filter((e) => (e as HTMLElement).offsetParent !== null).length);
  assert.equal(await visibleModals(), 0, 'no modal (trust prompt) open');

  // Saved and reopened, the notebook (signed by the server on save) is trusted and its figures draw.
  await page.evaluate(() => (window as unknown as JupyterWindow).Jupyter.notebook.save_notebook());
  await page.reload({ waitUntil: 'load' });
  await waitOrExplain(
    'the reopened notebook did not load',
    page.waitForFunction(
      () =>
        document.querySelectorAll('div[data-anomaly-eval-figure]').length > 0 &&
        (window as unknown as { Jupyter?: { notebook?: { trusted: boolean | null } } }).Jupyter?.notebook?.trusted !==
          null,
      undefined,
      { timeout: 60_000, polling: 200 },
    ),
  );
  assert.equal(
    await page.evaluate(() => (window as unknown as JupyterWindow).Jupyter.notebook.trusted),
    true,
    'the saved notebook reopens trusted',
  );
  await page.evaluate(() => document.querySelectorAll('div[data-anomaly-eval-figure]')[0].scrollIntoView());
  await waitOrExplain(
    'a figure of the reopened notebook did not draw',
    page.waitForFunction(
      () => document.querySelectorAll('div[data-anomaly-eval-figure]')[0].getAttribute('data-state') === 'drawn',
      undefined,
      { timeout: 30_000, polling: 50 },
    ),
  );
  assert.equal(await visibleModals(), 0, 'no modal (trust prompt) open after reopening');
  assert.deepEqual(dialogs, []);
  assert.deepEqual(errors, [], 'no console error');
  assert.deepEqual(blocked, [], 'no request beyond the local server');
});
