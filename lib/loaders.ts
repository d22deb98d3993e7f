/**
 * The public face of loading: everything a notebook or a program uses to read the detector runs and
 * the full dataset, named one by one. The readers themselves live in lib/reader/ (bytes to rows), the
 * streaming evaluation and the runs in lib/evaluation/, the sample in lib/table/.
 */

/** Reads a whole pandas table (`to_csv(sep='\t')`) into a Frame on worker threads; bad input is refused with file:line:column. */
export { readTable } from './reader/read-table';
/** Reads and checks a table's header line alone: its columns and window grid, before any long read. */
export { readHeader } from './reader/table-head';
/** Options of every read (threads, Float32, progress) and the progress it reports. */
export type { Progress, ReadOptions } from './reader/read-options';
/** Streams the full dataset once: drops the anomalous rows, samples the normal ones, accumulates their statistics. */
export { evaluateFull } from './evaluation/full';
/** What `evaluateFull` takes and what it keeps of the full dataset. */
export type { EvaluateOptions, FullEvaluation } from './evaluation/full';
/**
 * Refuses a full dataset that cannot be evaluated (no normal row: a model run's file?; more than
 * half of the flagged rows missing: cut short?), and words the warning for fewer missing ones.
 */
export { checkCoverage, missingWarning } from './evaluation/coverage';
/** What the pass over a full dataset's labels found against the flagged rows: rows, normal rows, the flagged ones missing. */
export type { Coverage } from './evaluation/coverage';
/** Reads detector run folders (`detected_anomalies.csv`), names each by its window, and picks the reference run. */
export { ANOMALIES_FILE, anomaliesFile, loadRuns, pickReference } from './evaluation/runs';
/** A loaded run and how to name one. */
export type { Run, RunSpec } from './evaluation/runs';
/** The seeded sample of normal rows: the same rows whether read whole or streamed. */
export { sampleFrame, sampleNormalRows } from './table/sample';
