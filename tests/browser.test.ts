/**
 * Figures in a real browser: Debian's headless Chromium opens pages built from display bundles
 * (the way an nbconvert export holds them) and an actual nbconvert export, offline, and checks that
 * every figure drew, nothing logged an error, and hostile labels stay text.
 */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { spawnSync } from 'node:child_process';
import { Frame } from '../lib/table/frame';
import { parseColumnKey } from '../lib/table/columns';
import { figureBundle, plotlyLibraryBundle, tableBundle, type MimeBundle } from '../lib/notebook/display';
import { evidenceFigure } from '../lib/figures/evidence';
import { overlapFigure } from '../lib/figures/overlap';
import { plotAllIps } from '../lib/figures/timeline';
import { withFirstFigureAtOnce } from '../lib/notebook/report-page';
import { hasChromium, openOffline, figureStates, scrollUntilAllDrawn, type OfflinePage } from './browser-harness';
import { htmlOf, pageOf, syntheticFrame, tempDir } from './plot-fixtures';

const HOSTILE = '<img src=x onerror="window.__xss=1">source';
const HOSTILE_RUN = '<svg onload="window.__xss=2" data-x=\'1\'>';
const skip = hasChromium() ? false : 'needs /usr/bin/chromium (Debian package chromium); not installed here';

/** The frames the figures draw: anomalous IPs (one hostile label) and normal ones. */
function fixtureFrames(): { anomalous: Frame; normal: Frame } {
  const anomalous = syntheticFrame({
    sources: 40,
    destinations: 30,
    anomalous: true,
    windows: 60,
    seed: 11,
    extraLabels: [HOSTILE],
  });
  // the hostile IP's line has values in every window, so that even the log plot can hover it
  const view = anomalous.family('avg_Length');
  view.columns.forEach((c, w) => {
    anomalous.values[anomalous.rowOf(HOSTILE) * anomalous.nCols + c] = 1 + (w % 7);
  });
  const normal = syntheticFrame({ sources: 700, destinations: 80, windows: 60, seed: 12 });
  return { anomalous, normal };
}

const FRAMES = fixtureFrames();

/** IPs of a frame (of a role) that have a line to draw: a value other than 0 (log: above 0) in some window. */
function withLine(frame: Frame, log: boolean, role?: 'source' | 'dst'): number {
  const view = frame.family('avg_Length');
  const rows = role ? Array.from(frame.rowsWithRole(role)) : Array.from({ length: frame.nRows }, (_, r) => r);
  return rows.filter((r) => Array.from(view.series(r)).some((v) => (log ? v > 0 : v !== 0 && !Number.isNaN(v)))).length;
}

/** Bundles of the figures a notebook shows: timelines (lines and density), overlaps, evidence. */
function figureBundles(): MimeBundle[] {
  const { anomalous, normal } = FRAMES;
  const cell = (group: 'anomalous' | 'normal', role: 'source' | 'dst', mean: number) => ({
    group,
    role,
    ips: 10,
    mean,
    median: mean,
    p95: mean,
    max: mean,
    nonzeroShare: 0.5,
  });
  return [
    // Every anomalous IP as a line (the fixture has more than the adaptive default draws as lines):
    // these two figures test how the twin groups lines in the browser, and draws them as built.
    figureBundle(plotAllIps(anomalous, normal, 'avg_Length', { anomalous: 'lines' })),
    figureBundle(
      plotAllIps(anomalous, normal, 'avg_Length', { anomalous: 'lines', yScale: 'log', normal: 'lines', height: 700 }),
      {
        lines: 'as-built',
      },
    ),
    figureBundle(
      overlapFigure([
        { name: '30T', labels: ['a', 'b'] },
        { name: HOSTILE_RUN, labels: ['a', 'c'] },
        { name: '5T', labels: ['a', 'b', 'c', 'd'] },
      ]),
    ),
    figureBundle(evidenceFigure({ family: 'uncompressed twin', cells: [] }), { compress: false }),
    figureBundle(
      evidenceFigure({
        family: 'avg_Length',
        cells: [
          cell('anomalous', 'source', 60),
          cell('anomalous', 'dst', 12),
          cell('normal', 'source', 5),
          cell('normal', 'dst', 1),
        ],
      }),
    ),
  ];
}

/**
 * Per figure div: Plotly's SVG layers, line traces drawn, heatmap images, bars, and the distinct
 * IPs whose lines were drawn (per-point hover text of grouped lines, or names of per-IP traces).
 */
async function plotElements(
  page: OfflinePage['page'],
): Promise<{ svgs: number; traces: number; lines: number; heatmaps: number; bars: number; ips: number }[]> {
  return page.$$eval('div[data-anomaly-eval-figure]', (divs) =>
    divs.map((d) => {
      // _fullData: the traces as drawn, with what they leave to the figure's template filled in.
      const gd = d as HTMLElement & { _fullData?: { name?: string; text?: unknown; hovertemplate?: string }[] };
      const ips = new Set<string>();
      for (const t of gd._fullData ?? []) {
        if (!String(t.hovertemplate ?? '').startsWith('<b>%{')) continue;
        if (Array.isArray(t.text)) for (const label of t.text) if (label) ips.add(`${label}`);
        if (String(t.hovertemplate).includes('%{fullData.name}')) ips.add(String(t.name));
      }
      return {
        svgs: d.querySelectorAll('.main-svg').length,
        traces: d.querySelectorAll('.scatterlayer .trace').length,
        lines: d.querySelectorAll('.scatterlayer .trace .js-line').length,
        heatmaps: d.querySelectorAll('.heatmaplayer image, .hm image').length,
        bars: d.querySelectorAll('.barlayer .point').length,
        ips: ips.size,
      };
    }),
  );
}

async function assertAllDrew(p: OfflinePage, expectedFigures: number): Promise<void> {
  await scrollUntilAllDrawn(p.page, 60_000);
  assert.deepEqual(await figureStates(p.page), Array(expectedFigures).fill('drawn'));
  const elements = await plotElements(p.page);
  for (const e of elements) assert.ok(e.svgs >= 2, `every figure has plotly's SVG layers: ${JSON.stringify(elements)}`);
  // figure 0 (twin grouping lines in the browser): every anomalous line and the normal dst lines
  // (the 700 normal sources are a density) in ≤ 10 traces per panel
  const grouped = withLine(FRAMES.anomalous, false) + withLine(FRAMES.normal, false, 'dst');
  assert.ok(grouped > 50, 'the fixture draws many lines');
  assert.ok(
    elements[0].ips >= grouped && elements[0].heatmaps >= 1,
    `lines and a density layer: ${JSON.stringify(elements[0])}`,
  );
  assert.ok(
    elements[0].traces >= 20 && elements[0].traces <= 40 && elements[0].lines >= grouped,
    `lines drawn as colour groups: ${JSON.stringify(elements[0])}`,
  );
  // figure 1 (as built, log): a trace per IP, every normal line too
  const asBuilt = withLine(FRAMES.anomalous, true) + withLine(FRAMES.normal, true);
  assert.ok(asBuilt > 150, 'the fixture draws many lines on a log scale');
  assert.ok(
    elements[1].lines >= asBuilt && elements[1].ips >= asBuilt && elements[1].heatmaps === 0,
    `every normal line when asked: ${JSON.stringify(elements[1])}`,
  );
  assert.ok(elements[2].bars >= 3 && elements[4].bars === 12, `bars: ${JSON.stringify(elements.slice(2))}`);
}

test('library first, figures after, real require.js on the page: all draw, offline, no errors, no XSS', {
  skip,
  timeout: 180_000,
}, async () => {
  const requireJs = fs.readFileSync('/usr/share/javascript/requirejs/require.min.js', 'utf8');
  const bundles = figureBundles();
  const html = pageOf([htmlOf(plotlyLibraryBundle()), ...bundles.map(htmlOf)], `<script>${requireJs}</script>`);
  const p = await openOffline(html);
  try {
    assert.equal(
      await p.page.evaluate(() => typeof (window as unknown as { define?: { amd?: unknown } }).define?.amd),
      'object',
      'an AMD loader is present',
    );
    await assertAllDrew(p, 5);
    assert.equal(await p.page.evaluate(() => typeof (window as unknown as { Plotly?: unknown }).Plotly), 'object');
    assert.deepEqual(p.errors, []);
    assert.deepEqual(p.blocked, []);
    assert.equal(await p.page.evaluate(() => (window as unknown as { __xss?: number }).__xss), undefined);
    assert.equal(
      await p.page.$$eval('img, div[data-anomaly-eval-figure] svg svg', (e) => e.length),
      0,
      'no element made from a label',
    );
    // the hostile run name is an axis label, shown as text
    const ticks = await p.page.$$eval('div[data-anomaly-eval-figure]', (divs) => divs[2].textContent ?? '');
    assert.ok(ticks.includes(HOSTILE_RUN), 'the run name reads as text');
    // hovering the hostile IP's line names it, as text: in the grouped twin (figure 0) and as built (figure 1)
    for (const k of [0, 1]) {
      const hover = await p.page.evaluate((k) => {
        const gd = document.querySelectorAll('div[data-anomaly-eval-figure]')[k] as HTMLElement & {
          data: { name: string; text?: string[] }[];
          calcdata: { y: number }[][];
        };
        const grouped = gd.data.findIndex(
          (t) => Array.isArray(t.text) && t.text.some((label) => label.includes('onerror')),
        );
        const curve = grouped >= 0 ? grouped : gd.data.findIndex((t) => t.name.includes('onerror'));
        // a point of the hostile line that has a value (figure 1 is a log plot: zeros are gaps)
        const point = gd.calcdata[curve].findIndex(
          (c, i) => Number.isFinite(c.y) && (grouped < 0 || gd.data[curve].text![i].includes('onerror')),
        );
        (window as unknown as { Plotly: { Fx: { hover: (g: unknown, e: unknown) => void } } }).Plotly.Fx.hover(gd, [
          { curveNumber: curve, pointNumber: point },
        ]);
        return `${gd.querySelector('.hoverlayer')?.textContent ?? ''} (curve ${curve}, point ${point})`;
      }, k);
      assert.ok(
        hover.includes(HOSTILE) && /window 2019-02-01 \d\d:\d\d/.test(hover),
        `figure ${k}: hover shows the label as text and the window: ${hover}`,
      );
    }
    assert.equal(await p.page.evaluate(() => (window as unknown as { __xss?: number }).__xss), undefined);
  } finally {
    await p.close();
  }
});

test('figures before the library (library output later in the page) still draw', {
  skip,
  timeout: 180_000,
}, async () => {
  const bundles = figureBundles();
  const p = await openOffline(pageOf([...bundles.map(htmlOf), htmlOf(plotlyLibraryBundle())]));
  try {
    await assertAllDrew(p, 5);
    assert.deepEqual(p.errors, []);
  } finally {
    await p.close();
  }
});

test('an AMD define that would capture the library does not take window.Plotly', {
  skip,
  timeout: 120_000,
}, async () => {
  const fakeAmd =
    '<script>window.define=function(){window.__amdCaptured=true;};window.define.amd={};' +
    'window.module={exports:{}};</script>';
  const p = await openOffline(pageOf([htmlOf(plotlyLibraryBundle()), htmlOf(figureBundles()[4])], fakeAmd));
  try {
    await scrollUntilAllDrawn(p.page, 60_000);
    const state = await p.page.evaluate(() => {
      const w = window as unknown as {
        Plotly?: { version?: string };
        __amdCaptured?: boolean;
        define?: { amd?: unknown };
        module: { exports: Record<string, unknown> };
      };
      return {
        plotly: w.Plotly?.version,
        captured: w.__amdCaptured ?? false,
        amdKept: typeof w.define?.amd,
        moduleUntouched: Object.keys(w.module.exports).length === 0,
      };
    });
    assert.deepEqual(state, { plotly: state.plotly, captured: false, amdKept: 'object', moduleUntouched: true });
    assert.match(String(state.plotly), /^\d+\.\d+\.\d+$/);
    assert.deepEqual(p.errors, []);
  } finally {
    await p.close();
  }
});

test('an nbconvert HTML export of a notebook holding the bundles draws every figure offline', {
  skip,
  timeout: 240_000,
}, (t) => {
  const nbconvert = '/usr/bin/jupyter';
  if (!fs.existsSync(nbconvert)) {
    t.skip('needs /usr/bin/jupyter (Debian jupyter-nbconvert)');
    return;
  }
  const dir = tempDir('anomaly-eval-nbconvert-');
  const output = (bundle: MimeBundle) => ({
    output_type: 'display_data',
    data: bundle.data,
    metadata: bundle.metadata,
  });
  const code = (source: string, outputs: unknown[], n: number) => ({
    cell_type: 'code',
    execution_count: n,
    metadata: {},
    source,
    outputs,
  });
  const hostileFrame = new Frame({
    index: [HOSTILE, '1.2.3.4dst'],
    columns: [parseColumnKey("('avg_Length', 'avg_2019-02-01 09:35:00')")],
    values: Float64Array.from([1, 2]),
  });
  const bundles = figureBundles();
  const notebook = {
    nbformat: 4,
    nbformat_minor: 5,
    metadata: {
      kernelspec: { name: 'tslab', display_name: 'TypeScript', language: 'typescript' },
      language_info: { name: 'typescript' },
    },
    cells: [
      { cell_type: 'markdown', metadata: {}, source: '# Figures' },
      code('loadPlotly()', [output(plotlyLibraryBundle())], 1),
      code('showTable(frame)', [output(tableBundle(hostileFrame))], 2),
      ...bundles.map((b, i) => code(`showFigure(fig${i})`, [output(b)], i + 3)),
    ],
  };
  const ipynb = path.join(dir, 'figures.ipynb');
  fs.writeFileSync(ipynb, JSON.stringify(notebook));
  const run = spawnSync(nbconvert, ['nbconvert', '--to', 'html', '--output-dir', dir, ipynb], {
    encoding: 'utf8',
    timeout: 120_000,
  });
  assert.equal(run.status, 0, run.stderr);
  const html = fs.readFileSync(path.join(dir, 'figures.html'), 'utf8');
  fs.rmSync(dir, { recursive: true, force: true });
  assert.ok(!html.includes(PLOTLY_MIME_IN_PAGE), 'nbconvert used the HTML twin, not the Plotly JSON');
  return (async () => {
    const p = await openOffline(html);
    try {
      await assertAllDrew(p, 5);
      // nbconvert's template may ask for CDN assets (MathJax...); those are blocked offline and are not ours
      const ours = p.errors.filter((e) => !/Failed to load resource|net::ERR_/.test(e));
      assert.deepEqual(ours, []);
      assert.equal(await p.page.evaluate(() => (window as unknown as { __xss?: number }).__xss), undefined);
      const table = await p.page.$eval('table.dataframe', (e) => e.textContent ?? '');
      assert.ok(table.includes(HOSTILE));
    } finally {
      await p.close();
    }
  })();
});

const PLOTLY_MIME_IN_PAGE = 'application/vnd.plotly.v1+json';

test('figures far from the viewport are released and drawn again when they come back', {
  skip,
  timeout: 180_000,
}, async () => {
  const anomalous = syntheticFrame({ sources: 30, destinations: 20, anomalous: true, windows: 40, seed: 31 });
  const normal = syntheticFrame({ sources: 600, destinations: 40, windows: 40, seed: 32 });
  const fig = plotAllIps(anomalous, normal, 'avg_Length', { height: 600 });
  const bundles = Array.from({ length: 8 }, (_, i) =>
    figureBundle({ ...fig, layout: { ...fig.layout, title: { text: `figure ${i}` } } }, { release: 700 }),
  );
  const kept = figureBundle(fig, { release: false });
  const p = await openOffline(pageOf([htmlOf(plotlyLibraryBundle()), ...bundles.map(htmlOf), htmlOf(kept)]));
  try {
    await scrollUntilAllDrawn(p.page, 60_000);
    const states = await figureStates(p.page);
    assert.equal(states[8], 'drawn');
    assert.deepEqual(states.slice(0, 4), Array(4).fill('released'), `far figures released: ${states}`);
    const drawnNow = states.filter((s) => s === 'drawn').length;
    assert.ok(drawnNow <= 5, `only figures near the viewport hold a plot: ${states}`);
    const freed = await p.page.$$eval('div[data-anomaly-eval-figure]', (divs) =>
      divs.slice(0, 4).map((d) => ({
        svgs: d.querySelectorAll('svg').length,
        height: d.getBoundingClientRect().height,
        note: (d.textContent ?? '').includes('draws here'),
      })),
    );
    for (const f of freed)
      assert.deepEqual(f, { svgs: 0, height: 600, note: true }, 'a released figure keeps its place and its note');
    // back to the top: the first figure draws again
    await p.page.evaluate(() => window.scrollTo(0, 0));
    await p.page.waitForFunction(
      () => document.querySelector('div[data-anomaly-eval-figure]')?.getAttribute('data-state') === 'drawn',
      undefined,
      { timeout: 30_000 },
    );
    const first = await p.page.$eval('div[data-anomaly-eval-figure]', (d) => ({
      draws: d.getAttribute('data-draws'),
      svgs: d.querySelectorAll('.main-svg').length,
    }));
    assert.deepEqual(first, { draws: '2', svgs: first.svgs });
    assert.ok(first.svgs >= 2);
    // the figure that may not be released stays drawn far away
    assert.equal((await figureStates(p.page))[8], 'drawn');
    assert.deepEqual(p.errors, []);
  } finally {
    await p.close();
  }
});

test("the page's first figure, marked to draw at once, draws far below the viewport and is never released; the others wait", {
  skip,
  timeout: 180_000,
}, async () => {
  const anomalous = syntheticFrame({ sources: 30, destinations: 20, anomalous: true, windows: 40, seed: 41 });
  const normal = syntheticFrame({ sources: 300, destinations: 40, windows: 40, seed: 42 });
  const fig = plotAllIps(anomalous, normal, 'avg_Length', { height: 600 });
  const bundles = Array.from({ length: 3 }, (_, i) =>
    figureBundle({ ...fig, layout: { ...fig.layout, title: { text: `figure ${i}` } } }, { release: 700 }),
  );
  // a first screen of text (as the briefing is) puts the figures far below the viewport
  const spacer = '<div style="height:5000px">the first screens</div>';
  const page = withFirstFigureAtOnce(pageOf([spacer, htmlOf(plotlyLibraryBundle()), ...bundles.map(htmlOf)]));
  const p = await openOffline(page);
  try {
    await p.page.waitForFunction(
      () => document.querySelector('div[data-anomaly-eval-figure]')?.getAttribute('data-state') === 'drawn',
      undefined,
      { timeout: 60_000 },
    );
    assert.equal(await p.page.evaluate(() => window.scrollY), 0, 'drawn without scrolling');
    assert.deepEqual((await figureStates(p.page)).slice(1), ['waiting', 'waiting'], 'the others draw when near');
    // the reader reads every figure, then goes back to the top: the lazy ones are freed, the first stays
    await scrollUntilAllDrawn(p.page, 60_000);
    await p.page.evaluate(() => window.scrollTo(0, 0));
    await p.page.waitForFunction(
      () => document.querySelectorAll('div[data-anomaly-eval-figure]')[1]?.getAttribute('data-state') === 'released',
      undefined,
      { timeout: 30_000 },
    );
    const first = await p.page.$eval('div[data-anomaly-eval-figure]', (d) => ({
      state: d.getAttribute('data-state'),
      draws: d.getAttribute('data-draws'),
    }));
    assert.deepEqual(first, { state: 'drawn', draws: '1' });
    assert.deepEqual(p.errors, []);
  } finally {
    await p.close();
  }
});
