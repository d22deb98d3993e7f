/**
 * The evaluation, end to end, as one function: load the runs, pick the reference run, stream the
 * full dataset (dropping the anomalous rows, sampling the normal ones, accumulating their
 * statistics) and build the summary. The notebook runs the same steps cell by cell; the
 * `summary` command runs this function; both therefore print the same numbers.
 */
import { Frame } from './frame';
import { EvaluateOptions, FullEvaluation, Progress, evaluateFull } from './loaders';
import { Run, RunSpec, loadRuns, pickReference } from './runs';
import { sampleNormalRows } from './sample';
import { familyStats } from './stats';
import { ValueSketch } from './sketch';
import { baselineOf } from './baseline';
import { FullFacts, Summary, buildSummary } from './summary';
import { FamilyStats } from './types';
import { findingContext, findingFamilies, findingsJson } from './findings';
import { RowExplanation, explainRows } from './reasons';
import { anomaliesJson } from './anomalies';

/** What an evaluation is run on. */
export interface EvaluationParams {
  /** Model run folders (or their `detected_anomalies.csv`), optionally named. */
  readonly models: readonly (RunSpec | string)[];
  /** The full windowed dataset (`final_dataset_5T.csv`). */
  readonly full: string;
  /** Name of the reference run; default: the finest window. */
  readonly reference?: string;
  /** Normal rows to sample for the figures (the seed: 4000). */
  readonly sampleSize: number;
  readonly seed: number;
  /**
   * Keep every column of the sampled rows (default true), or only those the findings read (`false`,
   * for the numbers alone: about a third less memory at seed scale, the same summary).
   */
  readonly keepSampleValues?: boolean;
}

/** A step of the evaluation, for progress bars. */
export interface EvaluationProgress {
  readonly step: 'runs' | 'full' | 'findings';
  readonly detail: string;
  readonly progress?: Progress;
}

/** Everything an evaluation computed. */
export interface Evaluation {
  readonly runs: readonly Run[];
  readonly reference: Run;
  /** The reference run's rows: the anomalous IPs, with their values. */
  readonly anomalous: Frame;
  readonly anomalousStats: FamilyStats;
  readonly full: FullEvaluation;
  /** Why each anomalous row was flagged, in the reference run's row order (lib/reasons.ts). */
  readonly explanations: readonly RowExplanation[];
  readonly summary: Summary;
}

/** The summary's view of a streamed full dataset. */
export function fullFacts(full: FullEvaluation): FullFacts {
  return {
    path: full.path,
    rows: full.rows,
    valueColumns: full.valueColumns,
    normalRows: full.normalRows,
    excludedFound: full.excludedFound,
    normalStats: full.normalStats,
    families: [...new Set(full.columns.flatMap((key) => (key.kind === 'value' ? [key.family] : [])))],
  };
}

/**
 * What `evaluateFull` computes, from a full dataset already in memory (read whole with
 * `readTable`, for a reader who wants every row at hand): the same normal rows, the same seeded
 * sample and the same statistics, so either path gives the same figures and summary.
 */
export function evaluateFrame(
  frame: Frame,
  options: Pick<EvaluateOptions, 'exclude' | 'sampleSize' | 'seed' | 'keepLabels'>,
): FullEvaluation {
  const { normal, sample } = sampleNormalRows(frame.index, options.exclude, options.sampleSize, options.seed);
  const sketch = new ValueSketch(frame.columns);
  for (const r of normal) sketch.addRow(frame.roles[r], frame.row(r));
  const keep = options.keepLabels;
  const kept = keep && keep.size > 0 ? frame.index.flatMap((label, r) => (keep.has(label) ? [r] : [])) : [];
  return {
    path: frame.source ?? '(in memory)',
    rows: frame.nRows,
    columns: [...frame.columns],
    valueColumns: frame.valueKeys().length,
    grid: frame.grid(),
    normalRows: normal.length,
    excludedFound: frame.nRows - normal.length,
    sample: frame.selectRows(sample),
    normalStats: familyStats(frame, normal),
    normalBaseline: baselineOf(sketch),
    kept: frame.selectRows(kept),
  };
}

/** Runs the whole evaluation in bounded memory (the full dataset is streamed, never held). */
export async function evaluate(
  params: EvaluationParams,
  onProgress: (p: EvaluationProgress) => void = () => {},
): Promise<Evaluation> {
  onProgress({ step: 'runs', detail: `reading ${params.models.length} model run(s)` });
  const runs = await loadRuns(params.models);
  const reference = pickReference(runs, params.reference);
  const anomalous = reference.frame;
  const full = await evaluateFull(params.full, {
    exclude: new Set(anomalous.index),
    sampleSize: params.sampleSize,
    seed: params.seed,
    sampleFamilies: params.keepSampleValues === false ? findingFamilies() : undefined,
    onProgress: (progress) => onProgress({ step: 'full', detail: params.full, progress }),
  });
  const anomalousStats = familyStats(anomalous);
  onProgress({ step: 'findings', detail: 'checking the seed\'s findings' });
  const findings = findingsJson(findingContext({
    anomalous,
    normalSample: full.sample,
    normalStats: full.normalStats,
    runs: runs.map((run) => ({ name: run.name, labels: run.frame.index })),
    reference: reference.name,
    population: full.rows,
    seed: params.seed,
  }));
  const explanations = explainRows(anomalous, full.normalBaseline);
  const summary = buildSummary({
    runs,
    reference,
    anomalousStats,
    full: fullFacts(full),
    sample: { size: full.sample.nRows, seed: params.seed },
    findings,
    anomalies: anomaliesJson(explanations, runs.map((run) => ({ name: run.name, labels: run.frame.index }))),
  });
  return { runs, reference, anomalous, anomalousStats, full, explanations, summary };
}
