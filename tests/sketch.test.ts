import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseColumnKey } from '../lib/table/columns';
import {
  BUCKETS_PER_CELL,
  SKETCH_ACCURACY,
  ValueSketch,
  logKey,
  logKeyByMath,
  quantileOfCounts,
} from '../lib/table/sketch';
import { baselineOf } from '../lib/evaluation/baseline';
import { NonzeroCells } from '../lib/table/nonzero';
import { FamilyStatsAccumulator } from '../lib/table/stats';
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

test("the baseline: medians, and every column's non-zero normal values with their cumulative counts, against a direct computation", () => {
  const data = rows(400, 4, (rnd) => (rnd() < 0.4 ? 0 : Math.round(rnd() * 30) + 1)).map((d) => {
    d.row.forEach((v, c) => {
      if (v === Infinity) d.row[c] = 0; // keep every statistic finite here
    });
    return d;
  });
  const baseline = baselineOf(sketchOf(data));
  const median = (xs: number[]): number => {
    const s = [...xs].sort((a, b) => a - b);
    const h = (s.length - 1) / 2;
    return s[Math.floor(h)] + (h - Math.floor(h)) * (s[Math.ceil(h)] - s[Math.floor(h)]);
  };
  for (const role of ['source', 'dst'] as const) {
    const { offsets, values: kept, atOrBelow } = baseline.nonzero[role];
    for (let j = 0; j < 6; j++) {
      const values = data.filter((d) => d.role === role && !Number.isNaN(d.row[j])).map((d) => d.row[j]);
      assert.equal(baseline.median[role][j], median(values));
      // the distinct non-zero values in order, each with how many values are at or below it (zeros aside)
      const nonzero = values.filter((v) => v !== 0).sort((a, b) => a - b);
      const distinct = [...new Set(nonzero)];
      assert.deepEqual([...kept.subarray(offsets[j], offsets[j + 1])], distinct);
      assert.deepEqual(
        [...atOrBelow.subarray(offsets[j], offsets[j + 1])],
        distinct.map((v) => nonzero.filter((x) => x <= v).length),
      );
    }
  }
});

const LOG_GAMMA = Math.log((1 + SKETCH_ACCURACY) / (1 - SKETCH_ACCURACY));

/** The doubles `steps` units in the last place either side of x (x > 0). */
function around(x: number, steps: number): number[] {
  const f = new Float64Array(1);
  const bits = new BigInt64Array(f.buffer);
  f[0] = x;
  const at = bits[0];
  const out: number[] = [];
  for (let s = -steps; s <= steps; s++) {
    bits[0] = at + BigInt(s);
    if (f[0] > 0 && Number.isFinite(f[0])) out.push(f[0]);
  }
  return out;
}

test('the bucket of a value found from its bits equals the one of its logarithm, on both sides of every boundary', () => {
  let checked = 0;
  // Every bucket boundary γ^k of the doubles' range, subnormals included, and 4 ulps around it.
  for (let k = -36900; k <= 35200; k++) {
    const boundary = Math.exp(k * LOG_GAMMA);
    if (!(boundary > 0) || !Number.isFinite(boundary)) continue;
    for (const v of around(boundary, 4)) {
      assert.equal(logKey(v), logKeyByMath(v), `${v}`);
      assert.equal(logKey(-v), logKeyByMath(-v), `${-v}`);
      checked++;
    }
  }
  // The edges of the table's slices (a 6-bit mantissa prefix) and the extremes.
  const f = new Float64Array(1);
  const words = new Uint32Array(f.buffer);
  const high = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1 ? 1 : 0;
  for (let slice = 1; slice < 2047 << 6; slice += 7) {
    words[high] = slice << 14;
    words[1 - high] = 0;
    for (const v of around(f[0], 2)) assert.equal(logKey(v), logKeyByMath(v), `${v}`);
  }
  for (const v of [
    Number.MIN_VALUE,
    2.2250738585072014e-308,
    2.225073858507201e-308,
    Number.MAX_VALUE,
    1,
    1e-300,
    1e300,
  ])
    assert.equal(logKey(v), logKeyByMath(v), `${v}`);
  assert.ok(checked > 500_000);
});

/**
 * The sketch by its definition, computed directly: the lowest level at which a column's distinct
 * bucket keys number at most BUCKETS_PER_CELL, and per bucket its count and its values.
 */
function definitionOf(values: number[]): { level: number; buckets: Map<number, number[]> } {
  for (let level = 0; ; level++) {
    const buckets = new Map<number, number[]>();
    for (const v of values) {
      const key =
        v === Infinity
          ? Infinity
          : v === -Infinity
            ? -Infinity
            : Math.sign(v) * (2 ** 20 + Math.ceil(Math.ceil(Math.log(Math.abs(v)) / LOG_GAMMA) / 2 ** level));
      let list = buckets.get(key);
      if (!list) buckets.set(key, (list = []));
      list.push(v);
    }
    if (buckets.size <= BUCKETS_PER_CELL) return { level, buckets };
  }
}

test('dense and sparse rows, in any order, fill the buckets the definition gives (keys that collide in the slot index too)', () => {
  const rnd = random(11);
  const columns: ColumnKey[] = [
    parseColumnKey('is_src'),
    ...WINDOWS.map((w) => parseColumnKey(`('count_Length', 'count_${w}')`)),
  ];
  // Column 0: values 128 buckets apart (the slot index's size), both signs; 1: a lognormal spread
  // over 40 orders of magnitude (levels rise); 2: few distinct values, mostly zeros.
  const draw = [
    () => (rnd() < 0.5 ? -1 : 1) * Math.exp(LOG_GAMMA * 128 * Math.floor(rnd() * 40 - 20)) * (1 - rnd() * 0.005),
    () => Math.exp(rnd() * 92 - 46),
    () => (rnd() < 0.8 ? 0 : Math.floor(rnd() * 5) + 1),
  ];
  const data = Array.from({ length: 3000 }, (_, i) => {
    const row = new Float64Array(columns.length);
    const dense = Math.floor(i / 50) % 2 === 0; // runs of dense rows (block path) and of sparse ones
    for (let c = 1; c < columns.length; c++) {
      const u = rnd();
      row[c] = u < 0.02 ? NaN : u < 0.03 ? -Infinity : !dense && u < 0.9 ? 0 : draw[c - 1]();
    }
    return { role: (i % 5 === 0 ? 'dst' : 'source') as Role, row };
  });
  const fill = (rows: typeof data): ValueSketch => {
    const sketch = new ValueSketch(columns);
    for (const { role, row } of rows) sketch.addRow(role, row);
    return sketch;
  };
  const dists = fill(data).distributions();
  assert.deepEqual(fill([...data].reverse()).distributions(), dists);
  for (const role of ['source', 'dst'] as const) {
    for (let j = 0; j < WINDOWS.length; j++) {
      const values = data.filter((d) => d.role === role && !Number.isNaN(d.row[j + 1])).map((d) => d.row[j + 1]);
      const { level, buckets } = definitionOf(values.filter((v) => v !== 0));
      const want = [...buckets.entries()].sort((a, b) => a[0] - b[0]);
      const zeros = values.filter((v) => v === 0).length;
      const got = dists[role][j];
      assert.equal(got.n, values.length);
      const gotBuckets = [...got.values]
        .map((v, i) => ({ v, count: got.counts[i] }))
        .filter(({ v }) => v !== 0 || zeros === 0);
      if (zeros > 0) assert.equal(got.counts[[...got.values].indexOf(0)], zeros);
      assert.equal(gotBuckets.length, want.length, `${role} ${j}: buckets`);
      want.forEach(([key, members], i) => {
        assert.equal(gotBuckets[i].count, members.length, `${role} ${j}: bucket ${i} count`);
        const distinct = new Set(members);
        if (distinct.size === 1) assert.equal(gotBuckets[i].v, members[0]);
        else {
          // a mixed bucket stands for a value between its edges: (γ^((k−1)·2^level), γ^(k·2^level)]
          const k = Math.abs(key) - 2 ** 20;
          const lo = Math.exp((k - 1) * 2 ** level * LOG_GAMMA);
          const hi = Math.exp(k * 2 ** level * LOG_GAMMA);
          const at = Math.abs(gotBuckets[i].v);
          assert.ok(
            at >= lo * (1 - 1e-12) && at <= hi * (1 + 1e-12),
            `${role} ${j}: bucket ${i} value ${at} in [${lo}, ${hi}]`,
          );
          assert.ok(members.every((v) => Math.abs(v) > lo * (1 - 1e-12) && Math.abs(v) <= hi * (1 + 1e-12)));
        }
      });
    }
  }
});

test('a row given by its non-zero cells (found once for both accumulators) leaves the states its whole row leaves', () => {
  const rnd = random(23);
  // mostly-zero rows and dense ones in runs, with missing, infinite, negative, huge and -0 values
  const data = Array.from({ length: 600 }, (_, i) => {
    const zeros = Math.floor(i / 50) % 2 === 0 ? 0.9 : 0.3;
    const row = Float64Array.from(COLUMNS, (_, c) => {
      if (c === COLUMNS.length - 1) return i % 2;
      const u = rnd();
      if (u < zeros) return u < zeros / 10 ? -0 : 0;
      const pick = [NaN, Infinity, -Infinity, 1e300, -2.5, Math.floor(rnd() * 9) + 1][Math.floor(rnd() * 6)];
      return pick;
    });
    return { role: (i % 3 === 0 ? 'dst' : 'source') as Role, row };
  });
  const wholeStats = new FamilyStatsAccumulator(COLUMNS);
  const whole = new ValueSketch(COLUMNS);
  const cellsStats = new FamilyStatsAccumulator(COLUMNS);
  const cells = new ValueSketch(COLUMNS);
  const nonzero = new NonzeroCells(COLUMNS);
  const limit = 2;
  let sparseRows = 0;
  for (const { role, row } of data) {
    wholeStats.addRow(role, row);
    whole.addRow(role, row);
    if (nonzero.scan(row, limit)) {
      sparseRows++;
      cellsStats.addNonzero(role, nonzero);
      cells.addRow(role, row, nonzero);
    } else {
      cellsStats.addRow(role, row);
      cells.addRow(role, row);
    }
  }
  assert.ok(sparseRows > 100 && sparseRows < 500, `${sparseRows} rows by their cells`);
  assert.deepEqual(cellsStats.state, wholeStats.state);
  assert.deepEqual(cells.state, whole.state);
});
