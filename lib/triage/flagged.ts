/**
 * Every IP a run flagged, not only the reference run's: the rows the triage explains. The reference
 * run's rows come from its own file; an IP only other runs flagged (often on other windows, 10 or
 * 30 minutes) is explained from its row of the full table, on the baseline's windows, which the
 * streamed evaluation keeps for it (`flaggedElsewhere` names them for `keepLabels`).
 */
import type { Frame } from '../table/frame';
import { roleOf } from '../types';
import type { RowExplanation } from './reasons';

/** A run as the triage needs it: its name and its rows. */
export interface FlaggingRun {
  readonly name: string;
  readonly frame: Frame;
}

/** Labels flagged by some run but not by the reference run, in the order the runs list them. */
export function flaggedElsewhere(runs: readonly FlaggingRun[], reference: string): string[] {
  const ref = runs.find((run) => run.name === reference);
  const inReference = new Set(ref ? ref.frame.index : []);
  const out = new Set<string>();
  for (const run of runs)
    if (run !== ref) for (const label of run.frame.index) if (!inReference.has(label)) out.add(label);
  return [...out];
}

/** The frames to explain: the reference run's rows, then the full table's rows of `labels` that it holds. */
export function flaggedFrames(reference: Frame, full: Frame, labels: readonly string[]): Frame[] {
  const rows = labels.map((label) => full.rowOf(label)).filter((row) => row >= 0);
  return rows.length > 0 ? [reference, full.selectRows(rows)] : [reference];
}

/** The explanation of a flagged IP the data hold no comparable row of: no deviation, not explained. */
export function withoutRow(label: string): RowExplanation {
  return { label, role: roleOf(label) ?? 'source', deviations: [], reasons: [], score: NaN, explained: false };
}
