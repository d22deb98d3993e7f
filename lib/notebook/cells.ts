/**
 * The evaluation notebook's helpers, typed and tested here instead of written as strings into its
 * cells, so a cell reads like the seed's (`await seed.figure('avg_Length')`). Each helper is a pure
 * function from data to the outputs a cell shows (markdown, HTML, figures); `showOutputs` is the one
 * edge that hands them to the kernel, and `writeSummaryFile` the one that writes a file.
 */
import type { AnomalyJson } from '../triage/anomalies';
import type { Campaigns } from '../triage/campaigns';
import { NO_BASELINE_MARKDOWN, anyMove, changesHtml } from './changes-view';
import { findingsHtml } from './findings-view';
import { evidenceTableMarkdown } from '../evaluation/evidence';
import { changesFigure } from '../figures/changes';
import { MAX_PROFILES, TRIAGE_ROWS } from '../defaults';
import { showFigure, showHtml, showMarkdown } from './display';
import { writeFileAtomic, shownPath } from '../files';
import { type Coverage, checkCoverage, labelList } from '../evaluation/coverage';
import {
  type FindingContext,
  OVERLAP_SECTION,
  SEED_SECTIONS,
  type SeedSection,
  allFindings,
  figureFindings,
  evaluateFindings,
  seedSection,
  tallyMarkdown,
} from '../findings';
import { levelsFigure } from '../figures/levels';
import { profileFigure } from '../figures/profile';
import { figurePicker } from '../figures/picker';
import type { Frame } from '../table/frame';
import { escapeMarkdown } from '../html';
import { dataTableHtml } from './data-table';
import { flaggedIpsTable, triageTable } from './tables';
import { type FullEvaluation, evaluateFull } from '../evaluation/full';
import type { Progress } from '../reader/read-options';
import { readTable } from '../reader/read-table';
import { evaluateFrame } from '../summary/evaluate';
import { OptionError } from '../options';
import { type NotebookParams, summaryPath } from './params';
import { type AllIpsOptions, checkAllIpsOptions } from '../figures/timeline-options';
import { plotAllIps } from '../figures/timeline';
import type { PlotlyFigure } from '../figures/spec';
import { type ProfileTarget, labelsFor } from '../triage/profiles';
import { type Triage, explainMore, explainRows } from '../triage/reasons';
import { matchingPairs, pairsMarkdown, standoutIps, standoutsMarkdown } from '../triage/standouts';
import type { Summary } from '../summary/schema';
import type { Baseline } from '../summary/baseline-summary';
import type { Role } from '../types';

/** One output of a cell: markdown, an HTML fragment or a Plotly figure. */
export type CellOutput =
  | { readonly kind: 'markdown'; readonly text: string }
  | { readonly kind: 'html'; readonly html: string }
  | { readonly kind: 'figure'; readonly figure: PlotlyFigure };

/** Where outputs go: the kernel (`showInKernel`) in a notebook, a list in a test. */
export type Display = (output: CellOutput) => Promise<void>;

const markdown = (text: string): CellOutput => ({ kind: 'markdown', text });
const figure = (spec: PlotlyFigure): CellOutput => ({ kind: 'figure', figure: spec });

/** Shows one output in the running notebook (lib/notebook/display.ts): the I/O edge of this module. */
export const showInKernel: Display = (output) =>
  output.kind === 'figure'
    ? showFigure(output.figure)
    : output.kind === 'html'
      ? showHtml(output.html)
      : showMarkdown(output.text);

/** Shows `outputs` in order through `display` (default: the kernel). */
export async function showOutputs(outputs: readonly CellOutput[], display: Display = showInKernel): Promise<void> {
  for (const output of outputs) await display(output);
}

/**
 * A progress callback for reading the full dataset that prints a line at each further tenth of
 * the file (`  read 30% (12345 rows)`), so a long read shows it is alive without flooding the cell.
 */
export function progressPrinter(print: (line: string) => void = (line) => console.log(line)): (p: Progress) => void {
  let lastTenth = 0;
  return (p) => {
    const tenth = Math.floor((10 * p.bytesRead) / Math.max(1, p.bytesTotal));
    if (tenth > lastTenth) {
      lastTenth = tenth;
      print(`  read ${tenth * 10}% (${p.rowsParsed} rows)`);
    }
  };
}

/** The full dataset as the notebook reads it: the evaluation, and every row when read whole. */
export interface FullRead {
  readonly full: FullEvaluation;
  /** Every row of the full dataset, when `params.loadWhole` asked for it (for exploration); else undefined. */
  readonly table?: Frame;
}

/**
 * Reads the full dataset once: streamed (bounded memory) by default, or whole into memory when
 * `params.loadWhole` is set, with the same results. The anomalous rows (`exclude`) are left out of
 * the normal rows, a seeded sample of `params.sampleSize` normal rows is kept for the figures, and the
 * rows of the IPs to profile (`keep`) are kept whole. A table with no normal row, or lacking more than
 * half of the `exclude` rows (unless `params.allowMissing`), is refused once its labels are read.
 */
export async function readFullDataset(
  params: Pick<NotebookParams, 'full' | 'sampleSize' | 'seed' | 'loadWhole' | 'allowMissing' | 'shownAs'>,
  exclude: readonly string[],
  keep: readonly { readonly label: string }[],
  onProgress?: (p: Progress) => void,
): Promise<FullRead> {
  const options = {
    exclude: new Set(exclude),
    sampleSize: params.sampleSize,
    seed: params.seed,
    keepLabels: new Set(keep.map((t) => t.label)),
    // Refused before the long pass: no normal row, or most flagged rows missing (unless allowMissing).
    check: (coverage: Coverage) =>
      checkCoverage(
        { ...coverage, file: shownPath(coverage.file, params.shownAs) },
        { allowMissing: params.allowMissing },
      ),
  };
  if (!params.loadWhole) return { full: await evaluateFull(params.full, { ...options, onProgress }) };
  const table = await readTable(params.full, { onProgress });
  return { full: evaluateFrame(table, options), table };
}

/**
 * What the full dataset held, in three lines: its size, the anomalous rows found in it, the normal
 * rows and the sample; and a warning line counting the flagged rows it lacks, when it lacks any.
 */
export function describeFull(
  full: FullEvaluation,
  reference: { readonly name: string; readonly frame: Frame },
  seed: number,
): string[] {
  return [
    `Full dataset: ${full.rows} rows, ${full.valueColumns} value columns`,
    `Anomalous rows of ${reference.name} found in it: ${full.excludedFound} of ${reference.frame.nRows}`,
    ...(full.missing.length > 0
      ? [
          `Warning: missing from it: ${full.missing.length} flagged row${full.missing.length === 1 ? '' : 's'} (${labelList(full.missing)})`,
        ]
      : []),
    `Normal rows: ${full.normalRows}; sample: ${full.sample.nRows} rows (seed ${seed})`,
  ];
}

/** A markdown list: per run, the labels only that run flagged (the first `limit`, then `…`). */
export function uniqueLabelsMarkdown(
  runs: readonly { readonly name: string }[],
  unique: ReadonlyMap<string, readonly string[]>,
  limit = 20,
): string {
  return runs
    .map((run) => {
      const labels = unique.get(run.name) ?? [];
      const shown = labels
        .slice(0, limit)
        .map((label) => escapeMarkdown(label))
        .join(', ');
      return `- **only in ${escapeMarkdown(run.name)}** (${labels.length}): ${labels.length === 0 ? 'none' : shown}${labels.length > limit ? ', …' : ''}`;
    })
    .join('\n');
}

/**
 * The triage table (HTML): the flagged IPs by score with their runs and first three reasons, each
 * with its kind and span (`triageTable` of the anomalies table: the rows of anomalies.csv), `top` a
 * page, sortable and paged.
 */
export function triageTableHtml(anomalies: readonly AnomalyJson[], top = TRIAGE_ROWS): string {
  // The triage view shows no window length: the table's reason windows need none here.
  return dataTableHtml(triageTable(flaggedIpsTable(anomalies, '')), { rows: top });
}

/** The triage's line in words: what normal IPs reach, and how many flagged IPs have a reason above it. */
export function triageLineMarkdown(triage: Pick<Triage, 'line' | 'calibrationRows' | 'explanations'>): string {
  const explained = triage.explanations.filter((e) => e.explained).length;
  return (
    `Reasons are listed above **${triage.line.toFixed(1)}**, the score that 1 in 100 of ${triage.calibrationRows} sampled ` +
    `normal IPs reach; ${explained} of ${triage.explanations.length} flagged IPs have one.`
  );
}

/** The campaigns' titles as a markdown list, one campaign a line, then how many IPs are in none. */
export function campaignsMarkdown(campaigns: Campaigns): string {
  const alone = campaigns.order.length - campaigns.groups.reduce((sum, g) => sum + g.size, 0);
  const lines = campaigns.groups.map((g) => `- ${escapeMarkdown(g.title)}`);
  if (lines.length === 0) lines.push('- no two flagged IPs deviate alike');
  lines.push(`- in no campaign (each unlike the others): ${alone} IP${alone === 1 ? '' : 's'}`);
  return lines.join('\n');
}

/**
 * What changed since the baseline (tables, and the figure of the family means that moved most
 * relative to their spread when any did: `normal.floor`, the reasons' spread of each family), or the
 * note that no baseline was given.
 */
export function changesOutputs(
  summary: Summary,
  baseline: { readonly summary: Baseline } | undefined,
  normal?: { readonly floor: ReadonlyMap<string, Readonly<Record<Role, number>>> },
): CellOutput[] {
  if (!summary.changes || !baseline) return [markdown(NO_BASELINE_MARKDOWN)];
  const claims = new Map(allFindings().map((f) => [f.id, f.text]));
  const outputs: CellOutput[] = [
    { kind: 'html', html: changesHtml(summary.changes, summary.anomalies ?? [], baseline.summary.anomalies, claims) },
  ];
  const spread = normal ? (family: string, role: Role) => normal.floor.get(family)?.[role] : undefined;
  if (anyMove(summary.changes)) outputs.push(figure(changesFigure(summary.changes, 12, spread)));
  return outputs;
}

/**
 * The profiles of `targets` found among the full dataset's kept rows (at most `max`, the rest
 * counted) as one figure with a dropdown choosing the IP, a note when there is none, and the focus
 * names the dataset does not hold.
 */
export function profileOutputs(
  full: Pick<FullEvaluation, 'kept' | 'normalBaseline'>,
  targets: readonly ProfileTarget[],
  focusIps: readonly string[] = [],
  max = MAX_PROFILES,
  triage?: Pick<Triage, 'groups' | 'line'>,
): CellOutput[] {
  const kept = full.kept;
  // The same families as one and the same line as the triage table (without it: every reason above 0).
  const reasons = triage
    ? explainMore(triage, [kept], full.normalBaseline)
    : explainRows([kept], full.normalBaseline).explanations;
  const profiled = targets.filter((t) => kept.rowOf(t.label) >= 0);
  // One figure, a dropdown picking the IP: Lab's Plotly renderer draws every figure output when a
  // notebook opens, and a reader looks at one profile at a time (bench/README.md, bench:lab).
  const choices = profiled.slice(0, max).map((target) => {
    const row = kept.rowOf(target.label);
    const profile = profileFigure(kept, row, full.normalBaseline, reasons[row].reasons, { note: target.why });
    return { label: `${target.label} (${target.why})`, figure: profile };
  });
  const outputs = choices.length > 0 ? [figure(figurePicker(choices))] : [];
  if (profiled.length > max) outputs.push(markdown(`_${profiled.length - max} more profiles not drawn._`));
  if (profiled.length === 0) outputs.push(markdown('_No IP is unique to one run, and focusIps names none._'));
  const unmatched = focusIps.filter((name) => !labelsFor(name).some((label) => kept.rowOf(label) >= 0));
  if (unmatched.length > 0)
    outputs.push(markdown(`_Not in the full dataset: ${unmatched.map((name) => escapeMarkdown(name)).join(', ')}._`));
  return outputs;
}

/** What the seed's figure and findings cells draw from, known once the full dataset has been read. */
export interface SeedData {
  /** The reference run's rows: the anomalous IPs. */
  readonly anomalous: Frame;
  /** The reference run's name, for the notes on missing families. */
  readonly referenceName: string;
  /** The seeded sample of normal rows. */
  readonly sample: Frame;
  /** What the findings are checked against (lib/findings). */
  readonly context: FindingContext;
  /** Options of every figure cell (e.g. `{ anomalous: 'density' }`); a cell's own options win. */
  readonly figureOptions?: AllIpsOptions;
}

/**
 * A note when the reference run or the full dataset lacks `family` (other model outputs may: its
 * figure is then skipped), else undefined.
 */
export function missingFamilyNote(data: SeedData, family: string): string | undefined {
  const from = [
    data.anomalous.families().includes(family) ? '' : `the reference run ${data.referenceName}`,
    data.sample.families().includes(family) ? '' : 'the full dataset',
  ].filter((where) => where !== '');
  return from.length === 0
    ? undefined
    : `_${escapeMarkdown(family)} is missing from ${escapeMarkdown(from.join(' and '))}: no figure._`;
}

/** The seed section whose figures include `family`; undefined for a family the seed did not draw. */
function sectionOfFigure(family: string): SeedSection | undefined {
  return SEED_SECTIONS.find((s) => s.figures.includes(family));
}

/**
 * One of the seed's figures (anomalous and normal IPs of both roles along the timeline), then the
 * seed's written findings on it with their verdicts; a family the seed did not draw gets the figure
 * alone. Options are `data.figureOptions` overridden by the cell's own, checked first (an unknown option or
 * word is an OptionError).
 */
export function seedFigureOutputs(data: SeedData, family: string, options: AllIpsOptions = {}): CellOutput[] {
  const checked = checkAllIpsOptions({ ...data.figureOptions, ...options });
  const note = missingFamilyNote(data, family);
  if (note) return [markdown(note)];
  const outputs = [figure(plotAllIps(data.anomalous, data.sample, family, checked))];
  const section = sectionOfFigure(family);
  if (section) {
    const findings = figureFindings(section, family);
    if (findings.length > 0)
      outputs.push({
        kind: 'html',
        html: `<p><b>Findings of the seed, checked on this data</b></p>${findingsHtml(evaluateFindings(findings, data.context))}`,
      });
    outputs.push(markdown(evidenceTableMarkdown(data.context.evidence(family))));
  }
  return outputs;
}

/**
 * A seed section's summary findings with their verdicts and tally, under the levels of its first
 * family as the findings measure them. `feature` must name a seed section (`length`, ...).
 */
export function seedSummaryOutputs(data: SeedData, feature: string): CellOutput[] {
  const section = seedSection(feature);
  if (!section) {
    const features = [...SEED_SECTIONS, OVERLAP_SECTION].map((s) => JSON.stringify(s.feature));
    throw new OptionError(
      `summary: invalid feature ${JSON.stringify(feature)}; expected one of ${features.join(', ')}`,
    );
  }
  const outputs: CellOutput[] = [];
  if (!missingFamilyNote(data, section.figures[0]))
    outputs.push(figure(levelsFigure(data.context, section.figures[0])));
  const results = evaluateFindings(section.summary, data.context);
  outputs.push({ kind: 'html', html: findingsHtml(results) }, markdown(tallyMarkdown(results)));
  return outputs;
}

/**
 * The seed's to-do on `family` (count_Length): the anomalous IPs that stand out, and the
 * source/destination pairs among them whose timelines match, or else the best-matching pairs of all.
 */
export function standoutOutputs(data: SeedData, family = 'count_Length'): CellOutput[] {
  const note = missingFamilyNote(data, family);
  if (note) return [markdown(note)];
  const standouts = standoutIps(data.anomalous, family);
  const title = `**IPs that stand out in ${escapeMarkdown(family)}**`;
  const pairs = matchingPairs(data.anomalous, family, {
    sources: standouts.filter((s) => s.role === 'source').map((s) => s.label),
    dsts: standouts.filter((s) => s.role === 'dst').map((s) => s.label),
  });
  return [
    markdown(`${title}\n\n${standoutsMarkdown(standouts, family)}`),
    markdown(
      pairs.length > 0
        ? `**Source/destination pairs among them whose timelines match**\n\n${pairsMarkdown(pairs)}`
        : `**No pair of standouts matches; the best-matching pairs among all anomalous IPs**\n\n${pairsMarkdown(matchingPairs(data.anomalous, family, { limit: 5 }))}`,
    ),
  ];
}

/** The seed's figure, summary and standout cells over one evaluation, shown through `display`. */
export interface SeedCells {
  /** `seedFigureOutputs`, shown. */
  figure(family: string, options?: AllIpsOptions): Promise<void>;
  /** `seedSummaryOutputs`, shown. */
  summary(feature: string): Promise<void>;
  /** `standoutOutputs`, shown. */
  standouts(family?: string): Promise<void>;
  /** `missingFamilyNote`. */
  missingFamily(family: string): string | undefined;
}

/** The seed's cells over `data`, showing in the kernel (or through `display`, e.g. in a test). */
export function seedCells(data: SeedData, display: Display = showInKernel): SeedCells {
  return {
    figure: (family, options) => showOutputs(seedFigureOutputs(data, family, options), display),
    summary: (feature) => showOutputs(seedSummaryOutputs(data, feature), display),
    standouts: (family) => showOutputs(standoutOutputs(data, family), display),
    missingFamily: (family) => missingFamilyNote(data, family),
  };
}

/**
 * Writes summary.json to `params.summaryOut` when it names a file (temp + rename) and returns the
 * line to print: where it was written (the final path a runner renames it to), or why not.
 */
export function writeSummaryFile(params: NotebookParams, summary: Summary): string {
  if (!params.summaryOut) return 'summary not written (no summaryOut / EVAL_SUMMARY_OUT)';
  writeFileAtomic(params.summaryOut, `${JSON.stringify(summary, null, 2)}\n`);
  return `summary written to ${shownPath(summaryPath(params) ?? params.summaryOut, params.shownAs)}`;
}
