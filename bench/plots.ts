/**
 * Plot benchmark: the seed's 27 `plot_all_ips` figures at seed scale (396 anomalous rows, a 4,000
 * row normal sample, 150 five-minute windows) on one page, as an nbconvert export holds them
 * (plotly.js once, then one HTML twin per figure), opened offline in headless Chromium.
 * Prints, per rendering strategy: page size, the Plotly JSON an .ipynb stores, time to the first
 * figure, time until all figures drew while scrolling through, the renderer's CPU time (robust to
 * other load on the machine) and its memory. Numbers are printed, never asserted.
 *
 *   npm run bench:plots [-- --strategies default,before,lines] [--figures 27] [--repeat 2]
 *                       [--data /tmp/gen-seed]   (a generated dataset root; default: synthetic data)
 *
 * With `--data`, the 5T run's detected anomalies and a seeded (42) 4,000-row sample of the normal
 * rows of final/final_dataset_5T.csv are loaded once (lib/loaders) and cached under the OS temp dir.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { createHash } from 'node:crypto';
import { figureBundle, plotlyLibraryBundle } from '../lib/notebook/display';
import type { FigureBundleOptions } from '../lib/notebook/figure-options';
import { Frame } from '../lib/table/frame';
import { parseColumnKey } from '../lib/table/columns';
import { evaluateFull, readTable } from '../lib/loaders';
import type { PlotlyBuild } from '../lib/notebook/plotly-bundle';
import { plotAllIps } from '../lib/figures/timeline';
import type { AllIpsOptions } from '../lib/figures/timeline-options';
import { SEED_FAMILIES, htmlOf, pageOf, syntheticFrame } from '../tests/plot-fixtures';
import { hasChromium, openOffline } from '../tests/browser-harness';
import { benchArgs, stringOption, wholeNumber } from './args';

interface Strategy {
  readonly name: string;
  readonly what: string;
  readonly plot: AllIpsOptions;
  readonly bundle: FigureBundleOptions;
  readonly build?: PlotlyBuild;
}

const STRATEGIES: readonly Strategy[] = [
  {
    name: 'default',
    what: 'cartesian plotly.js build; anomalous: a trace per IP in the spec, grouped into colour traces in the browser (hover stride 3); normal: density + median/p95/max; lazy draw; figures > 2000 px away released',
    plot: {},
    bundle: {},
  },
  {
    name: 'full-lib',
    what: 'as default, with the full minified plotly.js (4.8 MB) instead of the cartesian build (1.5 MB)',
    plot: {},
    bundle: {},
    build: 'full',
  },
  {
    name: 'keep',
    what: 'as default, but no figure is ever released (release: false)',
    plot: {},
    bundle: { release: false },
  },
  {
    name: 'stride1',
    what: 'as default, every point kept when grouping (hoverStride: 1)',
    plot: {},
    bundle: { hoverStride: 1 },
  },
  {
    name: 'before',
    what: 'the previous default: full plotly.js, a trace per IP drawn as built, lazy, nothing released',
    plot: {},
    bundle: { lines: 'as-built', release: false },
    build: 'full',
  },
  {
    name: 'eager',
    what: 'as default, every figure drawn at load (lazy: false; nothing released)',
    plot: {},
    bundle: { lazy: false },
  },
  {
    name: 'lines',
    what: 'every normal line drawn too (normal: "lines"), grouped in the browser, lazy, released',
    plot: { normal: 'lines' },
    bundle: {},
  },
];

/** Where the real-data frames are cached between runs (keyed by the input files' paths, sizes and mtimes). */
function cacheDir(files: readonly string[]): string {
  const key = createHash('sha256');
  for (const f of files) {
    const st = fs.statSync(f);
    key.update(`${path.resolve(f)}\0${st.size}\0${st.mtimeMs}\0`);
  }
  return path.join(os.tmpdir(), `anomaly-eval-bench-plots-${key.digest('hex').slice(0, 12)}`);
}

function saveFrame(dir: string, name: string, frame: Frame): void {
  const meta = JSON.stringify({ index: frame.index, headers: frame.columns.map((c) => c.header) });
  fs.writeFileSync(path.join(dir, `${name}.json.tmp`), meta);
  fs.writeFileSync(
    path.join(dir, `${name}.f64.tmp`),
    Buffer.from(frame.values.buffer, frame.values.byteOffset, frame.values.byteLength),
  );
  fs.renameSync(path.join(dir, `${name}.f64.tmp`), path.join(dir, `${name}.f64`));
  fs.renameSync(path.join(dir, `${name}.json.tmp`), path.join(dir, `${name}.json`));
}

function loadFrame(dir: string, name: string): Frame | undefined {
  const metaFile = path.join(dir, `${name}.json`);
  if (!fs.existsSync(metaFile)) return undefined;
  const meta = JSON.parse(fs.readFileSync(metaFile, 'utf8')) as { index: string[]; headers: string[] };
  const bytes = fs.readFileSync(path.join(dir, `${name}.f64`));
  const values = new Float64Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
  return new Frame({ index: meta.index, columns: meta.headers.map((h) => parseColumnKey(h)), values });
}

/**
 * Seed-scale real data: the 5T run's detected anomalies and a seeded 4,000-row sample of the
 * normal rows of the full dataset (anomalies excluded), as the seed does; cached after the first load.
 */
async function realFrames(root: string): Promise<{ anomalous: Frame; normal: Frame; loadMs: number; cached: boolean }> {
  const anomaliesFile = path.join(root, 'models', 'models_2019_06_01_22_11', 'detected_anomalies.csv');
  const fullFile = path.join(root, 'final', 'final_dataset_5T.csv');
  const dir = cacheDir([anomaliesFile, fullFile]);
  const t0 = Date.now();
  const cachedA = loadFrame(dir, 'anomalous');
  const cachedN = loadFrame(dir, 'normal');
  if (cachedA && cachedN) return { anomalous: cachedA, normal: cachedN, loadMs: Date.now() - t0, cached: true };
  const anomalous = await readTable(anomaliesFile);
  const full = await evaluateFull(fullFile, { exclude: new Set(anomalous.index), sampleSize: 4000, seed: 42 });
  fs.mkdirSync(dir, { recursive: true });
  saveFrame(dir, 'anomalous', anomalous);
  saveFrame(dir, 'normal', full.sample);
  return { anomalous, normal: full.sample, loadMs: Date.now() - t0, cached: false };
}

const USAGE = `usage: npm run bench:plots [-- --strategies default,before,lines] [--figures N] [--repeat N] [--data DIR]
  --strategies LIST  comma-separated: ${STRATEGIES.map((s) => s.name).join(', ')} (default all but lines)
  --figures N        figures on the page (default 27)
  --repeat N         rounds, strategies interleaved (default 1)
  --data DIR         a generated dataset root (models/, final/); default: synthetic frames`;

/** Memory of one process from /proc: resident and private (anonymous) MB. */
function processMemory(pid: string): { rss: number; anon: number } {
  try {
    const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = (key: string) => Number(new RegExp(`${key}:\\s+(\\d+)`).exec(status)?.[1] ?? 0);
    return { rss: kb('VmRSS') / 1024, anon: kb('RssAnon') / 1024 };
  } catch {
    return { rss: 0, anon: 0 }; // process ended meanwhile
  }
}

/** CPU seconds (user + system) a process has used so far: robust to other load on the machine, unlike wall time. */
function cpuSeconds(pid: string | undefined): number {
  if (!pid) return NaN;
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100; // utime, stime in clock ticks (USER_HZ 100)
  } catch {
    return NaN;
  }
}

/**
 * Chromium renderer processes of the profile: `page` is the one that renders our page (the
 * largest that is not the browser's own WebUI renderer), `all` every renderer (the old bench
 * summed them all, which counts the WebUI renderer and shared file pages three times).
 */
function renderers(profile: string): { page: string | undefined; all: string[] } {
  const all: string[] = [];
  let page: string | undefined;
  let best = -1;
  for (const pid of fs.readdirSync('/proc').filter((d) => /^\d+$/.test(d))) {
    let cmd: string;
    try {
      cmd = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8');
    } catch {
      continue;
    }
    if (!cmd.includes('--type=renderer') || !cmd.includes(profile)) continue;
    all.push(pid);
    const rss = processMemory(pid).rss;
    if (!cmd.includes('--top-chrome-webui') && rss > best) {
      best = rss;
      page = pid;
    }
  }
  return { page, all };
}

interface Measured {
  html: number;
  plotlyJson: number;
  twins: number;
  buildMs: number;
  loaded: number;
  first: number;
  all: number;
  heap: number;
  cpu: number;
  pageRss: number;
  pageAnon: number;
  allRss: number;
  nodes: number;
  alive: number;
  errors: number;
}

async function measure(
  strategy: Strategy,
  families: readonly string[],
  anomalous: Frame,
  normal: Frame,
): Promise<Measured> {
  const t0 = Date.now();
  const outputs = [htmlOf(plotlyLibraryBundle({ build: strategy.build }))];
  let plotlyJson = 0;
  let twins = 0;
  for (const family of families) {
    const fig = plotAllIps(anomalous, normal, family, strategy.plot);
    const bundle = figureBundle(fig, strategy.bundle);
    // what `plotlyJson: true` would store beside the twin
    plotlyJson += JSON.stringify({ data: fig.data, layout: fig.layout, config: fig.config ?? {} }).length;
    const twin = htmlOf(bundle);
    twins += twin.length;
    outputs.push(twin);
  }
  const html = pageOf(outputs);
  const buildMs = Date.now() - t0;
  const p = await openOffline(html);
  try {
    const page = p.page;
    // times are the page's own clock (ms since navigation start), stamped by each figure when it first drew
    await page.waitForFunction(
      () => document.querySelector('div[data-anomaly-eval-figure]')?.getAttribute('data-state') === 'drawn',
      undefined,
      { timeout: 600_000, polling: 10 },
    );
    const first = await page.$eval('div[data-anomaly-eval-figure]', (d) => Number(d.getAttribute('data-drawn-ms')));
    const loaded = await page.evaluate(() => {
      const nav = performance.getEntriesByType('navigation')[0] as PerformanceNavigationTiming | undefined;
      return nav ? nav.loadEventStart : NaN;
    });
    const procs = renderers(p.file.replace(/page\.html$/, 'profile'));
    let pageRss = 0;
    let pageAnon = 0;
    let allRss = 0;
    const sample = () => {
      const m = procs.page ? processMemory(procs.page) : { rss: NaN, anon: NaN };
      pageRss = Math.max(pageRss, m.rss);
      pageAnon = Math.max(pageAnon, m.anon);
      allRss = Math.max(
        allRss,
        procs.all.reduce((sum, pid) => sum + processMemory(pid).rss, 0),
      );
    };
    const count = await page.$$eval('div[data-anomaly-eval-figure]', (d) => d.length);
    for (let i = 0; i < count; i++) {
      await page.evaluate((k) => document.querySelectorAll('div[data-anomaly-eval-figure]')[k].scrollIntoView(), i);
      await page.waitForFunction(
        (k) => document.querySelectorAll('div[data-anomaly-eval-figure]')[k].getAttribute('data-state') === 'drawn',
        i,
        { timeout: 600_000, polling: 10 },
      );
      sample();
    }
    const all = await page.$$eval('div[data-anomaly-eval-figure]', (ds) =>
      Math.max(...ds.map((d) => Number(d.getAttribute('data-drawn-ms')))),
    );
    const cpu = cpuSeconds(procs.page);
    const alive = await page.$$eval(
      'div[data-anomaly-eval-figure]',
      (ds) => ds.filter((d) => d.getAttribute('data-state') === 'drawn').length,
    );
    await new Promise((resolve) => setTimeout(resolve, 300));
    sample();
    const cdp = await p.context.newCDPSession(page);
    await cdp.send('Performance.enable');
    const metrics = (await cdp.send('Performance.getMetrics')).metrics;
    const heap = (metrics.find((m) => m.name === 'JSHeapUsedSize')?.value ?? NaN) / 2 ** 20;
    const nodes = metrics.find((m) => m.name === 'Nodes')?.value ?? NaN;
    return {
      html: html.length,
      plotlyJson,
      twins,
      buildMs,
      loaded,
      first,
      all,
      heap,
      cpu,
      pageRss,
      pageAnon,
      allRss,
      nodes,
      alive,
      errors: p.errors.length,
    };
  } finally {
    await p.close();
  }
}

async function main(): Promise<void> {
  const args = benchArgs(USAGE, { strategies: 'string', figures: 'string', repeat: 'string', data: 'string' });
  if (!hasChromium()) {
    console.log('bench:plots needs /usr/bin/chromium (Debian package); not installed, nothing measured.');
    return;
  }
  const figures = wholeNumber(args, 'figures', 27);
  const wanted = (stringOption(args, 'strategies') ?? 'default,full-lib,keep,stride1,before,eager').split(',');
  const repeat = wholeNumber(args, 'repeat', 1);
  const t = Date.now();
  const realRoot = stringOption(args, 'data') ?? 'synthetic';
  let anomalous: Frame;
  let normal: Frame;
  let families: readonly string[];
  if (realRoot === 'synthetic') {
    anomalous = syntheticFrame({
      sources: 210,
      destinations: 186,
      anomalous: true,
      families: SEED_FAMILIES,
      windows: 150,
      seed: 2,
    });
    normal = syntheticFrame({ sources: 2100, destinations: 1900, families: SEED_FAMILIES, windows: 150, seed: 3 });
    families = SEED_FAMILIES.slice(0, figures);
    console.log(
      `data: ${anomalous.nRows} anomalous + ${normal.nRows} normal sample rows, ${SEED_FAMILIES.length} families × 150 windows (synthetic, seed-like), built in ${Date.now() - t} ms`,
    );
  } else {
    const real = await realFrames(realRoot);
    anomalous = real.anomalous;
    normal = real.normal;
    families = SEED_FAMILIES.slice(0, figures);
    const windows = anomalous.family(families[0]).starts.length;
    console.log(
      `data: ${anomalous.nRows} anomalous + ${normal.nRows} normal sample rows (seed 42) from ${realRoot}, ${families.length} families × ${windows} windows, ${real.cached ? 'cached frames read' : 'loaded and cached'} in ${((Date.now() - t) / 1000).toFixed(1)} s`,
    );
  }
  console.log(`figures: ${figures}; Chromium ${'headless, offline, file://'}; node ${process.version}`);
  console.log('');
  console.log(
    '| strategy | page MB | Plotly JSON MB (.ipynb) | twins MB | page loaded s | first figure s | all drawn s | renderer CPU s | page renderer RSS MB (peak) | its private MB | all renderers RSS MB | JS heap MB (end) | DOM nodes (end) | figures alive (end) | console errors |',
  );
  console.log('|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|');
  const mb = (bytes: number) => (bytes / 1e6).toFixed(1);
  const s = (ms: number) => (ms / 1000).toFixed(2);
  // strategies interleaved round by round, so that load from other processes spreads evenly
  for (let round = 0; round < repeat; round++) {
    for (const strategy of STRATEGIES.filter((x) => wanted.includes(x.name))) {
      const r = await measure(strategy, families, anomalous, normal);
      console.log(
        `| ${strategy.name} | ${mb(r.html)} | ${mb(r.plotlyJson)} | ${mb(r.twins)} | ${s(r.loaded)} | ${s(r.first)} | ${s(r.all)} | ${r.cpu.toFixed(2)} | ${r.pageRss.toFixed(0)} | ${r.pageAnon.toFixed(0)} | ${r.allRss.toFixed(0)} | ${r.heap.toFixed(0)} | ${r.nodes} | ${r.alive} | ${r.errors} |`,
      );
    }
  }
  console.log('');
  for (const s of STRATEGIES.filter((x) => wanted.includes(x.name))) console.log(`- ${s.name}: ${s.what}`);
  console.log('Targets (issue 4): page ≤ 12 MB, first figure ≤ 2.5 s, all 27 ≤ 6 s, renderer < 500 MB.');
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
