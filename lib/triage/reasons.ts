/**
 * Why each anomalous IP was flagged, on one scale for every family. For each family (families
 * equal on every row count once, lib/triage/groups.ts) the best run of each kind of deviation
 * (lib/triage/deviations.ts: against the normal rows of the role, or against the row's own
 * history) has a rarity, −log10 of its probability; the score corrects it for the cells a row
 * offers to chance, score = rarity − log10(families × windows × 4 (two kinds, two directions)), so
 * that a score s reads "as rare as 1 in 10^s normal IPs of this role". The line a reason must cross
 * is calibrated on normal rows scored the same way: the 99th percentile of their best scores (never
 * below 0). A row's reasons are its families whose best deviation crosses that line, by descending
 * score (at most `MAX_REASONS`); a row with none is not explained ("nothing in these families sets
 * it apart from normal IPs"). Its score is its best deviation's, explained or not.
 */
import type { Frame } from '../table/frame';
import type { Role } from '../types';
import { type FamilyRow, type RunDeviation, runDeviations } from './deviations';
import { ACTIVITY_FAMILY, type FamilyGroup, type FrameRows, familyGroups, singleFamilyGroups } from './groups';
import { NormalTails, type TailReference, tailIn } from './tails';
import { type NormalBaseline, baselineColumn, baselineIndex } from '../evaluation/baseline';

/** Reasons kept per row. */
export const MAX_REASONS = 5;
/** The share of normal rows whose best score the line of an explanation must exceed. */
export const CALIBRATION_QUANTILE = 0.99;
/** Normal rows scored for the calibration, at most (evenly spread over the sample). */
export const CALIBRATION_ROWS = 500;

/** One family's deviation in one row, as a reason. */
export interface Reason extends Omit<RunDeviation, 'from' | 'to'> {
  /** The family that stands for the group (the first of `families`). */
  readonly family: string;
  /** Every family the reason stands for (several when they are equal on every row). */
  readonly families: readonly string[];
  /** The group's name: `packets` for the equal counts, else the family. */
  readonly name: string;
  /** Corrected rarity: as rare as 1 in 10^score normal IPs of the role. */
  readonly score: number;
  /** Starts (epoch ms) of the first and last window of the run. */
  readonly windows: { readonly from: number; readonly to: number };
}

/** Why one row was flagged. */
export interface RowExplanation {
  readonly label: string;
  readonly role: Role;
  /** Every group's best deviation (any score), in group order: what campaigns compare. */
  readonly deviations: readonly Reason[];
  /** The deviations above the calibrated line, by descending score, at most MAX_REASONS. */
  readonly reasons: readonly Reason[];
  /** The best deviation's score (NaN without any: no comparable window, or never active). */
  readonly score: number;
  /** Whether any deviation is rarer than what normal rows of the role reach. */
  readonly explained: boolean;
}

/** What the triage switches can turn off (tests switch each off to see their planted case fail). */
export interface TriageSwitches {
  /** Runs of consecutive windows (off: the best single window). */
  readonly duration?: boolean;
  /** Deviations against the row's own history. */
  readonly ownHistory?: boolean;
  /** Families equal on every row as one. */
  readonly mergeFamilies?: boolean;
}

/** The tails of a baseline, made once per baseline. */
const tailsOfBaseline = new WeakMap<NormalBaseline, NormalTails>();
function tailsOf(baseline: NormalBaseline): NormalTails {
  let tails = tailsOfBaseline.get(baseline);
  if (!tails) tailsOfBaseline.set(baseline, (tails = new NormalTails(baseline)));
  return tails;
}

/** The result of explaining a set of rows. */
export interface Triage {
  readonly explanations: RowExplanation[];
  /** The calibrated line: the 99th percentile of the normal rows' best scores (at least 0). */
  readonly line: number;
  /** Normal rows the line was calibrated on. */
  readonly calibrationRows: number;
  readonly groups: readonly FamilyGroup[];
  /** Window length (ms) of the rows' windows. */
  readonly stepMs: number;
}

const ROLE_INDEX: Readonly<Record<Role, number>> = { source: 0, dst: 1 };

/** A family group as a scorer reads it: its columns in the frame and in the baseline. */
interface PlannedGroup {
  readonly group: FamilyGroup;
  /** The baseline's column of each window (−1: the full table has none). */
  readonly columns: Int32Array;
  readonly view: ReturnType<Frame['family']>;
  /** Reads a row's values in the group's windows (Frame.picker of the view's columns). */
  readonly read: (row: number, out: Float64Array) => Float64Array;
  /** Per role (0: source, 1: dst), the tail probability of each window, made on first use. */
  readonly tails: (FamilyRow['tail'] | undefined)[];
}

/** A scorer of rows of one frame against the baseline. */
class RowScorer {
  private readonly plan: PlannedGroup[];
  private readonly activity: number;
  private readonly groupCount: number;
  private readonly tails: NormalTails;
  /** The values of the row being scored in one family. */
  private readonly values: Float64Array;

  constructor(
    private readonly frame: Frame,
    groups: readonly FamilyGroup[],
    baseline: NormalBaseline,
    private readonly switches: TriageSwitches,
    only?: ReadonlySet<string>,
  ) {
    const at = baselineIndex(baseline);
    const families = new Set(frame.families());
    this.plan = groups.flatMap((group) => {
      const family = group.families.find((f) => families.has(f) && (!only || only.has(f)));
      if (!family) return [];
      const view = frame.family(family);
      const columns = Int32Array.from(view.starts, (s) => baselineColumn(at, family, s));
      if (!columns.some((j) => j >= 0)) return [];
      return [{ group, columns, view, read: frame.picker(view.columns), tails: [undefined, undefined] }];
    });
    this.activity = this.plan.findIndex((p) => p.group.families.includes(ACTIVITY_FAMILY));
    this.groupCount = groups.length;
    this.tails = tailsOf(baseline);
    const W = this.plan.length > 0 ? this.plan[0].columns.length : 0;
    this.values = new Float64Array(W);
  }

  /**
   * The tail probability of a value in each window of group g, for role r: each window's reference
   * is looked up once (on first use), not at every value.
   */
  private tailFunction(g: number, role: number): FamilyRow['tail'] {
    const planned = this.plan[g];
    const known = planned.tails[role];
    if (known) return known;
    const { columns } = planned;
    const tails = this.tails;
    const references: (TailReference | undefined)[] = new Array(columns.length).fill(undefined);
    const tail = (w: number, x: number, high: boolean): number => {
      const j = columns[w];
      if (j < 0 || x === 0 || x !== x) return 1;
      let reference = references[w];
      if (reference === undefined) references[w] = reference = tails.reference(role, j);
      return tailIn(reference, x, high);
    };
    planned.tails[role] = tail;
    return tail;
  }

  /** Row `row`'s values in group g's windows, into `values` (NaN past the group's last window). */
  private readWindows(g: number, row: number): Float64Array {
    const { read, view } = this.plan[g];
    const values = read(row, this.values);
    if (view.columns.length < values.length) values.fill(NaN, view.columns.length);
    return values;
  }

  /** Windows where row `row` is active, into `active`; returns how many. */
  private activeWindows(row: number, active: Uint8Array): number {
    const W = active.length;
    for (let g = 0; g < this.plan.length; g++) {
      if (this.activity >= 0 && g !== this.activity) continue;
      const values = this.readWindows(g, row);
      for (let w = 0; w < W; w++) {
        const x = values[w];
        if (this.activity >= 0 ? x > 0 : x !== 0 && x === x) active[w] = 1;
      }
    }
    let count = 0;
    for (let w = 0; w < W; w++) count += active[w];
    return count;
  }

  /**
   * Every group's best deviation in each of `rows` (in group order). Group by group over all the
   * rows, so that the normal values of one group's windows are read while they are in the cache
   * (the baseline's values of every column would not fit).
   */
  scoreRows(rows: ArrayLike<number>): Reason[][] {
    const W = this.plan.length > 0 ? this.plan[0].columns.length : 0;
    const out: Reason[][] = Array.from({ length: rows.length }, () => []);
    // The active windows of every row (a row never active has no deviation of any kind: each looks where the row is active).
    const active = new Uint8Array(rows.length * W);
    const live: number[] = [];
    for (let i = 0; i < rows.length; i++)
      if (this.activeWindows(rows[i], active.subarray(i * W, (i + 1) * W)) > 0) live.push(i);
    // The cells a row offers to chance: its families × its windows × two kinds × two directions.
    const correction = Math.log10(Math.max(1, this.groupCount * W * 4));
    for (let g = 0; g < this.plan.length; g++) {
      const { group, view } = this.plan[g];
      for (const i of live) {
        const row = rows[i];
        const values = this.readWindows(g, row);
        const deviations = runDeviations({
          values,
          active: active.subarray(i * W, (i + 1) * W),
          isActivity: g === this.activity,
          tail: this.tailFunction(g, ROLE_INDEX[this.frame.roles[row]]),
          duration: this.switches.duration !== false,
          ownHistory: this.switches.ownHistory !== false,
        });
        let best: RunDeviation | undefined;
        for (const d of deviations) if (!best || d.rarity > best.rarity) best = d;
        if (!best) continue;
        const { from, to, ...rest } = best;
        out[i].push({
          ...rest,
          family: group.families[0],
          families: group.families,
          name: group.name,
          score: best.rarity - correction,
          windows: { from: view.starts[from], to: view.starts[to] },
        });
      }
    }
    return out;
  }
}

/** A quantile of numbers (linear interpolation, as numpy); NaN when there are none. */
function quantile(values: readonly number[], q: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const h = q * (sorted.length - 1);
  const lo = Math.floor(h);
  return lo + 1 < sorted.length ? sorted[lo] + (h - lo) * (sorted[lo + 1] - sorted[lo]) : sorted[lo];
}

/** Rows of a frame evenly spread, at most `max`. */
function spread(n: number, max: number): number[] {
  if (n <= max) return Array.from({ length: n }, (_, i) => i);
  return Array.from({ length: max }, (_, i) => Math.floor((i * n) / max));
}

/** Options of {@link explainRows}. */
export interface ExplainOptions extends TriageSwitches {
  /** Normal rows to calibrate the line on (the seeded sample); without them the line is 0. */
  readonly calibration?: Frame;
  /**
   * The families the line is calibrated on (default: all the calibration rows hold). The summary
   * command's sample keeps only the findings' families; naming them here gives the notebook, whose
   * sample keeps every family, the same line.
   */
  readonly calibrationFamilies?: ReadonlySet<string>;
}

/**
 * Explains every row of `frames` against the normal baseline (rows in the frames' order, frame by
 * frame: e.g. the reference run's rows, then the full table's rows of the IPs only other runs
 * flagged). Only windows the full table has count: a frame on other windows (a 30-minute run
 * against a 5-minute table) gets no deviations.
 */
export function explainRows(frames: readonly Frame[], baseline: NormalBaseline, options: ExplainOptions = {}): Triage {
  const calibration = options.calibration;
  const calibrationRows = calibration ? spread(calibration.nRows, CALIBRATION_ROWS) : [];
  const families = [...new Set(frames.flatMap((frame) => frame.families()))];
  const looked: FrameRows[] = frames.map((frame) => ({
    frame,
    rows: Array.from({ length: frame.nRows }, (_, i) => i),
  }));
  // The calibration rows are compared in the families the line is calibrated on: the same groups
  // whichever of them a sample holds besides (the notebook's keeps every family, the command's not).
  if (calibration) looked.push({ frame: calibration, rows: calibrationRows, families: options.calibrationFamilies });
  const groups = options.mergeFamilies === false ? singleFamilyGroups(families) : familyGroups(families, looked);
  let line = 0;
  if (calibration && calibrationRows.length > 0) {
    const normal = new RowScorer(calibration, groups, baseline, options, options.calibrationFamilies);
    const best: number[] = [];
    for (const deviations of normal.scoreRows(calibrationRows)) {
      const scores = deviations.map((d) => d.score);
      best.push(scores.length > 0 ? Math.max(...scores) : -Infinity);
    }
    const q = quantile(best, CALIBRATION_QUANTILE);
    line = Number.isFinite(q) ? Math.max(0, q) : 0;
  }
  const stepFrame = frames.find((frame) => frame.valueKeys().length > 0);
  const triage = {
    explanations: [],
    line,
    calibrationRows: calibrationRows.length,
    groups,
    stepMs: stepFrame ? stepFrame.grid().stepMs : NaN,
  };
  return { ...triage, explanations: explainMore(triage, frames, baseline, options) };
}

/**
 * Explains further rows the way `triage` explained its own: the same families as one, the same
 * line (e.g. the profiles of IPs no run flagged, named by the user).
 */
export function explainMore(
  triage: Pick<Triage, 'groups' | 'line'>,
  frames: readonly Frame[],
  baseline: NormalBaseline,
  switches: TriageSwitches = {},
): RowExplanation[] {
  const { groups, line } = triage;
  return frames.flatMap((frame) => {
    const scored = new RowScorer(frame, groups, baseline, switches).scoreRows(
      Array.from({ length: frame.nRows }, (_, i) => i),
    );
    return frame.index.map((label, row): RowExplanation => {
      const deviations = scored[row];
      const ranked = [...deviations].sort((a, b) => b.score - a.score);
      const reasons = ranked.filter((d) => d.score > line).slice(0, MAX_REASONS);
      return {
        label,
        role: frame.roles[row],
        deviations,
        reasons,
        score: ranked.length > 0 ? ranked[0].score : NaN,
        explained: reasons.length > 0,
      };
    });
  });
}

/** Explanations by descending score (ties: label order), as summary.json lists them. */
export function rankExplanations(rows: readonly RowExplanation[]): RowExplanation[] {
  const key = (e: RowExplanation): number => (Number.isNaN(e.score) ? -Infinity : e.score);
  return [...rows].sort((a, b) => key(b) - key(a) || (a.label < b.label ? -1 : a.label > b.label ? 1 : 0));
}
