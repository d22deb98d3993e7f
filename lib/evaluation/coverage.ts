/**
 * Whether a full table can be evaluated against the flagged rows. It must hold normal rows (a table
 * of flagged rows only is a model run's file given as the full table) and at least half of the
 * flagged rows (else it is cut short, or from another capture): both are known after the cheap
 * pass over the labels, so a table that cannot be evaluated is refused before the long pass.
 * Flagged rows it lacks within that limit are counted, never silently dropped.
 */
import { InputError } from '../types';

/** What the pass over a full table's labels found, against the flagged labels looked for. */
export interface Coverage {
  /** The full table, as the user named it. */
  readonly file: string;
  /** Its data rows. */
  readonly rows: number;
  /** Its rows whose label is not flagged. */
  readonly normalRows: number;
  /** How many flagged labels were looked for (the reference run's rows). */
  readonly flagged: number;
  /** The flagged labels the table lacks, in the order they were given. */
  readonly missing: readonly string[];
}

/** Labels a message shows of a longer list (the rest are counted). */
export const MISSING_SHOWN = 5;

/** `a, b, c, d, e, … (7 more)`: the first `limit` labels, JSON-quoted when they hold odd characters. */
export function labelList(labels: readonly string[], limit = MISSING_SHOWN): string {
  const shown = labels.slice(0, limit).map((label) => (/^[\w.:-]+$/.test(label) ? label : JSON.stringify(label)));
  const more = labels.length - shown.length;
  return more > 0 ? `${shown.join(', ')}, … (${more} more)` : shown.join(', ');
}

/**
 * Refuses, naming the file and what was found, a full table with no normal row, and one that lacks
 * more than half of the flagged rows unless `allowMissing` (the user goes on on purpose).
 */
export function checkCoverage(coverage: Coverage, options: { readonly allowMissing?: boolean } = {}): void {
  const { file, rows, normalRows, flagged, missing } = coverage;
  if (rows === 0) {
    throw new InputError({ file }, 'no data rows; expected the full windowed dataset (final_dataset_5T.csv)');
  }
  if (normalRows === 0) {
    throw new InputError(
      { file },
      `0 normal rows: all ${rows} rows are flagged rows. Is this a model run's file? Expected the full windowed dataset (final_dataset_5T.csv), which holds the normal IPs too`,
    );
  }
  if (!options.allowMissing && missing.length * 2 > flagged) {
    throw new InputError(
      { file },
      `lacks ${missing.length} of the ${flagged} flagged rows (${labelList(missing)}): is it cut short, or from another capture? ` +
        'Expected the full dataset the models ran on; to evaluate it anyway, give --allow-missing (in the notebook: allowMissing = true, or EVAL_ALLOW_MISSING=true)',
    );
  }
}

/** The warning for flagged rows the full table lacks (count and the first few), or undefined when it lacks none. */
export function missingWarning(coverage: Pick<Coverage, 'file' | 'flagged' | 'missing'>): string | undefined {
  const { file, flagged, missing } = coverage;
  if (missing.length === 0) return undefined;
  return `the full dataset ${file} lacks ${missing.length} of the ${flagged} flagged rows: ${labelList(missing)}; they count as anomalous, their values come from the run's file`;
}
