/**
 * How widely each family's normal values spread, per role: the unit in which "What changed since the
 * last evaluation" ranks the family means that moved (a mean that moves by one spread moved as far as
 * a typical normal IP differs from another; a tiny mean that doubles, 25µ → 50µ, moves far less).
 * Measured on the scale slog(x) = sign(x)·ln(1 + |x|), robustly: 1.4826 × the median absolute
 * deviation of the non-zero normal values of the family's windows, pooled.
 */
import { ROLES, type Role } from '../types';
import type { NormalBaseline } from './baseline';

/** 1.4826 × MAD estimates a normal distribution's standard deviation. */
const MAD_SCALE = 1.4826;

/** sign(x)·ln(1 + |x|): counts and sums span orders of magnitude, so spreads are measured on logs. */
export function slog(x: number): number {
  return Math.sign(x) * Math.log1p(Math.abs(x));
}

/** The weighted median of `xs` (weights `ws`, positive): the smallest x whose weight up to it reaches half. NaN when empty. */
export function weightedMedian(xs: readonly number[], ws: readonly number[]): number {
  const order = xs.map((_, i) => i).sort((a, b) => xs[a] - xs[b]);
  const total = ws.reduce((sum, w) => sum + w, 0);
  let seen = 0;
  for (const i of order) {
    seen += ws[i];
    if (seen >= total / 2) return xs[i];
  }
  return NaN;
}

/**
 * Per family and role, the robust spread of its non-zero normal values on the slog scale (NaN when the
 * role has none): what `changesOutputs` and `evaluationTables` take to rank the means that moved.
 */
export function familySpreads(baseline: Pick<NormalBaseline, 'columns' | 'nonzero'>): {
  readonly floor: ReadonlyMap<string, Readonly<Record<Role, number>>>;
} {
  const columnsOf = new Map<string, number[]>();
  baseline.columns.forEach((key, j) => {
    const list = columnsOf.get(key.family) ?? [];
    list.push(j);
    columnsOf.set(key.family, list);
  });
  const floor = new Map<string, Record<Role, number>>();
  for (const [family, columns] of columnsOf) {
    const spread = {} as Record<Role, number>;
    for (const role of ROLES) {
      const { offsets, values, atOrBelow } = baseline.nonzero[role];
      const xs: number[] = [];
      const ws: number[] = [];
      for (const j of columns) {
        let before = 0;
        for (let i = offsets[j]; i < offsets[j + 1]; i++) {
          xs.push(slog(values[i]));
          ws.push(atOrBelow[i] - before);
          before = atOrBelow[i];
        }
      }
      const centre = weightedMedian(xs, ws);
      spread[role] =
        MAD_SCALE *
        weightedMedian(
          xs.map((x) => Math.abs(x - centre)),
          ws,
        );
    }
    floor.set(family, spread);
  }
  return { floor };
}
