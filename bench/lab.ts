/**
 * `npm run bench:lab -- --notebook FILE [--variant plotly|html|both] [--repeat N] [--untrusted] [--save] [--json OUT]`:
 * how a notebook reads in the harness's JupyterLab (lab/, built by `npm run lab`), against Lab's
 * own floor measured in the same run: the same notebook cut after its first figure. Both files
 * are copied into a temp folder served on 127.0.0.1 and (unless --untrusted) signed with a temp
 * Jupyter secret the server trusts; for each, a fresh headless Chromium profile opens it straight
 * from its URL, then scrolls like a reader, a screen at a time, waiting at each stop until the
 * figures in view have drawn. Each run opens the floor and the notebook, in alternating order, so
 * drift in the machine's load falls on both. Prints every open, then per variant the medians and
 * the first figure's difference to the floor; --json writes every open.
 *
 * Times are the page's clock (ms since navigation start): when each figure first drew
 * (jupyterlab-plotly's figures are stamped by a MutationObserver when their SVG appears, our HTML
 * twins stamp themselves). heap: JS heap used (CDP) at the end, and again after a forced garbage
 * collection (what the page keeps); renderer: peak VmRSS of the page's renderer process (/proc),
 * sampled after each screen. With --save the notebook is saved from Lab after the pass (Ctrl+S) and
 * the saved file's size reported: jupyterlab-plotly stores a PNG of every figure it drew.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { type BrowserContext, type Page, chromium } from 'playwright-core';
import { findProjectRoot } from '../lib/notebook/kernel';
import { runCommand } from '../cli/args';
import { LAB_VARIANTS, type LabServer, type LabVariant, findLabPython, labIsBuilt, startLab } from '../lab/harness';
import {
  figureOutputCount,
  labCommand,
  scrollThroughFigures,
  waitForNotebook,
  watchPlotlyDraws,
} from '../tests/lab-page';
import { CHROMIUM, CHROMIUM_ARGS } from '../tests/plot-fixtures';
import { openOffline } from '../tests/browser-harness';
import { isFigureOutput } from '../tests/twins';
import { benchArgs, stringOption, wholeNumber } from './args';

/** One notebook opened once. */
export interface LabOpen {
  run: number;
  /** `page`: the report's HTML page (--page), opened offline, beside Lab's two variants. */
  variant: LabVariant | 'page';
  /** `floor`: the notebook cut after its first figure; `notebook`: the whole notebook. */
  which: 'floor' | 'notebook';
  notebookMB: number;
  firstFigureMs: number;
  allFiguresMs: number;
  figures: number;
  drawn: number;
  heapMB: number;
  heapAfterGcMB: number;
  rendererRssMB: number;
  consoleErrors: number;
  /** Size of the file after Lab saved it (--save, notebook only). */
  savedMB?: number;
  /** Outputs holding a PNG in the saved file, and their base64 MB (jupyterlab-plotly's copies). */
  savedPngs?: number;
  savedPngMB?: number;
  /** 1-minute load average when the open started. */
  load: number;
}

const USAGE = `usage: npm run bench:lab -- --notebook FILE [--variant plotly|html|both] [--repeat N] [--untrusted] [--save] [--page HTML] [--json OUT]
       npm run bench:lab -- --page HTML [--repeat N] [--json OUT]   (the page alone: no Lab)
  --variant    plotly (default): Lab with jupyterlab-plotly; html: without it; both: one then the other each run
  --repeat     runs, each opening the floor (FILE cut after its first figure) and FILE (default 1)
  --untrusted  do not sign the notebooks (html variant: figures then show a note)
  --save       save FILE from Lab after reading it through, and report the saved size
  --page       also open this HTML page (the report's evaluation_5T.html) offline in each run, read the same way
               (alone, without --notebook: only the page, and Lab need not be built)
  --json       write every open as JSON`;

/**
 * The notebook cut after its first figure: every cell up to and including the first whose outputs
 * hold a figure, a twin or a Plotly JSON (so the cells that load plotly.js for the HTML twins stay).
 * Lab's floor for showing that figure: what Lab and the renderer cost before any other output.
 */
export function cutAfterFirstFigure(notebook: { cells: { outputs?: { data?: Record<string, unknown> }[] }[] }): object {
  const first = notebook.cells.findIndex((cell) => (cell.outputs ?? []).some((o) => isFigureOutput(o.data)));
  if (first < 0) throw new Error('bench:lab: the notebook holds no figure output: nothing to time');
  return { ...notebook, cells: notebook.cells.slice(0, first + 1) };
}

/** Peak resident MB of the largest renderer of the profile (the page's; the WebUI renderer is left out). */
function rendererRss(profile: string): number {
  let best = 0;
  for (const pid of fs.readdirSync('/proc').filter((d) => /^\d+$/.test(d))) {
    try {
      const cmd = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8');
      if (!cmd.includes('--type=renderer') || !cmd.includes(profile) || cmd.includes('--top-chrome-webui')) continue;
      const kb = /VmRSS:\s+(\d+)/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
      if (kb) best = Math.max(best, Number(kb[1]) / 1024);
    } catch {
      // the process ended meanwhile
    }
  }
  return best;
}

/** The page's JS heap in MB (Chromium's JSHeapUsedSize), as it is and after a forced collection. */
async function jsHeap(context: BrowserContext, page: Page): Promise<{ heap: number; heapAfterGc: number }> {
  const cdp = await context.newCDPSession(page);
  await cdp.send('Performance.enable');
  const heapNow = async (): Promise<number> =>
    ((await cdp.send('Performance.getMetrics')).metrics.find((m) => m.name === 'JSHeapUsedSize')?.value ?? NaN) /
    2 ** 20;
  const heap = await heapNow();
  await cdp.send('HeapProfiler.collectGarbage');
  return { heap, heapAfterGc: await heapNow() };
}

/** Opens `name` (in the served folder `served`) in a fresh browser profile and reads it through. */
async function openOnce(
  server: LabServer,
  served: string,
  name: string,
  work: string,
  save: boolean,
): Promise<Omit<LabOpen, 'run' | 'which'>> {
  const load = os.loadavg()[0];
  const profile = fs.mkdtempSync(path.join(work, 'profile-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    args: [...CHROMIUM_ARGS],
    headless: true,
    viewport: { width: 1280, height: 900 },
  });
  const errors: string[] = [];
  try {
    await context.route('**/*', (route) => {
      const url = route.request().url();
      return url.startsWith(`${server.baseUrl}/`) || url.startsWith('data:') || url.startsWith('blob:')
        ? route.continue()
        : route.abort();
    });
    const page = context.pages()[0] ?? (await context.newPage());
    page.on('console', (msg) => msg.type() === 'error' && errors.push(msg.text()));
    page.on('pageerror', (err) => errors.push(String(err)));
    await watchPlotlyDraws(page);
    let rss = 0;
    await page.goto(server.urlFor(name), { waitUntil: 'load', timeout: 120_000 });
    await waitForNotebook(page, name, { kernel: false, timeoutMs: 120_000 });
    rss = Math.max(rss, rendererRss(profile));
    const figures = await figureOutputCount(page);
    const states = await scrollThroughFigures(page, 60_000, () => (rss = Math.max(rss, rendererRss(profile))), figures);
    const times = states.map((s) => s.drawnMs).filter((t): t is number => t !== undefined);
    const { heap, heapAfterGc } = await jsHeap(context, page);
    let savedMB: number | undefined;
    let savedPngs: number | undefined;
    let savedPngMB: number | undefined;
    if (save) {
      const before = fs.statSync(path.join(served, name)).mtimeMs;
      await labCommand(page, 'docmanager:save');
      await page.waitForFunction(
        () => document.querySelector('.lm-TabBar-tab.lm-mod-current.jp-mod-dirty') === null,
        undefined,
        { timeout: 120_000 },
      );
      const t0 = Date.now();
      while (fs.statSync(path.join(served, name)).mtimeMs === before && Date.now() - t0 < 60_000)
        await new Promise((r) => setTimeout(r, 200));
      savedMB = fs.statSync(path.join(served, name)).size / 1e6;
      const saved = JSON.parse(fs.readFileSync(path.join(served, name), 'utf8')) as {
        cells: { outputs?: { data?: Record<string, unknown> }[] }[];
      };
      const pngs = saved.cells.flatMap((c) => c.outputs ?? []).map((o) => o.data?.['image/png']);
      savedPngs = pngs.filter((p) => typeof p === 'string').length;
      savedPngMB = pngs.reduce((sum: number, p) => sum + (typeof p === 'string' ? p.length : 0), 0) / 1e6;
    }
    return {
      variant: server.variant,
      notebookMB: fs.statSync(path.join(served, name)).size / 1e6,
      firstFigureMs: times.length ? Math.min(...times) : NaN,
      allFiguresMs: times.length === figures && figures > 0 ? Math.max(...times) : NaN,
      figures,
      drawn: states.filter((s) => s.drawn).length,
      heapMB: heap,
      heapAfterGcMB: heapAfterGc,
      rendererRssMB: rss,
      consoleErrors: errors.length,
      ...(savedMB === undefined ? {} : { savedMB, savedPngs, savedPngMB }),
      load,
    };
  } finally {
    await context.close().catch(() => undefined);
    fs.rmSync(profile, { recursive: true, force: true });
  }
}

/**
 * The report's HTML page opened offline (file://, fresh profile) and read like the notebook: a screen
 * at a time, waiting at each stop until the figures in view have drawn (each twin stamps its first draw).
 */
async function pageOnce(file: string, run: number): Promise<LabOpen> {
  const load = os.loadavg()[0];
  const p = await openOffline(fs.readFileSync(file, 'utf8'));
  try {
    const page = p.page;
    const profile = path.join(path.dirname(p.file), 'profile');
    let rss = rendererRss(profile);
    for (let step = 0; step < 2000; step++) {
      await page
        .waitForFunction(
          () =>
            Array.from(document.querySelectorAll('div[data-anomaly-eval-figure]')).every((div) => {
              const box = div.getBoundingClientRect();
              if (box.bottom < 0 || box.top > window.innerHeight) return true;
              return div.hasAttribute('data-drawn-ms') || div.getAttribute('data-state') === 'error';
            }),
          undefined,
          { timeout: 60_000, polling: 50 },
        )
        .catch(() => undefined);
      rss = Math.max(rss, rendererRss(profile));
      const atEnd = await page.evaluate(() => {
        const before = window.scrollY;
        window.scrollBy(0, window.innerHeight * 0.8);
        return window.scrollY === before;
      });
      if (atEnd) break;
      await page.waitForTimeout(50);
    }
    const stamps = await page.$$eval('div[data-anomaly-eval-figure]', (divs) =>
      divs.map((d) => (d.hasAttribute('data-drawn-ms') ? Number(d.getAttribute('data-drawn-ms')) : NaN)),
    );
    const times = stamps.filter((t) => Number.isFinite(t));
    const { heap, heapAfterGc } = await jsHeap(p.context, page);
    return {
      run,
      variant: 'page',
      which: 'notebook',
      notebookMB: fs.statSync(file).size / 1e6,
      firstFigureMs: times.length ? Math.min(...times) : NaN,
      allFiguresMs: times.length === stamps.length && times.length > 0 ? Math.max(...times) : NaN,
      figures: stamps.length,
      drawn: times.length,
      heapMB: heap,
      heapAfterGcMB: heapAfterGc,
      rendererRssMB: rss,
      consoleErrors: p.errors.length,
      load,
    };
  } finally {
    await p.close();
  }
}

/**
 * The page's first figure with no driver attached: headless Chromium (fresh profile) loads the page and
 * prints its DOM at `load` (`--dump-dom`); the first figure, drawn as soon as plotly.js has run,
 * has stamped its page-clock time by then. Playwright's CDP attachment slows plotly.js's evaluation
 * (~2×, bench/README.md), so this is the time a reader's browser takes. NaN when nothing was stamped.
 */
function pageUndrivenMs(file: string): number {
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-lab-undriven-'));
  try {
    const run = spawnSync(
      CHROMIUM,
      [...CHROMIUM_ARGS, `--user-data-dir=${profile}`, '--window-size=1280,900', '--dump-dom', `file://${file}`],
      { encoding: 'utf8', maxBuffer: 256 << 20, timeout: 120_000 },
    );
    const stamps = [...(run.stdout ?? '').matchAll(/data-drawn-ms="(\d+)"/g)].map((m) => Number(m[1]));
    return stamps.length ? Math.min(...stamps) : NaN;
  } finally {
    fs.rmSync(profile, { recursive: true, force: true });
  }
}

/** One run of one variant: a server serving fresh copies of the floor and the notebook; both opened, in `order`. */
async function benchRun(
  file: string,
  variant: LabVariant,
  trusted: boolean,
  save: boolean,
  run: number,
): Promise<LabOpen[]> {
  const root = findProjectRoot(__dirname);
  const python = findLabPython();
  if (!python) throw new Error('bench:lab: no Python with jupyter_server and jupyterlab_server');
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-lab-'));
  const served = path.join(work, 'served');
  fs.mkdirSync(served);
  const name = path.basename(file);
  const floorName = `floor-${name}`;
  fs.copyFileSync(file, path.join(served, name));
  const floor = cutAfterFirstFigure(JSON.parse(fs.readFileSync(file, 'utf8')));
  fs.writeFileSync(path.join(served, floorName), `${JSON.stringify(floor, null, 1)}\n`);
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    JUPYTER_CONFIG_DIR: path.join(work, 'config'),
    JUPYTER_DATA_DIR: path.join(work, 'jupyter-data'),
    JUPYTER_RUNTIME_DIR: path.join(work, 'runtime'),
  };
  if (trusted) {
    for (const n of [name, floorName]) {
      const sign = spawnSync(python, ['-m', 'nbformat.sign', path.join(served, n)], { env, encoding: 'utf8' });
      if (sign.status !== 0) throw new Error(`bench:lab: could not sign ${n}: ${sign.stderr}`);
    }
  }
  const server = await startLab({
    projectRoot: root,
    variant,
    env,
    rootDir: served,
    stateDir: path.join(work, 'state'),
  });
  try {
    const order: ('floor' | 'notebook')[] = run % 2 === 1 ? ['floor', 'notebook'] : ['notebook', 'floor'];
    const opens: LabOpen[] = [];
    for (const which of order) {
      const result = await openOnce(
        server,
        served,
        which === 'floor' ? floorName : name,
        work,
        save && which === 'notebook',
      );
      opens.push({ run, which, ...result });
      console.error(`bench:lab: run ${run}, ${variant}, ${which}: ${line(opens[opens.length - 1])}`);
    }
    return opens;
  } finally {
    await server.stop();
    fs.rmSync(work, { recursive: true, force: true });
  }
}

const fmt = (v: number | undefined, digits = 1): string =>
  v !== undefined && Number.isFinite(v) ? v.toFixed(digits) : 'n/a';

function median(values: readonly number[]): number {
  const sorted = values.filter((v) => Number.isFinite(v)).sort((a, b) => a - b);
  if (sorted.length === 0) return NaN;
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

function line(o: LabOpen): string {
  return `| ${o.run} | ${o.variant} | ${o.which} | ${fmt(o.notebookMB)} | ${fmt(o.firstFigureMs / 1000, 2)} | ${fmt(o.allFiguresMs / 1000, 2)} | ${o.drawn}/${o.figures} | ${fmt(o.heapMB, 0)} | ${fmt(o.heapAfterGcMB, 0)} | ${fmt(o.rendererRssMB, 0)} | ${o.consoleErrors} | ${o.savedMB === undefined ? 'n/a' : `${fmt(o.savedMB)} (${o.savedPngs} PNG, ${fmt(o.savedPngMB)} MB)`} | ${fmt(o.load)} |`;
}

/** Per variant: medians of the notebook's opens, the floor's first figure and the median per-run difference. */
function summary(opens: readonly LabOpen[], variant: LabOpen['variant']): string | undefined {
  const of = (which: LabOpen['which']) => opens.filter((o) => o.variant === variant && o.which === which);
  const notebook = of('notebook');
  const floor = of('floor');
  if (notebook.length === 0) return undefined;
  const differences = notebook.map((n) => n.firstFigureMs - (floor.find((f) => f.run === n.run)?.firstFigureMs ?? NaN));
  const m = (pick: (o: LabOpen) => number | undefined) => median(notebook.map((o) => pick(o) ?? NaN));
  return `| ${variant} | ${notebook.length} | ${fmt(m((o) => o.notebookMB))} | ${fmt(median(floor.map((f) => f.firstFigureMs)) / 1000, 2)} | ${fmt(m((o) => o.firstFigureMs) / 1000, 2)} | ${fmt(median(differences) / 1000, 2)} | ${fmt(m((o) => o.allFiguresMs) / 1000, 2)} | ${Math.min(...notebook.map((o) => o.drawn))}/${notebook[0].figures} | ${fmt(
    m((o) => o.heapMB),
    0,
  )} | ${fmt(
    m((o) => o.heapAfterGcMB),
    0,
  )} | ${fmt(
    m((o) => o.rendererRssMB),
    0,
  )} | ${Math.max(...notebook.map((o) => o.consoleErrors))} | ${fmt(m((o) => o.savedMB))} |`;
}

async function main(argv: readonly string[]): Promise<number> {
  const values = benchArgs(
    USAGE,
    {
      notebook: 'string',
      variant: 'string',
      repeat: 'string',
      untrusted: 'boolean',
      save: 'boolean',
      page: 'string',
      json: 'string',
    },
    argv,
  );
  const file = stringOption(values, 'notebook');
  const page = stringOption(values, 'page');
  const variantWord = stringOption(values, 'variant') ?? 'plotly';
  const labVariants: readonly LabVariant[] =
    variantWord === 'both' ? LAB_VARIANTS : variantWord === 'plotly' || variantWord === 'html' ? [variantWord] : [];
  // --page alone: the page without Lab.
  const variants = file === undefined && page !== undefined ? [] : labVariants;
  if ((!file && !page) || labVariants.length === 0) {
    console.error(
      labVariants.length === 0
        ? `bench:lab: --variant must be plotly, html or both, not "${variantWord}"\n${USAGE}`
        : USAGE,
    );
    return 2;
  }
  if (file !== undefined && !fs.existsSync(file)) {
    console.error(`bench:lab: no notebook ${file}`);
    return 2;
  }
  if (file !== undefined && !labIsBuilt(findProjectRoot(__dirname)))
    throw new Error('bench:lab: lab/ is not built: run `npm run lab` once (it builds, then serves)');
  const repeat = wholeNumber(values, 'repeat', 1);
  const trusted = values.untrusted !== true;
  if (page !== undefined && !fs.existsSync(page)) {
    console.error(`bench:lab: no page ${page}`);
    return 2;
  }
  const opens: LabOpen[] = [];
  const undriven: number[] = [];
  for (let run = 1; run <= repeat; run++) {
    if (page !== undefined) {
      opens.push(await pageOnce(path.resolve(page), run));
      console.error(`bench:lab: run ${run}, page: ${line(opens[opens.length - 1])}`);
      undriven.push(pageUndrivenMs(path.resolve(page)));
      console.error(`bench:lab: run ${run}, page with no driver: first figure ${fmt(undriven[run - 1] / 1000, 2)} s`);
    }
    for (const variant of variants)
      opens.push(...(await benchRun(path.resolve(file as string), variant, trusted, values.save === true, run)));
  }
  console.log(
    file === undefined
      ? `bench:lab ${path.basename(page as string)} alone (no Lab); Chromium headless, offline, fresh profile per open`
      : `bench:lab ${path.basename(file)}, ${trusted ? 'trusted' : 'untrusted'}; floor: the same notebook cut after its first figure, same server, same run; Chromium headless, fresh profile per open`,
  );
  console.log(
    '| run | variant | opened | notebook MB | first figure s | all drawn s | drawn | JS heap MB | heap after GC MB | renderer RSS MB | console errors | saved MB | load average |',
  );
  console.log('|---:|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|');
  for (const o of opens) console.log(line(o));
  console.log('');
  console.log(`medians over ${repeat} run${repeat === 1 ? '' : 's'}:`);
  console.log(
    '| variant | runs | notebook MB | floor: first figure s | first figure s | difference s | all drawn s | drawn | JS heap MB | heap after GC MB | renderer RSS MB | console errors | saved MB |',
  );
  console.log('|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|');
  for (const variant of [...variants, ...(page === undefined ? [] : (['page'] as const))]) {
    const row = summary(opens, variant);
    if (row) console.log(row);
  }
  if (undriven.length > 0) {
    console.log('');
    console.log(
      `the page with no driver attached (chromium --headless --dump-dom, DOM at load): first figure s per run ${undriven.map((ms) => fmt(ms / 1000, 2)).join(', ')}; median ${fmt(median(undriven) / 1000, 2)}`,
    );
  }
  const json = stringOption(values, 'json');
  if (json) fs.writeFileSync(json, `${JSON.stringify(opens, null, 1)}\n`);
  return 0;
}

runCommand(main);
