/**
 * End to end: `node dist/cli/report.js` on small generated data (demo scale, in a temp dir)
 * executes the real notebook through Jupyter with the project's kernel and writes a clean executed
 * notebook, an offline HTML page whose figures all draw in headless Chromium, and a summary.json
 * that matches numbers this test computes on its own from the same files. Then: other model
 * folders (two runs, shuffled columns, a 15-minute window) with no edit; failures that exit
 * non-zero, name the cell and leave no file behind; and the parameter parsing.
 */
import { after, before, describe, test } from 'node:test';
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { findProjectRoot } from '../lib/notebook/kernel';
import { ParamError, paramsToEnv, resolveParams } from '../lib/notebook/params';
import {
  LAB_HEAVY_BYTES,
  type NotebookJson,
  externalResources,
  findProblemOutputs,
  labWeightHint,
  setCodeDisplay,
  setTitle,
} from '../lib/notebook/report';
import { findJupyterPython } from '../cli/report';
import { hasChromium, openOffline, scrollUntilAllDrawn } from './browser-harness';
import { isFigureOutput, outputHtml, twinSpecs } from './twins';
import {
  HEADER,
  type Stats,
  assertStatsClose,
  commonCount,
  familyStatsOf,
  freqOf,
  readTsv,
  valueHeaders,
} from './independent';

const root = findProjectRoot(__dirname);
const REPORT = path.join(root, 'dist', 'cli', 'report.js');
const SUMMARY = path.join(root, 'dist', 'cli', 'summary.js');
const GENERATOR = path.join(root, 'dist', 'data', 'generate.js');
const RUNS = ['models_2019_06_01_21_21', 'models_2019_06_01_21_44', 'models_2019_06_01_22_11'];
const canRun = findJupyterPython() !== undefined && fs.existsSync(GENERATOR);

interface SummaryJson {
  reference: string;
  runs: { name: string; rows: number; valueColumns: number; windows: number; freq: string; families: string[] }[];
  overlaps: { runs: string[]; common: number }[];
  full: { rows: number; valueColumns: number; normalRows: number; anomalousNotInFull: number };
  sample: { size: number; seed: number };
  families: Record<string, Record<'anomalous' | 'normal', Record<'source' | 'dst', Stats>>>;
}

interface RunResult {
  status: number | null;
  stdout: string;
  stderr: string;
}

function report(args: string[]): RunResult {
  const run = spawnSync(process.execPath, [REPORT, ...args], { encoding: 'utf8', timeout: 600_000 });
  return { status: run.status, stdout: run.stdout, stderr: run.stderr };
}

type ExecutedCell = NotebookJson['cells'][number] & { readonly execution_count?: number | null };

/** The text/html of a cell's outputs, joined. */
function htmlOf(cell: ExecutedCell): string {
  return (cell.outputs ?? []).map((o) => outputHtml((o as { data?: Record<string, unknown> }).data)).join('');
}

/** The rows a query table embeds for its page script (lib/notebook/data-table.ts). */
function embeddedRows(html: string): { total: number; text: string[][]; keys: (unknown[] | null)[] } {
  const json = /<script type="application\/json" data-table-rows>([\s\S]*?)<\/script>/.exec(html);
  assert.ok(json, 'a query table');
  return JSON.parse(json[1]) as { total: number; text: string[][]; keys: (unknown[] | null)[] };
}

function readNotebook(file: string): { cells: ExecutedCell[] } {
  return JSON.parse(fs.readFileSync(file, 'utf8')) as { cells: ExecutedCell[] };
}

/** Script and stylesheet references, found with a plain regex (independent of lib/report). */
function loadedUrls(html: string): string[] {
  const withoutScriptBodies = html.replace(/(<script\b[^>]*>)[\s\S]*?(<\/script>)/gi, '$1$2');
  const urls: string[] = [];
  for (const m of withoutScriptBodies.matchAll(
    /<(script|link|img|iframe)\b[^>]*?\b(src|href)\s*=\s*["']([^"']*)["']/gi,
  ))
    urls.push(m[3]);
  return urls;
}

describe('report on generated demo data', {
  skip: !canRun && 'needs Jupyter (nbclient) and the built data generator',
}, () => {
  let work = '';
  let data = '';
  let out = '';
  let first: RunResult;

  before(() => {
    work = fs.mkdtempSync(path.join(os.tmpdir(), 'report-test-'));
    data = path.join(work, 'data');
    const gen = spawnSync(process.execPath, [GENERATOR, '--scale', 'demo', '--out', data], { encoding: 'utf8' });
    assert.equal(gen.status, 0, gen.stderr);
    out = path.join(work, 'out');
    first = report([
      '--models',
      ...RUNS.map((r) => path.join(data, 'models', r)),
      '--full',
      path.join(data, 'final', 'final_dataset_5T.csv'),
      '--out',
      out,
    ]);
  });

  after(() => {
    if (work) fs.rmSync(work, { recursive: true, force: true });
  });

  test('exits 0, reports progress per cell, and lists the three files it wrote', () => {
    assert.equal(first.status, 0, first.stderr);
    assert.match(first.stderr, /\[\s*1\/\d+\]/, 'progress lines per cell');
    const written = first.stdout.trim().split('\n');
    assert.deepEqual(written, [
      path.join(out, 'evaluation_5T.ipynb'),
      path.join(out, 'evaluation_5T.html'),
      path.join(out, 'summary.json'),
      path.join(out, 'anomalies.csv'),
    ]);
    assert.deepEqual(
      fs.readdirSync(out).sort(),
      ['anomalies.csv', 'evaluation_5T.html', 'evaluation_5T.ipynb', 'summary.json'],
      'no temp files left',
    );
  });

  test('"Why these IPs": the triage table, campaigns and profiles in the page; anomalies.csv lists summary.json anomalies in order', () => {
    const summary = JSON.parse(fs.readFileSync(path.join(out, 'summary.json'), 'utf8')) as {
      schemaVersion: number;
      anomalies: { label: string; score: number }[];
    };
    assert.equal(summary.schemaVersion, 3);
    const csv = fs
      .readFileSync(path.join(out, 'anomalies.csv'), 'utf8')
      .split('\r\n')
      .filter((line) => line !== '');
    assert.equal(csv.length - 1, summary.anomalies.length);
    csv.slice(1).forEach((line, i) => assert.ok(line.startsWith(`${i + 1},${summary.anomalies[i].label},`), line));
    const nb = readNotebook(path.join(out, 'evaluation_5T.ipynb'));
    const cell = (id: string) => nb.cells.find((c) => (c as { id?: string }).id === id)!;
    const triage = htmlOf(cell('triage'));
    const firstPage = /<tbody>([\s\S]*?)<\/tbody>/.exec(triage)?.[1] ?? '';
    assert.equal((firstPage.match(/<tr>/g) ?? []).length, Math.min(25, summary.anomalies.length), 'a page of 25');
    assert.ok(triage.includes(`of ${summary.anomalies.length}</span>`), 'the page says how many there are');
    assert.ok(triage.includes(summary.anomalies[0].label.replace(/(source|dst)$/, '')), 'the top IP is in the table');
    assert.ok(twinSpecs(htmlOf(cell('campaigns'))).length > 0, 'the campaigns figure');
    assert.ok(JSON.stringify(cell('profiles').outputs).includes('only'), 'a profile of an IP unique to one run');
    const html = fs.readFileSync(path.join(out, 'evaluation_5T.html'), 'utf8');
    for (const heading of ['Why these IPs', 'Campaigns: IPs that deviate alike', 'Profiles: the special cases'])
      assert.ok(html.includes(heading), heading);
  });

  test('"Ask your own questions": each query returns the rows summary.json gives; danfo describes the sample', () => {
    const summary = JSON.parse(fs.readFileSync(path.join(out, 'summary.json'), 'utf8')) as SummaryJson & {
      anomalies: { label: string; role: string; reasons: { family: string; families?: string[]; score: number }[] }[];
    };
    const nb = readNotebook(path.join(out, 'evaluation_5T.ipynb'));
    const cell = (id: string) => nb.cells.find((c) => (c as { id?: string }).id === id)!;
    // Which sources were flagged for busybox, by score? Counted here from summary.json.
    const busybox = summary.anomalies
      .filter((a) => a.role === 'source')
      .flatMap((a) =>
        a.reasons
          .filter((r) => (r.families ?? [r.family]).some((f) => f.includes('busybox')))
          .map((r) => ({ ip: a.label, score: r.score })),
      )
      .sort((a, b) => b.score - a.score);
    assert.ok(busybox.length > 0, 'the demo has sources flagged for busybox');
    const rows = embeddedRows(htmlOf(cell('questions-busybox')));
    assert.equal(rows.total, busybox.length);
    assert.equal(rows.keys[3]?.[0], busybox[0].score, 'the highest score first');
    assert.ok(busybox.some((b) => b.ip === `${rows.text[0][0]}source` && b.score === busybox[0].score));
    // Which families explain the most IPs, per role: one row per (family, role) among the reasons.
    const pairs = new Set(summary.anomalies.flatMap((a) => a.reasons.map((r) => `${r.family} ${a.role}`)));
    assert.equal(embeddedRows(htmlOf(cell('questions-families'))).total, pairs.size);
    // Anomalous vs normal destinations: one row per family.
    assert.equal(embeddedRows(htmlOf(cell('questions-ratio'))).total, Object.keys(summary.families).length);
    // danfo's describe() counts the normal sample's IPs, then the anomalous IPs.
    const printed = (cell('questions-danfo').outputs ?? [])
      .map((o) => (o as { text?: unknown }).text)
      .map((text) => (Array.isArray(text) ? text.join('') : String(text ?? '')))
      .join('');
    const counts = [...printed.matchAll(/count\s*│\s*(\d+)/g)].map((m) => Number(m[1]));
    const reference = summary.runs.find((r) => r.name === summary.reference)!;
    assert.deepEqual(counts, [summary.sample.size, reference.rows]);
  });

  test('the shared outputs name the final summary.json, never a temp file', () => {
    const nb = readNotebook(path.join(out, 'evaluation_5T.ipynb'));
    const printed = nb.cells
      .flatMap((c) => c.outputs ?? [])
      .map((o) => JSON.stringify(o))
      .join('\n');
    assert.doesNotMatch(printed, /\.tmp\b/, 'no output names a temp file');
    assert.ok(
      printed.includes(JSON.stringify(`summary written to ${path.join(out, 'summary.json')}`).slice(1, -1)),
      'the last cell names the final summary.json',
    );
    assert.doesNotMatch(fs.readFileSync(path.join(out, 'evaluation_5T.html'), 'utf8'), /summary\.json\.\d+\.tmp/);
  });

  test('the executed notebook ran every code cell with no error output', () => {
    const nb = readNotebook(path.join(out, 'evaluation_5T.ipynb'));
    assert.deepEqual(findProblemOutputs(nb), []);
    const code = nb.cells.filter((c) => c.cell_type === 'code');
    assert.ok(code.length > 20);
    for (const cell of code) assert.equal(typeof cell.execution_count, 'number');
    const outputs = nb.cells.flatMap((c) => c.outputs ?? []) as {
      output_type: string;
      data?: Record<string, unknown>;
    }[];
    const figures = outputs.filter((o) => o.output_type === 'display_data' && isFigureOutput(o.data));
    assert.ok(figures.length >= 28, `${figures.length} figures (27 seed figures + the overlap figure)`);
    // By default a figure is its HTML twin alone: Lab with jupyterlab-plotly draws the twins too, lazily.
    assert.deepEqual(
      outputs.filter((o) => o.data?.['application/vnd.plotly.v1+json'] !== undefined).length,
      0,
      'no Plotly JSON stored',
    );
    // Signed: Jupyter (same user) opens it trusted, so its HTML outputs run.
    const check = spawnSync(
      findJupyterPython()!,
      [
        '-c',
        'import sys, nbformat; from nbformat.sign import NotebookNotary; print(NotebookNotary().check_signature(nbformat.read(sys.argv[1], 4)))',
        path.join(out, 'evaluation_5T.ipynb'),
      ],
      { encoding: 'utf8' },
    );
    assert.equal(check.stdout.trim(), 'True', check.stderr);
  });

  test('the HTML references no local file and no CDN, and every figure draws offline in Chromium', {
    skip: !hasChromium() && 'no /usr/bin/chromium',
  }, async () => {
    const html = fs.readFileSync(path.join(out, 'evaluation_5T.html'), 'utf8');
    const loaded = loadedUrls(html);
    assert.deepEqual(
      loaded.filter((u) => /^(file:|https?:|\/\/)/i.test(u)),
      [],
      'scripts/links loading from disk or network',
    );
    assert.deepEqual(externalResources(html), []);
    const page = await openOffline(html);
    try {
      const figures = await page.page.$$eval('div[data-anomaly-eval-figure]', (divs) => divs.length);
      assert.ok(figures >= 28, `${figures} figures in the page`);
      await scrollUntilAllDrawn(page.page, 120_000);
      // Far figures are released again by design (lib/display): each must have drawn once, none failed.
      const undrawn = await page.page.$$eval('div[data-anomaly-eval-figure]', (divs) =>
        divs
          .map((d, i) => `${i}:${d.getAttribute('data-state')}`)
          .filter((_, i) => !divs[i].hasAttribute('data-drawn-ms') || divs[i].getAttribute('data-state') === 'error'),
      );
      assert.deepEqual(undrawn, [], 'every figure drew');
      const svgs = await page.page.$$eval(
        'div[data-anomaly-eval-figure][data-state="drawn"] .main-svg',
        (els) => els.length,
      );
      assert.ok(svgs > 0, 'the figures in view hold their SVG');
      // The query tables (triage, "Ask your own questions") sort and page.
      const tables = await page.page.$$eval('[data-anomaly-eval-table]', (boxes) =>
        boxes.map((b) => b.getAttribute('data-state')),
      );
      assert.ok(tables.length >= 4 && tables.every((state) => state === 'ready'), JSON.stringify(tables));
      assert.deepEqual(page.blocked, [], 'no network request');
      assert.deepEqual(page.errors, [], 'no console error');
    } finally {
      await page.close();
    }
  });

  test('code cells fold or hide in the HTML while outputs stay', () => {
    const html = fs.readFileSync(path.join(out, 'evaluation_5T.html'), 'utf8');
    const nb = readNotebook(path.join(out, 'evaluation_5T.ipynb'));
    const codeCells = nb.cells.filter((c) => c.cell_type === 'code').length;
    const count = (text: string, needle: string) => text.split(needle).length - 1;
    const figures = count(html, 'data-anomaly-eval-figure="');
    const folded = setCodeDisplay(html, 'fold');
    assert.equal(count(folded, '<details class="ae-code">'), codeCells);
    assert.equal(count(folded, 'data-anomaly-eval-figure="'), figures);
    const editor = 'class="jp-CodeMirrorEditor jp-Editor jp-InputArea-editor"';
    assert.equal(count(html, editor), codeCells);
    const hidden = setCodeDisplay(html, 'hide');
    assert.equal(count(hidden, editor), 0);
    assert.equal(count(hidden, 'jp-MarkdownOutput'), count(html, 'jp-MarkdownOutput'), 'markdown cells stay');
    assert.equal(count(hidden, 'data-anomaly-eval-figure="'), figures);
  });

  test('summary.json matches numbers computed independently from the same files', () => {
    const summary = JSON.parse(fs.readFileSync(path.join(out, 'summary.json'), 'utf8')) as SummaryJson;
    const tables = RUNS.map((r) => readTsv(path.join(data, 'models', r, 'detected_anomalies.csv')));
    const full = readTsv(path.join(data, 'final', 'final_dataset_5T.csv'));
    const names = tables.map(freqOf);
    assert.deepEqual(names, ['30T', '10T', '5T']);
    assert.equal(summary.reference, '5T');
    summary.runs.forEach((run, i) => {
      assert.equal(run.name, names[i]);
      assert.equal(run.freq, names[i]);
      assert.equal(run.rows, tables[i].index.length);
      assert.equal(run.valueColumns, valueHeaders(tables[i]).length);
      assert.equal(run.windows, new Set(valueHeaders(tables[i]).map((v) => v.start)).size);
    });
    const [t30, t10, t5] = tables;
    assert.deepEqual(summary.overlaps, [
      { runs: ['30T', '5T'], common: commonCount([t30, t5]) },
      { runs: ['10T', '5T'], common: commonCount([t10, t5]) },
      { runs: ['30T', '10T', '5T'], common: commonCount([t30, t10, t5]) },
    ]);
    const anomalous = new Set(t5.index);
    const fullLabels = new Set(full.index);
    assert.equal(summary.full.rows, full.index.length);
    assert.equal(summary.full.valueColumns, valueHeaders(full).length);
    assert.equal(summary.full.normalRows, full.index.filter((l) => !anomalous.has(l)).length);
    assert.equal(summary.full.anomalousNotInFull, t5.index.filter((l) => !fullLabels.has(l)).length);
    assert.deepEqual(summary.sample, { size: Math.min(4000, summary.full.normalRows), seed: 42 });
    for (const family of ['avg_Length', 'count_Length', 'std_IP_distance', 'sum_is_enable']) {
      for (const role of ['source', 'dst'] as const) {
        assertStatsClose(
          summary.families[family].anomalous[role],
          familyStatsOf(t5, family, role, () => true),
          `${family} anomalous ${role}`,
        );
        assertStatsClose(
          summary.families[family].normal[role],
          familyStatsOf(full, family, role, (l) => !anomalous.has(l)),
          `${family} normal ${role}`,
        );
      }
    }
  });

  test('--whole reads the full dataset into memory and gives the same summary.json', () => {
    const wholeOut = path.join(work, 'out-whole');
    const run = report([
      '--models',
      ...RUNS.map((r) => path.join(data, 'models', r)),
      '--full',
      path.join(data, 'final', 'final_dataset_5T.csv'),
      '--whole',
      '--out',
      wholeOut,
    ]);
    assert.equal(run.status, 0, run.stderr);
    const streamed = fs.readFileSync(path.join(out, 'summary.json'), 'utf8');
    assert.equal(fs.readFileSync(path.join(wholeOut, 'summary.json'), 'utf8'), streamed);
    const nb = readNotebook(path.join(wholeOut, 'evaluation_5T.ipynb'));
    const printed = nb.cells
      .flatMap((c) => c.outputs ?? [])
      .map((o) => JSON.stringify(o))
      .join('\n');
    assert.match(printed, /full read:\s+whole, in memory/);
  });

  test('the summary command (no notebook) writes the same summary.json, byte for byte, on the same files', () => {
    // The command's sample keeps only the findings' families, the notebook's every family: the triage
    // (its family groups, hence every score) must not depend on that.
    const commandOut = path.join(work, 'summary-command.json');
    const run = spawnSync(
      process.execPath,
      [
        SUMMARY,
        '--models',
        ...RUNS.map((r) => path.join(data, 'models', r)),
        '--full',
        path.join(data, 'final', 'final_dataset_5T.csv'),
        '--out',
        commandOut,
      ],
      { encoding: 'utf8', timeout: 600_000 },
    );
    assert.equal(run.status, 0, run.stderr);
    const command = fs.readFileSync(commandOut, 'utf8').split('\n');
    const notebook = fs.readFileSync(path.join(out, 'summary.json'), 'utf8').split('\n');
    const lines = Math.max(command.length, notebook.length);
    let line = 0;
    while (line < lines && command[line] === notebook[line]) line++;
    assert.equal(
      line,
      lines,
      `summary.json line ${line + 1}: the report has ${notebook[line]?.trim()}, the command ${command[line]?.trim()}`,
    );
  });

  test('other model folders (two runs, shuffled columns, a 15-minute window, a family missing) work with no edit', () => {
    // A 15T run: the 5T run's 15-minute windows, every column shuffled; a 30T run with columns reversed.
    const src5 = readTsv(path.join(data, 'models', RUNS[2], 'detected_anomalies.csv'));
    const src30 = readTsv(path.join(data, 'models', RUNS[0], 'detected_anomalies.csv'));
    const lines5 = fs
      .readFileSync(path.join(data, 'models', RUNS[2], 'detected_anomalies.csv'), 'utf8')
      .split('\n')
      .filter((l) => l !== '');
    const lines30 = fs
      .readFileSync(path.join(data, 'models', RUNS[0], 'detected_anomalies.csv'), 'utf8')
      .split('\n')
      .filter((l) => l !== '');
    // ... and without the is_enable families: the notebook notes the missing family instead of failing.
    const quarter = new Set(
      valueHeaders(src5)
        .filter((v) => new Date(v.start).getUTCMinutes() % 15 === 0 && !v.family.endsWith('_is_enable'))
        .map((v) => v.col),
    );
    const meta = src5.headers.map((h, c) => (HEADER.test(h) ? -1 : c)).filter((c) => c >= 0);
    const order = [...quarter, ...meta];
    let state = 7;
    for (let i = order.length - 1; i > 0; i--) {
      state = (state * 1103515245 + 12345) % 2147483648;
      const j = state % (i + 1);
      [order[i], order[j]] = [order[j], order[i]];
    }
    const write = (dir: string, lines: string[], cols: number[]) => {
      fs.mkdirSync(dir, { recursive: true });
      const text = `${lines
        .map((line) => {
          const f = line.split('\t');
          return [f[0], ...cols.map((c) => f[c + 1])].join('\t');
        })
        .join('\n')}\n`;
      fs.writeFileSync(path.join(dir, 'detected_anomalies.csv'), text);
    };
    const run15 = path.join(work, 'other', 'run_15');
    const run30 = path.join(work, 'other', 'run_30');
    write(run15, lines5, order);
    write(run30, lines30, src30.headers.map((_, c) => c).reverse());
    const out2 = path.join(work, 'out2');
    const result = report([
      '--models',
      run15,
      run30,
      '--full',
      path.join(data, 'final', 'final_dataset_5T.csv'),
      '--out',
      out2,
      '--sample',
      '50',
      '--seed',
      '7',
      '--fold-code',
      '--anomalous',
      'density',
    ]);
    assert.equal(result.status, 0, result.stderr);
    const nb = readNotebook(path.join(out2, 'evaluation_5T.ipynb'));
    assert.deepEqual(findProblemOutputs(nb), []);
    const summary = JSON.parse(fs.readFileSync(path.join(out2, 'summary.json'), 'utf8')) as SummaryJson;
    const t15 = readTsv(path.join(run15, 'detected_anomalies.csv'));
    const t30 = readTsv(path.join(run30, 'detected_anomalies.csv'));
    assert.deepEqual(
      summary.runs.map((r) => r.name),
      ['15T', '30T'],
    );
    assert.equal(summary.reference, '15T');
    assert.equal(summary.runs[0].windows, new Set(valueHeaders(t15).map((v) => v.start)).size);
    assert.deepEqual(summary.overlaps, [{ runs: ['15T', '30T'], common: commonCount([t15, t30]) }]);
    assert.deepEqual(summary.sample, { size: 50, seed: 7 });
    assertStatsClose(
      summary.families.avg_Length.anomalous.source,
      familyStatsOf(t15, 'avg_Length', 'source', () => true),
      '15T avg_Length anomalous source',
    );
    assert.deepEqual(summary.families.avg_is_enable.anomalous.source, {
      ips: t15.index.filter((l) => l.endsWith('source')).length,
      values: 0,
      mean: null,
      max: null,
      nonzeroShare: null,
    });
    const printed = nb.cells
      .flatMap((c) => c.outputs ?? [])
      .map((o) => JSON.stringify(o))
      .join('\n');
    for (const family of ['avg_is_enable', 'std_is_enable', 'sum_is_enable']) {
      assert.ok(
        printed.includes(`${family.replace(/_/g, '\\\\_')} is missing from the reference run 15T: no figure.`),
        `a note for ${family}`,
      );
    }
    const html = fs.readFileSync(path.join(out2, 'evaluation_5T.html'), 'utf8');
    assert.ok(html.includes('<details class="ae-code">'), '--fold-code folds the code');
    const timelines = nb.cells
      .flatMap((c) => twinSpecs(htmlOf(c)).map(([, fig]) => fig))
      .filter((f) => f.layout.template !== undefined);
    assert.ok(timelines.length > 0);
    for (const fig of timelines) {
      const heat = fig.data.filter((t) => t.type === 'heatmap').map((t) => t.yaxis);
      assert.ok(heat.includes('y') && heat.includes('y3'), '--anomalous density: both anomalous panels are densities');
    }
  });

  test('--anomalous takes auto, lines or density, and says so', () => {
    const result = report(['--anomalous', 'heatmap', '--out', path.join(work, 'out-bad')]);
    assert.equal(result.status, 2);
    assert.match(result.stderr, /--anomalous: expected one of "auto", "lines", "density", found "heatmap"/);
    assert.equal(fs.existsSync(path.join(work, 'out-bad')), false);
  });

  test('a missing input exits non-zero with a clear message and leaves no file', () => {
    const out3 = path.join(work, 'out3');
    const result = report([
      '--models',
      path.join(data, 'models', RUNS[2]),
      '--full',
      path.join(work, 'nope.csv'),
      '--out',
      out3,
    ]);
    assert.equal(result.status, 1);
    assert.match(result.stderr, /^report: .*nope\.csv: file not found; expected a tab-separated table/m);
    assert.doesNotMatch(result.stderr, /^\s+at /m, 'no stack trace');
    assert.deepEqual(fs.existsSync(out3) ? fs.readdirSync(out3) : [], []);
  });

  test('without Jupyter it says in one line what to install', () => {
    const out5 = path.join(work, 'out5');
    const run = spawnSync(
      process.execPath,
      [
        REPORT,
        '--models',
        path.join(data, 'models', RUNS[2]),
        '--full',
        path.join(data, 'final', 'final_dataset_5T.csv'),
        '--out',
        out5,
      ],
      { encoding: 'utf8', env: { ...process.env, JUPYTER_PYTHON: path.join(work, 'no-python-here') } },
    );
    assert.equal(run.status, 1);
    assert.equal(run.stderr.trim().split('\n').length, 1, run.stderr);
    assert.match(run.stderr, /apt-get install jupyter-nbconvert python3-nbclient.*pip install jupyterlab nbconvert/);
    assert.deepEqual(fs.existsSync(out5) ? fs.readdirSync(out5) : [], []);
  });

  test('--notebook runs another notebook; a cell writing to stderr is reported as a warning; --hide-code drops code', () => {
    const nbFile = path.join(work, 'tiny.ipynb');
    const cell = (source: string) => ({ cell_type: 'code', metadata: {}, execution_count: null, outputs: [], source });
    fs.writeFileSync(
      nbFile,
      JSON.stringify({
        nbformat: 4,
        nbformat_minor: 4,
        metadata: { kernelspec: { name: 'tslab-anomaly-eval', display_name: 'TypeScript', language: 'typescript' } },
        cells: [
          cell("import * as fs from 'fs';\nconsole.error('careful: odd input');"),
          cell(
            'fs.writeFileSync(process.env.EVAL_SUMMARY_OUT!, JSON.stringify({ sample: Number(process.env.EVAL_SAMPLE) }));',
          ),
        ],
      }),
    );
    const out6 = path.join(work, 'out6');
    const result = report([
      '--notebook',
      nbFile,
      '--models',
      path.join(data, 'models', RUNS[2]),
      '--full',
      path.join(data, 'final', 'final_dataset_5T.csv'),
      '--sample',
      '9',
      '--out',
      out6,
      '--hide-code',
    ]);
    assert.equal(result.status, 0, result.stderr);
    assert.match(result.stderr, /warning: cell 1 \(import \* as fs from 'fs';\) wrote to stderr: careful: odd input/);
    assert.deepEqual(fs.readdirSync(out6).sort(), ['summary.json', 'tiny.html', 'tiny.ipynb']);
    assert.deepEqual(JSON.parse(fs.readFileSync(path.join(out6, 'summary.json'), 'utf8')), { sample: 9 });
    const html = fs.readFileSync(path.join(out6, 'tiny.html'), 'utf8');
    assert.ok(!html.includes('class="jp-CodeMirrorEditor'), 'no code in the page');
    assert.ok(html.includes('careful: odd input'), 'outputs stay');
  });

  test('a table refused in a cell: one line naming the file and position, no stack, no folder left', () => {
    const broken = path.join(work, 'broken');
    fs.mkdirSync(broken, { recursive: true });
    fs.writeFileSync(
      path.join(broken, 'detected_anomalies.csv'),
      "\t('avg_Length', 'avg_2019-02-01 09:35:00')\n1.2.3.4source\tnot-a-number\n",
    );
    const out4 = path.join(work, 'out4');
    const result = report([
      '--models',
      broken,
      '--full',
      path.join(data, 'final', 'final_dataset_5T.csv'),
      '--out',
      out4,
    ]);
    assert.equal(result.status, 1, result.stderr);
    assert.match(
      result.stderr,
      /^report: .*broken\/detected_anomalies\.csv:2:2: cell "not-a-number" .*is not a number/m,
    );
    assert.doesNotMatch(result.stderr, /^\s+at /m, 'no stack frames');
    assert.equal(fs.existsSync(out4), false, 'the --out folder it made is removed');
  });
});

describe('notebook parameters', () => {
  const defaults = { models: ['../data/models/a/'], full: '../data/final/f.csv', sampleSize: 4000, seed: 42 };
  const cwd = path.join(root, 'notebooks');

  test('defaults resolve against the notebook folder; variables override them', () => {
    const p = resolveParams(defaults, {}, cwd);
    assert.deepEqual(p.models, [path.join(root, 'data', 'models', 'a')]);
    assert.equal(p.full, path.join(root, 'data', 'final', 'f.csv'));
    const q = resolveParams(
      defaults,
      {
        EVAL_MODELS: '["/x/1", "/x/2"]',
        EVAL_SAMPLE: '10',
        EVAL_SEED: '0',
        EVAL_REFERENCE: '10T',
        EVAL_SUMMARY_OUT: '/o/s.json',
      },
      cwd,
    );
    assert.deepEqual(
      [q.models, q.sampleSize, q.seed, q.reference, q.summaryOut],
      [['/x/1', '/x/2'], 10, 0, '10T', '/o/s.json'],
    );
    assert.deepEqual(resolveParams(defaults, { EVAL_MODELS: `/a${path.delimiter}/b` }, cwd).models, ['/a', '/b']);
    // The report's own encoding round-trips.
    const back = resolveParams(
      defaults,
      paramsToEnv({ models: ['/m/1'], full: '/f.csv', sampleSize: 5, seed: 3, loadWhole: true }),
      cwd,
    );
    assert.deepEqual(
      [back.models, back.full, back.sampleSize, back.seed, back.loadWhole],
      [['/m/1'], '/f.csv', 5, 3, true],
    );
  });

  test('EVAL_LOAD_WHOLE takes true/false, 1/0, yes/no and nothing else', () => {
    assert.equal(resolveParams(defaults, {}, cwd).loadWhole, undefined);
    for (const [text, value] of [
      ['true', true],
      ['1', true],
      ['YES', true],
      ['false', false],
      ['0', false],
      ['no', false],
    ] as const) {
      assert.equal(resolveParams(defaults, { EVAL_LOAD_WHOLE: text }, cwd).loadWhole, value, text);
    }
    assert.throws(
      () => resolveParams(defaults, { EVAL_LOAD_WHOLE: 'maybe' }, cwd),
      /EVAL_LOAD_WHOLE: expected true or false \(or 1\/0, yes\/no\), found "maybe"/,
    );
  });

  test('a JSON file named by EVAL_PARAMS sets values relative to itself, under the variables', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'params-'));
    try {
      const file = path.join(dir, 'p.json');
      fs.writeFileSync(file, JSON.stringify({ models: ['runs/a', 'runs/b'], sampleSize: 12 }));
      const p = resolveParams(defaults, { EVAL_PARAMS: file, EVAL_SAMPLE: '13' }, cwd);
      assert.deepEqual(p.models, [path.join(dir, 'runs', 'a'), path.join(dir, 'runs', 'b')]);
      assert.equal(p.sampleSize, 13);
      fs.writeFileSync(file, '{"sampleSize": 1,}');
      assert.throws(
        () => resolveParams(defaults, { EVAL_PARAMS: file }, cwd),
        (e: unknown) => e instanceof ParamError && e.message.includes(file) && /invalid JSON/.test(e.message),
      );
      fs.writeFileSync(file, '{"sample": 1}');
      assert.throws(
        () => resolveParams(defaults, { EVAL_PARAMS: file }, cwd),
        /unknown parameter "sample"; expected one of models, full/,
      );
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  test('bad values name the variable, what was found and what was expected', () => {
    assert.throws(
      () => resolveParams(defaults, { EVAL_SAMPLE: 'many' }, cwd),
      /^ParamError: EVAL_SAMPLE: expected a whole number ≥ 1, found "many"$/m,
    );
    assert.throws(() => resolveParams(defaults, { EVAL_SEED: '-1' }, cwd), /EVAL_SEED: expected a whole number/);
    assert.throws(
      () => resolveParams(defaults, { EVAL_MODELS: '["a", 3]' }, cwd),
      /EVAL_MODELS: expected one or more run folders/,
    );
    assert.throws(
      () => resolveParams(defaults, { EVAL_PARAMS: '/no/such/params.json' }, cwd),
      /EVAL_PARAMS=\/no\/such\/params\.json: cannot read the parameters file .*ENOENT/,
    );
  });
});

describe('the committed notebook', () => {
  const file = path.join(root, 'notebooks', 'evaluation_5T.ipynb');

  test('is what scripts/build-notebook.ts writes, outputs cleared, on the project kernel, with a parameters cell', () => {
    const check = spawnSync(process.execPath, [path.join(root, 'dist', 'scripts', 'build-notebook.js'), '--check'], {
      encoding: 'utf8',
    });
    assert.equal(check.status, 0, `${check.stderr} (rebuild it with node dist/scripts/build-notebook.js)`);
    const nb = JSON.parse(fs.readFileSync(file, 'utf8')) as {
      metadata: { kernelspec: { name: string } };
      cells: {
        cell_type: string;
        metadata: { tags?: string[] };
        outputs?: unknown[];
        execution_count?: number | null;
        source: string[];
      }[];
    };
    assert.equal(nb.metadata.kernelspec.name, 'tslab-anomaly-eval');
    const code = nb.cells.filter((c) => c.cell_type === 'code');
    assert.ok(
      code.every((c) => (c.outputs ?? []).length === 0 && c.execution_count === null),
      'outputs cleared',
    );
    const parameters = code.filter((c) => c.metadata.tags?.includes('parameters'));
    assert.equal(parameters.length, 1);
    assert.match(parameters[0].source.join(''), /sampleSize = 4000/);
  });
});

describe('HTML post-processing', () => {
  test('setTitle escapes the title and keeps `$` patterns literal', () => {
    const page = '<html><head><title>Notebook</title></head><body></body></html>';
    assert.equal(
      setTitle(page, 'run $& <b>"1"</b>'),
      '<html><head><title>run $&amp; &lt;b&gt;&#34;1&#34;&lt;/b&gt;</title></head><body></body></html>',
    );
    assert.equal(setTitle('<html><head></head></html>', "$' x"), '<html><head><title>$&#39; x</title></head></html>');
  });
});

test('a notebook made heavy for JupyterLab by --anomalous lines gets a hint that the default is lighter', () => {
  assert.equal(labWeightHint(LAB_HEAVY_BYTES, 'lines'), undefined, 'at the target: nothing to say');
  assert.equal(labWeightHint(17_051_425, 'density'), undefined, 'already density');
  assert.equal(labWeightHint(17_051_425, 'auto'), undefined, 'the default already draws large panels as densities');
  assert.equal(labWeightHint(17_051_425, undefined), undefined, 'the default, unsaid');
  const hint = labWeightHint(17_051_425, 'lines');
  assert.ok(hint?.startsWith('report: the notebook is 17.1 MB;'), hint);
  assert.match(hint ?? '', /Without --anomalous lines, panels of more than 30 anomalous IPs draw as a density/);
});
