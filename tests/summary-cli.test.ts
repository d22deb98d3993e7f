/**
 * `npm run summary` end to end on generated demo data: every summary.json number is compared with
 * the independent reader in tests/independent.ts, and the command's usage errors are checked.
 */
import { after, before, describe, test } from 'node:test';
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { VERDICT_STATUSES, allFindings } from '../lib/findings';
import {
  type Stats,
  type Table,
  assertStatsClose,
  commonCount,
  familyStatsOf,
  freqOf,
  readTsv,
  valueHeaders,
} from './independent';

const root = path.resolve(__dirname, '..', '..');
const SUMMARY = path.join(root, 'dist', 'cli', 'summary.js');
const GENERATOR = path.join(root, 'dist', 'data', 'generate.js');
const RUNS = ['models_2019_06_01_21_21', 'models_2019_06_01_21_44', 'models_2019_06_01_22_11'];

interface SummaryJson {
  schemaVersion: number;
  reference: string;
  runs: {
    name: string;
    path: string;
    rows: number;
    valueColumns: number;
    columns: number;
    windows: number;
    freq: string;
    start: string;
    end: string;
    families: string[];
  }[];
  overlaps: { runs: string[]; common: number }[];
  full: {
    path: string;
    rows: number;
    valueColumns: number;
    normalRows: number;
    anomalousNotInFull: number;
    anomalousNotInFullLabels: string[];
  };
  sample: { size: number; seed: number };
  families: Record<string, Record<'anomalous' | 'normal', Record<'source' | 'dst', Stats>>>;
  findings: { id: string; section: string; family: string | null; verdict: string; evidence: string }[];
}

function summary(args: string[]) {
  return spawnSync(process.execPath, [SUMMARY, ...args], { encoding: 'utf8', timeout: 120_000 });
}

describe('npm run summary on generated demo data', () => {
  let work = '';
  let tables: Table[] = [];
  let full: Table;
  let json: SummaryJson;
  let outFile = '';

  before(() => {
    work = fs.mkdtempSync(path.join(os.tmpdir(), 'summary-cli-'));
    const data = path.join(work, 'data');
    const gen = spawnSync(process.execPath, [GENERATOR, '--scale', 'demo', '--out', data], { encoding: 'utf8' });
    assert.equal(gen.status, 0, gen.stderr);
    const models = RUNS.map((r) => path.join(data, 'models', r));
    tables = models.map((m) => readTsv(path.join(m, 'detected_anomalies.csv')));
    const fullPath = path.join(data, 'final', 'final_dataset_5T.csv');
    full = readTsv(fullPath);
    outFile = path.join(work, 'out', 'summary.json');
    const run = summary([
      '--models',
      ...models,
      '--full',
      fullPath,
      '--sample',
      '300',
      '--seed',
      '7',
      '--out',
      outFile,
    ]);
    assert.equal(run.status, 0, run.stderr);
    assert.match(run.stderr, /\[summary\] full: .*100%/, 'progress on stderr');
    json = JSON.parse(fs.readFileSync(outFile, 'utf8')) as SummaryJson;
  });

  after(() => {
    if (work) fs.rmSync(work, { recursive: true, force: true });
  });

  test('every finding of the seed, by id, with its verdict and evidence', () => {
    assert.deepEqual(
      json.findings.map((f) => f.id),
      allFindings().map((f) => f.id),
    );
    for (const f of json.findings) {
      assert.ok(VERDICT_STATUSES.includes(f.verdict as never), f.verdict);
      assert.ok(f.evidence.length > 0);
      assert.ok(f.section === 'overlap' ? f.family === null : typeof f.family === 'string', f.id);
    }
  });

  test('anomalies: every row any run flagged, once, by descending score, with the runs that flag it; campaigns of them', () => {
    const { anomalies, campaigns } = json as unknown as {
      anomalies: {
        label: string;
        role: string;
        runs: string[];
        score: number;
        explained: boolean;
        reasons: { score: number; kind: string; windows: { from: string; to: string } }[];
      }[];
      campaigns: { id: string; name: string; members: string[] }[];
    };
    const flagged = new Set(tables.flatMap((t) => t.index));
    assert.deepEqual(anomalies.map((a) => a.label).sort(), [...flagged].sort());
    for (let i = 1; i < anomalies.length; i++) assert.ok(anomalies[i - 1].score >= anomalies[i].score);
    for (const a of anomalies) {
      const runs = ['30T', '10T', '5T'].filter((_, k) => tables[k].index.includes(a.label));
      assert.deepEqual(a.runs, runs, a.label);
      assert.equal(a.role, a.label.endsWith('source') ? 'source' : 'dst');
      assert.ok(a.reasons.length <= 5, a.label);
      assert.equal(a.explained, a.reasons.length > 0, a.label);
      if (a.explained) assert.equal(a.score, a.reasons[0].score);
      for (const r of a.reasons) {
        assert.ok(r.kind === 'vs-normal' || r.kind === 'vs-own-history');
        assert.ok(r.windows.from <= r.windows.to);
      }
    }
    // the IPs only coarser runs flagged are explained from the full table, like the others
    const elsewhere = anomalies.filter((a) => !a.runs.includes('5T'));
    assert.ok(elsewhere.length > 0 && elsewhere.some((a) => a.explained));
    // campaigns: unique names, every member a flagged IP in at most one campaign
    const members = campaigns.flatMap((c) => c.members);
    assert.equal(new Set(members).size, members.length);
    assert.ok(members.every((m) => flagged.has(m)));
    assert.equal(new Set(campaigns.map((c) => c.name)).size, campaigns.length);
  });

  test('runs, names, windows and the finest run as reference', () => {
    assert.equal(json.schemaVersion, 3);
    assert.deepEqual(
      json.runs.map((r) => r.name),
      tables.map(freqOf),
    );
    assert.deepEqual(
      json.runs.map((r) => r.name),
      ['30T', '10T', '5T'],
    );
    assert.equal(json.reference, '5T');
    json.runs.forEach((run, i) => {
      const values = valueHeaders(tables[i]);
      assert.equal(run.rows, tables[i].index.length);
      assert.equal(run.valueColumns, values.length);
      assert.equal(run.columns, tables[i].headers.length);
      const starts = [...new Set(values.map((v) => v.start))].sort((a, b) => a - b);
      assert.equal(run.windows, starts.length);
      assert.equal(run.start, new Date(starts[0]).toISOString().slice(0, 19));
      assert.equal(run.end, new Date(starts[starts.length - 1]).toISOString().slice(0, 19));
      assert.deepEqual(run.families, [...new Set(values.map((v) => v.family))]);
    });
  });

  test('overlaps, full-table counts and the sample', () => {
    assert.deepEqual(json.overlaps, [
      { runs: ['30T', '5T'], common: commonCount([tables[0], tables[2]]) },
      { runs: ['10T', '5T'], common: commonCount([tables[1], tables[2]]) },
      { runs: ['30T', '10T', '5T'], common: commonCount(tables) },
    ]);
    const anomalous = new Set(tables[2].index);
    const inFull = full.index.filter((label) => anomalous.has(label)).length;
    assert.deepEqual(
      {
        rows: json.full.rows,
        valueColumns: json.full.valueColumns,
        normalRows: json.full.normalRows,
        anomalousNotInFull: json.full.anomalousNotInFull,
        anomalousNotInFullLabels: json.full.anomalousNotInFullLabels,
      },
      {
        rows: full.index.length,
        valueColumns: valueHeaders(full).length,
        normalRows: full.index.length - inFull,
        anomalousNotInFull: anomalous.size - inFull,
        anomalousNotInFullLabels: tables[2].index.filter((label) => !full.index.includes(label)),
      },
    );
    assert.deepEqual(json.sample, { size: Math.min(300, full.index.length - inFull), seed: 7 });
  });

  test('every family statistic equals the independent computation', () => {
    const anomalous = new Set(tables[2].index);
    const families = [...new Set(valueHeaders(tables[2]).map((v) => v.family))];
    assert.deepEqual(Object.keys(json.families), families);
    for (const family of families) {
      for (const role of ['source', 'dst'] as const) {
        assertStatsClose(
          json.families[family].anomalous[role],
          familyStatsOf(tables[2], family, role, () => true),
          `${family} anomalous ${role}`,
        );
        assertStatsClose(
          json.families[family].normal[role],
          familyStatsOf(full, family, role, (l) => !anomalous.has(l)),
          `${family} normal ${role}`,
        );
      }
    }
  });

  test('inputs that cannot be evaluated are refused in one line, before any file is written', () => {
    const data = path.join(work, 'data');
    const models = RUNS.map((r) => path.join(data, 'models', r));
    const out = path.join(work, 'refused', 'summary.json');
    const refusedWith = (args: string[], status: number, pattern: RegExp): string => {
      const run = summary([...args, '--out', out]);
      assert.equal(run.status, status, run.stderr);
      const lines = run.stderr.split('\n').filter((line) => line !== '' && !line.startsWith('[summary]'));
      assert.match(lines[0], pattern);
      assert.equal(lines.length, status === 2 ? 2 : 1, `one line (and the usage):\n${run.stderr}`);
      assert.doesNotMatch(run.stderr, /^\s+at /m, 'no stack trace');
      assert.ok(!fs.existsSync(path.dirname(out)), 'nothing written');
      return run.stderr;
    };
    // A model run's file given as the full table.
    const modelFile = path.join(models[2], 'detected_anomalies.csv');
    refusedWith(
      ['--models', ...models, '--full', modelFile],
      1,
      /^summary: .*detected_anomalies\.csv: 0 normal rows: all 56 rows are flagged rows\. Is this a model run's file\?/,
    );
    // A table cut at a line end: most flagged rows missing.
    const lines = fs.readFileSync(path.join(data, 'final', 'final_dataset_5T.csv'), 'utf8').split('\n');
    const cut = path.join(work, 'cut.csv');
    fs.writeFileSync(cut, `${lines.slice(0, 1000).join('\n')}\n`);
    const flagged = tables[2].index;
    const present = new Set(readTsv(cut).index);
    const missing = flagged.filter((label) => !present.has(label));
    assert.ok(missing.length * 2 > flagged.length, `the cut lacks ${missing.length} of ${flagged.length}`);
    refusedWith(
      ['--models', ...models, '--full', cut],
      1,
      new RegExp(
        `cut\\.csv: lacks ${missing.length} of the ${flagged.length} flagged rows \\(${missing[0]}, .*--allow-missing`,
      ),
    );
    // The user goes on on purpose: the missing rows counted on the terminal and in summary.json, in order.
    const allowed = summary(['--models', ...models, '--full', cut, '--allow-missing', '--sample', '50', '--out', out]);
    assert.equal(allowed.status, 0, allowed.stderr);
    assert.match(
      allowed.stderr,
      new RegExp(
        `summary: warning: the full dataset .*cut\\.csv lacks ${missing.length} of the ${flagged.length} flagged rows: ${missing[0]}, `,
      ),
    );
    const written = JSON.parse(fs.readFileSync(out, 'utf8')) as { full: { anomalousNotInFullLabels: string[] } };
    assert.deepEqual(written.full.anomalousNotInFullLabels, missing);
    // The baseline this run would overwrite.
    const before = fs.readFileSync(out, 'utf8');
    const overwrite = summary(['--models', ...models, '--full', cut, '--baseline', out, '--out', out]);
    assert.equal(overwrite.status, 2, overwrite.stderr);
    assert.match(overwrite.stderr, /--baseline .* is the file --out writes: it would be overwritten; .*a new --out/);
    assert.equal(fs.readFileSync(out, 'utf8'), before, 'the baseline is untouched');
    fs.rmSync(path.dirname(out), { recursive: true });
    // Folders and choices in words.
    refusedWith(
      ['--models', ...models, '--full', cut, '--baseline', data],
      1,
      /: is a folder; expected an earlier summary\.json file$/,
    );
    refusedWith(
      ['--models', path.join(work, 'nowhere'), '--full', cut],
      1,
      /nowhere: folder not found; expected a model run folder/,
    );
    refusedWith(['--models', ...models, '--full', data], 1, /data: is a folder; expected a tab-separated table file$/);
    refusedWith(
      ['--models', ...models, '--full', cut, '--reference', '7T'],
      1,
      /^summary: Reference run "7T" not found; runs are: 30T, 10T, 5T$/,
    );
  });

  test('usage errors exit 2 with the usage line; a missing file exits 1 naming it', () => {
    const usage = summary(['--models']);
    assert.equal(usage.status, 2);
    assert.match(usage.stderr, /--models needs at least one value\nusage: npm run summary/);
    assert.equal(summary(['--full', 'x.csv']).status, 2);
    assert.equal(summary(['--bogus']).status, 2);
    const hugeSeed = summary(['--models', 'x', '--full', 'y.csv', '--seed', '99999999999999999999']);
    assert.equal(hugeSeed.status, 2, hugeSeed.stderr);
    assert.match(hugeSeed.stderr, /--seed .*99999999999999999999/);
    const missing = summary(['--models', path.join(work, 'nowhere'), '--full', path.join(work, 'none.csv')]);
    assert.equal(missing.status, 1);
    assert.match(missing.stderr, /nowhere/);
    assert.doesNotMatch(missing.stderr, /^\s+at /m, 'no stack trace for a missing file');
  });
});
