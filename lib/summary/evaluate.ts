/**
 * The evaluation, end to end, as one function: load the runs, pick the reference run, stream the
 * full dataset (dropping the anomalous rows, sampling the normal ones, accumulating their
 * statistics) and build the summary. The notebook runs the same steps cell by cell; the
 * `summary` command runs this function; both therefore print the same numbers.
 */
import type { Frame } from '../table/frame';
import { type EvaluateOptions, type FullEvaluation, evaluateFull, missingLabels } from '../evaluation/full';
import { checkCoverage } from '../evaluation/coverage';
import type { Progress } from '../reader/read-options';
import { type Run, type RunSpec, loadRuns, pickReference } from '../evaluation/runs';
import { sampleNormalRows } from '../table/sample';
import { familyStats } from '../table/stats';
import { ValueSketch } from '../table/sketch';
import { baselineOf } from '../evaluation/baseline';
import type { FullFacts, Summary } from './schema';
import { buildSummary } from './summary';
import type { FamilyStats } from '../types';
import { type FindingContext, findingContext, findingFamilies, findingsJson } from '../findings';
import type { Baseline } from './baseline-summary';
import { compareWithBaseline } from './changes';
import { type RowExplanation, type Triage, explainRows } from '../triage/reasons';
import { anomaliesJson } from '../triage/anomalies';
import { shownPath } from '../files';
import { type Campaigns, campaignsJson, findCampaigns } from '../triage/campaigns';
import { flaggedElsewhere, flaggedFrames, withoutRow } from '../triage/flagged';

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
   * for the numbers alone: the same summary, ~40% fewer sample columns; what that saves is the dense
   * rows' share, since mostly-zero rows are held as their non-zero cells: 228 vs 223 MB at seed scale).
   */
  readonly keepSampleValues?: boolean;
  /** An earlier summary.json, read with `readBaseline`: the summary then lists what changed since. */
  readonly baseline?: { readonly path: string; readonly summary: Baseline };
  /**
   * Evaluate a full dataset that lacks more than half of the flagged rows (refused otherwise: it is
   * likely cut short or from another capture; lib/coverage.ts). A table with no normal row is always refused.
   */
  readonly allowMissing?: boolean;
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
  /** Why each flagged IP was flagged: the reference run's rows, then the IPs only other runs flagged (lib/triage/reasons.ts). */
  readonly explanations: readonly RowExplanation[];
  /** The triage behind them (its line, the families it counts as one) and the campaigns among them. */
  readonly triage: Triage;
  readonly campaigns: Campaigns;
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
    missing: full.missing,
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
  options: Pick<EvaluateOptions, 'exclude' | 'sampleSize' | 'seed' | 'keepLabels' | 'check'>,
): FullEvaluation {
  const { normal, sample } = sampleNormalRows(frame.index, options.exclude, options.sampleSize, options.seed);
  const missing = missingLabels(options.exclude, frame.index);
  const path = frame.source ?? '(in memory)';
  options.check?.({ file: path, rows: frame.nRows, normalRows: normal.length, flagged: options.exclude.size, missing });
  const sketch = new ValueSketch(frame.columns);
  for (const r of normal) sketch.addRow(frame.roles[r], frame.row(r));
  const keep = options.keepLabels;
  const kept = keep && keep.size > 0 ? frame.index.flatMap((label, r) => (keep.has(label) ? [r] : [])) : [];
  return {
    path,
    rows: frame.nRows,
    columns: [...frame.columns],
    valueColumns: frame.valueKeys().length,
    grid: frame.grid(),
    normalRows: normal.length,
    excludedFound: frame.nRows - normal.length,
    missing,
    sample: frame.selectRows(sample),
    normalStats: familyStats(frame, normal),
    normalBaseline: baselineOf(sketch),
    kept: frame.selectRows(kept),
  };
}

/** What `assess` needs: the loaded runs, the streamed (or whole-read) full dataset, the seed, a baseline if any. */
export interface AssessInput {
  readonly runs: readonly Run[];
  readonly reference: Run;
  readonly full: FullEvaluation;
  /** Seed of the sample, and of the findings' nulls. */
  readonly seed: number;
  /** An earlier summary.json: the summary then lists what changed since (`changes`). */
  readonly baseline?: { readonly path: string; readonly summary: Baseline };
  /**
   * How the user gave the paths (lib/params `NotebookParams.shownAs`): the summary names the runs, the
   * full dataset and the baseline so, not by the resolved paths of this machine. Default: as they are.
   */
  readonly shownAs?: Readonly<Record<string, string>>;
}

/** Everything the notebook shows after the full dataset is read, and the summary that keeps it. */
export interface Assessment {
  /** The findings' context (their verdicts are memoised in it: the notebook shows the same ones). */
  readonly context: FindingContext;
  /** Why each flagged IP was flagged: the reference run's rows in order, then the IPs only other runs flagged. */
  readonly explanations: RowExplanation[];
  /** The triage behind them: its calibrated line and the families it counts as one. */
  readonly triage: Triage;
  /** The flagged IPs that deviate alike. */
  readonly campaigns: Campaigns;
  readonly summary: Summary;
}

/**
 * Why every flagged IP was flagged: the reference run's rows, and the full table's rows (kept by the
 * streamed evaluation) of the IPs only other runs flagged; an IP the full table lacks is listed
 * without a reason. The line is calibrated on the sampled normal rows, in the families the summary
 * command's sample keeps (`findingFamilies`), and the sample is compared in those families only when
 * grouping equal families, so the notebook and the command draw the same line on the same groups.
 */
export function triageFlagged(runs: readonly Run[], reference: Run, full: FullEvaluation): Triage {
  const others = flaggedElsewhere(runs, reference.name);
  const triage = explainRows(flaggedFrames(reference.frame, full.kept, others), full.normalBaseline, {
    calibration: full.sample,
    calibrationFamilies: findingFamilies(),
  });
  const explained = new Set(triage.explanations.map((e) => e.label));
  const missing = others.filter((label) => !explained.has(label)).map(withoutRow);
  return missing.length > 0 ? { ...triage, explanations: [...triage.explanations, ...missing] } : triage;
}

/**
 * The evaluation's judgements, one step for the summary command and the notebook alike: the seed's
 * findings checked, every anomalous IP explained, the summary built, and, with a baseline, what
 * changed since. Throws an InputError naming the baseline when it shares no family with this data.
 */
export function assess(input: AssessInput): Assessment {
  const { runs, reference, full, seed } = input;
  const labelled = runs.map((run) => ({ name: run.name, labels: run.frame.index }));
  const context = findingContext({
    anomalous: reference.frame,
    normalSample: full.sample,
    normalStats: full.normalStats,
    runs: labelled,
    reference: reference.name,
    population: full.rows,
    seed,
  });
  const shown = (file: string): string => shownPath(file, input.shownAs);
  const triage = triageFlagged(runs, reference, full);
  const campaigns = findCampaigns(triage);
  const summary = buildSummary({
    runs: runs.map((run) => ({ ...run, path: shown(run.path) })),
    reference: { ...reference, path: shown(reference.path) },
    anomalousStats: familyStats(reference.frame),
    full: { ...fullFacts(full), path: shown(full.path) },
    sample: { size: full.sample.nRows, seed },
    findings: findingsJson(context),
    anomalies: anomaliesJson(triage.explanations, labelled),
    campaigns: campaignsJson(campaigns),
  });
  if (input.baseline)
    summary.changes = compareWithBaseline(
      input.baseline.summary,
      shown(input.baseline.path),
      summary,
      reference.frame.index,
    );
  return { context, explanations: triage.explanations, triage, campaigns, summary };
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
    check: (coverage) => checkCoverage(coverage, { allowMissing: params.allowMissing }),
    // The rows of the IPs only other runs flagged, explained on the full table's windows.
    keepLabels: new Set(flaggedElsewhere(runs, reference.name)),
    onProgress: (progress) => onProgress({ step: 'full', detail: params.full, progress }),
  });
  onProgress({ step: 'findings', detail: "checking the seed's findings, explaining every anomalous IP" });
  const { explanations, triage, campaigns, summary } = assess({
    runs,
    reference,
    full,
    seed: params.seed,
    baseline: params.baseline,
  });
  const anomalousStats = familyStats(anomalous);
  return { runs, reference, anomalous, anomalousStats, full, explanations, triage, campaigns, summary };
}
