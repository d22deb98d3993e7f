/**
 * The normal baseline a deviation is measured against: for every value column and role, from ALL
 * normal rows' values (the streaming pass's sketch), the median, p5 and p95 (in the column's unit,
 * for the profiles' normal band), and the median and robust spread on the signed log scale
 * `slog(x) = sign(x)·ln(1 + |x|)` where deviations are measured (counts and sums span orders of
 * magnitude: 1,000 packets where normal rows send 0-5 is odd by its ratio, not its difference);
 * per family and role, a spread floor.
 *
 * The floor rule (windows where almost every normal value is 0): a window's own spread is 1.4826 ×
 * its median absolute deviation, which is 0 whenever more than half of its normal values are 0.
 * The spread used is never below the family's floor: over all windows of the family (same role,
 * pooled), the median distance from the pooled median of the normal values that differ from it, i.e.
 * the typical size of a deviation when there is one. With no such value (the family is constant for
 * normal rows) the floor is 1 (a factor e on the log scale). So a non-zero value in an all-zero
 * window scores its size in units of a typical non-zero normal value, never infinity.
 */
import { type ColumnDistribution, type ValueSketch, quantileOfCounts } from '../table/sketch';
import { type ColumnKey, ROLES, type Role, type ValueKey } from '../types';

/** Scale that makes the median absolute deviation estimate a normal distribution's σ. */
export const MAD_SCALE = 1.4826;

/** The signed log scale deviations are measured on: sign(x)·ln(1 + |x|) (monotone, 0 at 0). */
export function slog(x: number): number {
  return x >= 0 ? Math.log1p(x) : -Math.log1p(-x);
}

/** Per role, one number per value column of the full table (in its column order). */
export type PerRole = Readonly<Record<Role, Float64Array>>;

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
  /** Median on the slog scale. */
  readonly logMedian: PerRole;
  /** 1.4826 × median absolute deviation from `logMedian`, slog scale (0 when over half the values equal the median). */
  readonly logSpread: PerRole;
  /** Per family and role: the spread floor on the slog scale (see the module's doc). */
  readonly floor: ReadonlyMap<string, Readonly<Record<Role, number>>>;
}

/** Key of a (family, window start) pair in `baselineIndex`. */
function cellKey(family: string, start: number): string {
  return `${family}\u0000${start}`;
}

/** Where each (family, window start) of the baseline is: its value column number. */
export function baselineIndex(baseline: NormalBaseline): Map<string, number> {
  return new Map(baseline.columns.map((key, j) => [cellKey(key.family, key.start), j]));
}

/** The baseline column of a family's window, or -1 when the full table has none. */
export function baselineColumn(index: ReadonlyMap<string, number>, family: string, start: number): number {
  return index.get(cellKey(family, start)) ?? -1;
}

/** A multiset of numbers as parallel arrays: values (sorted ascending where said) and their counts. */
interface Weighted {
  readonly values: ArrayLike<number>;
  readonly counts: ArrayLike<number>;
}

/** Arrays `medianDistance` reuses (it is called once or twice for every column of the table). */
let distanceScratch = new Float64Array(0);
let weightScratch = new Float64Array(0);

/**
 * The median distance from `centre` of a multiset sorted by value, unscaled: the distances of the
 * values below and above the centre form two sorted runs, merged in one pass. With `skipCentre`,
 * values equal to the centre are left out (NaN when nothing is left).
 */
export function medianDistance(sorted: Weighted, centre: number, skipCentre: boolean): number {
  const { values, counts } = sorted;
  let total = 0;
  let atCentre = 0;
  for (let i = 0; i < values.length; i++) {
    total += counts[i];
    if (values[i] === centre) atCentre += counts[i];
  }
  if (!skipCentre && 2 * atCentre > total) return 0; // over half the values are the centre itself
  let above = 0;
  while (above < values.length && values[above] < centre) above++;
  let below = above - 1;
  if (distanceScratch.length < values.length) {
    distanceScratch = new Float64Array(values.length);
    weightScratch = new Float64Array(values.length);
  }
  const distances = distanceScratch;
  const weights = weightScratch;
  let size = 0;
  while (below >= 0 || above < values.length) {
    const left = below >= 0 ? centre - values[below] : Infinity;
    const right = above < values.length ? values[above] - centre : Infinity;
    const i = left <= right && below >= 0 ? below-- : above++;
    const d = Math.abs(values[i] - centre);
    if ((skipCentre && d === 0) || counts[i] === 0) continue;
    distances[size] = d;
    weights[size++] = counts[i];
  }
  return quantileOfCounts(distances.subarray(0, size), weights.subarray(0, size), 0.5);
}

/** The spread floor of a family's pooled normal values on the slog scale, unsorted (see the module's doc). */
export function spreadFloor(pooled: Weighted): number {
  const byValue = new Map<number, number>();
  for (let i = 0; i < pooled.values.length; i++)
    byValue.set(pooled.values[i], (byValue.get(pooled.values[i]) ?? 0) + pooled.counts[i]);
  const values = Float64Array.from(byValue.keys()).sort();
  const counts = values.map((v) => byValue.get(v)!);
  const centre = quantileOfCounts(values, counts, 0.5);
  if (Number.isNaN(centre)) return 1;
  const typical = medianDistance({ values, counts }, centre, true);
  return Number.isFinite(typical) && typical > 0 ? typical : 1;
}

/**
 * The baseline from per-column distributions in the column's unit: `distribution(role, j)` for value
 * column j, sorted; its arrays may be reused by the next call (each column is asked for once, family
 * by family: its own figures, and its values into the family's pool for the floor).
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
  const logMedian = make();
  const logSpread = make();
  const members = new Map<string, number[]>();
  valueKeys.forEach((key, j) => {
    let list = members.get(key.family);
    if (!list) members.set(key.family, (list = []));
    list.push(j);
  });
  const floors = new Map<string, Record<Role, number>>();
  for (const family of members.keys()) floors.set(family, { source: 1, dst: 1 });
  for (const role of ROLES) {
    for (const [family, list] of members) {
      const pooledValues: number[] = [];
      const pooledCounts: number[] = [];
      for (const j of list) {
        const d = distribution(role, j);
        const start = pooledValues.length;
        for (let i = 0; i < d.values.length; i++) {
          pooledValues.push(slog(d.values[i]));
          pooledCounts.push(d.counts[i]);
        }
        const logs = pooledValues.slice(start);
        n[role][j] = d.n;
        median[role][j] = quantileOfCounts(d.values, d.counts, 0.5);
        p5[role][j] = quantileOfCounts(d.values, d.counts, 0.05);
        p95[role][j] = quantileOfCounts(d.values, d.counts, 0.95);
        const centre = quantileOfCounts(logs, d.counts, 0.5);
        logMedian[role][j] = centre;
        logSpread[role][j] = Number.isNaN(centre)
          ? NaN
          : MAD_SCALE * medianDistance({ values: logs, counts: d.counts }, centre, false);
      }
      floors.get(family)![role] = spreadFloor({ values: pooledValues, counts: pooledCounts });
    }
  }
  return { columns: valueKeys, n, median, p5, p95, logMedian, logSpread, floor: floors };
}

/** The baseline of a sketch's rows. */
export function baselineOf(sketch: ValueSketch): NormalBaseline {
  return baselineFromDistributions(sketch.columns, (role, j) => sketch.distribution(role, j));
}
