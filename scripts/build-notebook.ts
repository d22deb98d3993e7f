/**
 * Writes notebooks/evaluation_5T.ipynb from the readable cell sources below (outputs cleared, so
 * the committed notebook diffs cleanly). The sections and their figures come from the seed's
 * structure in lib/findings.ts, so the notebook and the findings never disagree on what is shown.
 *
 *   node dist/scripts/build-notebook.js [--check]
 *
 * `--check` exits 1 when the committed notebook differs from what this script would write.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { SEED_SECTIONS, legendMarkdown } from '../lib/findings';
import { KERNEL_DISPLAY_NAME, KERNEL_NAME, findProjectRoot } from '../lib/notebook/kernel';
import { writeFileAtomic } from '../lib/files';
import { DEFAULT_SAMPLE, DEFAULT_SEED, TRIAGE_ROWS } from '../lib/defaults';

interface Cell {
  readonly id: string;
  readonly cell_type: 'markdown' | 'code';
  readonly metadata: { tags?: string[] };
  readonly source: string[];
  readonly execution_count?: null;
  readonly outputs?: [];
}

/** Tags the report's timings group cells by (see bench/report.ts). */
type Phase = 'setup' | 'load' | 'full' | 'figures' | 'findings' | 'questions' | 'summary';

function lines(text: string): string[] {
  const all = text.replace(/^\n/, '').replace(/\s+$/, '').split('\n');
  return all.map((line, i) => (i < all.length - 1 ? `${line}\n` : line));
}

function slug(text: string): string {
  return text
    .replace(/[^A-Za-z0-9]+/g, '-')
    .replace(/^-|-$/g, '')
    .slice(0, 60);
}

class NotebookBuilder {
  readonly cells: Cell[] = [];
  private readonly ids = new Set<string>();

  private id(key: string): string {
    let id = slug(key) || 'cell';
    for (let n = 2; this.ids.has(id); n++) id = `${slug(key)}-${n}`;
    this.ids.add(id);
    return id;
  }

  markdown(key: string, text: string): this {
    this.cells.push({ id: this.id(`md-${key}`), cell_type: 'markdown', metadata: {}, source: lines(text) });
    return this;
  }

  code(key: string, phase: Phase, text: string, extraTags: string[] = []): this {
    this.cells.push({
      id: this.id(key),
      cell_type: 'code',
      metadata: { tags: [...extraTags, `phase-${phase}`] },
      source: lines(text),
      execution_count: null,
      outputs: [],
    });
    return this;
  }
}

/** Markdown heading text with the underscores of feature names escaped, as the seed writes them. */
function md(text: string): string {
  return text.replace(/_/g, '\\_');
}

/** The notebook, cell by cell, following the seed (../shared/seed/evaluation_5T_seed.md). */
export function buildNotebook(): object {
  const nb = new NotebookBuilder();
  nb.markdown(
    'title',
    `
# Evaluation of the anomaly detections (5-minute windows)

Which IPs did the detector flag, how do the runs at different window lengths agree, and how do
the flagged IPs differ from normal traffic, feature by feature? Each section shows the seed
notebook's figures and its written findings, each finding checked against the data at hand, so a
new model output can be read with the same eyes.

How to read a verdict: each finding is checked on the property it names, with thresholds fixed
from its words before the data are seen. **✔ holds**, **✘ does not hold** (the data contradict it),
**~ inconclusive**, **ℹ descriptive** (its check cannot depend on the flags: its number is shown,
never a ✔), **· not checkable**; per kind of check:

${legendMarkdown()}

Run it headlessly with \`npm run report\` (HTML + summary.json in \`reports/\`), or open it in
JupyterLab with the *${KERNEL_DISPLAY_NAME}* kernel (\`npm run kernel:install\`).
`,
  );

  nb.markdown(
    'parameters',
    `
## Parameters

Defaults read the generated data under \`data/\`. Every value can be overridden without editing the
notebook: \`EVAL_MODELS\` (JSON array or \`:\`-separated folders), \`EVAL_FULL\`, \`EVAL_REFERENCE\`,
\`EVAL_SAMPLE\`, \`EVAL_SEED\`, \`EVAL_LOAD_WHOLE\`, \`EVAL_SUMMARY_OUT\`, \`EVAL_FOCUS\` (IPs to profile, comma-separated), \`EVAL_BASELINE\` (an earlier summary.json),
\`EVAL_ANOMALOUS\` (\`auto\`: panels of more than 30 anomalous IPs as a density with the standout IPs as lines; \`lines\`, \`density\`),
\`EVAL_ALLOW_MISSING\` (evaluate a full dataset that lacks most flagged rows), or a JSON file named by \`EVAL_PARAMS\`.
Relative paths are relative to this notebook's folder.
`,
  );
  // Cells never use shorthand properties ({ models }) for variables of earlier cells: tslab 1.0.22
  // does not rewrite them and throws "models is not defined".
  nb.code(
    'parameters',
    'setup',
    `
const models = [
  '../data/models/models_2019_06_01_21_21/',
  '../data/models/models_2019_06_01_21_44/',
  '../data/models/models_2019_06_01_22_11/',
];
const fullDataset = '../data/final/final_dataset_5T.csv';
const referenceRun: string | undefined = undefined; // default: the run with the finest window
const sampleSize = ${DEFAULT_SAMPLE};
const randomSeed = ${DEFAULT_SEED};
const loadWhole = false; // true: read the full dataset into memory (fullTable) instead of streaming it
const summaryOut: string | undefined = undefined; // where to write summary.json, if anywhere
const focusIps: string[] = []; // IPs (or row labels) to profile beside the IPs only one run flagged
const baselineFile: string | undefined = undefined; // an earlier summary.json: say what changed since
const anomalousPanels = 'auto'; // lines up to 30 anomalous IPs a panel, above: a density plus the standout IPs' lines; 'lines' or 'density' forces one
const allowMissing = false; // true: evaluate a full dataset that lacks more than half of the flagged rows
`,
    ['parameters'],
  );

  nb.markdown('libraries', '## Libraries and paths');
  nb.code(
    'libraries',
    'setup',
    `
import {
  resolveParams, describeParams, loadRuns, pickReference, readFullDataset, describeFull, assess, readBaseline,
  referenceOverlaps, describeOverlaps, uniqueToRun, overlapFigure, loadPlotly, showFigure, showHtml, showMarkdown, showTable,
  escapeMarkdown, OVERLAP_SECTION, evaluateFindings, findingsHtml, provenanceMarkdown, campaignsFigure, triageLineMarkdown,
  profileTargets, progressPrinter, uniqueLabelsMarkdown, campaignsMarkdown, changesOutputs, profileOutputs,
  showOutputs, seedCells, writeSummaryFile, shownPath, flaggedElsewhere, MAX_PROFILES, evaluationTables, familySpreads, triageTable, arquero, toDanfo, showFollow,
} from '../dist/lib/index';

const params = resolveParams({
  models: models, full: fullDataset, reference: referenceRun, sampleSize: sampleSize, seed: randomSeed, loadWhole: loadWhole, summaryOut: summaryOut,
  focusIps: focusIps, baseline: baselineFile, anomalousPanels: anomalousPanels, allowMissing: allowMissing,
});
console.log(describeParams(params));
await loadPlotly();
`,
  );
  nb.code(
    'provenance',
    'setup',
    `
// Generated inputs are said so here, before any verdict.
const provenance = provenanceMarkdown([params.full, ...params.models]);
if (provenance) await showMarkdown(provenance);
`,
  );

  nb.markdown('load-data', '## Load data');
  nb.code(
    'load-runs',
    'load',
    `
const runs = await loadRuns(params.models);
const reference = pickReference(runs, params.reference);
for (const run of runs) console.log(\`\${run.name}: \${shownPath(run.path, params.shownAs)}\`);
console.log('Anomalies loaded!');
`,
  );
  nb.code(
    'heads',
    'load',
    `
for (const run of runs) {
  await showMarkdown(\`**\${escapeMarkdown(run.name)}**.head()\`);
  await showTable(run.frame);
}
`,
  );
  nb.code(
    'shapes',
    'load',
    `
for (const run of runs) console.log(\`Shape of data_\${run.name} is (\${run.frame.nRows}, \${run.frame.nCols})\`);
`,
  );

  nb.markdown(
    'common',
    `
## Common anomalies between runs

Anomalies are matched by their index label (IP and role), exactly.
`,
  );
  nb.code(
    'common',
    'load',
    `
const labelled = runs.map((run) => ({ name: run.name, labels: run.frame.index }));
for (const line of describeOverlaps(referenceOverlaps(labelled, reference.name), runs.length)) console.log(line);
`,
  );
  nb.code(
    'overlap-figure',
    'figures',
    `
await showFigure(overlapFigure(labelled));
const unique = uniqueToRun(labelled);
await showMarkdown(uniqueLabelsMarkdown(runs, unique));
`,
  );
  nb.markdown(
    'main',
    `
## Main evaluation on the reference run

The reference run (the finest window unless a parameter names another) defines the anomalous IPs.
The full dataset is streamed once: its anomalous rows are removed, statistics and the distribution
of every column over all normal rows are accumulated, a seeded sample of normal rows (${DEFAULT_SAMPLE} by
default, about 10% in the seed) is kept for the figures, and the rows of the IPs to profile below.
`,
  );
  nb.code(
    'full',
    'full',
    `
const anomalous = reference.frame;
const profileList = profileTargets(unique, params.focusIps ?? []);
// Kept whole besides: the IPs to profile, and those only other runs flagged (explained on these windows).
const keptRows = [...profileList, ...flaggedElsewhere(runs, reference.name).map((label) => ({ label: label }))];
// Streamed by default (bounded memory); loadWhole keeps every row in fullTable, with the same results.
const fullRead = await readFullDataset(params, anomalous.index, keptRows, progressPrinter());
const full = fullRead.full;
const fullTable = fullRead.table;
const sample = full.sample;
for (const line of describeFull(full, reference, params.seed)) console.log(line);
`,
  );
  nb.code(
    'anomalous-head',
    'full',
    `
await showMarkdown(\`**Anomalous rows** (\${escapeMarkdown(reference.name)}).head()\`);
await showTable(anomalous);
await showMarkdown('**Normal sample**.head()');
await showTable(sample);
`,
  );
  nb.markdown(
    'changes',
    `
## What changed since the last evaluation

Given an earlier \`summary.json\` as baseline (parameter \`baseline\`, \`EVAL_BASELINE\`, or
\`npm run report -- --baseline FILE\`): the anomalies added (with their main reason now) and removed
(with their main reason then), how many were kept, the seed's findings whose verdict changed, and
the family means that moved most.
`,
  );
  nb.code(
    'assess',
    'findings',
    `
// The evaluation's judgements, computed once: the findings' verdicts (against seeded nulls drawn from
// the normal sample), why each anomalous IP was flagged and, with a baseline, what changed since.
// The sections below show them; the summary file keeps them.
const baseline = params.baseline ? { path: params.baseline, summary: readBaseline(params.baseline) } : undefined;
const assessment = assess({
  runs: runs, reference: reference, full: full, seed: params.seed, baseline: baseline, shownAs: params.shownAs,
});
const context = assessment.context;
const explanations = assessment.explanations;
const anomalyEntries = assessment.summary.anomalies ?? [];
const evaluationSummary = assessment.summary;
const moveSpreads = familySpreads(full.normalBaseline); // the unit the means' moves are ranked in
await showOutputs(changesOutputs(evaluationSummary, baseline, moveSpreads));
`,
  );
  nb.markdown(
    'why',
    `
## Why these IPs

A score is made per family from the IP's rarest run of consecutive windows, against the normal IPs
of its role (in each window where it is active, the share of normal IPs active there that are as
high or as low) or against its own history (a rise over its own level, a silence after being
active): the run's probability is its weakest window's raised to its length, corrected for the
number of (family, window) cells the IP has. A score s means "as rare as 1 in 10^s normal IPs of
this role", the same in every family, and a reason is listed only when it is rarer than what normal
IPs reach themselves (the line below).

Families equal on every row (the ten \`count_*\`, which all count packets) are one reason, *packets*.
Each reason says its kind (vs normal, vs own history) and its span of windows; an IP with no reason
above the line says *nothing in these families sets it apart from normal IPs*. The table lists every
flagged IP by score, ${TRIAGE_ROWS} a page (click a header to sort); \`summary.json\` (\`anomalies\`, every
run's flagged IPs) and \`anomalies.csv\`, which \`npm run report\` writes beside the page, hold the same
rows with five reasons (README: *Why an IP was flagged*), and so does \`tables.anomalies\`, to query in
a cell (see *Ask your own questions*).

**Follow one IP** (trusted notebook): type it in the search box above the table, or click its row,
its line in a figure or its heatmap row: it is highlighted in every figure and table of the notebook
(the others dimmed), its reasons open beside it, and Escape clears.
`,
  );
  nb.code(
    'triage',
    'findings',
    `
await showMarkdown(triageLineMarkdown(assessment.triage));
// The results as arquero tables, to query in any later cell (see "Ask your own questions"): tables.anomalies
// (the columns of anomalies.csv), tables.reasons (a row per reason), tables.campaigns, tables.families, ...
const tables = evaluationTables(evaluationSummary, moveSpreads);
// Follow one IP (trusted notebook): type it here, or click its line, its row or its heatmap row anywhere below.
await showFollow(evaluationSummary);
await showTable(triageTable(tables.anomalies), { rows: ${TRIAGE_ROWS} });
`,
  );
  nb.markdown(
    'campaigns',
    `
### Campaigns: IPs that deviate alike

Flagged IPs that deviate in the same families, the same direction, at the same time form a campaign
(average linkage on the share of deviating (family, window) cells they have in common: at least half
on average); an IP like no other is in none. Each campaign is named by what its members share and
when; the heatmap shows every flagged IP's scores (0 below the line), campaigns first.
`,
  );
  nb.code(
    'campaigns',
    'figures',
    `
const campaigns = assessment.campaigns;
await showFigure(campaignsFigure(campaigns));
await showMarkdown(campaignsMarkdown(campaigns));
`,
  );
  nb.markdown(
    'profiles',
    `
### Profiles: the special cases, and the IPs you name

The IPs only one run flagged, and those named in \`focusIps\` (or \`EVAL_FOCUS\`): each one's values in
its main families (its reasons) along the timeline, against the normal band of its role (median
and p5–p95 of all normal rows, window by window); the windows that carry a reason are shaded.
Rows come from the full dataset, on its 5-minute windows, whichever run flagged them.
`,
  );
  nb.code(
    'profiles',
    'figures',
    `
await showOutputs(profileOutputs(full, profileList, params.focusIps, MAX_PROFILES, assessment.triage));
`,
  );
  nb.code(
    'context',
    'findings',
    `
// The seed's figure cells below: seed.figure(family) draws a family's figure and its findings (normal
// panels with many IPs draw as a density; seed.figure(family, { normal: 'lines' }) draws every line,
// { anomalous: 'lines' } every anomalous line where a panel draws a density),
// seed.summary(feature) a section's summary findings, seed.standouts(family) the seed's to-do.
const seed = seedCells({
  anomalous: anomalous, referenceName: reference.name, sample: sample, context: context,
  figureOptions: { anomalous: params.anomalousPanels },
});
`,
  );
  nb.markdown(
    'overlap-findings',
    `
### The seed's findings on the overlaps, checked

Now that the full dataset has been read, random runs of the same sizes can be drawn from its rows:
that is the null the overlap findings are checked against.
`,
  );
  nb.code(
    'overlap-findings',
    'findings',
    `
await showHtml(findingsHtml(evaluateFindings(OVERLAP_SECTION, context)));
`,
  );

  for (const section of SEED_SECTIONS) {
    nb.markdown(`section-${section.feature}`, `## ${md(section.title)}`);
    // A section's figures in one cell, a line each: tslab compiles every cell anew (~50 ms CPU a cell
    // at seed scale, issue 23), and one cell redraws its section. The seed's to-do follows count_Length.
    const standoutsAfter = section.figures.indexOf('count_Length') + 1;
    const groups =
      standoutsAfter > 0
        ? [section.figures.slice(0, standoutsAfter), section.figures.slice(standoutsAfter)]
        : [section.figures];
    for (const group of groups.filter((families) => families.length > 0)) {
      nb.code(
        `figures-${section.feature}`,
        'figures',
        group.map((family) => `await seed.figure('${family}');`).join('\n'),
      );
      if (group[group.length - 1] === 'count_Length') {
        nb.markdown(
          'standouts',
          `
### The IPs that stand out in count\\_Length (the seed's to-do)

The seed saw "a couple of IPs that stand out, for source and for destination, with the same form: a
connection between two IPs that stands out from both ends". Standouts: robust z-score of an IP's
total or peak of at least 3.5 among the IPs of its role. Matching pairs: source and destination
timelines that correlate over the windows where either is active, with similar totals.
`,
        );
        nb.code('standouts', 'findings', `await seed.standouts('count_Length');`);
      }
    }
    if (section.summary.length > 0) {
      nb.markdown(`summary-${section.feature}`, `## ${md(section.title)} summary`);
      nb.code(`summary-${section.feature}`, 'findings', `await seed.summary('${section.feature}');`);
    }
  }

  nb.markdown(
    'questions',
    `
## Ask your own questions

The results above are [arquero](https://idl.uw.edu/arquero/) tables, ready for the next question:
\`tables.anomalies\` (a row per flagged IP, the columns of \`anomalies.csv\`), \`tables.reasons\` (a row per
reason: \`reason\` 1 to 5, \`reason_family\`, \`reason_kind\`, \`reason_score\`...), \`tables.campaigns\` (a row
per member of a campaign), \`tables.families\` (the statistics of \`summary.json\`, a row per family × group × role),
\`tables.overlaps\`, and with a baseline \`tables.meanChanges\`, \`tables.anomalyChanges\` and
\`tables.verdictChanges\`. Filter, group and sort them in a new cell (\`filter\`, \`groupby\`/\`rollup\`,
\`orderby\`; functions as \`op.includes\`, \`op.count\`...) and show the result with \`showTable\`. Which families
moved most for destinations since the baseline?
\`await showTable(tables.meanChanges.filter((d) => d.role === 'dst').orderby(aq.desc('move')))\`.
`,
  );
  nb.code(
    'questions-tables',
    'questions',
    `
const aq = arquero(); // the arquero library (aq.desc, aq.escape, aq.from...), loaded with the tables
const op = aq.op; // its functions for queries: op.includes, op.count, op.distinct, op.max...

for (const [name, table] of Object.entries(tables))
  console.log(\`tables.\${name}: \${table.numRows()} rows × \${table.numCols()} columns\`);
`,
  );
  nb.code(
    'questions-busybox',
    'questions',
    `
// Which sources were flagged for busybox, by score?
await showTable(
  tables.reasons
    .filter((d) => d.role === 'source' && op.includes(d.reason_families, 'busybox'))
    .orderby(aq.desc('reason_score'))
    .select('ip', 'reason_families', 'reason_kind', 'reason_score', 'reason_from', 'reason_to', 'runs'),
);
`,
  );
  nb.code(
    'questions-families',
    'questions',
    `
// Which families explain the most anomalous IPs, for each role?
await showTable(
  tables.reasons
    .groupby('reason_family', 'role')
    .rollup({ ips: op.distinct('label'), top_score: op.max('reason_score') })
    .orderby(aq.desc('ips'), 'reason_family'),
);
`,
  );
  nb.code(
    'questions-ratio',
    'questions',
    `
// Where do anomalous destinations differ most from normal ones? (means over every window, silent ones included)
await showTable(
  tables.families
    .filter((d) => d.role === 'dst')
    .groupby('family')
    .pivot('group', 'mean')
    .derive({ ratio: (d) => d.anomalous / d.normal })
    .orderby(aq.desc('ratio')),
);
`,
  );
  nb.code(
    'questions-danfo',
    'questions',
    `
// With pandas habits: danfo.js (danfojs-node takes about a second to load, so it is used only here).
// Packets of each IP over the day (count_Length summed over its windows), described like pandas' describe().
const packetsNote = seed.missingFamily('count_Length');
if (packetsNote) await showMarkdown(packetsNote);
else {
  console.log('Normal sample: packets per IP');
  toDanfo(sample, { family: 'count_Length' }).sum({ axis: 1 }).describe().print();
  console.log('Anomalous IPs: packets per IP');
  toDanfo(anomalous, { family: 'count_Length' }).sum({ axis: 1 }).describe().print();
}
`,
  );

  nb.markdown(
    'summary-json',
    `
## Summary file

The numbers above as \`summary.json\` (see the contract in the project's spec), written when the
\`summaryOut\` parameter or \`EVAL_SUMMARY_OUT\` names a file.
`,
  );
  nb.code(
    'summary-json',
    'summary',
    `
console.log(writeSummaryFile(params, evaluationSummary));
`,
  );

  return {
    cells: nb.cells,
    metadata: {
      kernelspec: { display_name: KERNEL_DISPLAY_NAME, language: 'typescript', name: KERNEL_NAME },
      language_info: { name: 'typescript', file_extension: '.ts', mimetype: 'text/typescript' },
    },
    nbformat: 4,
    nbformat_minor: 5,
  };
}

/** The notebook as Jupyter writes it: one-space indent, sorted keys, trailing newline. */
export function notebookText(nb: object): string {
  const sortKeys = (value: unknown): unknown => {
    if (Array.isArray(value)) return value.map(sortKeys);
    if (value && typeof value === 'object') {
      return Object.fromEntries(
        Object.keys(value)
          .sort()
          .map((k) => [k, sortKeys((value as Record<string, unknown>)[k])]),
      );
    }
    return value;
  };
  return `${JSON.stringify(sortKeys(nb), null, 1)}\n`;
}

function main(argv: readonly string[]): number {
  const target = path.join(findProjectRoot(__dirname), 'notebooks', 'evaluation_5T.ipynb');
  const text = notebookText(buildNotebook());
  if (argv.includes('--check')) {
    const current = fs.existsSync(target) ? fs.readFileSync(target, 'utf8') : '';
    if (current !== text) {
      console.error(`${target} is out of date: run node dist/scripts/build-notebook.js`);
      return 1;
    }
    return 0;
  }
  writeFileAtomic(target, text);
  console.log(`wrote ${target} (${(JSON.parse(text) as { cells: unknown[] }).cells.length} cells)`);
  return 0;
}

if (require.main === module) process.exitCode = main(process.argv.slice(2));
