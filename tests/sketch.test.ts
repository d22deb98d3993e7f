import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseColumnKey } from '../lib/columns';
import { ValueSketch, quantileOfCounts } from '../lib/sketch';
import { MAD_SCALE, baselineOf, slog, spreadFloor } from '../lib/baseline';
import type { ColumnKey, Role } from '../lib/types';
import { prng as random } from './frames';

const WINDOWS = ['2019-02-01 09:35:00', '2019-02-01 09:40:00', '2019-02-01 09:45:00'];
const COLUMNS: ColumnKey[] = [
  ...['count_Length', 'avg_Length'].flatMap((f) =>
    WINDOWS.map((w) => parseColumnKey(`('${f}', '${f.split('_')[0]}_${w}')`)),
  ),
  parseColumnKey('is_src'),
];

/** Rows of mostly zeros, small integers (both signs), a few missing and infinite values. */
function rows(count: number, seed: number, value: (rnd: () => number) => number): { role: Role; row: Float64Array }[] {
  const rnd = random(seed);
  return Array.from({ length: count }, (_, i) => {
    const row = new Float64Array(COLUMNS.length);
    for (let c = 0; c < COLUMNS.length - 1; c++) {
      const u = rnd();
      row[c] = u < 0.6 ? 0 : u < 0.65 ? NaN : u < 0.66 ? Infinity : value(rnd);
    }
    row[COLUMNS.length - 1] = i % 2;
    return { role: i % 3 === 0 ? 'dst' : 'source', row };
  });
}

function sketchOf(data: { role: Role; row: Float64Array }[]): ValueSketch {
  const sketch = new ValueSketch(COLUMNS);
  for (const { role, row } of data) sketch.addRow(role, row);
  return sketch;
}

/** The exact sorted distinct values and counts of one column and role, missing values skipped. */
function exactCounts(
  data: { role: Role; row: Float64Array }[],
  col: number,
  role: Role,
): { values: number[]; counts: number[] } {
  const counts = new Map<number, number>();
  for (const d of data) {
    const v = d.row[col];
    if (d.role !== role || Number.isNaN(v)) continue;
    const key = v === 0 ? 0 : v;
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  const values = [...counts.keys()].sort((a, b) => a - b);
  return { values, counts: values.map((v) => counts.get(v)!) };
}

test('a column with few distinct values is held exactly: values, counts, zeros and infinities', () => {
  const data = rows(300, 1, (rnd) => Math.round(rnd() * 40) - 10);
  const dists = sketchOf(data).distributions();
  for (const role of ['source', 'dst'] as const) {
    for (let j = 0; j < COLUMNS.length - 1; j++) {
      const exact = exactCounts(data, j, role);
      const got = dists[role][j];
      assert.deepEqual([...got.values], exact.values, `${role} ${j} values`);
      assert.deepEqual([...got.counts], exact.counts, `${role} ${j} counts`);
      assert.equal(
        got.n,
        exact.counts.reduce((a, b) => a + b, 0),
      );
    }
  }
});

test('merging sketches gives the same sketch however the rows were split', () => {
  // Many distinct values over six orders of magnitude: buckets are paired up (levels rise).
  const data = rows(2000, 2, (rnd) => Math.exp(rnd() * 14 - 7) * (rnd() < 0.2 ? -1 : 1));
  const whole = sketchOf(data).distributions();
  for (const cut of [1, 500, 1999]) {
    const a = sketchOf(data.slice(0, cut));
    a.merge(sketchOf(data.slice(cut)));
    assert.deepEqual(a.distributions(), whole, `cut at ${cut}`);
  }
  const reversed = sketchOf(data.slice(1000));
  reversed.merge(sketchOf(data.slice(0, 1000)));
  assert.deepEqual(reversed.distributions(), whole);
});

test('quantiles of a wide column stay within the bucket accuracy of the exact ones', () => {
  const data = rows(3000, 3, (rnd) => Math.exp(rnd() * 7));
  const dists = sketchOf(data).distributions();
  for (const q of [0.5, 0.7, 0.9, 0.95]) {
    const exact = exactCounts(data, 3, 'source');
    const want = quantileOfCounts(exact.values, exact.counts, q);
    const got = quantileOfCounts(dists.source[3].values, dists.source[3].counts, q);
    assert.ok(Math.abs(got - want) <= 0.1 * Math.abs(want), `q ${q}: ${got} vs ${want}`);
  }
});

test('quantileOfCounts interpolates like numpy', () => {
  // numpy.quantile([1, 2, 2, 4], q): 0.5 → 2, 0.75 → 2.5, 0.9 → 3.4
  assert.equal(quantileOfCounts([1, 2, 4], [1, 2, 1], 0.5), 2);
  assert.equal(quantileOfCounts([1, 2, 4], [1, 2, 1], 0.75), 2.5);
  assert.ok(Math.abs(quantileOfCounts([1, 2, 4], [1, 2, 1], 0.9) - 3.4) < 1e-12);
  assert.ok(Number.isNaN(quantileOfCounts([], [], 0.5)));
});

test('the baseline: medians, spreads and the floor rule against a direct computation', () => {
  const data = rows(400, 4, (rnd) => Math.round(rnd() * 30) + 1).map((d) => {
    d.row.forEach((v, c) => {
      if (v === Infinity) d.row[c] = 0; // keep every statistic finite here
    });
    return d;
  });
  const baseline = baselineOf(sketchOf(data));
  const sorted = (xs: number[]): number[] => [...xs].sort((a, b) => a - b);
  const median = (xs: number[]): number => {
    const s = sorted(xs);
    const h = (s.length - 1) / 2;
    return s[Math.floor(h)] + (h - Math.floor(h)) * (s[Math.ceil(h)] - s[Math.floor(h)]);
  };
  for (const role of ['source', 'dst'] as const) {
    for (let j = 0; j < 6; j++) {
      const values = data.filter((d) => d.role === role && !Number.isNaN(d.row[j])).map((d) => d.row[j]);
      const logs = values.map((v) => Math.sign(v) * Math.log1p(Math.abs(v)));
      const m = median(logs);
      assert.equal(baseline.median[role][j], median(values));
      assert.ok(Math.abs(baseline.logMedian[role][j] - m) < 1e-12);
      assert.ok(Math.abs(baseline.logSpread[role][j] - MAD_SCALE * median(logs.map((x) => Math.abs(x - m)))) < 1e-12);
    }
    for (const [family, cols] of [
      ['count_Length', [0, 1, 2]],
      ['avg_Length', [3, 4, 5]],
    ] as const) {
      const pooled = data
        .filter((d) => d.role === role)
        .flatMap((d) => cols.map((c) => d.row[c]))
        .filter((v) => !Number.isNaN(v))
        .map(slog);
      const centre = median(pooled);
      const floor = median(pooled.filter((x) => x !== centre).map((x) => Math.abs(x - centre)));
      assert.ok(Math.abs(baseline.floor.get(family)![role] - floor) < 1e-12, `${family} ${role}`);
    }
  }
});

test('the floor of a family whose normal values are all equal is 1; of one with a few non-zeros, their typical size', () => {
  assert.equal(spreadFloor({ values: [0], counts: [500] }), 1);
  assert.equal(spreadFloor({ values: [], counts: [] }), 1);
  // 98 zeros and two values: the median is 0; the floor is the median distance of the two non-zeros.
  assert.equal(spreadFloor({ values: [0, 2, 4], counts: [98, 1, 1] }), 3);
});
