/**
 * The distribution of every value column's normal values, per role, in bounded memory: a mergeable
 * quantile sketch filled in the same streaming pass as the family statistics. Zeros (about 98% of
 * the normal values at seed scale) cost nothing: they are counted as rows minus missing minus the
 * rest. Every other value goes into a log-scaled bucket of its column and role, as in DDSketch:
 * bucket k holds the values whose magnitude lies in (γ^(k−1), γ^k]. A column keeps at most
 * `BUCKETS_PER_CELL` buckets: when a new one would not fit, the column's buckets are paired up
 * (γ becomes γ², its level rises), so a column starts at ±`SKETCH_ACCURACY` relative and loses
 * accuracy only as its values spread over many orders of magnitude. A bucket whose values are all
 * the same number remembers that number, so a column with few distinct values (counts, flags,
 * steps of 1/32) is held exactly. Counts are integers and a column's level is the lowest at which
 * its values fit, so merging the threads' sketches gives the same sketch however rows were split.
 */
import type { ColumnKey, Role } from './types';

/** Relative accuracy of a value that shares its bucket with other values, at level 0. */
export const SKETCH_ACCURACY = 0.01;
/** Buckets a column (per role) keeps at most; 20 bytes each. */
export const BUCKETS_PER_CELL = 64;
const B = BUCKETS_PER_CELL;
const GAMMA = (1 + SKETCH_ACCURACY) / (1 - SKETCH_ACCURACY);
const LOG_GAMMA = Math.log(GAMMA);
/** Level-0 bucket exponents are clamped to ±K (γ^K is far beyond any double). */
const K = 1 << 18;
/** Rank key of a bucket, monotone in value: ±(OFFSET + k) for positive / negative values. */
const OFFSET = 1 << 19;
/** Rank keys of ±Infinity (never paired up). */
const INFINITY_KEY = (1 << 20) + 1;
const ROLE_INDEX: Readonly<Record<Role, number>> = { source: 0, dst: 1 };
/**
 * Values buffered before a batch is added (12 bytes each, 3 MB): about 20 values per column and role
 * of a dense 6,309-column table per batch. (2^16, 2^18 and 2^20 measured within noise of each other.)
 */
const PENDING = 1 << 18;
/** 2^-level for every level a cell can reach (each pairing halves at least one of 2K+3 keys). */
const INVERSE_POWERS_OF_TWO = Float64Array.from({ length: 64 }, (_, l) => 2 ** -l);

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

/**
 * The rank key of a value at a level. One function with no calls in it (the level-0 exponent
 * inline): it is inlined into the hot loop, where a call would box its double argument.
 */
function rankKey(v: number, level: number): number {
  if (v === Infinity) return INFINITY_KEY;
  if (v === -Infinity) return -INFINITY_KEY;
  // The level-0 bucket exponent of a finite non-zero value, clamped.
  let e = Math.ceil(Math.log(Math.abs(v)) / LOG_GAMMA);
  e = e > K ? K : Math.max(e, -K);
  // ceil(ceil(x / 2) / 2) = ceil(x / 4): pairing `level` times divides by 2^level, rounding up.
  const k = Math.ceil(e * INVERSE_POWERS_OF_TWO[level]);
  return v > 0 ? OFFSET + k : -(OFFSET + k);
}

/** The key of a bucket one level up (buckets 2k−1 and 2k become k). */
function coarser(key: number): number {
  if (key === INFINITY_KEY || key === -INFINITY_KEY) return key;
  return key > 0 ? OFFSET + Math.ceil((key - OFFSET) / 2) : -(OFFSET + Math.ceil((-key - OFFSET) / 2));
}

/** The value a bucket stands for when its values differ: its log midpoint. */
function bucketValue(key: number, level: number): number {
  if (key === INFINITY_KEY) return Infinity;
  if (key === -INFINITY_KEY) return -Infinity;
  const logGamma = LOG_GAMMA * 2 ** level;
  const k = Math.abs(key) - OFFSET;
  const mid = (2 * Math.exp(k * logGamma)) / (Math.exp(logGamma) + 1);
  return key > 0 ? mid : -mid;
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
 * A per role × value column sketch of normal values. Add rows (all columns, in `columns` order),
 * merge the sketches of other threads, then read each column's distribution.
 */
export class ValueSketch {
  readonly columns: readonly ColumnKey[];
  /** Frame column of each value column. */
  readonly valueColumns: Int32Array;
  private readonly sketchState: SketchState;
  private readonly contiguousFrom: number;
  /**
   * Non-zero values waiting to be added, with their cells: added in batches, grouped by cell, so
   * that each cell's buckets are fetched into the CPU cache once per batch, not once per value.
   */
  private readonly pendingCells = new Int32Array(PENDING);
  private readonly pendingValues = new Float64Array(PENDING);
  private pending = 0;
  // The state's arrays, for the hot loop.
  private readonly keys: Int32Array;
  private readonly counts: Float64Array;
  private readonly exact: Float64Array;
  private readonly size: Uint8Array;
  private readonly level: Uint8Array;

  constructor(columns: readonly ColumnKey[], state?: SketchState) {
    this.columns = columns;
    const value: number[] = [];
    columns.forEach((key, col) => {
      if (key.kind === 'value') value.push(col);
    });
    this.valueColumns = Int32Array.from(value);
    this.contiguousFrom = value.length > 0 && value.every((col, j) => col === value[0] + j) ? value[0] : -1;
    const cells = 2 * value.length;
    if (state) {
      if (state.missing.length !== cells)
        throw new RangeError(
          `ValueSketch: state for ${state.missing.length / 2} value columns, columns have ${value.length}`,
        );
      this.sketchState = state;
    } else {
      this.sketchState = {
        rows: new Float64Array(2),
        missing: new Float64Array(cells),
        size: new Uint8Array(cells),
        level: new Uint8Array(cells),
        keys: new Int32Array(cells * B),
        counts: new Float64Array(cells * B),
        exact: new Float64Array(cells * B),
      };
    }
    ({
      keys: this.keys,
      counts: this.counts,
      exact: this.exact,
      size: this.size,
      level: this.level,
    } = this.sketchState);
  }

  /** The raw state, every added value in it (to send to another thread, or merge). */
  get state(): SketchState {
    this.drain();
    return this.sketchState;
  }

  /** Adds one row of the given role; a zero costs one comparison. */
  addRow(role: Role, row: ArrayLike<number>): void {
    const r = ROLE_INDEX[role];
    const n = this.valueColumns.length;
    const offset = r * n;
    const first = this.contiguousFrom;
    const cols = this.valueColumns;
    const missing = this.sketchState.missing;
    const cells = this.pendingCells;
    const values = this.pendingValues;
    this.sketchState.rows[r]++;
    for (let j = 0; j < n; j++) {
      const v = first >= 0 ? row[first + j] : row[cols[j]];
      if (v === 0) continue;
      if (v !== v) missing[offset + j]++;
      else {
        if (this.pending === PENDING) this.drain();
        cells[this.pending] = offset + j;
        values[this.pending++] = v;
      }
    }
  }

  /** Adds the pending values, grouped by cell (a counting sort). */
  private drain(): void {
    const count = this.pending;
    if (count === 0) return;
    this.pending = 0;
    const cells = this.sketchState.missing.length;
    const starts = new Int32Array(cells + 1);
    for (let i = 0; i < count; i++) starts[this.pendingCells[i] + 1]++;
    for (let c = 0; c < cells; c++) starts[c + 1] += starts[c];
    const order = new Float64Array(count);
    for (let i = 0; i < count; i++) order[starts[this.pendingCells[i]]++] = this.pendingValues[i];
    // starts[c] is now the end of cell c's values, and the start of cell c + 1's.
    let from = 0;
    for (let c = 0; c < cells; c++) {
      const to = starts[c];
      for (let i = from; i < to; i++) this.add(c, order[i]);
      from = to;
    }
  }

  /** Adds one finite or infinite non-zero value to a cell. */
  private add(cell: number, v: number): void {
    const { keys, counts, exact, size, level } = this;
    const from = cell * B;
    for (;;) {
      const key = rankKey(v, level[cell]);
      const used = size[cell];
      // A column's buckets are mostly consecutive keys: try the slot `key - first key` before searching.
      const guess = from + (key - keys[from]);
      if (used > 0 && guess >= from && guess < from + used && keys[guess] === key) {
        counts[guess]++;
        if (exact[guess] !== v) exact[guess] = NaN; // NaN once two values differ (zeros never come here)
        return;
      }
      let lo = from;
      let hi = from + used;
      while (lo < hi) {
        const mid = (lo + hi) >>> 1;
        if (keys[mid] < key) lo = mid + 1;
        else hi = mid;
      }
      if (lo < from + used && keys[lo] === key) {
        counts[lo]++;
        if (!Object.is(exact[lo], v)) exact[lo] = NaN;
        return;
      }
      if (used < B) {
        for (let i = from + used; i > lo; i--) {
          keys[i] = keys[i - 1];
          counts[i] = counts[i - 1];
          exact[i] = exact[i - 1];
        }
        keys[lo] = key;
        counts[lo] = 1;
        exact[lo] = v;
        size[cell] = used + 1;
        return;
      }
      size[cell] = coarsen(keys, counts, exact, from, used);
      level[cell]++;
    }
  }

  /** Adds another sketch's rows (same columns) into this one; the other sketch is consumed. */
  merge(other: ValueSketch): void {
    const a = this.state;
    const b = other.state;
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
   * Every column's distribution, per role: `result[role][j]` for value column j (in column order).
   * Buckets holding one distinct value give it exactly; others their log midpoint.
   */
  distributions(): Record<Role, ColumnDistribution[]> {
    const s = this.state;
    const n = this.valueColumns.length;
    const out: Record<Role, ColumnDistribution[]> = { source: [], dst: [] };
    for (const role of ['source', 'dst'] as const) {
      const r = ROLE_INDEX[role];
      for (let j = 0; j < n; j++) {
        const cell = r * n + j;
        const from = cell * B;
        const size = s.size[cell];
        const nonMissing = s.rows[r] - s.missing[cell];
        let nonzero = 0;
        for (let i = from; i < from + size; i++) nonzero += s.counts[i];
        const zeros = nonMissing - nonzero;
        const length = size + (zeros > 0 ? 1 : 0);
        const values = new Float64Array(length);
        const counts = new Float64Array(length);
        let at = 0;
        for (let i = from; i < from + size; i++) {
          // the zeros sit between the negative and the positive buckets
          if (zeros > 0 && s.keys[i] > 0 && at === i - from) counts[at++] = zeros;
          values[at] = Number.isNaN(s.exact[i]) ? bucketValue(s.keys[i], s.level[cell]) : s.exact[i];
          counts[at++] = s.counts[i];
        }
        if (zeros > 0 && at === size) counts[at++] = zeros;
        out[role].push({ n: nonMissing, values, counts });
      }
    }
    return out;
  }
}
