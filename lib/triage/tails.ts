/**
 * Tail probabilities against the normal rows: how many normal values of a column and role lie at
 * or beyond a given value, from the baseline's sorted non-zero normal values of every column (ALL
 * normal rows, through the streaming pass's sketch). A deviation is measured among the non-zero
 * normal values (an IP in a window where it is active is compared with the normal IPs active
 * there): the window's own values when it has at least `MIN_NONZERO` of them, else the family's
 * values pooled over its windows; a family that normal IPs practically never use is compared with
 * all its normal values, zeros included (a busybox payload where no normal IP sends one).
 */
import type { NonzeroValues, NormalBaseline } from '../evaluation/baseline';
import { ROLES } from '../types';

/** Non-zero normal values a window needs to be its own reference (else its family's pool is). */
export const MIN_NONZERO = 50;

/** A column's reference: sorted values with the count of reference values at or below each. */
export interface TailReference {
  readonly values: Float64Array;
  readonly atOrBelow: Float64Array;
  /** Values in the reference (its non-zero ones, or all of them for a rare family's pool). */
  readonly size: number;
  /** Zeros counted in `size` (only in a rare family's pool). */
  readonly zeros: number;
}

/** Values of a reference at or above x (upper) or at or below x (lower). */
function countBeyond(s: TailReference, x: number, upper: boolean): number {
  const v = s.values;
  const total = v.length === 0 ? 0 : s.atOrBelow[v.length - 1];
  // The first index with v[i] >= x (upper) or with v[i] > x (lower).
  let lo = 0;
  let hi = v.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (upper ? v[mid] < x : v[mid] <= x) lo = mid + 1;
    else hi = mid;
  }
  const zeros = (upper ? x <= 0 : x >= 0) ? s.zeros : 0;
  if (upper) return zeros + (lo === 0 ? total : total - s.atOrBelow[lo - 1]);
  return zeros + (lo === 0 ? 0 : s.atOrBelow[lo - 1]);
}

/** Tail probabilities of values against the normal values of their column and role. */
export class NormalTails {
  /** Per role (0: source, 1: dst): the reference of each column, chosen on first use. */
  private readonly references: (TailReference | undefined)[][];
  private readonly pools: Map<string, TailReference>[] = [new Map(), new Map()];
  private readonly nonzero: readonly NonzeroValues[];
  private readonly families: readonly string[];

  constructor(private readonly baseline: NormalBaseline) {
    this.nonzero = ROLES.map((role) => baseline.nonzero[role]);
    this.families = baseline.columns.map((key) => key.family);
    // Filled up front (not grown by index on first use), so that a lookup stays an array read.
    this.references = ROLES.map(() => new Array<TailReference | undefined>(this.families.length).fill(undefined));
  }

  /** Column j's own non-zero values. */
  private own(role: number, j: number): TailReference {
    const { offsets, values, atOrBelow } = this.nonzero[role];
    const from = offsets[j];
    const to = offsets[j + 1];
    return {
      values: values.subarray(from, to),
      atOrBelow: atOrBelow.subarray(from, to),
      size: to > from ? atOrBelow[to - 1] : 0,
      zeros: 0,
    };
  }

  /** A family's non-zero normal values over all its windows (with its zeros when they are too few). */
  private pool(role: number, family: string): TailReference {
    const known = this.pools[role].get(family);
    if (known) return known;
    const pairs: [number, number][] = [];
    let all = 0;
    let nonzero = 0;
    this.families.forEach((f, j) => {
      if (f !== family) return;
      const own = this.own(role, j);
      all += this.baseline.n[ROLES[role]][j];
      nonzero += own.size;
      for (let i = 0; i < own.values.length; i++)
        pairs.push([own.values[i], own.atOrBelow[i] - (i > 0 ? own.atOrBelow[i - 1] : 0)]);
    });
    pairs.sort((a, b) => a[0] - b[0]);
    const values = new Float64Array(pairs.length);
    const atOrBelow = new Float64Array(pairs.length);
    let k = -1;
    let seen = 0;
    for (const [value, count] of pairs) {
      seen += count;
      if (k < 0 || values[k] !== value) values[++k] = value;
      atOrBelow[k] = seen;
    }
    const rare = nonzero < MIN_NONZERO;
    const pool = {
      values: values.subarray(0, k + 1),
      atOrBelow: atOrBelow.subarray(0, k + 1),
      size: rare ? all : nonzero,
      zeros: rare ? all - nonzero : 0,
    };
    this.pools[role].set(family, pool);
    return pool;
  }

  /** Column j's reference for role r (0: source, 1: dst): its own non-zero values, or its family's pool. */
  reference(role: number, j: number): TailReference {
    let ref = this.references[role][j];
    if (!ref) {
      const own = this.own(role, j);
      ref = own.size >= MIN_NONZERO ? own : this.pool(role, this.families[j]);
      this.references[role][j] = ref;
    }
    return ref;
  }

  /**
   * The tail probability of a non-zero value x in column j for role r (0: source, 1: dst): (values
   * at or beyond x + 1) / (reference size + 1), upper tail for `high`, lower for `low`; 1 for a
   * zero or a missing value (no evidence).
   */
  tail(role: number, j: number, x: number, high: boolean): number {
    return x === 0 || Number.isNaN(x) ? 1 : tailIn(this.reference(role, j), x, high);
  }
}

/**
 * The tail probability of a non-zero value x against a reference (`NormalTails.reference`):
 * (values at or beyond x + 1) / (reference size + 1), as `NormalTails.tail`; for a caller that looks
 * up a column's reference once and asks it for many values.
 */
export function tailIn(s: TailReference, x: number, high: boolean): number {
  return Math.min(1, (countBeyond(s, x, high) + 1) / (s.size + 1));
}
