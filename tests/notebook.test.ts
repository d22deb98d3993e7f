/**
 * The notebook's helpers (lib/notebook/cells.ts), through their public functions on hand-built frames:
 * what each cell shows, in order, against the figure and markdown functions they stand for; the
 * options refused where they enter; the summary file written whole or not at all.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import {
  type CellOutput,
  OptionError,
  type SeedData,
  campaignsMarkdown,
  changesOutputs,
  evaluateFrame,
  findCampaigns,
  findingContext,
  explainRows,
  missingFamilyNote,
  plotAllIps,
  profileOutputs,
  profileTargets,
  progressPrinter,
  seedCells,
  seedFigureOutputs,
  seedSummaryOutputs,
  SEED_SECTIONS,
  standoutOutputs,
  triageTableHtml,
  uniqueLabelsMarkdown,
  writeSummaryFile,
  NO_BASELINE_MARKDOWN,
  levelsFigure,
  evaluateFindings,
  findingsHtml,
  tallyMarkdown,
  VERDICT_MARKS,
  escapeHtml,
  anomaliesJson,
  type Summary,
} from '../lib/index';
import { figureFindings } from '../lib/findings';
import { evidenceTableMarkdown } from '../lib/evaluation/evidence';
import { type Timeline, prng, timelineFrame } from './frames';
import { writeTinyFixture } from '../data/synth/tiny';
import type { PlotlyFigure } from '../lib/figures/spec';
import { describeFull, loadRuns, readFullDataset } from '../lib/index';

const WINDOWS = 24;
const noise = (seed: number, scale: number): Timeline => {
  const random = prng(seed);
  const values = Array.from({ length: WINDOWS }, () => Math.round(random() * scale));
  return values;
};

/** Anomalous IPs (one planted source/destination pair that stands out in count_Length) and normal ones. */
function seedData(): SeedData {
  const pair: Timeline = (w) => (w % 4 === 0 ? 400 + w : 0);
  const anomalousRows: Record<string, Record<string, Timeline>> = {
    '10.0.0.1source': { avg_Length: noise(1, 900), count_Length: pair },
    '10.0.0.2dst': { avg_Length: noise(2, 900), count_Length: pair },
  };
  for (let i = 3; i < 12; i++) {
    anomalousRows[`10.0.0.${i}${i % 2 ? 'source' : 'dst'}`] = {
      avg_Length: noise(i, 900),
      count_Length: noise(100 + i, 3),
    };
  }
  const normalRows: Record<string, Record<string, Timeline>> = {};
  for (let i = 0; i < 40; i++)
    normalRows[`192.168.0.${i}${i % 2 ? 'source' : 'dst'}`] = {
      avg_Length: noise(200 + i, 90),
      count_Length: noise(300 + i, 2),
    };
  const anomalous = timelineFrame(anomalousRows, WINDOWS);
  const sample = timelineFrame(normalRows, WINDOWS);
  return {
    anomalous,
    referenceName: '5T',
    sample,
    context: findingContext({ anomalous, normalSample: sample, seed: 42 }),
  };
}

const DATA = seedData();
const kinds = (outputs: readonly CellOutput[]): string[] => outputs.map((o) => o.kind);

describe('the seed figure cell', () => {
  test('draws the family with plotAllIps, then the findings of its seed section', () => {
    const outputs = seedFigureOutputs(DATA, 'avg_Length');
    assert.deepEqual(kinds(outputs), ['figure', 'html', 'markdown']);
    assert.deepEqual(outputs[0], { kind: 'figure', figure: plotAllIps(DATA.anomalous, DATA.sample, 'avg_Length') });
    const section = SEED_SECTIONS.find((s) => s.figures.includes('avg_Length'))!;
    // Two layers: a line per finding (verdict and claim), its evidence folded under it; then the evidence table.
    const results = evaluateFindings(figureFindings(section, 'avg_Length'), DATA.context);
    const html = (outputs[1] as { html: string }).html;
    assert.equal(html.split('<details>').length - 1, results.length);
    for (const { finding, verdict } of results) {
      const item = html.slice(html.indexOf(`data-finding="${finding.id}"`));
      const summary = item.slice(0, item.indexOf('</summary>'));
      assert.ok(summary.includes(VERDICT_MARKS[verdict.status]) && summary.includes(escapeHtml(finding.text)));
      assert.ok(!summary.includes(escapeHtml(verdict.evidence)), 'the evidence is folded, not in the line');
      assert.ok(item.slice(0, item.indexOf('</details>')).includes(escapeHtml(verdict.evidence)));
    }
    assert.deepEqual(outputs[2], {
      kind: 'markdown',
      text: evidenceTableMarkdown(DATA.context.evidence('avg_Length')),
    });
    assert.deepEqual(seedFigureOutputs(DATA, 'avg_Length', { normal: 'lines' })[0], {
      kind: 'figure',
      figure: plotAllIps(DATA.anomalous, DATA.sample, 'avg_Length', { normal: 'lines' }),
    });
  });

  test("the evaluation's figure options apply to every figure cell; a cell's own options win", () => {
    const dense = { ...DATA, figureOptions: { anomalous: 'density' as const } };
    assert.deepEqual(seedFigureOutputs(dense, 'avg_Length')[0], {
      kind: 'figure',
      figure: plotAllIps(DATA.anomalous, DATA.sample, 'avg_Length', { anomalous: 'density' }),
    });
    assert.deepEqual(seedFigureOutputs(dense, 'avg_Length', { anomalous: 'lines' })[0], {
      kind: 'figure',
      figure: plotAllIps(DATA.anomalous, DATA.sample, 'avg_Length'),
    });
    assert.notDeepEqual(seedFigureOutputs(dense, 'avg_Length')[0], seedFigureOutputs(DATA, 'avg_Length')[0]);
  });

  test('a family missing from the reference run or the full dataset: the note alone, naming where', () => {
    assert.equal(missingFamilyNote(DATA, 'avg_Length'), undefined);
    assert.equal(
      missingFamilyNote(DATA, 'sum_Port1_last_1'),
      '_sum\\_Port1\\_last\\_1 is missing from the reference run 5T and the full dataset: no figure._',
    );
    const onlyAnomalous = { ...DATA, sample: timelineFrame({ '1.1.1.1source': { avg_Length: noise(9, 5) } }, WINDOWS) };
    assert.equal(
      missingFamilyNote(onlyAnomalous, 'count_Length'),
      '_count\\_Length is missing from the full dataset: no figure._',
    );
    assert.deepEqual(seedFigureOutputs(DATA, 'sum_Port1_last_1'), [
      { kind: 'markdown', text: missingFamilyNote(DATA, 'sum_Port1_last_1') },
    ]);
  });

  test('unknown options, unknown words and bad numbers are refused, naming what is allowed', () => {
    const refused = (options: object, pattern: RegExp) =>
      assert.throws(
        () => seedFigureOutputs(DATA, 'avg_Length', options as never),
        (e: unknown) => e instanceof OptionError && pattern.test(e.message),
        JSON.stringify(options),
      );
    refused({ normal: 'line' }, /^plotAllIps: invalid normal "line"; expected one of "auto", "lines", "density"$/);
    refused(
      { lineTraces: 'grouped-ish' },
      /^plotAllIps: invalid lineTraces "grouped-ish"; expected one of "per-ip", "grouped"$/,
    );
    refused(
      { lineTrace: 'grouped' },
      /^plotAllIps: unknown option "lineTrace"; expected one of yScale, normal, maxLines, anomalous, maxAnomalousLines, standoutLines, bins, lineTraces, hoverStride, height, title$/,
    );
    refused({ bins: 1 }, /^plotAllIps: invalid bins 1; expected a whole number ≥ 2$/);
    refused({ bins: 7.5 }, /^plotAllIps: invalid bins 7.5; expected a whole number ≥ 2$/);
    refused({ hoverStride: 0 }, /^plotAllIps: invalid hoverStride 0; expected a whole number ≥ 1$/);
    refused({ maxLines: -1 }, /^plotAllIps: invalid maxLines -1/);
    refused({ height: 0 }, /^plotAllIps: invalid height 0; expected a number > 0$/);
    refused({ standoutLines: 2.5 }, /^plotAllIps: invalid standoutLines 2.5; expected a whole number ≥ 0$/);
  });
});

describe('the seed summary cell', () => {
  test("the levels of the section's first family, then its summary findings and their tally", () => {
    const section = SEED_SECTIONS.find((s) => s.feature === 'Length')!;
    const results = evaluateFindings(section.summary, DATA.context);
    assert.deepEqual(seedSummaryOutputs(DATA, 'Length'), [
      { kind: 'figure', figure: levelsFigure(DATA.context, section.figures[0]) },
      { kind: 'html', html: findingsHtml(results) },
      { kind: 'markdown', text: tallyMarkdown(results) },
    ]);
  });

  test('a feature that is no seed section is refused, naming the sections', () => {
    assert.throws(
      () => seedSummaryOutputs(DATA, 'lenght'),
      (e: unknown) =>
        e instanceof OptionError && /^summary: invalid feature "lenght"; expected one of "Length", /.test(e.message),
    );
  });
});

describe('the standouts cell', () => {
  test('finds the planted pair among the standouts of count_Length', () => {
    const [standouts, pairs] = standoutOutputs(DATA, 'count_Length') as { kind: 'markdown'; text: string }[];
    assert.match(standouts.text, /^\*\*IPs that stand out in count\\_Length\*\*\n\n/);
    assert.match(standouts.text, /10\\\.0\\\.0\\\.1/);
    assert.match(pairs.text, /^\*\*Source\/destination pairs among them whose timelines match\*\*/);
    assert.match(pairs.text, /10\\\.0\\\.0\\\.1[\s\S]*10\\\.0\\\.0\\\.2/);
  });
});

describe('seedCells', () => {
  test("shows each cell's outputs in order through the display it is given", async () => {
    const shown: CellOutput[] = [];
    const seed = seedCells(DATA, async (output) => {
      shown.push(output);
    });
    await seed.figure('avg_Length');
    await seed.summary('Length');
    await seed.figure('sum_Port1_last_1');
    assert.deepEqual(shown, [
      ...seedFigureOutputs(DATA, 'avg_Length'),
      ...seedSummaryOutputs(DATA, 'Length'),
      ...seedFigureOutputs(DATA, 'sum_Port1_last_1'),
    ]);
    assert.equal(seed.missingFamily('count_Length'), undefined);
  });
});

describe('the other cells', () => {
  test('progressPrinter prints once per further tenth of the file', () => {
    const lines: string[] = [];
    const onProgress = progressPrinter((line) => lines.push(line));
    for (const [bytesRead, rowsParsed] of [
      [5, 1],
      [10, 2],
      [12, 3],
      [35, 7],
      [36, 8],
      [100, 20],
    ])
      onProgress({ bytesRead, bytesTotal: 100, rowsParsed });
    assert.deepEqual(lines, ['  read 10% (2 rows)', '  read 30% (7 rows)', '  read 100% (20 rows)']);
  });

  test('uniqueLabelsMarkdown lists what only one run flagged, escaped and cut at the limit', () => {
    const unique = new Map([
      ['5T', ['a_1source', 'b*2dst', 'c3dst']],
      ['10T', []],
    ]);
    assert.equal(
      uniqueLabelsMarkdown([{ name: '10T' }, { name: '5T' }, { name: '30T' }], unique, 2),
      '- **only in 10T** (0): none\n- **only in 5T** (3): a\\_1source, b\\*2dst, …\n- **only in 30T** (0): none',
    );
  });

  test('triageTableHtml escapes the labels attackers wrote', () => {
    const frame = timelineFrame(
      { '<b>x</b>source': { avg_Length: (w) => (w === 3 ? 1e6 : 0) }, '1.2.3.4dst': { avg_Length: (w) => w } },
      WINDOWS,
    );
    const full = evaluateFrame(
      timelineFrame(
        {
          ...Object.fromEntries(
            Array.from({ length: 20 }, (_, i) => [
              `9.9.9.${i}${i % 2 ? 'source' : 'dst'}`,
              { avg_Length: noise(i, 5) },
            ]),
          ),
        },
        WINDOWS,
      ),
      {
        exclude: new Set(),
        sampleSize: 10,
        seed: 1,
      },
    );
    const entries = anomaliesJson(explainRows([frame], full.normalBaseline).explanations, [
      { name: '5T', labels: frame.index },
    ]);
    const html = triageTableHtml(entries);
    assert.ok(html.includes('&lt;b&gt;x&lt;/b&gt;') && !html.includes('<b>x'), html);
    const body = /<tbody>([\s\S]*?)<\/tbody>/.exec(html)?.[1] ?? '';
    assert.equal((body.match(/<tr>/g) ?? []).length, 2, 'a row per anomalous IP');
    assert.ok(html.includes('rows 1–2 of 2</span> · 2 rows × 8 columns'), 'its counts');
  });

  test('campaignsMarkdown: one escaped line per campaign, then the IPs in none', () => {
    const full = evaluateFrame(DATA.sample, { exclude: new Set(), sampleSize: 10, seed: 1 });
    const campaigns = findCampaigns(explainRows([DATA.anomalous], full.normalBaseline));
    const lines = campaignsMarkdown(campaigns).split('\n');
    assert.equal(lines.length, Math.max(1, campaigns.groups.length) + 1);
    assert.ok(lines.every((line) => line.startsWith('- ') && line.length > 2));
    const alone = campaigns.order.length - campaigns.groups.reduce((sum, g) => sum + g.size, 0);
    assert.match(lines[lines.length - 1], new RegExp(`in no campaign .*: ${alone} IP`));
  });

  test('changesOutputs without a baseline: the note that none was given', () => {
    assert.deepEqual(changesOutputs({} as Summary, undefined), [{ kind: 'markdown', text: NO_BASELINE_MARKDOWN }]);
  });

  test('profileOutputs: one figure, a dropdown picking the kept targets up to the limit, the rest counted, unknown focus names listed', () => {
    const rows: Record<string, Record<string, Timeline>> = {};
    for (let i = 0; i < 30; i++)
      rows[`172.16.0.${i}${i % 2 ? 'source' : 'dst'}`] = {
        avg_Length: noise(400 + i, 50),
        count_Length: noise(500 + i, 3),
      };
    rows['172.16.1.1source'] = { avg_Length: (w) => (w > 10 ? 5000 : 0), count_Length: (w) => (w > 10 ? 40 : 0) };
    rows['172.16.1.2dst'] = { avg_Length: (w) => (w < 5 ? 3000 : 0), count_Length: (w) => w };
    const table = timelineFrame(rows, WINDOWS);
    const targets = profileTargets(new Map([['5T', ['172.16.1.1source', '172.16.1.2dst']]]), ['172.16.0.3', '8.8.8.8']);
    const full = evaluateFrame(table, {
      exclude: new Set(['172.16.1.1source', '172.16.1.2dst']),
      sampleSize: 10,
      seed: 1,
      keepLabels: new Set(targets.map((t) => t.label)),
    });
    const all = profileOutputs(full, targets, ['172.16.0.3', '8.8.8.8']);
    assert.deepEqual(kinds(all), ['figure', 'markdown']);
    assert.deepEqual(all[1], { kind: 'markdown', text: '_Not in the full dataset: 8\\.8\\.8\\.8._' });
    const menu = (output: CellOutput) =>
      ((output as { figure: PlotlyFigure }).figure.layout.updatemenus as { buttons: { label: string }[] }[])[0].buttons;
    assert.deepEqual(
      menu(all[0]).map((b) => b.label),
      [
        '172.16.1.1source (only 5T flagged it)',
        '172.16.1.2dst (only 5T flagged it)',
        '172.16.0.3source (named in focusIps)',
      ],
      'one choice a profiled IP, in the order of the targets, each saying why',
    );
    const capped = profileOutputs(full, targets, [], 2);
    assert.deepEqual(kinds(capped), ['figure', 'markdown']);
    assert.equal(menu(capped[0]).length, 2);
    assert.deepEqual(capped[1], { kind: 'markdown', text: '_1 more profiles not drawn._' });
    const one = profileOutputs(full, targets, [], 1);
    assert.equal((one[0] as { figure: PlotlyFigure }).figure.layout.updatemenus, undefined, 'one profile: no dropdown');
    assert.deepEqual(profileOutputs(full, [], []), [
      { kind: 'markdown', text: '_No IP is unique to one run, and focusIps names none._' },
    ]);
  });

  test('writeSummaryFile writes the summary whole under its name and says where it ends up', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'notebook-summary-'));
    try {
      const summary = { schemaVersion: 2, runs: [] } as unknown as Summary;
      const base = { models: ['m'], full: 'f', sampleSize: 1, seed: 1 };
      assert.equal(writeSummaryFile(base, summary), 'summary not written (no summaryOut / EVAL_SUMMARY_OUT)');
      const out = path.join(dir, '.summary.tmp');
      assert.equal(
        writeSummaryFile({ ...base, summaryOut: out, summaryFinal: path.join(dir, 'summary.json') }, summary),
        `summary written to ${path.join(dir, 'summary.json')}`,
      );
      assert.equal(fs.readFileSync(out, 'utf8'), `${JSON.stringify(summary, null, 2)}\n`);
      assert.deepEqual(fs.readdirSync(dir), ['.summary.tmp'], 'no temp file left');
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('reading the full dataset', () => {
  test('streamed or whole: the same evaluation, the rows at hand only when read whole', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'notebook-full-'));
    try {
      const files = writeTinyFixture(dir);
      const [reference] = await loadRuns([path.dirname(files[2])]);
      const params = { full: files[3], sampleSize: 3, seed: 42 };
      const targets = profileTargets(new Map([['5T', reference.frame.index.slice(0, 1)]]), []);
      const printed: string[] = [];
      const streamed = await readFullDataset(
        params,
        reference.frame.index,
        targets,
        progressPrinter((line) => printed.push(line)),
      );
      const whole = await readFullDataset({ ...params, loadWhole: true }, reference.frame.index, targets);
      assert.equal(streamed.table, undefined);
      assert.equal(whole.table?.nRows, whole.full.rows);
      assert.deepEqual(whole.full.sample.index, streamed.full.sample.index);
      assert.deepEqual(whole.full.normalStats, streamed.full.normalStats);
      assert.deepEqual(whole.full.kept.index, streamed.full.kept.index);
      assert.equal(streamed.full.kept.nRows, 1);
      assert.equal(printed.at(-1), `  read 100% (${streamed.full.rows} rows)`);
      assert.deepEqual(describeFull(streamed.full, reference, 42), [
        `Full dataset: ${streamed.full.rows} rows, ${streamed.full.valueColumns} value columns`,
        `Anomalous rows of ${reference.name} found in it: ${streamed.full.excludedFound} of ${reference.frame.nRows}`,
        `Normal rows: ${streamed.full.normalRows}; sample: 3 rows (seed 42)`,
      ]);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
