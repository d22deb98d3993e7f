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
export { Frame } from './table/frame';
export type { FamilyView, FrameInit, Values } from './table/frame';
export { ChoiceError, InputError, ROLES, roleOf } from './types';
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

// Reading model runs and the full dataset (streamed, or whole): lib/loaders.ts names them.
export {
  ANOMALIES_FILE,
  anomaliesFile,
  checkCoverage,
  evaluateFull,
  loadRuns,
  missingWarning,
  pickReference,
  readHeader,
  readTable,
  sampleFrame,
  sampleNormalRows,
} from './loaders';
export type { Coverage, EvaluateOptions, FullEvaluation, Progress, ReadOptions, Run, RunSpec } from './loaders';
export { toArquero, toDanfo } from './notebook/interop';
export type { InteropOptions } from './notebook/interop';

// Notebook parameters (the parameters cell, EVAL_* variables, a JSON file).
export {
  PARAM_ENV,
  ParamError,
  WORKDIR_ENV,
  describeParams,
  paramsToEnv,
  resolveParams,
  summaryPath,
} from './notebook/params';
export type { NotebookParams } from './notebook/params';

// The evaluation end to end, and summary.json.
export { assess, evaluate, evaluateFrame, fullFacts } from './summary/evaluate';
export type { AssessInput, Assessment, Evaluation, EvaluationParams, EvaluationProgress } from './summary/evaluate';
export { familyStats } from './table/stats';
export { buildSummary } from './summary/summary';
export type { FullFacts, Summary } from './summary/schema';
export { shownPath, writeFileAtomic } from './files';
export { provenanceMarkdown } from './evaluation/provenance';
export { familySpreads } from './evaluation/spreads';

// Runs compared: common anomalies and the IPs only one run flagged.
export {
  commonCount,
  describeOverlaps,
  exclusiveIntersections,
  referenceOverlaps,
  uniqueToRun,
} from './evaluation/overlap';
export type { Intersection, LabelledRun, Overlap } from './evaluation/overlap';

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
  legendMarkdown,
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
// One scale for every family (rarity among the normal IPs of the role, or against the IP's own
// history, over runs of windows), a line calibrated on normal rows, equal families as one.
export { explainMore, explainRows, rankExplanations } from './triage/reasons';
export type { ExplainOptions, Reason, RowExplanation, Triage, TriageSwitches } from './triage/reasons';
export { familyGroups } from './triage/groups';
export type { FamilyGroup } from './triage/groups';
export { flaggedElsewhere, flaggedFrames } from './triage/flagged';
// The anomalies table's columns, defined once (anomalies.csv and every table built from it).
export {
  ANOMALY_COLUMNS,
  REASON_COLUMNS,
  UNEXPLAINED,
  anomaliesCsv,
  anomaliesCsvHeader,
  anomaliesJson,
  anomaliesTable,
  describeReason,
  reasonWords,
  triageRows,
} from './triage/anomalies';
export type {
  AnomalyCell,
  AnomalyColumn,
  AnomalyJson,
  AnomalyReasonJson,
  ReasonColumn,
  TriageRow,
} from './triage/anomalies';
export { campaignsJson, findCampaigns } from './triage/campaigns';
export type { CampaignGroup, CampaignJson, CampaignOptions, Campaigns } from './triage/campaigns';
export { labelsFor, profileTargets } from './triage/profiles';
export type { ProfileTarget } from './triage/profiles';
export { matchingPairs, pairsMarkdown, standoutIps, standoutsMarkdown } from './triage/standouts';
export type { MatchingPair, Standout } from './triage/standouts';

// What changed since an earlier summary.json.
export { readBaseline } from './summary/baseline-summary';
export type { Baseline } from './summary/baseline-summary';
export { compareWithBaseline } from './summary/changes';
export type { Changes } from './summary/schema';
export { NO_BASELINE_MARKDOWN, anyMove, changesHtml } from './notebook/changes-view';
/** Verdicts in two layers (one line each, the evidence folded): the notebook's findings under figures and summaries. */
export { findingsHtml } from './notebook/findings-view';

// Figures (pure Plotly specs), their options, and showing them: lib/plots.ts names them.
export {
  campaignsFigure,
  changesFigure,
  checkAllIpsOptions,
  checkFigureBundleOptions,
  evidenceFigure,
  figureBundle,
  figurePicker,
  levelsFigure,
  loadPlotly,
  overlapFigure,
  plotAllIps,
  profileFigure,
  showFigure,
} from './plots';
export type {
  AllIpsOptions,
  CampaignsFigureOptions,
  FigureBundleOptions,
  FigureChoice,
  PlotlyFigure,
  ProfileOptions,
} from './plots';
export { OptionError } from './options';

// Showing things in a notebook, and escaping what attackers wrote.
export { NoKernelError, showHtml, showMarkdown, showTable } from './notebook/display';
// Following one IP through every figure and table of a trusted notebook (and the report page).
export { followBundle, showFollow } from './notebook/follow-output';
export { escapeHtml, escapeMarkdown, simpleTableHtml } from './html';
export { frameTableHtml } from './notebook/frame-table';
export type { FrameTableOptions } from './notebook/frame-table';
export { dataTableHtml } from './notebook/data-table';
export type { DataTableOptions } from './notebook/data-table';

// The results as arquero tables, to question in a notebook cell and show with showTable (lib/notebook/tables.ts).
export {
  arquero,
  campaignsTable,
  changesTables,
  evaluationTables,
  familyStatsTable,
  flaggedIpsTable,
  overlapsTable,
  reasonsTable,
  triageTable,
} from './notebook/tables';
export type { Arquero, EvaluationTables } from './notebook/tables';

// The evaluation notebook's cells (lib/notebook/cells.ts).
export {
  campaignsMarkdown,
  triageLineMarkdown,
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
} from './notebook/cells';
export type { CellOutput, Display, FullRead, SeedCells, SeedData } from './notebook/cells';
