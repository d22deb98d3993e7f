/**
 * Why each anomalous IP was flagged. Every (family, window) cell of an anomalous row is compared
 * with the normal rows of the same role in the same window (lib/evaluation/baseline.ts): its robust z, the
 * distance from the normal median in units of the window's robust spread (1.4826 × MAD), never
 * below the family's floor, both on the signed log scale slog(x) = sign(x)·ln(1 + |x|). Per family, the larger of the highest and the lowest z gives the score and the direction;
 * the windows that carry it are the run of consecutive windows around the peak whose z stays at or
 * beyond `STANDOUT` in that direction (none when the peak itself is below it). A row's reasons are
 * its families by descending score, at most `MAX_REASONS`; its score is the first reason's.
 */
import type { Frame } from '../table/frame';
import { type NormalBaseline, baselineColumn, baselineIndex, slog } from '../evaluation/baseline';
import type { Role } from '../types';

/** Robust z from which a window stands out (the usual outlier line for a robust z). */
export const STANDOUT = 3;
/** Reasons kept per row. */
export const MAX_REASONS = 5;

/** How far one row deviates in one family. */
export interface FamilyDeviation {
  readonly family: string;
  readonly direction: 'high' | 'low';
  /** The peak robust z in `direction`, as a positive number (0 when no window differs from the median). */
  readonly score: number;
  /** Starts (epoch ms) of the first and last of the consecutive windows that carry it; null when none stands out. */
  readonly windows: { readonly from: number; readonly to: number } | null;
}

/** Why one anomalous row was flagged. */
export interface RowExplanation {
  readonly label: string;
  readonly role: Role;
  /** Every family the row and the baseline share, in the frame's family order. */
  readonly families: readonly FamilyDeviation[];
  /** The families with the highest scores (score > 0), at most MAX_REASONS, descending. */
  readonly reasons: readonly FamilyDeviation[];
  /** The first reason's score (0 without reasons). */
  readonly score: number;
}

/**
 * The robust z of a value against a window's normal values, all on the slog scale:
 * (slog(value) − logMedian) / max(logSpread, floor). NaN when the value is missing or the window
 * has no normal values; ±Infinity for an infinite value.
 */
export function cellDeviation(value: number, logMedian: number, logSpread: number, floor: number): number {
  if (Number.isNaN(value) || Number.isNaN(logMedian)) return NaN;
  const spread = Math.max(logSpread, floor);
  const x = slog(value);
  if (x === logMedian) return 0;
  return (x - logMedian) / spread;
}

/**
 * One family's deviation from a row's robust z per window (in window order) and whether each
 * window follows the previous one on the grid.
 */
export function familyDeviation(
  family: string,
  z: ArrayLike<number>,
  starts: ArrayLike<number>,
  stepMs: number,
): FamilyDeviation {
  let high = 0;
  let highAt = -1;
  let low = 0;
  let lowAt = -1;
  for (let w = 0; w < z.length; w++) {
    const v = z[w];
    if (v > high) {
      high = v;
      highAt = w;
    } else if (-v > low) {
      low = -v;
      lowAt = w;
    }
  }
  const direction = high >= low ? 'high' : 'low';
  const score = direction === 'high' ? high : low;
  const peak = direction === 'high' ? highAt : lowAt;
  if (peak < 0 || !(score >= STANDOUT)) return { family, direction, score, windows: null };
  const sign = direction === 'high' ? 1 : -1;
  const carries = (w: number): boolean => sign * z[w] >= STANDOUT;
  let first = peak;
  while (first > 0 && carries(first - 1) && starts[first] - starts[first - 1] === stepMs) first--;
  let last = peak;
  while (last < z.length - 1 && carries(last + 1) && starts[last + 1] - starts[last] === stepMs) last++;
  return { family, direction, score, windows: { from: starts[first], to: starts[last] } };
}

/** The smallest gap between distinct window starts (the grid's step). */
function stepOf(starts: Iterable<number>): number {
  const sorted = [...new Set(starts)].sort((a, b) => a - b);
  let step = Infinity;
  for (let i = 1; i < sorted.length; i++) step = Math.min(step, sorted[i] - sorted[i - 1]);
  return step;
}

/** Ranks deviations: score descending, then the family order given. */
function topReasons(families: readonly FamilyDeviation[]): FamilyDeviation[] {
  return families
    .map((d, i) => ({ d, i }))
    .filter(({ d }) => d.score > 0)
    .sort((a, b) => b.d.score - a.d.score || a.i - b.i)
    .slice(0, MAX_REASONS)
    .map(({ d }) => d);
}

/**
 * Explains every row of an anomalous frame (the reference run) against the normal baseline.
 * Only windows the full table has count; when the frame's window length differs from the full
 * table's (a 30-minute reference against a 5-minute table), nothing is comparable and every row
 * gets no reasons. Rows come back in the frame's order.
 */
export function explainRows(frame: Frame, baseline: NormalBaseline): RowExplanation[] {
  const index = baselineIndex(baseline);
  const baselineStep = stepOf(baseline.columns.map((key) => key.start));
  const frameStep = frame.valueKeys().length > 0 ? frame.grid().stepMs : NaN;
  // A table with one window has no step: its windows compare whatever the other's step.
  const comparable = !Number.isFinite(baselineStep) || !Number.isFinite(frameStep) || frameStep === baselineStep;
  const views = comparable
    ? frame.families().flatMap((family) => {
        const floor = baseline.floor.get(family);
        if (!floor) return [];
        const view = frame.family(family);
        const at = Int32Array.from(view.starts, (start) => baselineColumn(index, family, start));
        if (!at.some((j) => j >= 0)) return [];
        return [{ family, view, at, floor }];
      })
    : [];
  return frame.index.map((label, row) => {
    const role = frame.roles[row];
    const families = views.map(({ family, view, at, floor }) => {
      const z = new Float64Array(at.length);
      for (let w = 0; w < at.length; w++) {
        const j = at[w];
        z[w] =
          j < 0
            ? NaN
            : cellDeviation(view.value(row, w), baseline.logMedian[role][j], baseline.logSpread[role][j], floor[role]);
      }
      return familyDeviation(family, z, view.starts, frameStep);
    });
    const reasons = topReasons(families);
    return { label, role, families, reasons, score: reasons.length > 0 ? reasons[0].score : 0 };
  });
}

/** Explanations by descending score (ties: label order), as summary.json lists them. */
export function rankExplanations(rows: readonly RowExplanation[]): RowExplanation[] {
  return [...rows].sort((a, b) => b.score - a.score || (a.label < b.label ? -1 : a.label > b.label ? 1 : 0));
}
