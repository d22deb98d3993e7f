/**
 * The spreads "What changed" ranks the means' moves in (lib/evaluation/spreads.ts), against a direct
 * computation on every value written out: pooled over a family's windows, weighted by how many normal
 * rows hold each value, on the slog scale, 1.4826 × MAD.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { familySpreads, slog, weightedMedian } from '../lib/evaluation/spreads';
import type { ValueKey } from '../lib/types';

/** A value column of a family at a window start (ms). */
function key(family: string, start: number): ValueKey {
  const window = `avg_${start}`;
  return {
    kind: 'value',
    header: `('${family}', '${window}')`,
    family,
    stat: 'avg',
    feature: family.slice(4),
    window,
    start,
  };
}

/** The median of values written out one by one (the lower middle one for an even count, as weightedMedian takes it). */
function plainMedian(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.ceil(sorted.length / 2) - 1];
}

test('weightedMedian is the median of the values repeated by their weights', () => {
  assert.equal(weightedMedian([5, 1, 3], [1, 1, 1]), 3);
  assert.equal(weightedMedian([1, 100], [3, 1]), 1);
  assert.equal(weightedMedian([1, 100], [1, 3]), 100);
  assert.ok(Number.isNaN(weightedMedian([], [])));
});

test('familySpreads pools a family’s windows per role and equals 1.4826 × MAD of the slog values written out', () => {
  // Two families; avg_A has two windows. Column j's values are values[offsets[j]..offsets[j+1]),
  // atOrBelow counting rows up to each value.
  const columns = [key('avg_A', 0), key('avg_A', 300_000), key('avg_B', 0)];
  const source = {
    offsets: Int32Array.from([0, 2, 3, 5]),
    values: Float64Array.from([1, 10, 1000, 2, 3]),
    atOrBelow: Float64Array.from([3, 4, 2, 1, 6]),
  };
  const dst = { offsets: Int32Array.from([0, 0, 0, 0]), values: new Float64Array(0), atOrBelow: new Float64Array(0) };
  const { floor } = familySpreads({ columns, nonzero: { source, dst } });
  const spreadOf = (written: number[]): number => {
    const logs = written.map(slog);
    const centre = plainMedian(logs);
    return 1.4826 * plainMedian(logs.map((x) => Math.abs(x - centre)));
  };
  // avg_A: 1 three times, 10 once (window 1), 1000 twice (window 2)
  assert.ok(Math.abs(floor.get('avg_A')!.source - spreadOf([1, 1, 1, 10, 1000, 1000])) < 1e-12);
  // avg_B: 2 once, 3 five times
  assert.ok(Math.abs(floor.get('avg_B')!.source - spreadOf([2, 3, 3, 3, 3, 3])) < 1e-12);
  assert.ok(Number.isNaN(floor.get('avg_A')!.dst), 'no non-zero normal value: no spread');
});
