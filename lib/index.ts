/**
 * The toolkit's public entry point: every name a notebook or a program may rely on, named here and
 * grouped by what it is for. A notebook imports from this one module
 * (`import { readTable, plotAllIps } from '../dist/lib/index'`), so the files behind it can move.
 * What is not listed (number scanning, line reading, sketches, clustering steps, the browser draw
 * script, the report's HTML post-processing) is internal and may change without notice.
 */

// Defaults shared by the commands, the notebook and the docs.
export { DEFAULT_SAMPLE, DEFAULT_SEED, DEFAULT_CELL_TIMEOUT_SECONDS, MAX_PROFILES, TRIAGE_ROWS } from './defaults';

// Rows, columns and input errors.
export { Frame } from './frame';
export type { FamilyView, FrameInit, Values } from './frame';
export { InputError, ROLES, roleOf } from './types';
export type {
  ColumnKey,
  FamilyEvidence,
  FamilyStats,
  FilePosition,
  GroupStats,
  Role,
  RoleStats,
  WindowGrid,
} from './types';

// Reading model runs and the full dataset (streamed, or whole).
export { ANOMALIES_FILE, anomaliesFile, loadRuns, pickReference } from './runs';
export type { Run, RunSpec } from './runs';
export { evaluateFull, readTable } from './loaders';
export { readHeader } from './table-head';
export type { EvaluateOptions, FullEvaluation, Progress, ReadOptions } from './loaders';
export { sampleFrame, sampleNormalRows } from './sample';
export { toArquero, toDanfo } from './interop';
export type { InteropOptions } from './interop';

// Notebook parameters (the parameters cell, EVAL_* variables, a JSON file).
export { PARAM_ENV, ParamError, describeParams, paramsToEnv, resolveParams, summaryPath } from './params';
export type { NotebookParams } from './params';

// The evaluation end to end, and summary.json.
export { assess, evaluate, evaluateFrame, fullFacts } from './evaluation';
export type { AssessInput, Assessment, Evaluation, EvaluationParams, EvaluationProgress } from './evaluation';
export { familyStats } from './stats';
export { buildSummary } from './summary';
export type { FullFacts, Summary } from './summary';
export { writeFileAtomic } from './files';
export { provenanceMarkdown } from './provenance';

// Runs compared: common anomalies and the IPs only one run flagged.
export { commonCount, describeOverlaps, exclusiveIntersections, referenceOverlaps, uniqueToRun } from './overlap';
export type { Intersection, LabelledRun, Overlap } from './overlap';

// The seed's findings, checked on the data at hand.
export {
  OVERLAP_SECTION,
  SEED_SECTIONS,
  VERDICT_MARKS,
  evaluateFinding,
  evaluateFindings,
  figureMarkdown,
  findingContext,
  findingsMarkdown,
  seedSection,
  summaryMarkdown,
  tallyMarkdown,
} from './findings';
export type {
  Finding,
  FindingContext,
  FindingResult,
  SeedSection,
  SummaryFinding,
  Verdict,
  VerdictStatus,
} from './findings';

// Why these IPs: reasons, triage, campaigns, profiles and standouts.
export { explainRows, rankExplanations } from './reasons';
export type { FamilyDeviation, RowExplanation } from './reasons';
export { anomaliesCsv, anomaliesJson, describeReason, triageRows } from './anomalies';
export type { AnomalyJson, AnomalyReasonJson, TriageRow } from './anomalies';
export { findCampaigns } from './campaigns';
export type { CampaignGroup, CampaignOptions, Campaigns } from './campaigns';
export { labelsFor, profileTargets } from './profiles';
export type { ProfileTarget } from './profiles';
export { matchingPairs, pairsMarkdown, standoutIps, standoutsMarkdown } from './standouts';
export type { MatchingPair, Standout } from './standouts';

// What changed since an earlier summary.json.
export { readBaseline } from './baseline-summary';
export type { Baseline } from './baseline-summary';
export { compareWithBaseline } from './changes';
export type { Changes } from './changes';
export { NO_BASELINE_MARKDOWN, anyMove, changesFigure, changesMarkdown } from './changes-view';

// Figures (pure Plotly specs) and their options.
export { evidenceFigure } from './figures/evidence';
export { overlapFigure } from './figures/overlap';
export { plotAllIps } from './figures/timeline';
export type { AllIpsOptions } from './figures/timeline';
export type { PlotlyFigure } from './figures/spec';
export { levelsFigure } from './figures/levels';
export { campaignsFigure } from './figures/campaigns';
export type { CampaignsFigureOptions } from './figures/campaigns';
export { profileFigure } from './figures/profile';
export type { ProfileOptions } from './figures/profile';
export { OptionError } from './options';
export { checkAllIpsOptions, checkFigureBundleOptions } from './plot-options';

// Showing things in a notebook, and escaping what attackers wrote.
export { NoKernelError, figureBundle, loadPlotly, showFigure, showHtml, showMarkdown, showTable } from './display';
export type { FigureBundleOptions } from './display';
export { escapeHtml, escapeMarkdown, frameTableHtml, simpleTableHtml } from './html';
export type { FrameTableOptions } from './html';

// The evaluation notebook's cells (lib/notebook.ts).
export {
  campaignsMarkdown,
  changesOutputs,
  describeFull,
  missingFamilyNote,
  readFullDataset,
  profileOutputs,
  progressPrinter,
  seedCells,
  seedFigureOutputs,
  seedSummaryOutputs,
  showInKernel,
  showOutputs,
  standoutOutputs,
  triageTableHtml,
  uniqueLabelsMarkdown,
  writeSummaryFile,
} from './notebook';
export type { CellOutput, Display, FullRead, SeedCells, SeedData } from './notebook';
