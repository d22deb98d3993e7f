/**
 * The normal baseline a deviation is measured against: for every value column and role, from ALL
 * normal rows' values (the streaming pass's sketch), the median, p5 and p95 (in the column's unit,
 * for the profiles' normal band), and the column's non-zero normal values with their cumulative
 * counts, sorted (exact where the sketch is, bucket values otherwise): what the triage measures a
 * value's tail probability against (lib/triage/tails.ts).
 */
import { type ColumnDistribution, type ValueSketch, quantileOfCounts } from '../table/sketch';
import { type ColumnKey, ROLES, type Role, type ValueKey } from '../types';

/** Per role, one number per value column of the full table (in its column order). */
export type PerRole = Readonly<Record<Role, Float64Array>>;

/**
 * Every column's non-zero normal values of one role, sorted, one column after another: column j's
 * are `values[offsets[j] .. offsets[j + 1])`, and `atOrBelow[i]` counts the column's normal values
 * from its first up to `values[i]` (its zeros not included).
 */
export interface NonzeroValues {
  readonly offsets: Int32Array;
  readonly values: Float64Array;
  readonly atOrBelow: Float64Array;
}

/** The normal rows' baseline, per value column and role. */
export interface NormalBaseline {
  /** The full table's value columns, in order. */
  readonly columns: readonly ValueKey[];
  /** Non-missing normal values per column (0: no normal row of the role, no baseline). */
  readonly n: PerRole;
  /** Median, 5th and 95th percentile, in the column's unit (NaN without values). */
  readonly median: PerRole;
  readonly p5: PerRole;
  readonly p95: PerRole;
  /** The non-zero normal values of every column, per role. */
  readonly nonzero: Readonly<Record<Role, NonzeroValues>>;
}

/** Key of a (family, window start) pair in `baselineIndex`. */
function cellKey(family: string, start: number): string {
  return `${family}\u0000${start}`;
}

/** Where each (family, window start) of the baseline is: its value column number. */
export function baselineIndex(baseline: Pick<NormalBaseline, 'columns'>): Map<string, number> {
  return new Map(baseline.columns.map((key, j) => [cellKey(key.family, key.start), j]));
}

/** The baseline column of a family's window, or -1 when the full table has none. */
export function baselineColumn(index: ReadonlyMap<string, number>, family: string, start: number): number {
  return index.get(cellKey(family, start)) ?? -1;
}

/** Grows a typed array (doubling) so that it holds at least `size` numbers. */
function grown(array: Float64Array, size: number): Float64Array {
  if (size <= array.length) return array;
  const out = new Float64Array(Math.max(size, 2 * array.length));
  out.set(array);
  return out;
}

/**
 * The baseline from per-column distributions in the column's unit: `distribution(role, j)` for value
 * column j, sorted by value; its arrays may be reused by the next call (each column is asked for once).
 */
export function baselineFromDistributions(
  columns: readonly ColumnKey[],
  distribution: (role: Role, j: number) => ColumnDistribution,
): NormalBaseline {
  const valueKeys = columns.filter((key): key is ValueKey => key.kind === 'value');
  const m = valueKeys.length;
  const make = (): Record<Role, Float64Array> => ({ source: new Float64Array(m), dst: new Float64Array(m) });
  const n = make();
  const median = make();
  const p5 = make();
  const p95 = make();
  const nonzero = {} as Record<Role, NonzeroValues>;
  for (const role of ROLES) {
    const offsets = new Int32Array(m + 1);
    let values = new Float64Array(4 * m);
    let atOrBelow = new Float64Array(4 * m);
    let size = 0;
    for (let j = 0; j < m; j++) {
      const d = distribution(role, j);
      n[role][j] = d.n;
      median[role][j] = quantileOfCounts(d.values, d.counts, 0.5);
      p5[role][j] = quantileOfCounts(d.values, d.counts, 0.05);
      p95[role][j] = quantileOfCounts(d.values, d.counts, 0.95);
      values = grown(values, size + d.values.length);
      atOrBelow = grown(atOrBelow, size + d.values.length);
      let seen = 0;
      for (let i = 0; i < d.values.length; i++) {
        if (d.values[i] === 0 || !(d.counts[i] > 0)) continue;
        seen += d.counts[i];
        values[size] = d.values[i];
        atOrBelow[size++] = seen;
      }
      offsets[j + 1] = size;
    }
    nonzero[role] = { offsets, values: values.slice(0, size), atOrBelow: atOrBelow.slice(0, size) };
  }
  return { columns: valueKeys, n, median, p5, p95, nonzero };
}

/** The baseline of a sketch's rows. */
export function baselineOf(sketch: ValueSketch): NormalBaseline {
  return baselineFromDistributions(sketch.columns, (role, j) => sketch.distribution(role, j));
}
