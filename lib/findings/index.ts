/**
 * The seed's findings, checked on the data at hand: verdicts that test the property each finding
 * names, against random and activity-matched normal groups. The public surface of lib/findings/.
 */
export { ASSOCIATION, COUNT_WORDS, DEGREES, NOT_SIMILAR, SIMILAR, claimFamilies } from './claims';
export type { Claim, CountWord, Degree, Description, Selection } from './claims';
export { DEFAULT_NULL_SEED, findingContext, findingFamilies } from './context';
export type { FindingContext, FindingInputs } from './context';
export { evaluateFinding, evaluateFindings, verdictCounts } from './evaluate';
export type { FindingResult } from './evaluate';
export { figureMarkdown, findingsMarkdown, summaryMarkdown, tallyMarkdown } from './markdown';
export { REDUCER_WORDS } from './measures';
export type { Reducer } from './measures';
export { MATCH_WIDTH, NULL_DRAWS, NULL_QUANTILE } from './nulls';
export { OVERLAP_SECTION, SEED_SECTIONS, allFindings, figureFindings, seedSection } from './seed';
export type { Finding, SeedSection } from './seed';
export { VERDICT_MARKS, VERDICT_STATUSES } from './verdict';
export type { Verdict, VerdictStatus } from './verdict';
export { findingsJson, headlineOf } from './json';
export { LEGEND_NOTES, VERDICT_LEGEND, legendMarkdown } from './legend';
export type { LegendRow } from './legend';
export type { SummaryFinding } from './json';
