/**
 * `npm run report` on inputs a user gets wrong (issue 21), on generated demo data: paths typed
 * relative stay relative in everything the report writes (no folder of this machine the user did not
 * type); flagged rows missing from the full table are counted on the terminal; an input error is one
 * line with its position, a bug keeps its stack; a failed run leaves no folder it made; a baseline the
 * run would overwrite, a missing run folder and a folder given as baseline are refused in words.
 */
import { after, before, describe, test } from 'node:test';
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { findProjectRoot } from '../lib/notebook/kernel';
import { findJupyterPython } from '../cli/report';

const root = findProjectRoot(__dirname);
const REPORT = path.join(root, 'dist', 'cli', 'report.js');
const GENERATOR = path.join(root, 'dist', 'data', 'generate.js');
const RUNS = ['models_2019_06_01_21_21', 'models_2019_06_01_21_44', 'models_2019_06_01_22_11'];
const MODELS = RUNS.map((run) => path.join('data', 'models', run));
const canRun = findJupyterPython() !== undefined && fs.existsSync(GENERATOR);

/** The report, run from `cwd` as a user would, paths typed relative to it. */
function report(cwd: string, args: string[]) {
  return spawnSync(process.execPath, [REPORT, ...args], { cwd, encoding: 'utf8', timeout: 600_000 });
}

/** stderr without the per-cell progress and the report's own step lines. */
function messages(stderr: string): string[] {
  return stderr
    .split('\n')
    .filter((line) => line.trim() !== '' && !/^\s+\[\s*\d+\/\d+\]|^report: (running|kernel)/.test(line));
}

describe('npm run report on inputs a user gets wrong', { skip: !canRun && 'needs Jupyter and a build' }, () => {
  let work = '';
  let fullLines: string[] = [];

  before(() => {
    work = fs.mkdtempSync(path.join(os.tmpdir(), 'report-inputs-'));
    const gen = spawnSync(process.execPath, [GENERATOR, '--scale', 'demo', '--out', path.join(work, 'data')], {
      encoding: 'utf8',
    });
    assert.equal(gen.status, 0, gen.stderr);
    fullLines = fs.readFileSync(path.join(work, 'data', 'final', 'final_dataset_5T.csv'), 'utf8').split('\n');
  });

  after(() => {
    if (work) fs.rmSync(work, { recursive: true, force: true });
  });

  test('paths typed relative stay relative in the page, the notebook and summary.json; missing flagged rows are counted', () => {
    // Cut at a line end after 1,600 of 2,000 rows: a few flagged rows missing, fewer than half.
    fs.writeFileSync(path.join(work, 'cut.csv'), `${fullLines.slice(0, 1601).join('\n')}\n`);
    const run = report(work, ['--models', ...MODELS, '--full', 'cut.csv', '--sample', '300', '--out', 'reports/a']);
    assert.equal(run.status, 0, run.stderr);
    const summary = JSON.parse(fs.readFileSync(path.join(work, 'reports', 'a', 'summary.json'), 'utf8')) as {
      runs: { path: string; rows: number }[];
      full: { path: string; anomalousNotInFull: number; anomalousNotInFullLabels: string[] };
    };
    assert.deepEqual(
      summary.runs.map((r) => r.path),
      MODELS.map((m) => path.join(m, 'detected_anomalies.csv')),
    );
    assert.equal(summary.full.path, 'cut.csv');
    const missing = summary.full.anomalousNotInFullLabels;
    assert.ok(missing.length > 0 && missing.length * 2 <= summary.runs[2].rows, `${missing.length} missing`);
    assert.equal(summary.full.anomalousNotInFull, missing.length);
    assert.match(
      run.stderr,
      new RegExp(
        `report: warning: the full dataset cut\\.csv lacks ${missing.length} of the ${summary.runs[2].rows} flagged rows: ${missing[0]}`,
      ),
    );
    // Nothing the user shares names this machine's folders: not the work folder, temp, home or the project.
    for (const file of ['evaluation_5T.html', 'evaluation_5T.ipynb', 'summary.json', 'anomalies.csv']) {
      const text = fs.readFileSync(path.join(work, 'reports', 'a', file), 'utf8');
      for (const folder of [work, os.tmpdir(), os.homedir(), root])
        assert.ok(!text.includes(folder), `${file} names ${folder}`);
    }
    const notebook = fs.readFileSync(path.join(work, 'reports', 'a', 'evaluation_5T.ipynb'), 'utf8');
    assert.ok(notebook.includes('full:        cut.csv'), 'the parameters as typed');
    assert.ok(notebook.includes(`5T: ${path.join(MODELS[2], 'detected_anomalies.csv')}`), 'the runs as typed');
    assert.ok(notebook.includes('summary written to reports/a/summary.json'), 'the summary as typed');
  });

  test('a broken table: one line with its position, no stack; the --out folders it made are gone', () => {
    const lines = [...fullLines];
    lines[4] = lines[4].replace(/\t[^\t]*/, '\t12,5'); // line 5, column 2: a decimal comma
    fs.writeFileSync(path.join(work, 'bad.csv'), lines.join('\n'));
    const run = report(work, ['--models', ...MODELS, '--full', 'bad.csv', '--out', 'new/deep/out']);
    assert.equal(run.status, 1, run.stderr);
    assert.equal(messages(run.stderr).length, 1, run.stderr);
    assert.match(run.stderr, /^report: bad\.csv:5:2: cell "12,5" in column 2 .* is not a number; expected a decimal/m);
    assert.doesNotMatch(run.stderr, /^\s+at /m, 'no stack frames');
    assert.equal(fs.existsSync(path.join(work, 'new')), false, 'the folders it created are removed');
  });

  test("a model run's file as the full table: refused in one line before the long read", () => {
    const run = report(work, [
      '--models',
      ...MODELS,
      '--full',
      path.join(MODELS[2], 'detected_anomalies.csv'),
      '--out',
      'reports/b',
    ]);
    assert.equal(run.status, 1, run.stderr);
    assert.deepEqual(messages(run.stderr), [
      `report: ${path.join(MODELS[2], 'detected_anomalies.csv')}: 0 normal rows: all 56 rows are flagged rows. Is this a model run's file? Expected the full windowed dataset (final_dataset_5T.csv), which holds the normal IPs too`,
    ]);
    assert.equal(fs.existsSync(path.join(work, 'reports', 'b')), false);
  });

  test('refused before Jupyter starts: the baseline --out would overwrite, a missing run folder, a folder as baseline', () => {
    const baseline = path.join(work, 'reports', 'a', 'summary.json');
    const before = fs.readFileSync(baseline, 'utf8');
    const overwrite = report(work, ['--out', 'reports/a/', '--baseline', 'reports/a/summary.json']);
    assert.equal(overwrite.status, 2, overwrite.stderr);
    assert.match(
      overwrite.stderr,
      /^report: --baseline reports\/a\/summary\.json is the summary\.json this run writes into --out reports\/a\/: it would be overwritten; give the new report a new --out folder, e\.g\. --out reports\/a\/\d{4}-\d\d-\d\d\n/,
    );
    assert.equal(fs.readFileSync(baseline, 'utf8'), before);
    const cases: Array<[string[], string]> = [
      [
        ['--models', 'runs/nowhere', '--full', 'cut.csv'],
        'report: runs/nowhere: folder not found; expected a model run folder holding detected_anomalies.csv',
      ],
      [
        ['--models', 'data', '--full', 'cut.csv'],
        'report: data: the folder holds no detected_anomalies.csv; expected a model run folder',
      ],
      [['--baseline', 'reports'], 'report: reports: is a folder; expected an earlier summary.json file'],
    ];
    for (const [args, line] of cases) {
      const run = report(work, [...args, '--out', 'reports/c']);
      assert.equal(run.status, 1, run.stderr);
      assert.deepEqual(messages(run.stderr), [line]);
      assert.equal(fs.existsSync(path.join(work, 'reports', 'c')), false);
    }
  });

  test('a bug in a cell still shows the cell and its stack; --allow-missing reaches the notebook', () => {
    const cell = (source: string) => ({ cell_type: 'code', metadata: {}, execution_count: null, outputs: [], source });
    const notebook = (name: string, cells: string[]) => {
      const file = path.join(work, name);
      fs.writeFileSync(
        file,
        JSON.stringify({
          nbformat: 4,
          nbformat_minor: 4,
          metadata: { kernelspec: { name: 'tslab-anomaly-eval', display_name: 'TypeScript', language: 'typescript' } },
          cells: cells.map(cell),
        }),
      );
      return name;
    };
    const bug = report(work, [
      '--notebook',
      notebook('bug.ipynb', ['function f(x: any) { return x.y.z; }\nf({});']),
      '--out',
      'reports/d',
    ]);
    assert.equal(bug.status, 1, bug.stderr);
    assert.match(bug.stderr, /report: the notebook failed in cell 1 \(function f/);
    assert.match(bug.stderr, /TypeError: Cannot read properties of undefined/);
    assert.match(bug.stderr, /^\s+at /m, 'the stack of a bug');
    const env = report(work, [
      '--notebook',
      notebook('env.ipynb', [
        "import * as fs from 'fs';\nconst e = process.env;\nfs.writeFileSync(e.EVAL_SUMMARY_OUT!, JSON.stringify({ allow: e.EVAL_ALLOW_MISSING, full: e.EVAL_FULL, workdir: e.EVAL_WORKDIR }));",
      ]),
      '--models',
      ...MODELS,
      '--full',
      'cut.csv',
      '--allow-missing',
      '--out',
      'reports/e',
    ]);
    assert.equal(env.status, 0, env.stderr);
    assert.deepEqual(JSON.parse(fs.readFileSync(path.join(work, 'reports', 'e', 'summary.json'), 'utf8')), {
      allow: 'true',
      full: 'cut.csv',
      workdir: fs.realpathSync(work),
    });
  });
});
