import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { Frame } from '../lib/table/frame';
import { parseColumnKey } from '../lib/table/columns';
import type { FamilyEvidence } from '../lib/types';
import * as vm from 'node:vm';
import {
  type PlotlyFigure,
  type PlotlyTrace,
  type TypedArraySpec,
  decodeTypedArray,
  compactTypedArraySpec,
  typedArraySpec,
} from '../lib/figures/spec';
import { combinationWords, overlapFigure, uniqueToRunRows } from '../lib/figures/overlap';
import { evidenceFigure } from '../lib/figures/evidence';
import { groupLines } from '../lib/figures/group-lines';
import { drawnSpan, traceWithTemplate } from '../lib/figures/lines';
import { panelTitle, plotAllIps } from '../lib/figures/timeline';
import { figurePicker } from '../lib/figures/picker';
import { syntheticFrame } from './plot-fixtures';
import { escapeHtml } from '../lib/html';

const HOSTILE = '<img src=x onerror=alert(1)>source';

function tinyFrame(index: string[], rows: number[][], family = 'avg_Length'): Frame {
  const stat = family.split('_')[0];
  const columns = rows[0].map((_, w) =>
    parseColumnKey(`('${family}', '${stat}_2019-02-01 09:${String(35 + 5 * w).padStart(2, '0')}:00')`),
  );
  return new Frame({ index, columns, values: Float64Array.from(rows.flat()) });
}

function annotationTexts(layout: Record<string, unknown>): string[] {
  return (layout.annotations as { text: string }[]).map((a) => a.text);
}

const isPerIpLine = (t: PlotlyTrace) =>
  t.type === 'scatter' && t.hovertemplate !== undefined && String(t.hovertemplate).includes('%{fullData.name}');
/** The per-IP line traces of a figure, with what they leave to the figure's template filled in. */
const lineTracesOf = (fig: PlotlyFigure) => fig.data.map((t) => traceWithTemplate(fig, t)).filter(isPerIpLine);

test('four panels in the seed order with plain-English titles and a date axis each', () => {
  const anomalous = syntheticFrame({ sources: 7, destinations: 5, anomalous: true, seed: 4, windows: 12 });
  const normal = syntheticFrame({ sources: 9, destinations: 3, seed: 5, windows: 12 });
  const fig = plotAllIps(anomalous, normal, 'avg_Length');
  const titles = annotationTexts(fig.layout).filter((t) => t.startsWith('<b>'));
  assert.deepEqual(titles, [
    '<b>Source IPs along the timeline for avg_Length — anomalous</b>',
    '<b>Source IPs along the timeline for avg_Length — normal (sample of 9)</b>',
    '<b>Destination IPs along the timeline for avg_Length — anomalous</b>',
    '<b>Destination IPs along the timeline for avg_Length — normal (sample of 3)</b>',
  ]);
  assert.ok(!JSON.stringify(fig).toLowerCase().includes('destiny'));
  for (const suffix of ['', '2', '3', '4']) {
    const xaxis = fig.layout[`xaxis${suffix}`] as Record<string, unknown>;
    assert.equal(xaxis.type, 'date');
    if (suffix) assert.equal(xaxis.matches, 'x');
  }
  const domains = ['', '2', '3', '4'].map((s) => (fig.layout[`yaxis${s}`] as { domain: number[] }).domain);
  for (let i = 1; i < domains.length; i++)
    assert.ok(domains[i][1] < domains[i - 1][0], 'panels stack top to bottom without overlap');
  // one line per IP that is not 0 throughout, on the panel of its role and group; the others are counted in a note
  const perAxis = new Map<string, number>();
  for (const t of lineTracesOf(fig)) perAxis.set(String(t.yaxis), (perAxis.get(String(t.yaxis)) ?? 0) + 1);
  const panels = [
    [anomalous, 'source', 'y'],
    [normal, 'source', 'y2'],
    [anomalous, 'dst', 'y3'],
    [normal, 'dst', 'y4'],
  ] as const;
  for (const [frame, role, axis] of panels) {
    const rows = frame.rowsWithRole(role);
    const silent = rows.filter((r) =>
      Array.from(frame.family('avg_Length').series(r)).every((v) => v === 0 || Number.isNaN(v)),
    ).length;
    assert.equal(perAxis.get(axis) ?? 0, rows.length - silent, axis);
    if (silent > 0)
      assert.ok(
        annotationTexts(fig.layout).includes(`${silent} of ${rows.length} IPs 0 in every window: no line drawn`),
        axis,
      );
  }
  assert.ok([...perAxis.values()].reduce((a, b) => a + b, 0) > 0);
});

test('each line carries its IP values in the smallest exact dtype on the window grid, hover naming IP and window', () => {
  const a = tinyFrame(
    ['1.2.3.4source', '5.6.7.8dst'],
    [
      [1, 2.5, NaN, 4],
      [0, 0, 7, 0],
    ],
  );
  const n = tinyFrame(['9.9.9.9source'], [[3, 3, 3, 3]]);
  const fig = plotAllIps(a, n, 'avg_Length');
  const own = fig.data.find((t) => t.name === '1.2.3.4source')!;
  assert.deepEqual(
    Object.keys(own).sort(),
    ['name', 'type', 'xaxis', 'y', 'yaxis'],
    'a trace holds only what is its own',
  );
  const src = traceWithTemplate(fig, own);
  assert.equal(src.x0, '2019-02-01 09:35:00');
  assert.equal(src.dx, 300_000);
  const y = src.y as TypedArraySpec;
  assert.equal(y.dtype, 'f4');
  const decoded = decodeTypedArray(y);
  assert.deepEqual([decoded[0], decoded[1], decoded[3]], [1, 2.5, 4]);
  assert.ok(Number.isNaN(decoded[2]), 'missing values stay gaps');
  assert.match(String(src.hovertemplate), /%\{fullData\.name\}/);
  assert.match(String(src.hovertemplate), /window %\{x\|%Y-%m-%d %H:%M\}/);
  const dst = fig.data.find((t) => t.name === '5.6.7.8dst')!;
  assert.equal(dst.yaxis, 'y3');
  assert.deepEqual(
    dst.y,
    { dtype: 'u1', bdata: Buffer.from([0, 7, 0]).toString('base64') },
    'small integers take a byte each',
  );
  assert.equal(dst.x0, '2019-02-01 09:40:00', 'a line starts one window before its first value other than 0');
  assert.equal((fig.data.find((t) => t.name === '9.9.9.9source')!.y as TypedArraySpec).dtype, 'u1');
});

test("a line spans its IP's values other than 0, with the window before and after", () => {
  assert.deepEqual(drawnSpan([0, 0, 3, 0, 0, 5, 0, 0]), { from: 1, to: 6 });
  assert.deepEqual(drawnSpan([2, 0, 0]), { from: 0, to: 1 });
  assert.deepEqual(drawnSpan([0, NaN, 1]), { from: 1, to: 2 });
  assert.deepEqual(drawnSpan([-1]), { from: 0, to: 0 }, 'negative values are drawn');
  assert.equal(drawnSpan([0, 0, NaN]), undefined, 'nothing but 0 and gaps: no line');
  assert.equal(drawnSpan([]), undefined);
});

test('compact typed arrays: integers in u1, u2 or i4, anything else f4, values unchanged', () => {
  const cases: [number[], string][] = [
    [[0, 255], 'u1'],
    [[0, 256], 'u2'],
    [[-1, 3], 'i4'],
    [[70000, 1], 'i4'],
    [[0.5, 1], 'f4'],
    [[1, NaN], 'f4'],
    [[1e10], 'f4'],
  ];
  for (const [values, dtype] of cases) {
    const spec = compactTypedArraySpec(values);
    assert.equal(spec.dtype, dtype, String(values));
    assert.deepEqual(
      [...decodeTypedArray(spec)],
      values.map((v) => Math.fround(v)),
    );
  }
  assert.equal(compactTypedArraySpec([1, 2, 3, 4], [2, 2]).shape, '2,2');
});

test('irregular windows fall back to explicit x values', () => {
  const columns = ['09:35', '09:40', '09:50'].map((t) => parseColumnKey(`('avg_Length', 'avg_2019-02-01 ${t}:00')`));
  const a = new Frame({ index: ['1.1.1.1source'], columns, values: Float64Array.from([1, 2, 3]) });
  const fig = plotAllIps(a, a, 'avg_Length');
  const x = decodeTypedArray(fig.data[0].x as TypedArraySpec);
  assert.deepEqual(
    [...x],
    columns.map((c) => (c.kind === 'value' ? c.start : NaN)),
  );
});

test('hostile labels and family names are escaped in names, titles and hover templates', () => {
  const family = 'avg_<b>%{y}';
  const a = tinyFrame(
    [HOSTILE, '2.2.2.2dst'],
    [
      [1, 2],
      [3, 4],
    ],
    family,
  );
  const fig = plotAllIps(a, a, family, { normal: 'density' });
  const json = JSON.stringify(fig);
  assert.ok(!json.includes('<img'), 'no raw tag from a label');
  assert.ok(!json.includes('avg_<b>'), 'no raw tag from a family');
  const line = fig.data.find((t) => String(t.name).includes('img'))!;
  assert.equal(line.name, '&lt;img src=x onerror=alert(1)&gt;source');
  for (const t of fig.data) {
    const template = String(t.hovertemplate ?? '');
    assert.ok(
      !template.includes('%{y}</b>') && !template.includes('<b>%{y}'),
      'family text cannot inject a %{} placeholder',
    );
  }
  assert.ok(
    annotationTexts(fig.layout).some((t) => t.includes('avg_&lt;b&gt;&#37;{y}') || t.includes('avg_&lt;b&gt;%{y}')),
  );
  const max = fig.data.find((t) => t.name === 'max')!;
  assert.ok((max.text as string[]).every((s) => !s.includes('<')));
});

test('auto switches large normal panels to a density layer whose bins cover the extremes', () => {
  const anomalous = syntheticFrame({ sources: 4, destinations: 4, anomalous: true, windows: 20, seed: 8 });
  const normal = syntheticFrame({ sources: 60, destinations: 10, windows: 20, seed: 9 });
  const fig = plotAllIps(anomalous, normal, 'avg_Length', { maxLines: 50, bins: 30 });
  const heat = fig.data.filter((t) => t.type === 'heatmap');
  assert.equal(heat.length, 1, 'only the 60-line source panel becomes a density');
  assert.equal(heat[0].yaxis, 'y2');
  const z = heat[0].z as TypedArraySpec;
  assert.equal(z.shape, '30,20', 'shape is the string "bins,windows"');
  assert.equal(typeof z.shape, 'string');
  const counts = decodeTypedArray(z);
  const rows = normal.rowsWithRole('source');
  const view = normal.family('avg_Length');
  let finite = 0;
  let lo = Infinity;
  let hi = -Infinity;
  for (const r of rows)
    for (let w = 0; w < 20; w++) {
      const v = view.value(r, w);
      if (Number.isFinite(v)) {
        finite++;
        lo = Math.min(lo, v);
        hi = Math.max(hi, v);
      }
    }
  assert.equal(
    counts.reduce((s, c) => s + c, 0),
    finite,
    'every value is counted once',
  );
  assert.equal(z.dtype, 'u1', 'counts are small integers');
  assert.equal(heat[0].zmax, Math.max(...counts));
  const scale = heat[0].colorscale as [number, string][];
  assert.equal(scale[1][1], 'rgba(255,255,255,0)', 'empty bins stay transparent');
  assert.ok(scale[2][0] < 1 / Number(heat[0].zmax), 'a bin of one IP is coloured');
  const edges = decodeTypedArray(heat[0].y as TypedArraySpec);
  assert.equal(edges.length, 31);
  assert.equal(edges[0], lo);
  assert.ok(Math.abs(edges[30] - hi) < 1e-9 * Math.max(1, hi));
  const max = decodeTypedArray(fig.data.find((t) => t.name === 'max' && t.yaxis === 'y2')!.y as TypedArraySpec);
  assert.equal(Math.max(...max), Math.fround(hi));
  const median = decodeTypedArray(fig.data.find((t) => t.name === 'median' && t.yaxis === 'y2')!.y as TypedArraySpec);
  const w0 = Float64Array.from(rows, (r) => view.value(r, 0)).sort();
  assert.equal(median[0], Math.fround((w0[29] + w0[30]) / 2));
  // the reader can always ask for every line
  const all = plotAllIps(anomalous, normal, 'avg_Length', { maxLines: 50, normal: 'lines' });
  assert.equal(all.data.filter((t) => t.type === 'heatmap').length, 0);
  const drawnRows = rows.filter((r) => Array.from(view.series(r)).some((v) => v !== 0 && !Number.isNaN(v))).length;
  assert.ok(drawnRows > 0);
  assert.equal(lineTracesOf(all).filter((t) => t.yaxis === 'y2').length, drawnRows);
});

test('log scale: log axes, values ≤ 0 dropped from lines, density bins in log space', () => {
  const a = tinyFrame(
    ['1.1.1.1source', '2.2.2.2dst'],
    [
      [0, 10, 100, -1],
      [1, 1000, 0, 10],
    ],
  );
  const fig = plotAllIps(a, a, 'avg_Length', { yScale: 'log', normal: 'density', bins: 3 });
  assert.equal((fig.layout.yaxis as { type: string }).type, 'log');
  const y = decodeTypedArray(fig.data.find((t) => t.name === '1.1.1.1source')!.y as TypedArraySpec);
  assert.ok(Number.isNaN(y[0]) && Number.isNaN(y[3]));
  assert.deepEqual([y[1], y[2]], [10, 100]);
  const heat = fig.data.find((t) => t.type === 'heatmap' && t.yaxis === 'y4')!;
  const edges = decodeTypedArray(heat.y as TypedArraySpec);
  assert.ok(Math.abs(edges[0] - 1) < 1e-9 && Math.abs(edges[1] - 10) < 1e-9 && Math.abs(edges[3] - 1000) < 1e-6);
});

test('an empty role gets a note instead of a blank panel', () => {
  const a = tinyFrame(['1.1.1.1source'], [[1, 2]]);
  const fig = plotAllIps(a, a, 'avg_Length');
  assert.ok(annotationTexts(fig.layout).includes('no anomalous destination IPs'));
  assert.equal(
    panelTitle('dst', 'normal', 'x', 1234),
    'Destination IPs along the timeline for x — normal (sample of 1,234)',
  );
});

test('typed array specs round-trip and name their dtype', () => {
  for (const arr of [Float32Array.from([1.5, -2]), Float64Array.from([Math.PI]), Uint16Array.from([7, 65535])]) {
    assert.deepEqual([...decodeTypedArray(typedArraySpec(arr))], [...arr]);
  }
  assert.equal(typedArraySpec(new Uint16Array(6), [2, 3]).shape, '2,3');
});

test('overlap figure: bars are exclusive intersections that add up to the union; set sizes per run', () => {
  const runs = [
    { name: '30T', labels: ['a', 'b', 'c', 'x'] },
    { name: '10T', labels: ['a', 'b', 'd'] },
    { name: '5T', labels: ['a', 'b', 'c', 'd', 'e', HOSTILE] },
  ];
  const fig = overlapFigure(runs);
  const bars = fig.data[0];
  const heights = bars.y as number[];
  assert.equal(
    heights.reduce((s, h) => s + h, 0),
    new Set(runs.flatMap((r) => r.labels)).size,
  );
  assert.deepEqual(
    [...heights].sort((p, q) => q - p),
    heights,
    'largest first',
  );
  assert.equal(heights[0], 2);
  assert.equal((bars.customdata as string[])[0], 'all of 30T, 10T, 5T');
  const sizes = fig.data.find((t) => t.orientation === 'h')!;
  assert.deepEqual(sizes.x, [4, 3, 6]);
  assert.equal(combinationWords(['30T', '10T', '5T'], ['30T', '5T']), '30T and 5T only');
  const unique = uniqueToRunRows(runs);
  assert.deepEqual(unique, [
    { run: '30T', labels: ['x'] },
    { run: '10T', labels: [] },
    { run: '5T', labels: [HOSTILE, 'e'].sort() },
  ]);
  const hostileRuns = overlapFigure([
    { name: '<script>1</script>', labels: ['a'] },
    { name: 'b', labels: ['a'] },
  ]);
  assert.ok(!JSON.stringify(hostileRuns).includes('<script>'));
});

test('evidence figure: mean, median and non-zero share per group and role, gaps for empty groups', () => {
  const cell = (group: 'anomalous' | 'normal', role: 'source' | 'dst', mean: number) => ({
    group,
    role,
    ips: 3,
    mean,
    median: mean / 2,
    p95: mean * 2,
    max: mean * 3,
    nonzeroShare: 0.25,
  });
  const ev: FamilyEvidence = {
    family: 'avg_<i>Length',
    cells: [
      cell('anomalous', 'source', 60),
      cell('anomalous', 'dst', 12),
      cell('normal', 'source', 5),
      cell('normal', 'dst', NaN),
    ],
  };
  const fig = evidenceFigure(ev);
  assert.equal(fig.data.length, 6);
  const means = fig.data.filter((t) => t.xaxis === 'x');
  assert.deepEqual(
    means.map((t) => t.name),
    ['anomalous', 'normal'],
  );
  assert.deepEqual(means[0].y, [60, 12]);
  assert.deepEqual(means[1].y, [5, null]);
  assert.deepEqual(means[0].x, ['source', 'destination']);
  assert.deepEqual(fig.data.find((t) => t.xaxis === 'x2' && t.name === 'anomalous')!.y, [30, 6]);
  assert.deepEqual(fig.data.find((t) => t.xaxis === 'x3' && t.name === 'normal')!.y, [0.25, 0.25]);
  assert.ok(!JSON.stringify(fig).includes('<i>'));
});

/** The lines of a grouped panel, split at the gaps: label → the (x, y) points kept for it. */
function groupedSegments(traces: readonly PlotlyTrace[]): Map<string, { x: number[]; y: number[]; color: string }> {
  const out = new Map<string, { x: number[]; y: number[]; color: string }>();
  for (const t of traces) {
    const x = decodeTypedArray(t.x as TypedArraySpec);
    const y = decodeTypedArray(t.y as TypedArraySpec);
    const text = t.text as string[];
    assert.equal(x.length, y.length);
    assert.equal(text.length, y.length);
    let start = 0;
    for (let i = 0; i < y.length; i++) {
      if (!Number.isNaN(x[i])) continue;
      assert.equal(text[i], '', 'a gap separates two IPs');
      const label = text[start];
      assert.ok(!out.has(label), `${label} is drawn once`);
      for (let k = start; k < i; k++) assert.equal(text[k], label, 'every point of a line names its IP');
      out.set(label, {
        x: Array.from(x.subarray(start, i)),
        y: Array.from(y.subarray(start, i)),
        color: String((t.line as { color: string }).color),
      });
      start = i + 1;
    }
    assert.equal(start, y.length, 'the last line ends with a gap too');
  }
  return out;
}

/** Value of the straight line through the points at `at` (the drawn line between kept points). */
function along(xs: readonly number[], ys: readonly number[], at: number): number {
  const i = xs.findIndex((x) => x >= at);
  if (xs[i] === at) return ys[i];
  const t = (at - xs[i - 1]) / (xs[i] - xs[i - 1]);
  return ys[i - 1] + t * (ys[i] - ys[i - 1]);
}

test('grouped lines: colour traces with gaps, each IP once, drawn line unchanged, hover within a window', () => {
  const a = syntheticFrame({
    sources: 23,
    destinations: 4,
    windows: 40,
    anomalous: true,
    seed: 21,
    extraLabels: [HOSTILE],
  });
  const perIp = plotAllIps(a, a, 'avg_Length', { normal: 'lines' });
  const fig = plotAllIps(a, a, 'avg_Length', { lineTraces: 'grouped', normal: 'lines' });
  const view = a.family('avg_Length');
  const drawn = (role: 'source' | 'dst') =>
    a.rowsWithRole(role).filter((row) => Array.from(view.series(row)).some((v) => v !== 0)).length;
  assert.ok(
    drawn('source') > 10 && drawn('dst') < 10 && drawn('dst') > 0,
    'the fixture has more source lines than colours, fewer destination lines',
  );
  assert.equal(fig.data.filter((t) => t.yaxis === 'y').length, 10, 'ten colours for the source lines');
  assert.equal(
    fig.data.filter((t) => t.yaxis === 'y3').length,
    drawn('dst'),
    'fewer lines than colours: one trace each',
  );
  const colorway = [
    '#1f77b4',
    '#ff7f0e',
    '#2ca02c',
    '#d62728',
    '#9467bd',
    '#8c564b',
    '#e377c2',
    '#7f7f7f',
    '#bcbd22',
    '#17becf',
  ];
  let kept = 0;
  let all = 0;
  for (const axis of ['y', 'y3']) {
    const traces = fig.data.filter((t) => t.yaxis === axis);
    for (const t of traces)
      assert.match(String(t.hovertemplate), /^<b>%\{text\}<\/b><br>window %\{x\|%Y-%m-%d %H:%M\}/);
    const lines = groupedSegments(traces);
    const rows = a.rowsWithRole(axis === 'y' ? 'source' : 'dst');
    const silent = rows.filter((row) => Array.from(view.series(row)).every((v) => v === 0));
    assert.equal(lines.size, rows.length - silent.length, 'every IP with a value other than 0 has a line');
    for (const row of rows) {
      const line = lines.get(escapeHtml(a.index[row]));
      if (!line) {
        assert.ok(silent.includes(row), `${a.index[row]} has no line although it has values`);
        continue;
      }
      const series = Array.from(view.series(row), (v) => Math.fround(v));
      kept += line.x.length;
      all += series.length;
      // same colour as the IP's own trace got from the colorway
      const own = perIp.data.findIndex((t) => t.name === escapeHtml(a.index[row]) && t.yaxis === axis);
      assert.equal(line.color, colorway[own % 10]);
      // every window from the first to the last drawn: the line passes through its value, and a kept
      // point lies at most one window away; before and after, the IP's value is 0
      for (let w = 0; w < series.length; w++) {
        const at = view.starts[w];
        if (at < line.x[0] || at > line.x[line.x.length - 1]) {
          assert.equal(series[w], 0, `${a.index[row]} window ${w} left out of its line`);
          continue;
        }
        assert.equal(along(line.x, line.y, at), series[w], `${a.index[row]} window ${w}`);
        assert.ok(
          line.x.some((x, k) => Math.abs(x - at) <= 300_000 && line.y[k] === series[w]),
          'hover finds the value within a window',
        );
      }
    }
  }
  assert.ok(kept < all * 0.9, `flat runs were thinned: ${kept} of ${all} points`);
  const every = plotAllIps(a, a, 'avg_Length', { lineTraces: 'grouped', normal: 'lines', hoverStride: 1 });
  const points = every.data.filter((t) => t.yaxis === 'y').reduce((n, t) => n + (t.text as string[]).length, 0);
  const spans = a.rowsWithRole('source').map((row) => {
    const values = Array.from(view.series(row));
    const first = values.findIndex((v) => v !== 0);
    const last = values.length - 1 - [...values].reverse().findIndex((v) => v !== 0);
    return first < 0 ? 0 : Math.min(values.length - 1, last + 1) - Math.max(0, first - 1) + 1 + 1;
  });
  assert.equal(
    points,
    spans.reduce((x, y) => x + y, 0),
    'stride 1 keeps every drawn point (and one gap per IP)',
  );
});

test('groupLines leaves other traces in place and runs from its own source (as the HTML twin embeds it)', () => {
  const a = syntheticFrame({
    sources: 12,
    destinations: 3,
    windows: 30,
    anomalous: true,
    seed: 5,
    extraLabels: [HOSTILE],
  });
  const n = syntheticFrame({ sources: 40, destinations: 2, windows: 30, seed: 6 });
  const perIp = plotAllIps(a, n, 'avg_Length', { maxLines: 20, yScale: 'log' });
  const grouped = groupLines(perIp, 3, (v) => typedArraySpec(v));
  assert.deepEqual(
    grouped.data.filter((t) => !String(t.name).endsWith(' lines')),
    perIp.data.filter((t) => !isPerIpLine(traceWithTemplate(perIp, t))),
    'density, median, p95, max untouched',
  );
  assert.ok(
    grouped.data.some((t) => t.type === 'heatmap') && grouped.data.some((t) => String(t.name).endsWith(' lines')),
  );
  assert.deepEqual(grouped.layout, perIp.layout);
  // the compiled function, evaluated alone in a fresh context with only atob, gives the same figure
  const isolated = vm.runInNewContext(`(${groupLines.toString()})`, { atob }) as typeof groupLines;
  // (its arrays come from another realm: compare their JSON)
  const browser = JSON.parse(
    JSON.stringify(isolated(JSON.parse(JSON.stringify(perIp)) as PlotlyFigure, 3, (v) => Array.from(v))),
  ) as PlotlyFigure;
  assert.equal(browser.data.length, grouped.data.length);
  browser.data.forEach((t, i) => {
    const mine = grouped.data[i];
    if (!String(t.name).endsWith(' lines')) return assert.deepEqual(t, JSON.parse(JSON.stringify(mine)));
    assert.deepEqual(t.text, mine.text);
    const nullNaN = (v: number) => (Number.isNaN(v) ? null : v);
    assert.deepEqual(t.y, Array.from(decodeTypedArray(mine.y as TypedArraySpec), nullNaN));
    assert.deepEqual(t.x, Array.from(decodeTypedArray(mine.x as TypedArraySpec), nullNaN));
  });
  // figures without per-IP lines come back as they were
  const plain = evidenceFigure({ family: 'x', cells: [] });
  assert.deepEqual(
    groupLines(plain, 3, (v) => v),
    plain,
  );
});

/** 30 quiet sources (values 1–3), three loud ones (peaks 50, 80, 120); 12 quiet destinations, one loud. */
function loudAndQuiet(): Frame {
  const index: string[] = [];
  const rows: number[][] = [];
  for (let i = 0; i < 30; i++) {
    index.push(`10.0.0.${i}source`);
    rows.push([1 + (i % 3), 2, 1 + ((i + 1) % 3), 2, 1]);
  }
  const loud: [string, number][] = [
    ['10.9.9.1source', 50],
    ['10.9.9.2source', 120],
    ['10.9.9.3source', 80],
  ];
  for (const [label, peak] of loud) {
    index.push(label);
    rows.push([0, 2, peak, 3, 0]);
  }
  for (let i = 0; i < 12; i++) {
    index.push(`10.1.0.${i}dst`);
    rows.push([2, 1 + (i % 2), 2, 2, 1]);
  }
  index.push('10.9.9.9dst');
  rows.push([2, 40, 2, 2, 2]);
  return tinyFrame(index, rows);
}

const DENSITY_WORDS = 'IPs as density (blue: IPs per bin), median (black), p95 (dashed), max (dotted)';

test('anomalous: density draws anomalous panels as a density with the lines of their standout IPs on top', () => {
  const a = loudAndQuiet();
  const normal = syntheticFrame({ sources: 5, destinations: 5, seed: 3, windows: 5 });

  const fig = plotAllIps(a, normal, 'avg_Length', { anomalous: 'density', standoutLines: 2 });
  const heat = fig.data.filter((t) => t.type === 'heatmap');
  assert.deepEqual(
    heat.map((t) => t.yaxis),
    ['y', 'y3'],
    'both anomalous panels are densities; the small normal ones stay lines',
  );
  assert.match(String(heat[0].hovertemplate), /anomalous IPs in this bin/);
  const counts = decodeTypedArray(heat[0].z as TypedArraySpec);
  assert.equal(
    counts.reduce((s, c) => s + c, 0),
    33 * 5,
    'the density counts every anomalous source value, the loud ones too',
  );
  const lines = lineTracesOf(fig);
  assert.deepEqual(
    lines.filter((t) => t.yaxis === 'y').map((t) => t.name),
    ['10.9.9.2source', '10.9.9.3source'],
    'the two loudest sources, loudest first',
  );
  assert.deepEqual(
    lines.filter((t) => t.yaxis === 'y3').map((t) => t.name),
    ['10.9.9.9dst'],
  );
  const notes = annotationTexts(fig.layout).filter((t) => !t.startsWith('<b>'));
  assert.ok(
    notes.includes(
      `33 ${DENSITY_WORDS}; the 2 that stand out most as lines (3 stand out); { anomalous: 'lines' } draws all`,
    ),
    notes.join('\n'),
  );
  assert.ok(notes.includes(`13 ${DENSITY_WORDS}; the 1 that stands out as a line; { anomalous: 'lines' } draws all`));
  const max = fig.data.find((t) => t.name === 'max' && t.yaxis === 'y')!;
  assert.equal((max.text as string[])[2], '10.9.9.2source', 'the max line names the loudest IP');

  const every = plotAllIps(a, normal, 'avg_Length', { anomalous: 'density' });
  assert.equal(lineTracesOf(every).filter((t) => t.yaxis === 'y').length, 3, 'default: up to 10 standouts a role');
  const none = plotAllIps(a, normal, 'avg_Length', { anomalous: 'density', standoutLines: 0 });
  assert.equal(lineTracesOf(none).filter((t) => t.yaxis === 'y' || t.yaxis === 'y3').length, 0);
  assert.ok(
    annotationTexts(none.layout).includes(
      `33 ${DENSITY_WORDS}; 3 stand out, none drawn as a line; { anomalous: 'lines' } draws all`,
    ),
  );
  const forced = plotAllIps(a, normal, 'avg_Length', { anomalous: 'lines' });
  assert.equal(forced.data.filter((t) => t.type === 'heatmap').length, 0, 'lines: no density anywhere');
  assert.equal(lineTracesOf(forced).filter((t) => t.yaxis === 'y').length, 33);
  assert.throws(
    () => plotAllIps(a, normal, 'avg_Length', { anomalous: 'line' as 'lines' }),
    /plotAllIps: invalid anomalous "line"; expected one of "auto", "lines", "density"/,
  );
  assert.throws(
    () => plotAllIps(a, normal, 'avg_Length', { maxAnomalousLines: -1 }),
    /plotAllIps: invalid maxAnomalousLines/,
  );
});

test('by default a panel of at most 30 anomalous IPs draws them as lines, a larger one as a density with its standouts as lines, and says which', () => {
  const a = loudAndQuiet(); // 33 sources, 13 destinations
  const normal = syntheticFrame({ sources: 5, destinations: 5, seed: 3, windows: 5 });
  const fig = plotAllIps(a, normal, 'avg_Length');
  assert.deepEqual(
    fig.data.filter((t) => t.type === 'heatmap').map((t) => t.yaxis),
    ['y'],
    'only the 33 anomalous sources (over 30) draw as a density',
  );
  const lines = lineTracesOf(fig);
  assert.deepEqual(
    lines.filter((t) => t.yaxis === 'y').map((t) => t.name),
    ['10.9.9.2source', '10.9.9.3source', '10.9.9.1source'],
    'over the density: the three sources that stand out, loudest first',
  );
  assert.equal(lines.filter((t) => t.yaxis === 'y3').length, 13, 'the 13 destinations: a line each');
  const notes = annotationTexts(fig.layout).filter((t) => t.includes('density') || t.includes('stand'));
  assert.deepEqual(notes, [`33 ${DENSITY_WORDS}; the 3 that stand out as lines; { anomalous: 'lines' } draws all`]);

  // The bound is the panel's count of IPs: 33 allowed, lines everywhere; 12 allowed, both densities.
  const wide = plotAllIps(a, normal, 'avg_Length', { maxAnomalousLines: 33 });
  assert.equal(wide.data.filter((t) => t.type === 'heatmap').length, 0);
  assert.equal(lineTracesOf(wide).filter((t) => t.yaxis === 'y').length, 33);
  const narrow = plotAllIps(a, normal, 'avg_Length', { maxAnomalousLines: 12 });
  assert.deepEqual(
    narrow.data.filter((t) => t.type === 'heatmap').map((t) => t.yaxis),
    ['y', 'y3'],
  );
  assert.deepEqual(plotAllIps(a, normal, 'avg_Length', { anomalous: 'auto' }), fig, 'auto is the default');

  // Quiet IPs only: the density panel says none stands out.
  const quiet = tinyFrame(
    Array.from({ length: 31 }, (_, i) => `10.0.1.${i}source`),
    Array.from({ length: 31 }, () => [1, 2, 1, 2, 1]),
  );
  const quietNotes = annotationTexts(plotAllIps(quiet, normal, 'avg_Length').layout).filter(
    (t) => !t.startsWith('<b>'),
  );
  assert.ok(quietNotes.includes(`31 ${DENSITY_WORDS}; none stands out; { anomalous: 'lines' } draws all`));
});

test('figurePicker: one figure holding every choice, the first shown, a dropdown showing each in turn with its own layout', () => {
  const a: PlotlyFigure = {
    data: [
      { type: 'scatter', name: 'a1' },
      { type: 'scatter', name: 'a2', visible: 'legendonly' },
    ],
    layout: {
      title: { text: 'A' },
      height: 500,
      xaxis: { domain: [0, 0.5] },
      xaxis2: { domain: [0.5, 1] },
      shapes: [{}],
    },
  };
  const b: PlotlyFigure = { data: [{ type: 'scatter', name: 'b1' }], layout: { title: { text: 'B' }, height: 300 } };
  const fig = figurePicker([
    { label: HOSTILE, figure: a },
    { label: 'second & last', figure: b },
  ]);
  assert.deepEqual(
    fig.data.map((t) => [t.name, t.visible]),
    [
      ['a1', undefined],
      ['a2', 'legendonly'],
      ['b1', false],
    ],
    "the first choice's traces as they were, the others hidden",
  );
  assert.deepEqual(fig.layout.title, { text: 'A' });
  type Update = [{ visible: unknown[] }, Record<string, { visible?: boolean } & Record<string, unknown>>];
  const [menu] = fig.layout.updatemenus as { buttons: { method: string; label: string; args: Update }[] }[];
  assert.deepEqual(
    menu.buttons.map((button) => button.label),
    ['&lt;img src=x onerror=alert(1)&gt;source', 'second &amp; last'],
    'labels are escaped for Plotly',
  );
  assert.deepEqual(menu.buttons[0].args[0], { visible: [true, 'legendonly', false] });
  assert.deepEqual(menu.buttons[1].args[0], { visible: [false, false, true] });
  const second = menu.buttons[1].args[1];
  assert.deepEqual(second.title, { text: 'B' });
  assert.equal(second.height, 300);
  assert.deepEqual(second.shapes, [], "the first choice's shapes go");
  assert.equal(second.xaxis2.visible, false, 'an axis the second choice lacks is hidden');
  const one = figurePicker([{ label: 'only', figure: b }]);
  assert.equal(one, b, 'one choice: its figure as it is');
  assert.throws(() => figurePicker([]), /figurePicker: no figure to choose from/);
});
