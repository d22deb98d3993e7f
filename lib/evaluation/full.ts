/**
 * The streaming evaluation of the full dataset: one parsing pass (after a cheap pass over the labels)
 * that drops the anomalous rows, keeps a seeded sample of the normal ones and accumulates the
 * statistics and the value sketch of ALL normal rows, in memory bounded by the sample.
 */
import { Frame } from '../table/frame';
import { SparseRows } from '../table/sparse-rows';
import { FamilyStatsAccumulator } from '../table/stats';
import { ValueSketch } from '../table/sketch';
import { sampleNormalRows } from '../table/sample';
import type { ColumnKey, FamilyStats, WindowGrid } from '../types';
import {
  EXCLUDED,
  type EvaluateJob,
  type EvaluatePass,
  type LabelPass,
  NORMAL,
  RowFailure,
  dropKeptLabels,
  fillSparseRows,
} from '../reader/parse-worker';
import type { ReadOptions } from '../reader/read-options';
import { gridOf, readHead } from '../reader/table-head';
import { ProgressReporter, checkDuplicates, placeRanges, splitRanges, withPool } from '../reader/read-threads';
import { type NormalBaseline, baselineOf } from './baseline';
import type { Coverage } from './coverage';

/** Options of `evaluateFull`. */
export interface EvaluateOptions extends ReadOptions {
  /** Anomalous labels: their rows are dropped from the normal rows. */
  exclude: ReadonlySet<string>;
  /** Rows in the seeded sample of normal rows. */
  sampleSize: number;
  /** Seed of the sample (a safe integer). */
  seed: number;
  /**
   * Keep the sampled rows' numbers (default true). With false, `sample` holds the sampled labels only
   * (shape [n, 0]): enough for the summary's sample size, and ~200 MB less on a dense table of seed
   * size (4,000 × 6,309 Float64); little on a mostly-zero one, whose rows are held as their non-zero cells.
   */
  keepSampleValues?: boolean;
  /**
   * Families whose columns the sample keeps (default: every column). What the checks of the
   * findings read is enough for the summary, in about two thirds of the memory.
   */
  sampleFamilies?: ReadonlySet<string>;
  /** Labels whose rows to keep whole (Float64), normal or anomalous: e.g. the IPs to profile. Absent ones are skipped. */
  keepLabels?: ReadonlySet<string>;
  /**
   * Called once the labels are known, before the long pass: what the table holds against `exclude`
   * (lib/evaluation/coverage.ts `checkCoverage` refuses a table that cannot be evaluated). Throwing stops the read.
   */
  check?: (coverage: Coverage) => void;
}

/** What the streaming evaluation keeps of a full dataset. */
export interface FullEvaluation {
  path: string;
  /** Data rows in the file. */
  rows: number;
  columns: ColumnKey[];
  valueColumns: number;
  grid: WindowGrid;
  /** Rows whose label is not excluded. */
  normalRows: number;
  /** How many of the exclude labels the file holds. */
  excludedFound: number;
  /** The exclude labels the file lacks, in the order of `exclude`. */
  missing: string[];
  /** The seeded sample of normal rows, in file order (the rows `sampleFrame` picks from the normal rows). */
  sample: Frame;
  /** Per family × role statistics over ALL normal rows. */
  normalStats: FamilyStats;
  /** Per value column × role: median, robust spread, p5, p95 of ALL normal rows (lib/evaluation/baseline.ts). */
  normalBaseline: NormalBaseline;
  /** The rows named by `keepLabels` that the file holds, in file order. */
  kept: Frame;
}

/** The labels of `wanted` that `labels` lacks, in the order of `wanted`. */
export function missingLabels(wanted: ReadonlySet<string>, labels: readonly string[]): string[] {
  const found = new Set(labels.filter((label) => wanted.has(label)));
  return [...wanted].filter((label) => !found.has(label));
}

let evaluationCounter = 0;

/**
 * The streaming evaluation of a full dataset in one parsing pass (after a cheap pass over the
 * labels): drops the rows whose label is in `exclude`, keeps the seeded bottom-k sample of
 * `sampleSize` normal rows and accumulates the statistics of ALL normal rows. Memory: the sample
 * plus per-column accumulators, whatever the number of rows.
 */
export async function evaluateFull(file: string, options: EvaluateOptions): Promise<FullEvaluation> {
  if (!Number.isSafeInteger(options.seed))
    throw new RangeError(`evaluateFull: seed ${options.seed} is not a safe integer`);
  const head = readHead(file);
  const grid = gridOf(head);
  const nCols = head.columns.length;
  const float32 = options.float32 === true;
  const families = options.sampleFamilies;
  const keptColumns = families
    ? Int32Array.from(head.columns.flatMap((k, c) => (k.kind === 'value' && families.has(k.family) ? [c] : [])))
    : undefined;
  const sampleWidth = keptColumns ? keptColumns.length : nCols;
  const progress = new ProgressReporter(head.size, options.onProgress, head.dataStart);
  const key = `${process.pid}-${evaluationCounter++}-`;
  const pass = await withPool(head, options, async (pool) => {
    const spans = splitRanges(head.file, head.dataStart, head.size, pool.size);
    // Pass 1: labels. Line numbers are local to each range (first line 0) until all counts are known.
    // They are let go before the long pass: only the plan (per-row actions, the picked labels) is kept.
    const plan = planPass(
      file,
      await pool.all<LabelPass>(
        'labels',
        spans.map((span, k) => ({ file, ...span, firstLine: 0, key: `${key}${k}` })),
      ),
      options,
    );
    const kept = new SharedArrayBuffer(plan.keptIndex.length * nCols * 8);

    // Pass 2: parse every row; statistics of normal rows; sampled rows into their slots.
    const sample = new SharedArrayBuffer(plan.keepValues ? plan.index.length * sampleWidth * (float32 ? 4 : 8) : 0);
    const jobs: EvaluateJob[] = spans.map((span, k) => ({
      file,
      ...span,
      firstLine: plan.firstLines[k],
      key: `${key}${k}`,
      headers: head.headers,
      actions: plan.actions[k],
      sample,
      float32,
      keptColumns,
      keep: plan.keep[k],
      kept,
    }));
    const parts = await pool.all<EvaluatePass>('evaluate', jobs, progress.add);
    return {
      ...plan.facts,
      sample,
      parts,
      keepValues: plan.keepValues,
      index: plan.index,
      kept,
      keptIndex: plan.keptIndex,
    };
  }).finally(() => dropKeptLabels(key));
  const values = float32 ? new Float32Array(pass.sample) : new Float64Array(pass.sample);
  const total = new FamilyStatsAccumulator(head.columns);
  // The first thread's sketch takes in the others' (no empty copy).
  const sketch = new ValueSketch(head.columns, pass.parts[0].sketch);
  // The mostly-zero sampled rows stay as their non-zero cells (Float64; Float32 writes them now): the
  // frame writes them into its matrix only if a reader asks for it whole, which the summary never does.
  const sparse = float32
    ? undefined
    : new SparseRows(
        pass.index.length,
        pass.keepValues ? sampleWidth : 0,
        pass.parts.map((part) => part.sparse),
      );
  pass.parts.forEach((part, k) => {
    if (float32) fillSparseRows(part.sparse, values, sampleWidth);
    total.merge(new FamilyStatsAccumulator(head.columns, part.state));
    if (k > 0) sketch.merge(new ValueSketch(head.columns, part.sketch));
  });
  progress.finish();
  return {
    path: file,
    rows: pass.rows,
    columns: head.columns,
    valueColumns: head.columns.filter((k) => k.kind === 'value').length,
    grid,
    normalRows: pass.normalRows,
    excludedFound: pass.excludedFound,
    missing: pass.missing,
    sample: new Frame({
      index: pass.index,
      columns: !pass.keepValues ? [] : keptColumns ? Array.from(keptColumns, (c) => head.columns[c]) : head.columns,
      values,
      source: file,
      sparse,
    }),
    normalStats: total.result(),
    normalBaseline: baselineOf(sketch),
    kept: new Frame({
      index: pass.keptIndex,
      columns: head.columns,
      values: new Float64Array(pass.kept),
      source: file,
    }),
  };
}

/** What the label pass decides for the long pass, per range, without keeping every row's label. */
interface PassPlan {
  facts: { rows: number; normalRows: number; excludedFound: number; missing: string[] };
  keepValues: boolean;
  /** Per range: its first line number, each row's action (EXCLUDED, NORMAL or a sample slot) and kept slot (or -1). */
  firstLines: number[];
  actions: Int32Array[];
  keep: Int32Array[];
  /** Labels of the sampled rows (slot order) and of the kept rows. */
  index: string[];
  keptIndex: string[];
}

/**
 * From the ranges' labels: refuses a repeated label or a bad row, checks the coverage, picks the
 * sample and the kept rows. A function of its own so that the labels (tens of MB on a table of
 * millions of rows) are garbage once it returns, not held through the long pass.
 */
function planPass(file: string, labelled: readonly LabelPass[], options: EvaluateOptions): PassPlan {
  const places = placeRanges(labelled.map((part) => ({ lines: part.lines, rows: part.labels.length })));
  const failed = labelled.findIndex((part) => part.failure !== undefined);
  if (failed >= 0) {
    const { line: local, problem } = labelled[failed].failure!;
    throw new RowFailure(local + places[failed].firstLine, problem);
  }
  const labels = labelled.flatMap((part) => part.labels);
  const lineOfRow = new Int32Array(labels.length);
  labelled.forEach((part, k) => {
    const { firstLine, rowOffset } = places[k];
    for (let i = 0; i < part.lineOfRow.length; i++) lineOfRow[rowOffset + i] = part.lineOfRow[i] + firstLine;
  });
  checkDuplicates(file, labels, (r) => lineOfRow[r]);

  const { normal, sample: picked } = sampleNormalRows(labels, options.exclude, options.sampleSize, options.seed);
  const missing = missingLabels(options.exclude, labels);
  options.check?.({ file, rows: labels.length, normalRows: normal.length, flagged: options.exclude.size, missing });
  const actions = new Int32Array(labels.length).fill(EXCLUDED);
  for (const r of normal) actions[r] = NORMAL;
  const keepValues = options.keepSampleValues !== false;
  if (keepValues) {
    picked.forEach((r, slot) => {
      actions[r] = slot;
    });
  }
  const keep = new Int32Array(labels.length).fill(-1);
  const keptRows: number[] = [];
  if (options.keepLabels && options.keepLabels.size > 0) {
    labels.forEach((label, r) => {
      if (options.keepLabels!.has(label)) keep[r] = keptRows.push(r) - 1;
    });
  }
  const spanOf = (all: Int32Array, k: number): Int32Array =>
    all.slice(places[k].rowOffset, places[k].rowOffset + labelled[k].labels.length);
  return {
    facts: { rows: labels.length, normalRows: normal.length, excludedFound: labels.length - normal.length, missing },
    keepValues,
    firstLines: places.map((place) => place.firstLine),
    actions: labelled.map((_, k) => spanOf(actions, k)),
    keep: labelled.map((_, k) => spanOf(keep, k)),
    index: Array.from(picked, (r) => labels[r]),
    keptIndex: keptRows.map((r) => labels[r]),
  };
}
