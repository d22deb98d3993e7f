/**
 * Plot benchmark: the seed's 27 `plot_all_ips` figures at seed scale (396 anomalous rows, a 4,000
 * row normal sample, 150 five-minute windows) on one page, as an nbconvert export holds them
 * (plotly.js once, then one HTML twin per figure), opened offline in headless Chromium.
 * Prints, per rendering strategy: page size, time to the first figure, time until all figures
 * drew while scrolling through, and the renderer's memory. Numbers are printed, never asserted.
 *
 *   npm run bench:plots [-- --strategies density,eager,lines] [--figures 27]
 */
import * as fs from 'fs';
import { figureBundle, plotlyLibraryBundle } from '../lib/display';
import { AllIpsOptions, plotAllIps } from '../lib/plots';
import { SEED_FAMILIES, htmlOf, pageOf, syntheticFrame } from '../tests/plot-fixtures';
import { hasChromium, openOffline } from '../tests/browser-harness';

interface Strategy {
  readonly name: string;
  readonly what: string;
  readonly plot: AllIpsOptions;
  readonly lazy: boolean;
}

const STRATEGIES: readonly Strategy[] = [
  { name: 'density', what: 'anomalous: a line per IP; normal: density + median/p95/max; lazy draw (default)', plot: {}, lazy: true },
  { name: 'grouped', what: 'as density, but line panels as 10 colour-group traces with gaps (lineTraces: "grouped")', plot: { lineTraces: 'grouped' }, lazy: true },
  { name: 'eager', what: 'same figures, every figure drawn at load', plot: {}, lazy: false },
  { name: 'lines', what: 'a line per IP in every panel (normal: "lines"); lazy draw', plot: { normal: 'lines' }, lazy: true },
];

function argValue(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

/** Resident memory (MB) of Chromium renderer processes whose command line names `profile`. */
function rendererRssMb(profile: string): number {
  let kb = 0;
  for (const pid of fs.readdirSync('/proc').filter((d) => /^\d+$/.test(d))) {
    try {
      const cmd = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8');
      if (!cmd.includes('--type=renderer') || !cmd.includes(profile)) continue;
      const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
      kb += Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
    } catch {
      // process ended meanwhile
    }
  }
  return kb / 1024;
}

async function measure(strategy: Strategy, figures: number, anomalous: ReturnType<typeof syntheticFrame>, normal: ReturnType<typeof syntheticFrame>) {
  const t0 = Date.now();
  const outputs = [htmlOf(plotlyLibraryBundle())];
  for (const family of SEED_FAMILIES.slice(0, figures)) {
    outputs.push(htmlOf(figureBundle(plotAllIps(anomalous, normal, family, strategy.plot), { lazy: strategy.lazy })));
  }
  const html = pageOf(outputs);
  const buildMs = Date.now() - t0;
  const p = await openOffline(html);
  try {
    const page = p.page;
    // times are the page's own clock (ms since navigation start), stamped by each figure as it drew
    await page.waitForFunction(
      () => document.querySelector('div[data-anomaly-eval-figure]')?.getAttribute('data-state') === 'drawn',
      undefined, { timeout: 600_000, polling: 10 },
    );
    const first = await page.$eval('div[data-anomaly-eval-figure]', (d) => Number(d.getAttribute('data-drawn-ms')));
    const loaded = await page.evaluate(() => {
      const nav = performance.getEntriesByType('navigation')[0] as PerformanceNavigationTiming | undefined;
      return nav ? nav.loadEventStart : NaN;
    });
    const count = await page.$$eval('div[data-anomaly-eval-figure]', (d) => d.length);
    for (let i = 0; i < count; i++) {
      await page.evaluate((k) => document.querySelectorAll('div[data-anomaly-eval-figure]')[k].scrollIntoView(), i);
      await page.waitForFunction(
        (k) => document.querySelectorAll('div[data-anomaly-eval-figure]')[k].getAttribute('data-state') === 'drawn',
        i, { timeout: 600_000, polling: 10 },
      );
    }
    const all = await page.$$eval('div[data-anomaly-eval-figure]', (ds) => Math.max(...ds.map((d) => Number(d.getAttribute('data-drawn-ms')))));
    const cdp = await p.context.newCDPSession(page);
    await cdp.send('Performance.enable');
    const metrics = (await cdp.send('Performance.getMetrics')).metrics;
    const heap = (metrics.find((m) => m.name === 'JSHeapUsedSize')?.value ?? NaN) / 2 ** 20;
    const nodes = metrics.find((m) => m.name === 'Nodes')?.value ?? NaN;
    const rss = rendererRssMb(p.file.replace(/page\.html$/, 'profile'));
    return { html: html.length, buildMs, loaded, first, all, heap, rss, nodes, errors: p.errors.length };
  } finally {
    await p.close();
  }
}

async function main(): Promise<void> {
  if (!hasChromium()) {
    console.log('bench:plots needs /usr/bin/chromium (Debian package); not installed, nothing measured.');
    return;
  }
  const figures = Number(argValue('figures') ?? 27);
  const wanted = (argValue('strategies') ?? 'density,grouped,eager,lines').split(',');
  const t = Date.now();
  const anomalous = syntheticFrame({ sources: 210, destinations: 186, anomalous: true, families: SEED_FAMILIES, windows: 150, seed: 2 });
  const normal = syntheticFrame({ sources: 2100, destinations: 1900, families: SEED_FAMILIES, windows: 150, seed: 3 });
  console.log(`data: ${anomalous.nRows} anomalous + ${normal.nRows} normal sample rows, ${SEED_FAMILIES.length} families × 150 windows (synthetic, seed-like), built in ${Date.now() - t} ms`);
  console.log(`figures: ${figures}; Chromium ${'headless, offline, file://'}; node ${process.version}`);
  console.log('');
  console.log('| strategy | page MB | build s | page loaded s | first figure s | all drawn s | renderer RSS MB | JS heap MB | DOM nodes | console errors |');
  console.log('|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|');
  for (const strategy of STRATEGIES.filter((s) => wanted.includes(s.name))) {
    const r = await measure(strategy, figures, anomalous, normal);
    console.log(`| ${strategy.name} | ${(r.html / 1e6).toFixed(1)} | ${(r.buildMs / 1000).toFixed(2)} | ${(r.loaded / 1000).toFixed(2)} | ${(r.first / 1000).toFixed(2)} | ${(r.all / 1000).toFixed(2)} | ${r.rss.toFixed(0)} | ${r.heap.toFixed(0)} | ${r.nodes} | ${r.errors} |`);
  }
  console.log('');
  for (const s of STRATEGIES.filter((x) => wanted.includes(x.name))) console.log(`- ${s.name}: ${s.what}`);
  console.log('Targets (issue 4): page ≤ 12 MB, first figure ≤ 2.5 s, all 27 ≤ 6 s, renderer < 500 MB.');
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
