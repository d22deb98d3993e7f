/**
 * The state of a value sketch (lib/table/sketch.ts) as plain typed arrays, and what is done with it
 * bucket by bucket: sorting a cell's buckets, pairing them one level up, merging two states, and
 * reading a cell back as a distribution. Apart from the sketch's adding machinery (batches, slot
 * index), so that what the buckets mean reads on its own.
 */
import { bucketValue, coarser } from './sketch-key';

/** Buckets a column (per role) keeps at most; 20 bytes each, and 2 bytes of slot index. */
export const BUCKETS_PER_CELL = 64;
const B = BUCKETS_PER_CELL;

/** The raw, mergeable state of a sketch: plain typed arrays (cloned between threads). */
export interface SketchState {
  /** Rows added, per role. */
  readonly rows: Float64Array;
  /** Missing (NaN) values per cell = role × value column (`role * valueColumns + j`). */
  readonly missing: Float64Array;
  /** Per cell: buckets used and level (bucket width γ^(2^level)). */
  readonly size: Uint8Array;
  readonly level: Uint8Array;
  /** Per cell, BUCKETS_PER_CELL slots sorted by rank key: key, count and the bucket's one value (NaN once it holds two). */
  readonly keys: Int32Array;
  readonly counts: Float64Array;
  readonly exact: Float64Array;
}

/** Sorts a cell's buckets by key in place (an insertion sort: at most B of them, mostly in order). */
export function sortBuckets(
  keys: Int32Array,
  counts: Float64Array,
  exact: Float64Array,
  from: number,
  size: number,
): void {
  for (let i = from + 1; i < from + size; i++) {
    const key = keys[i];
    if (keys[i - 1] <= key) continue;
    const count = counts[i];
    const value = exact[i];
    let j = i;
    for (; j > from && keys[j - 1] > key; j--) {
      keys[j] = keys[j - 1];
      counts[j] = counts[j - 1];
      exact[j] = exact[j - 1];
    }
    keys[j] = key;
    counts[j] = count;
    exact[j] = value;
  }
}

/** Pairs up a list of sorted buckets in place (one level up); returns the new size. */
function coarsen(keys: Int32Array, counts: Float64Array, exact: Float64Array, from: number, size: number): number {
  let out = from - 1;
  for (let i = from; i < from + size; i++) {
    const key = coarser(keys[i]);
    if (out >= from && keys[out] === key) {
      counts[out] += counts[i];
      if (!Object.is(exact[out], exact[i])) exact[out] = NaN;
    } else {
      out++;
      keys[out] = key;
      counts[out] = counts[i];
      exact[out] = exact[i];
    }
  }
  return out + 1 - from;
}

/** One column's normal values of one role: sorted distinct values (or bucket midpoints) and their counts. */
export interface ColumnDistribution {
  /** Non-missing values (zeros included). */
  readonly n: number;
  readonly values: Float64Array;
  readonly counts: Float64Array;
}

/**
 * A quantile of a distribution given as sorted values with counts: linear interpolation between
 * the order statistics around rank q·(n−1), as numpy and pandas compute it. NaN when n is 0.
 */
export function quantileOfCounts(values: ArrayLike<number>, counts: ArrayLike<number>, q: number): number {
  let n = 0;
  for (let i = 0; i < counts.length; i++) n += counts[i];
  if (n === 0) return NaN;
  const h = q * (n - 1);
  const lo = Math.floor(h);
  const at = (rank: number): number => {
    let seen = 0;
    for (let i = 0; i < counts.length; i++) {
      seen += counts[i];
      if (rank < seen) return values[i];
    }
    return values[values.length - 1];
  };
  const a = at(lo);
  if (h === lo) return a;
  const b = at(lo + 1);
  if (a === b) return a;
  return a + (h - lo) * (b - a);
}

/**
 * Adds state `b` into state `a` (same columns): rows and missing counts add up, each cell's buckets
 * are merged at the coarser of the two levels, and paired up further while they overflow. `b` is
 * consumed (its cells may be coarsened in place).
 */
export function mergeSketchStates(a: SketchState, b: SketchState): void {
  if (b.missing.length !== a.missing.length) throw new RangeError('ValueSketch.merge: different columns');
  a.rows[0] += b.rows[0];
  a.rows[1] += b.rows[1];
  const keys = new Int32Array(2 * B);
  const counts = new Float64Array(2 * B);
  const exact = new Float64Array(2 * B);
  for (let cell = 0; cell < a.missing.length; cell++) {
    a.missing[cell] += b.missing[cell];
    const from = cell * B;
    let sizeA = a.size[cell];
    let sizeB = b.size[cell];
    if (sizeB === 0) continue;
    while (a.level[cell] < b.level[cell]) {
      sizeA = coarsen(a.keys, a.counts, a.exact, from, sizeA);
      a.level[cell]++;
    }
    while (b.level[cell] < a.level[cell]) {
      sizeB = coarsen(b.keys, b.counts, b.exact, from, sizeB);
      b.level[cell]++;
    }
    let i = from;
    let j = from;
    let size = 0;
    while (i < from + sizeA || j < from + sizeB) {
      const takeA = j >= from + sizeB || (i < from + sizeA && a.keys[i] <= b.keys[j]);
      const src = takeA ? a : b;
      const at = takeA ? i++ : j++;
      if (size > 0 && keys[size - 1] === src.keys[at]) {
        counts[size - 1] += src.counts[at];
        if (!Object.is(exact[size - 1], src.exact[at])) exact[size - 1] = NaN;
      } else {
        keys[size] = src.keys[at];
        counts[size] = src.counts[at];
        exact[size++] = src.exact[at];
      }
    }
    while (size > B) {
      size = coarsen(keys, counts, exact, 0, size);
      a.level[cell]++;
    }
    a.keys.set(keys.subarray(0, size), from);
    a.counts.set(counts.subarray(0, size), from);
    a.exact.set(exact.subarray(0, size), from);
    a.size[cell] = size;
  }
}

/**
 * One cell's distribution (cell = role × value column; `r` its role's index) into the given arrays,
 * reused between calls: the zeros (rows minus missing minus the buckets) between the negative and
 * the positive buckets; a bucket holding one distinct value gives it exactly, others their log midpoint.
 */
export function cellDistribution(
  s: SketchState,
  cell: number,
  r: number,
  values: Float64Array,
  counts: Float64Array,
): ColumnDistribution {
  const from = cell * B;
  const size = s.size[cell];
  const nonMissing = s.rows[r] - s.missing[cell];
  let nonzero = 0;
  for (let i = from; i < from + size; i++) nonzero += s.counts[i];
  const zeros = nonMissing - nonzero;
  const length = size + (zeros > 0 ? 1 : 0);
  let at = 0;
  for (let i = from; i < from + size; i++) {
    // the zeros sit between the negative and the positive buckets
    if (zeros > 0 && s.keys[i] > 0 && at === i - from) {
      values[at] = 0;
      counts[at++] = zeros;
    }
    values[at] = Number.isNaN(s.exact[i]) ? bucketValue(s.keys[i], s.level[cell]) : s.exact[i];
    counts[at++] = s.counts[i];
  }
  if (zeros > 0 && at === size) {
    values[at] = 0;
    counts[at++] = zeros;
  }
  return { n: nonMissing, values: values.subarray(0, length), counts: counts.subarray(0, length) };
}
