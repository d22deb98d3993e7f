/**
 * The findings' nulls draw thousands of groups in reused memory: they must draw the very groups,
 * and compute the very numbers, that the plain computations (a fresh Set, a fresh deck, a sort, one
 * family at a time) give on the same random numbers. Equality here is exact (===), not approximate:
 * summary.json's evidence and verdicts must not move with the speed-ups.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { quantileSorted } from '../lib/evaluation/evidence';
import { coherenceOf, coherencePool } from '../lib/findings/coherence';
import { findingContext } from '../lib/findings';
import { medianInPlace } from '../lib/findings/median';
import { type Reducer, activity, timelineSums } from '../lib/findings/measures';
import { drawPositions, drawPositionsInto, mulberry32, randomIndex } from '../lib/findings/random';
import { prng, timelineFrame } from './frames';

/** The plain draw: a fresh Set for few positions, a fresh deck otherwise (the algorithm before the reuse). */
function plainDraw(random: () => number, n: number, k: number): number[] {
  if (k > n) return Array.from({ length: k }, () => randomIndex(random, n));
  if (k * 4 < n) {
    const taken = new Set<number>();
    const out: number[] = [];
    while (out.length < k) {
      let p = randomIndex(random, n);
      while (taken.has(p)) p = randomIndex(random, n);
      taken.add(p);
      out.push(p);
    }
    return out;
  }
  const deck = Array.from({ length: n }, (_, i) => i);
  for (let i = 0; i < k; i++) {
    const j = i + randomIndex(random, n - i);
    [deck[i], deck[j]] = [deck[j], deck[i]];
  }
  return deck.slice(0, k);
}

test('groups drawn into reused memory are the plain draws, draw after draw, in every regime (with replacement, rejection, deck)', () => {
  const cases: [number, number][] = [
    [10, 25], // more positions than the pool: with replacement
    [2493, 232], // few: rejection
    [396, 232], // many: partial Fisher–Yates
    [50, 50], // all: a permutation
    [7, 1],
    [1, 1],
  ];
  for (const [n, k] of cases) {
    const mine = mulberry32(n * 31 + k);
    const plain = mulberry32(n * 31 + k);
    const group = new Int32Array(k);
    for (let d = 0; d < 40; d++) {
      // Interleave sizes so the scratch memory is reused across pools, as the checks do.
      drawPositions(mine, n + 3, Math.min(k, n));
      plainDraw(plain, n + 3, Math.min(k, n));
      assert.deepEqual(
        Array.from(drawPositionsInto(mine, n, group)),
        plainDraw(plain, n, k),
        `n=${n} k=${k} draw ${d}`,
      );
    }
    assert.equal(mine(), plain(), 'the same random numbers were used');
  }
});

test('the median in place is quantileSorted(sorted, 0.5) exactly, for odd and even counts, ties and none', () => {
  const r = prng(3);
  for (const n of [0, 1, 2, 3, 4, 5, 10, 11, 231, 232]) {
    for (const ties of [false, true]) {
      const values = Array.from({ length: n }, () => (ties ? Math.floor(r() * 4) : r() * 2 - 1));
      const scratch = new Float64Array(n + 5).fill(99); // values beyond n must be ignored
      scratch.set(values);
      const expected = quantileSorted(
        [...values].sort((a, b) => a - b),
        0.5,
      );
      const got = medianInPlace(scratch, n);
      assert.ok(got === expected || (Number.isNaN(got) && Number.isNaN(expected)), `n=${n}: ${got} vs ${expected}`);
    }
  }
});

test("a pool's coherence of any subset, in any order, is coherenceOf of those timelines, exactly (complete, gapped, shifted)", () => {
  const r = prng(5);
  const shape = (w: number) => Math.sin(w / 4);
  const pool = Array.from({ length: 14 }, (_, i) =>
    Float64Array.from({ length: 48 }, (_, w) => (i % 3 === 0 ? r() * 3 : (1 + i) * shape(w) + r())),
  );
  pool[13] = Float64Array.from({ length: 48 }, () => 2); // constant: no variance, skipped
  const measure = coherencePool(pool);
  const subsets = [[0, 1, 2, 3], [5, 3, 1, 13, 8], [4], [12, 11, 10, 9, 8, 7, 6], [...pool.keys()]];
  for (const subset of subsets) {
    const positions = Int32Array.from(subset);
    const timelines = subset.map((i) => pool[i]);
    assert.equal(measure(positions), coherenceOf(timelines), `subset ${subset}`);
    const shifts = Int32Array.from(subset, (_, j) => (j * 11 + 5) % 48);
    assert.equal(measure(positions, shifts), coherenceOf(timelines, shifts), `shifted subset ${subset}`);
  }
  const gapped = pool.map((s) => s.slice());
  gapped[2][7] = NaN;
  const gappedMeasure = coherencePool(gapped);
  for (const subset of [
    [0, 1, 2, 3],
    [0, 1, 3],
  ]) {
    assert.equal(
      gappedMeasure(Int32Array.from(subset)),
      coherenceOf(subset.map((i) => gapped[i])),
      `gapped subset ${subset}`,
    );
  }
});

test('per-IP measures read for all families in one pass equal each family read alone, and a direct computation', () => {
  const r = prng(8);
  const nw = 30;
  const rows: Record<string, Record<string, number[]>> = {};
  for (let i = 0; i < 12; i++) {
    const count = Array.from({ length: nw }, () => (r() < 0.4 ? 0 : 1 + Math.floor(r() * 3)));
    const value = (scale: number) => count.map((c) => (c === 0 ? 0 : scale * r()));
    rows[`10.0.0.${i}${i % 2 ? 'dst' : 'source'}`] = {
      count_Length: count,
      avg_Length: value(100),
      std_Length: count.map((c) => (c >= 2 ? r() * 5 : 0)),
      avg_IP1_time_diff_per_value: count.map((c) => (c === 0 || r() < 0.3 ? 0 : r())),
    };
  }
  const frame = timelineFrame(rows);
  const families = frame.families();
  const all = Int32Array.from({ length: frame.nRows }, (_, i) => i);
  const batch = timelineSums(frame, families, all);
  for (const family of families) {
    assert.deepEqual(batch.get(family), timelineSums(frame, [family], all).get(family), family);
  }
  // Direct: activeMean over active windows where defined, peak and total over all windows.
  const { active, windows } = activity(frame);
  const ctx = findingContext({ anomalous: frame, normalSample: frame });
  for (const role of ['source', 'dst'] as const) {
    const roleRows = frame.rowsWithRole(role);
    for (const family of families) {
      const view = frame.family(family);
      const expect = (reducer: Reducer, row: number): number => {
        const values = Array.from({ length: nw }, (_, w) => view.value(row, w));
        if (reducer === 'peak') return Math.max(...values);
        if (reducer === 'total') return values.reduce((a, b) => a + b, 0);
        const defined = values.filter((v, w) => {
          if (!active[row * windows + w]) return false;
          if (family.startsWith('std_')) return frame.family('count_Length').value(row, w) >= 2;
          if (family.includes('time_diff')) return v !== 0;
          return true;
        });
        return defined.length === 0 ? NaN : defined.reduce((a, b) => a + b, 0) / defined.length;
      };
      for (const reducer of ['activeMean', 'peak', 'total'] as const) {
        const got = ctx.perIp('anomalous', role, family, reducer);
        roleRows.forEach((row, i) => {
          const want = expect(reducer, row);
          assert.ok(
            Number.isNaN(want) ? Number.isNaN(got[i]) : Math.abs(got[i] - want) <= 1e-9 * Math.abs(want),
            `${family} ${reducer} row ${row}: ${got[i]} vs ${want}`,
          );
        });
      }
    }
  }
});
