/**
 * Inputs that cannot be evaluated are refused or counted (issue 21), through the library: a full
 * table with no normal row or lacking most flagged rows is refused once its labels are read, before
 * the long pass (streamed and whole); fewer missing ones are counted in order; the notebook's
 * parameters refuse a sample of 0 and a baseline they would overwrite, and keep how paths were typed;
 * file problems read as words; the report tells an input error (one line) from a bug (its stack).
 */
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { checkCoverage, evaluateFull, missingWarning, readTable } from '../lib/loaders';
import { evaluate, evaluateFrame } from '../lib/summary/evaluate';
import { describeFull, readFullDataset } from '../lib/notebook/cells';
import { ParamError, describeParams, paramsToEnv, resolveParams } from '../lib/notebook/params';
import { inputErrorLine } from '../lib/notebook/report';
import { fileProblem, samePath, shownPath, shownText } from '../lib/files';
import { anomaliesFile, loadRuns, pickReference } from '../lib/evaluation/runs';
import { readBaseline } from '../lib/summary/baseline-summary';
import { readHeader } from '../lib/reader/table-head';
import { ChoiceError, InputError } from '../lib/types';

const root = path.resolve(__dirname, '..', '..');
const TINY = path.join(root, 'tests', 'fixtures', 'tiny');
const FULL = path.join(TINY, 'final', 'final_dataset_5T.csv');
const RUN_5T = path.join(TINY, 'models', 'models_2019_06_01_22_11');
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'inputs-'));
after(() => fs.rmSync(tmp, { recursive: true, force: true }));

/** The tiny full table's lines, header first. */
const fullLines = fs
  .readFileSync(FULL, 'utf8')
  .split('\n')
  .filter((line) => line !== '');
const labelOf = (line: string): string => line.slice(0, line.indexOf('\t'));
const FLAGGED = ['192.0.2.10source', '198.51.100.7dst', '203.0.113.5source']; // the 5T run's rows

/** The tiny full table without the rows of `drop`, written to `name`. */
function fullWithout(name: string, drop: readonly string[]): string {
  const file = path.join(tmp, name);
  const kept = fullLines.filter((line, i) => i === 0 || !drop.includes(labelOf(line)));
  fs.writeFileSync(file, `${kept.join('\n')}\n`);
  return file;
}

const refused = (pattern: RegExp) => (error: unknown) => error instanceof InputError && pattern.test(error.message);
const options = (exclude: readonly string[], extra: object = {}) => ({
  exclude: new Set(exclude),
  sampleSize: 2,
  seed: 1,
  ...extra,
});

test('the tiny fixture holds what these tests assume: the 5T run flags three rows, all in the full table', async () => {
  const run = await readTable(path.join(RUN_5T, 'detected_anomalies.csv'));
  assert.deepEqual([...run.index].sort(), [...FLAGGED].sort());
  for (const label of FLAGGED)
    assert.ok(
      fullLines.some((line) => labelOf(line) === label),
      label,
    );
});

test("a model run's file given as the full table: 0 normal rows, refused naming the file", async () => {
  const model = path.join(RUN_5T, 'detected_anomalies.csv');
  const run = await readTable(model);
  await assert.rejects(
    evaluateFull(model, options(run.index, { check: (c: never) => checkCoverage(c) })),
    refused(/detected_anomalies\.csv: 0 normal rows: all 3 rows are flagged rows\. Is this a model run's file\?/),
  );
  // allowMissing does not let it through: there is nothing to compare with.
  assert.throws(
    () => checkCoverage({ file: 'x.csv', rows: 3, normalRows: 0, flagged: 3, missing: [] }, { allowMissing: true }),
    refused(/^x\.csv: 0 normal rows/),
  );
  assert.throws(
    () => checkCoverage({ file: 'x.csv', rows: 0, normalRows: 0, flagged: 3, missing: FLAGGED }),
    refused(/^x\.csv: no data rows/),
  );
});

test('more than half of the flagged rows missing: refused with the count and the first labels, unless allowed', async () => {
  const file = fullWithout('cut.csv', FLAGGED.slice(0, 2));
  const check = (allowMissing: boolean) => (c: Parameters<typeof checkCoverage>[0]) =>
    checkCoverage(c, { allowMissing });
  await assert.rejects(
    evaluateFull(file, options(FLAGGED, { check: check(false) })),
    refused(
      /cut\.csv: lacks 2 of the 3 flagged rows \(192\.0\.2\.10source, 198\.51\.100\.7dst\): is it cut short.*--allow-missing/,
    ),
  );
  const allowed = await evaluateFull(file, options(FLAGGED, { check: check(true) }));
  assert.deepEqual(allowed.missing, FLAGGED.slice(0, 2));
  assert.equal(allowed.excludedFound, 1);
  // Exactly half is not more than half: counted, not refused.
  assert.doesNotThrow(() => checkCoverage({ file, rows: 4, normalRows: 3, flagged: 2, missing: ['a'] }));
});

test('the refusal comes after the label pass and before the long one: a bad cell further down is never reached', async () => {
  const lines = fs.readFileSync(fullWithout('cut-bad.csv', FLAGGED.slice(0, 2)), 'utf8').split('\n');
  const last = lines.length - 2; // the last data line
  lines[last] = lines[last].replace(/\t[^\t]*$/, '\tnot-a-number');
  const file = path.join(tmp, 'cut-bad.csv');
  fs.writeFileSync(file, lines.join('\n'));
  // Unchecked, the bad cell is what the long pass meets.
  await assert.rejects(evaluateFull(file, options(FLAGGED)), refused(/not-a-number/));
  let progressBytes = 0;
  await assert.rejects(
    evaluateFull(
      file,
      options(FLAGGED, {
        check: (c: never) => checkCoverage(c),
        onProgress: (p: { bytesRead: number }) => {
          progressBytes = Math.max(progressBytes, p.bytesRead);
        },
      }),
    ),
    refused(/lacks 2 of the 3 flagged rows/),
  );
  assert.equal(progressBytes, 0, 'no row parsed');
});

test('fewer missing: counted in the order of the flagged rows, in the evaluation and in summary.json', async () => {
  const file = fullWithout('one-missing.csv', [FLAGGED[2]]);
  const evaluation = await evaluate({ models: [RUN_5T], full: file, sampleSize: 2, seed: 1 });
  assert.deepEqual(evaluation.full.missing, [FLAGGED[2]]);
  assert.equal(evaluation.summary.full.anomalousNotInFull, 1);
  assert.deepEqual(evaluation.summary.full.anomalousNotInFullLabels, [FLAGGED[2]]);
  // The notebook says so under the full dataset's shape.
  assert.ok(
    describeFull(evaluation.full, evaluation.reference, 1).includes(
      'Warning: missing from it: 1 flagged row (203.0.113.5source)',
    ),
  );
  assert.equal(
    missingWarning({ file: 'one-missing.csv', flagged: 3, missing: evaluation.full.missing }),
    "the full dataset one-missing.csv lacks 1 of the 3 flagged rows: 203.0.113.5source; they count as anomalous, their values come from the run's file",
  );
  assert.equal(missingWarning({ file: 'f.csv', flagged: 3, missing: [] }), undefined);
  const seven = ['a', 'b', 'c', 'd', 'e', 'f', 'g'];
  assert.match(missingWarning({ file: 'f.csv', flagged: 9, missing: seven }) ?? '', /: a, b, c, d, e, … \(2 more\);/);
  // evaluate() refuses as the notebook does, and takes allowMissing.
  const cut = fullWithout('cut2.csv', FLAGGED.slice(1));
  await assert.rejects(
    evaluate({ models: [RUN_5T], full: cut, sampleSize: 2, seed: 1 }),
    refused(/cut2\.csv: lacks 2 of the 3/),
  );
  const allowed = await evaluate({ models: [RUN_5T], full: cut, sampleSize: 2, seed: 1, allowMissing: true });
  assert.deepEqual(allowed.summary.full.anomalousNotInFullLabels, FLAGGED.slice(1));
});

test('the notebook refuses alike, streamed or read whole, and names the table as the user typed it', async () => {
  const cut = fullWithout('cut3.csv', FLAGGED.slice(0, 2));
  for (const loadWhole of [false, true]) {
    const params = resolveParams(
      { models: [RUN_5T], full: 'cut3.csv', sampleSize: 2, seed: 1, loadWhole },
      {},
      path.dirname(cut),
    );
    await assert.rejects(
      readFullDataset(params, FLAGGED, []),
      refused(/^cut3\.csv: lacks 2 of the 3 flagged rows/),
      `loadWhole ${loadWhole}`,
    );
    const allowed = await readFullDataset({ ...params, allowMissing: true }, FLAGGED, []);
    assert.deepEqual(allowed.full.missing, FLAGGED.slice(0, 2), `loadWhole ${loadWhole}`);
  }
  const frame = await readTable(FULL);
  assert.deepEqual(evaluateFrame(frame, options([...FLAGGED, 'nodst'])).missing, ['nodst']);
});

test('notebook parameters: sample ≥ 1, allowMissing, no summary written over its baseline', () => {
  const defaults = { models: ['runs/a'], full: 'f.csv', sampleSize: 10, seed: 1 };
  assert.throws(
    () => resolveParams(defaults, { EVAL_SAMPLE: '0' }, tmp),
    /^ParamError: EVAL_SAMPLE: expected a whole number ≥ 1, found "0"$/m,
  );
  assert.equal(resolveParams(defaults, { EVAL_ALLOW_MISSING: 'yes' }, tmp).allowMissing, true);
  assert.throws(
    () => resolveParams(defaults, { EVAL_ALLOW_MISSING: 'sure' }, tmp),
    /EVAL_ALLOW_MISSING: expected true/,
  );
  assert.match(describeParams(resolveParams({ ...defaults, allowMissing: true }, {}, tmp)), /missing: +allowed/);
  assert.deepEqual(paramsToEnv({ allowMissing: true }), { EVAL_ALLOW_MISSING: 'true' });
  assert.throws(
    () => resolveParams(defaults, { EVAL_BASELINE: 'out/summary.json', EVAL_SUMMARY_OUT: './out/summary.json' }, tmp),
    (e: unknown) =>
      e instanceof ParamError &&
      /^baseline: out\/summary\.json is also where this run writes summary\.json/.test(e.message),
  );
  // The report's case: a temp file written, then renamed over the baseline.
  assert.throws(
    () =>
      resolveParams(
        defaults,
        { EVAL_BASELINE: 'o/summary.json', EVAL_SUMMARY_OUT: '/x/.tmp', EVAL_SUMMARY_FINAL: 'o/summary.json' },
        tmp,
      ),
    /would be overwritten/,
  );
});

test('paths as the user typed them: EVAL_WORKDIR, shownAs, describeParams, and the report encoding round trip', () => {
  const defaults = { models: ['../data/models/a/'], full: '../data/f.csv', sampleSize: 10, seed: 1 };
  const work = path.join(tmp, 'work');
  const kernelCwd = path.join(tmp, 'notebooks');
  const env = paramsToEnv(
    { models: ['runs/a', path.join(tmp, 'abs', 'b')], full: 'final/f.csv', baseline: '../old/summary.json' },
    work,
  );
  assert.equal(env.EVAL_WORKDIR, work);
  const params = resolveParams(defaults, env, kernelCwd);
  assert.deepEqual(params.models, [path.join(work, 'runs', 'a'), path.join(tmp, 'abs', 'b')]);
  assert.equal(params.full, path.join(work, 'final', 'f.csv'));
  assert.equal(params.baseline, path.join(tmp, 'old', 'summary.json'));
  const shown = (file: string): string => shownPath(file, params.shownAs);
  assert.equal(
    shown(path.join(work, 'runs', 'a', 'detected_anomalies.csv')),
    path.join('runs', 'a', 'detected_anomalies.csv'),
  );
  assert.equal(shown(params.full), 'final/f.csv');
  assert.equal(shown(params.baseline!), '../old/summary.json');
  assert.equal(shown(path.join(tmp, 'abs', 'b')), path.join(tmp, 'abs', 'b'), 'typed absolute: shown absolute');
  const described = describeParams(params);
  assert.match(described, /models: +runs\/a\n/);
  assert.match(described, /full: +final\/f\.csv\n/);
  assert.ok(!described.includes(work), described);
  // The notebook's own defaults show as written in it, relative to the notebook.
  assert.match(describeParams(resolveParams(defaults, {}, kernelCwd)), /full: +\.\.\/data\/f\.csv/);
  // All absolute: no EVAL_WORKDIR, the same paths back.
  assert.equal(paramsToEnv({ models: ['/m/1'], full: '/f.csv' }).EVAL_WORKDIR, undefined);
  // An error message from the kernel, its paths put back as typed.
  assert.equal(
    shownText(`${path.join(work, 'final', 'f.csv')}:12:3: bad; ${path.join(work, 'runs', 'ab')}`, params.shownAs),
    `final/f.csv:12:3: bad; ${path.join(work, 'runs', 'ab')}`,
  );
});

test('file problems in words: folders named as folders, no system code alone', async () => {
  const folder = path.join(tmp, 'a-folder');
  fs.mkdirSync(folder, { recursive: true });
  await assert.rejects(readHeader(folder), refused(/a-folder: is a folder; expected a tab-separated table file$/));
  assert.throws(() => readBaseline(folder), refused(/a-folder: is a folder; expected an earlier summary\.json file$/));
  assert.throws(
    () => anomaliesFile(path.join(tmp, 'no-such-run')),
    refused(/no-such-run: folder not found; expected a model run folder holding detected_anomalies\.csv$/),
  );
  assert.throws(
    () => anomaliesFile(path.join(tmp, 'no-such.csv')),
    refused(/no-such\.csv: file not found; expected a model run's detected_anomalies\.csv/),
  );
  assert.throws(
    () => anomaliesFile(folder),
    refused(/a-folder: the folder holds no detected_anomalies\.csv; expected a model run folder$/),
  );
  await assert.rejects(loadRuns([path.join(tmp, 'no-such-run')]), refused(/folder not found/));
  for (const [code, words] of [
    ['ENOENT', 'not found (ENOENT)'],
    ['EISDIR', 'is a folder, not a file (EISDIR)'],
    ['EACCES', 'permission denied (EACCES)'],
  ]) {
    assert.equal(fileProblem(Object.assign(new Error(`${code}: x`), { code })), words);
  }
  assert.equal(
    fileProblem(Object.assign(new Error('EWEIRD: something odd'), { code: 'EWEIRD' })),
    'EWEIRD: something odd',
  );
  assert.ok(samePath(path.join(tmp, 'x', '..', 'summary.json'), path.join(tmp, 'summary.json')));
  assert.ok(!samePath(path.join(tmp, 'a.json'), path.join(tmp, 'b.json')));
});

test('choices the runs cannot honour are ChoiceErrors (one line), still RangeErrors', async () => {
  const runs = await loadRuns([RUN_5T]);
  assert.throws(
    () => pickReference(runs, '7T'),
    (e: unknown) =>
      e instanceof ChoiceError && e instanceof RangeError && /Reference run "7T" not found/.test(e.message),
  );
  await assert.rejects(loadRuns([]), ChoiceError);
});

test("the report's cell errors: an input error is its one line, any other keeps its stack", () => {
  const event = (ename: string, evalue: string, traceback: string[]) =>
    ({ event: 'error', index: 3, first: 'x', ename, evalue, traceback }) as const;
  // tslab sends a throwing cell as stderr text: source line, caret, the error, its frames.
  const stderr = [
    'evalmachine.<anonymous>:8\nconst fullRead = await readFullDataset(params);\n^\n',
    'InputError: /w/full.csv:1021:4134: row has 4133 fields, expected 6310\n    at describe (/p/dist/lib/reader/read-threads.js:235:20)',
  ];
  assert.equal(inputErrorLine(event('', '', stderr)), '/w/full.csv:1021:4134: row has 4133 fields, expected 6310');
  assert.equal(
    inputErrorLine(event('ParamError', 'EVAL_SEED: expected a whole number ≥ 0, found "x"', [])),
    'EVAL_SEED: expected a whole number ≥ 0, found "x"',
  );
  assert.equal(
    inputErrorLine(event('', '', ['ChoiceError: Reference run "7T" not found; runs are: 5T'])),
    'Reference run "7T" not found; runs are: 5T',
  );
  assert.equal(
    inputErrorLine(
      event('', '', ["TypeError: Cannot read properties of undefined (reading 'x')", '    at f (x.js:1:1)']),
    ),
    undefined,
  );
  assert.equal(inputErrorLine(event('RangeError', 'Invalid array length', [])), undefined);
});

test('.ci/run names the Debian packages of the classic Notebook live test', () => {
  const ci = fs.readFileSync(path.join(root, '.ci', 'run'), 'utf8');
  const packages = /^packages=\(([^)]*)\)/m.exec(ci)?.[1].split(/\s+/) ?? [];
  for (const name of ['jupyter-notebook', 'python3-ipywidgets', 'python3-notebook', 'jupyter-nbconvert', 'chromium'])
    assert.ok(packages.includes(name), `${name} in ${packages.join(' ')}`);
});
