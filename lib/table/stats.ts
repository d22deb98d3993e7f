/**
 * Per family × role statistics (summary.json `families.F.G.R`): rows, non-missing values, mean,
 * max and share of non-zero values, accumulated row by row so the streaming reader and the
 * in-memory frame compute the same numbers. Sums are compensated (Neumaier), so the result does not
 * depend on how rows were split across threads beyond the last bits; values of 2^512 and beyond are
 * summed apart, scaled down exactly, so that a sum past the largest double still gives its mean.
 */
import type { Frame } from './frame';
import type { ColumnKey, FamilyStats, GroupStats, Role, RoleStats } from '../types';
import type { NonzeroCells } from './nonzero';

const ROLE_INDEX: Readonly<Record<Role, number>> = { source: 0, dst: 1 };
/** Values at least this large (in magnitude) are summed apart, times HUGE_SCALE (exact: a power of two). */
const HUGE = 2 ** 512;
const HUGE_SCALE = 2 ** -512;

/** The raw, mergeable state of an accumulator: per role × value column. Plain typed arrays (transferable). */
export interface AccumulatorState {
  /** Rows added, per role. */
  readonly ips: Float64Array;
  /** Per role × value column (`role * valueColumns + j`): missing (NaN) values. */
  readonly missing: Float64Array;
  readonly nonzero: Float64Array;
  readonly sum: Float64Array;
  readonly compensation: Float64Array;
  /** Sum and compensation of the finite values ≥ 2^512 in magnitude, times 2^-512 (no overflow). */
  readonly hugeSum: Float64Array;
  readonly hugeCompensation: Float64Array;
  /** Largest finite non-zero value (−Infinity when none). */
  readonly max: Float64Array;
  readonly positiveInfinities: Float64Array;
  readonly negativeInfinities: Float64Array;
}

function neumaier(sum: Float64Array, comp: Float64Array, i: number, v: number): void {
  const s = sum[i];
  const t = s + v;
  if (Math.abs(s) >= Math.abs(v)) comp[i] += s - t + v;
  else comp[i] += v - t + s;
  sum[i] = t;
}

/** Adds a value that is not zero to cell i (role × value column) of a state. */
function addValue(state: AccumulatorState, i: number, v: number): void {
  if (v !== v) state.missing[i]++;
  else {
    state.nonzero[i]++;
    if (v < HUGE && v > -HUGE) {
      neumaier(state.sum, state.compensation, i, v);
      if (v > state.max[i]) state.max[i] = v;
    } else if (v === Infinity) state.positiveInfinities[i]++;
    else if (v === -Infinity) state.negativeInfinities[i]++;
    else {
      neumaier(state.hugeSum, state.hugeCompensation, i, v * HUGE_SCALE);
      if (v > state.max[i]) state.max[i] = v;
    }
  }
}

/**
 * Accumulates family statistics over rows given in the column order of `columns` (the frame's or
 * file's columns; metadata columns are ignored). Add rows, merge partial accumulators, read `result()`.
 */
export class FamilyStatsAccumulator {
  readonly columns: readonly ColumnKey[];
  /** Frame column of each value column. */
  private readonly valueColumns: Int32Array;
  /** Families in order of first appearance, and each one's value columns (indices into valueColumns). */
  private readonly familyMembers: Map<string, Int32Array>;
  readonly state: AccumulatorState;
  /** First value column when the value columns are contiguous, else -1. */
  private readonly contiguousFrom: number;

  constructor(columns: readonly ColumnKey[], state?: AccumulatorState) {
    this.columns = columns;
    const value: number[] = [];
    const members = new Map<string, number[]>();
    columns.forEach((key, col) => {
      if (key.kind !== 'value') return;
      let list = members.get(key.family);
      if (!list) members.set(key.family, (list = []));
      list.push(value.length);
      value.push(col);
    });
    this.valueColumns = Int32Array.from(value);
    this.contiguousFrom = value.length > 0 && value.every((col, j) => col === value[0] + j) ? value[0] : -1;
    this.familyMembers = new Map([...members].map(([family, list]) => [family, Int32Array.from(list)]));
    const n = 2 * value.length;
    if (state) {
      if (state.missing.length !== n)
        throw new RangeError(
          `FamilyStatsAccumulator: state for ${state.missing.length / 2} value columns, columns have ${value.length}`,
        );
      this.state = state;
    } else {
      const max = new Float64Array(n).fill(-Infinity);
      this.state = {
        ips: new Float64Array(2),
        missing: new Float64Array(n),
        nonzero: new Float64Array(n),
        sum: new Float64Array(n),
        compensation: new Float64Array(n),
        hugeSum: new Float64Array(n),
        hugeCompensation: new Float64Array(n),
        max,
        positiveInfinities: new Float64Array(n),
        negativeInfinities: new Float64Array(n),
      };
    }
  }

  /**
   * Adds one row (all columns, in `columns` order) of the given role. Zeros, the commonest value,
   * cost one comparison: values are counted as rows minus missing ones. Returns the cells that
   * were not zero (missing ones included).
   */
  addRow(role: Role, row: ArrayLike<number>): number {
    const r = ROLE_INDEX[role];
    const cols = this.valueColumns;
    const n = cols.length;
    const offset = r * n;
    this.state.ips[r]++;
    // Value columns usually form one contiguous run (metadata last): index directly then.
    const first = this.contiguousFrom;
    let found = 0;
    for (let j = 0; j < n; j++) {
      const v = first >= 0 ? row[first + j] : row[cols[j]];
      if (v !== 0) {
        addValue(this.state, offset + j, v);
        found++;
      }
    }
    return found;
  }

  /** Adds one row of the given role from its non-zero cells (`NonzeroCells.scan` of it, over the same columns). */
  addNonzero(role: Role, nonzero: NonzeroCells): void {
    const r = ROLE_INDEX[role];
    const offset = r * this.valueColumns.length;
    this.state.ips[r]++;
    const { cells, values, count } = nonzero;
    for (let k = 0; k < count; k++) addValue(this.state, offset + cells[k], values[k]);
  }

  /** Adds another accumulator's rows (same columns) into this one. */
  merge(other: FamilyStatsAccumulator): void {
    const a = this.state;
    const b = other.state;
    if (a.missing.length !== b.missing.length) throw new RangeError('FamilyStatsAccumulator.merge: different columns');
    a.ips[0] += b.ips[0];
    a.ips[1] += b.ips[1];
    for (let i = 0; i < a.missing.length; i++) {
      a.missing[i] += b.missing[i];
      a.nonzero[i] += b.nonzero[i];
      a.positiveInfinities[i] += b.positiveInfinities[i];
      a.negativeInfinities[i] += b.negativeInfinities[i];
      neumaier(a.sum, a.compensation, i, b.sum[i]);
      neumaier(a.sum, a.compensation, i, b.compensation[i]);
      neumaier(a.hugeSum, a.hugeCompensation, i, b.hugeSum[i]);
      neumaier(a.hugeSum, a.hugeCompensation, i, b.hugeCompensation[i]);
      if (b.max[i] > a.max[i]) a.max[i] = b.max[i];
    }
  }

  /** Statistics per family (in order of first appearance) and role. */
  result(): FamilyStats {
    const s = this.state;
    const n = this.valueColumns.length;
    const out = new Map<string, RoleStats>();
    for (const [family, members] of this.familyMembers) {
      const roles = {} as Record<Role, GroupStats>;
      for (const role of ['source', 'dst'] as const) {
        const offset = ROLE_INDEX[role] * n;
        let values = 0;
        let nonzero = 0;
        let positive = 0;
        let negative = 0;
        let max = -Infinity;
        const total = new Float64Array(1);
        const comp = new Float64Array(1);
        const hugeTotal = new Float64Array(1);
        const hugeComp = new Float64Array(1);
        const rows = s.ips[ROLE_INDEX[role]];
        for (const j of members) {
          const i = offset + j;
          values += rows - s.missing[i];
          nonzero += s.nonzero[i];
          positive += s.positiveInfinities[i];
          negative += s.negativeInfinities[i];
          if (s.max[i] > max) max = s.max[i];
          neumaier(total, comp, 0, s.sum[i]);
          neumaier(total, comp, 0, s.compensation[i]);
          neumaier(hugeTotal, hugeComp, 0, s.hugeSum[i]);
          neumaier(hugeTotal, hugeComp, 0, s.hugeCompensation[i]);
        }
        const finiteNonzero = nonzero - positive - negative;
        if (values > nonzero && max < 0) max = 0; // zeros were seen
        if (positive > 0) max = Infinity;
        else if (finiteNonzero === 0 && values === negative && negative > 0) max = -Infinity;
        let mean: number;
        if (hugeTotal[0] + hugeComp[0] === 0) mean = (total[0] + comp[0]) / values;
        else {
          // In units of 2^512: the small values' sum scaled down joins the huge ones' (exact but far below them).
          neumaier(hugeTotal, hugeComp, 0, total[0] * HUGE_SCALE);
          neumaier(hugeTotal, hugeComp, 0, comp[0] * HUGE_SCALE);
          mean = ((hugeTotal[0] + hugeComp[0]) / values) * HUGE;
        }
        if (positive > 0 && negative > 0) mean = NaN;
        else if (positive > 0) mean = Infinity;
        else if (negative > 0) mean = -Infinity;
        roles[role] =
          values === 0
            ? { ips: rows, values: 0, mean: NaN, max: NaN, nonzeroShare: NaN }
            : { ips: rows, values, mean, max, nonzeroShare: nonzero / values };
      }
      out.set(family, roles);
    }
    return out;
  }
}

/**
 * Family statistics of a frame's rows (all rows, or the given row numbers): the in-memory twin of
 * the streaming evaluation, same algorithm.
 */
export function familyStats(frame: Frame, rows?: ArrayLike<number>): FamilyStats {
  const acc = new FamilyStatsAccumulator(frame.columns);
  const count = rows ? rows.length : frame.nRows;
  for (let i = 0; i < count; i++) {
    const r = rows ? rows[i] : i;
    acc.addRow(frame.roles[r], frame.row(r));
  }
  return acc.result();
}
