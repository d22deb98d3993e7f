import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { Frame } from '../lib/frame';
import { parseColumnKey } from '../lib/columns';
import { FamilyEvidence } from '../lib/types';
import {
  PlotlyTrace, TypedArraySpec, combinationWords, decodeTypedArray, evidenceFigure, overlapFigure,
  panelTitle, plotAllIps, typedArraySpec, uniqueToRunRows,
} from '../lib/plots';
import { syntheticFrame } from './plot-fixtures';
import { escapeHtml } from '../lib/html';

const HOSTILE = '<img src=x onerror=alert(1)>source';

function tinyFrame(index: string[], rows: number[][], family = 'avg_Length'): Frame {
  const stat = family.split('_')[0];
  const columns = rows[0].map((_, w) => parseColumnKey(`('${family}', '${stat}_2019-02-01 09:${String(35 + 5 * w).padStart(2, '0')}:00')`));
  return new Frame({ index, columns, values: Float64Array.from(rows.flat()) });
}

function annotationTexts(layout: Record<string, unknown>): string[] {
  return (layout.annotations as { text: string }[]).map((a) => a.text);
}

const isLine = (t: PlotlyTrace) => t.type === 'scatter' && t.hovertemplate !== undefined && String(t.hovertemplate).includes('%{fullData.name}');

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
  for (let i = 1; i < domains.length; i++) assert.ok(domains[i][1] < domains[i - 1][0], 'panels stack top to bottom without overlap');
  // one line per IP, on the panel of its role and group
  const perAxis = new Map<string, number>();
  for (const t of fig.data.filter(isLine)) perAxis.set(String(t.yaxis), (perAxis.get(String(t.yaxis)) ?? 0) + 1);
  assert.deepEqual(Object.fromEntries(perAxis), { y: 7, y2: 9, y3: 5, y4: 3 });
});

test('each line carries its IP values as f4 typed arrays on the window grid, hover naming IP and window', () => {
  const a = tinyFrame(['1.2.3.4source', '5.6.7.8dst'], [[1, 2.5, NaN, 4], [0, 0, 7, 0]]);
  const n = tinyFrame(['9.9.9.9source'], [[3, 3, 3, 3]]);
  const fig = plotAllIps(a, n, 'avg_Length');
  const src = fig.data.find((t) => t.name === '1.2.3.4source')!;
  assert.equal(src.x0, '2019-02-01 09:35:00');
  assert.equal(src.dx, 300_000);
  const y = src.y as TypedArraySpec;
  assert.equal(y.dtype, 'f4');
  const decoded = decodeTypedArray(y);
  assert.deepEqual([decoded[0], decoded[1], decoded[3]], [1, 2.5, 4]);
  assert.ok(Number.isNaN(decoded[2]), 'missing values stay gaps');
  assert.match(String(src.hovertemplate), /%\{fullData\.name\}/);
  assert.match(String(src.hovertemplate), /window %\{x\|%Y-%m-%d %H:%M\}/);
  assert.equal(fig.data.find((t) => t.name === '5.6.7.8dst')!.yaxis, 'y3');
});

test('irregular windows fall back to explicit x values', () => {
  const columns = ['09:35', '09:40', '09:50'].map((t) => parseColumnKey(`('avg_Length', 'avg_2019-02-01 ${t}:00')`));
  const a = new Frame({ index: ['1.1.1.1source'], columns, values: Float64Array.from([1, 2, 3]) });
  const fig = plotAllIps(a, a, 'avg_Length');
  const x = decodeTypedArray(fig.data[0].x as TypedArraySpec);
  assert.deepEqual([...x], columns.map((c) => (c.kind === 'value' ? c.start : NaN)));
});

test('hostile labels and family names are escaped in names, titles and hover templates', () => {
  const family = 'avg_<b>%{y}';
  const a = tinyFrame([HOSTILE, '2.2.2.2dst'], [[1, 2], [3, 4]], family);
  const fig = plotAllIps(a, a, family, { normal: 'density' });
  const json = JSON.stringify(fig);
  assert.ok(!json.includes('<img'), 'no raw tag from a label');
  assert.ok(!json.includes('avg_<b>'), 'no raw tag from a family');
  const line = fig.data.find((t) => String(t.name).includes('img'))!;
  assert.equal(line.name, '&lt;img src=x onerror=alert(1)&gt;source');
  for (const t of fig.data) {
    const template = String(t.hovertemplate ?? '');
    assert.ok(!template.includes('%{y}</b>') && !template.includes('<b>%{y}'), 'family text cannot inject a %{} placeholder');
  }
  assert.ok(annotationTexts(fig.layout).some((t) => t.includes('avg_&lt;b&gt;&#37;{y}') || t.includes('avg_&lt;b&gt;%{y}')));
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
  for (const r of rows) for (let w = 0; w < 20; w++) {
    const v = view.value(r, w);
    if (Number.isFinite(v)) finite++, (lo = Math.min(lo, v)), (hi = Math.max(hi, v));
  }
  assert.equal(counts.reduce((s, c) => s + (Number.isNaN(c) ? 0 : c), 0), finite, 'every value is counted once');
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
  assert.equal(all.data.filter((t) => isLine(t) && t.yaxis === 'y2').length, 60);
});

test('log scale: log axes, values ≤ 0 dropped from lines, density bins in log space', () => {
  const a = tinyFrame(['1.1.1.1source', '2.2.2.2dst'], [[0, 10, 100, -1], [1, 1000, 0, 10]]);
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
  assert.equal(panelTitle('dst', 'normal', 'x', 1234), 'Destination IPs along the timeline for x — normal (sample of 1,234)');
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
  assert.equal(heights.reduce((s, h) => s + h, 0), new Set(runs.flatMap((r) => r.labels)).size);
  assert.deepEqual([...heights].sort((p, q) => q - p), heights, 'largest first');
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
  const hostileRuns = overlapFigure([{ name: '<script>1</script>', labels: ['a'] }, { name: 'b', labels: ['a'] }]);
  assert.ok(!JSON.stringify(hostileRuns).includes('<script>'));
});

test('evidence figure: mean, median and non-zero share per group and role, gaps for empty groups', () => {
  const cell = (group: 'anomalous' | 'normal', role: 'source' | 'dst', mean: number) => ({
    group, role, ips: 3, mean, median: mean / 2, p95: mean * 2, max: mean * 3, nonzeroShare: 0.25,
  });
  const ev: FamilyEvidence = {
    family: 'avg_<i>Length',
    cells: [cell('anomalous', 'source', 60), cell('anomalous', 'dst', 12), cell('normal', 'source', 5), cell('normal', 'dst', NaN)],
  };
  const fig = evidenceFigure(ev);
  assert.equal(fig.data.length, 6);
  const means = fig.data.filter((t) => t.xaxis === 'x');
  assert.deepEqual(means.map((t) => t.name), ['anomalous', 'normal']);
  assert.deepEqual(means[0].y, [60, 12]);
  assert.deepEqual(means[1].y, [5, null]);
  assert.deepEqual(means[0].x, ['source', 'destination']);
  assert.deepEqual(fig.data.find((t) => t.xaxis === 'x2' && t.name === 'anomalous')!.y, [30, 6]);
  assert.deepEqual(fig.data.find((t) => t.xaxis === 'x3' && t.name === 'normal')!.y, [0.25, 0.25]);
  assert.ok(!JSON.stringify(fig).includes('<i>'));
});

test('grouped line traces: ten colour groups, every IP once between gaps, hover text naming it', () => {
  const a = syntheticFrame({ sources: 23, destinations: 4, windows: 8, anomalous: true, seed: 21, extraLabels: [HOSTILE] });
  const fig = plotAllIps(a, a, 'avg_Length', { lineTraces: 'grouped', normal: 'lines' });
  const src = fig.data.filter((t) => t.yaxis === 'y');
  assert.equal(src.length, 10);
  const view = a.family('avg_Length');
  const seen = new Map<string, number[]>();
  for (const t of src) {
    const y = decodeTypedArray(t.y as TypedArraySpec);
    const text = t.text as string[];
    assert.equal(y.length, text.length);
    for (let i = 0; i < y.length; i += 9) {
      assert.equal(text[i + 8], '');
      assert.ok(Number.isNaN(y[i + 8]), 'a gap after each IP');
      seen.set(text[i], Array.from(y.subarray(i, i + 8)));
    }
    assert.match(String(t.hovertemplate), /%\{text\}/);
  }
  assert.equal(seen.size, 24);
  const row = a.rowOf(HOSTILE);
  assert.deepEqual(seen.get(escapeHtml(HOSTILE)), Array.from(view.series(row), (v) => Math.fround(v)));
  assert.equal(fig.data.filter((t) => t.yaxis === 'y3').length, 4, 'fewer IPs than colours: one trace each');
});
