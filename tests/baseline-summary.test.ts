/**
 * Baselines: what is refused (with the file named, and where in it), and what a comparison lists.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { demoDataset } from './demo-dataset';
import { readBaseline } from '../lib/summary/baseline-summary';
import { compareWithBaseline, largestMoves } from '../lib/summary/changes';
import { spawnSync } from 'node:child_process';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'baseline-'));
process.on('exit', () => fs.rmSync(dir, { recursive: true, force: true }));

function write(name: string, text: string): string {
  const file = path.join(dir, name);
  fs.writeFileSync(file, text);
  return file;
}

const stats = (mean: number | null) => ({ ips: 1, values: 1, mean, max: mean, nonzeroShare: 1 });
const family = (a: number | null, n: number | null) => ({
  anomalous: { source: stats(a), dst: stats(a) },
  normal: { source: stats(n), dst: stats(n) },
});

function summary(overrides: Record<string, unknown> = {}) {
  return {
    schemaVersion: 2,
    reference: '5T',
    runs: [],
    overlaps: [],
    full: {},
    sample: { size: 1, seed: 42 },
    families: { avg_Length: family(60, 40), sum_Length: family(100, 10) },
    findings: [
      { id: 'a.same', section: 'Length', family: 'avg_Length', verdict: 'holds', evidence: '' },
      { id: 'a.flips', section: 'Length', family: 'avg_Length', verdict: 'holds', evidence: '' },
      { id: 'a.gone', section: 'Length', family: 'avg_Length', verdict: 'inconclusive', evidence: '' },
    ],
    anomalies: [
      { label: '1.1.1.1source', reasons: [] },
      { label: '2.2.2.2dst', reasons: [] },
    ],
    ...overrides,
  };
}

/** An assertion that `run` throws an error whose message starts with `prefix` and matches `rest`. */
function refuses(run: () => unknown, prefix: string, rest = /./): void {
  assert.throws(run, (e: Error) => {
    assert.ok(e.message.startsWith(prefix), e.message);
    assert.match(e.message, rest);
    return true;
  });
}

test('a missing file, text that is not JSON, JSON that is not a summary and a version 1 summary are refused, naming the file', () => {
  refuses(() => readBaseline(path.join(dir, 'nope.json')), `${path.join(dir, 'nope.json')}: no such baseline file`);
  const broken = write('broken.json', '{\n  "schemaVersion": 2,\n  "runs": [,]\n}\n');
  refuses(() => readBaseline(broken), `${broken}:3:12: not JSON (found ","); expected an earlier summary.json`);
  refuses(
    () => readBaseline(write('cut.json', '{"schemaVersion": 2')),
    `${path.join(dir, 'cut.json')}:1:20: not JSON (it ends early)`,
  );
  const other = write('other.json', JSON.stringify({ name: 'a package.json' }));
  refuses(() => readBaseline(other), `${other}: not a summary.json`);
  const v1 = write(
    'v1.json',
    JSON.stringify({ ...summary(), schemaVersion: 1, anomalies: undefined, findings: undefined }),
  );
  refuses(() => readBaseline(v1), `${v1}: a summary.json of version 1 has no anomalies and findings`);
  assert.deepEqual(readBaseline(write('ok.json', JSON.stringify(summary()))).reference, '5T');
});

test('a baseline with no family in common is refused', () => {
  const file = write('other-families.json', JSON.stringify(summary({ families: { avg_X: family(1, 1) } })));
  const baseline = readBaseline(file);
  refuses(
    () => compareWithBaseline(baseline, file, summary() as never, []),
    `${file}: no family in common with this evaluation (baseline: avg_X; now: avg_Length, sum_Length)`,
  );
});

test('the comparison lists added and removed anomalies, changed findings and moved means', () => {
  const file = write('base.json', JSON.stringify(summary()));
  const now = summary({
    families: { avg_Length: family(30, 40), sum_Length: family(100, 10), new_family: family(1, 1) },
    findings: [
      { id: 'a.same', section: 'Length', family: 'avg_Length', verdict: 'holds', evidence: '' },
      { id: 'a.flips', section: 'Length', family: 'avg_Length', verdict: 'does not hold', evidence: '' },
      { id: 'a.new', section: 'Length', family: 'avg_Length', verdict: 'descriptive', evidence: '' },
    ],
  });
  const changes = compareWithBaseline(readBaseline(file), file, now as never, [
    '9.9.9.9source',
    '1.1.1.1source',
    '3.3.3.3dst',
  ]);
  assert.deepEqual(changes.anomalies, { added: ['3.3.3.3dst', '9.9.9.9source'], removed: ['2.2.2.2dst'], kept: 1 });
  assert.deepEqual(changes.findings, [
    { id: 'a.flips', from: 'holds', to: 'does not hold' },
    { id: 'a.new', from: null, to: 'descriptive' },
    { id: 'a.gone', from: 'inconclusive', to: null },
  ]);
  assert.deepEqual(Object.keys(changes.families), ['avg_Length', 'sum_Length']);
  assert.deepEqual(changes.families.avg_Length.anomalous.source, { meanFrom: 60, meanTo: 30 });
  const moves = largestMoves(changes);
  assert.deepEqual(
    moves.map((m) => [m.family, m.group, m.role, m.from, m.to]),
    [
      ['avg_Length', 'anomalous', 'source', 60, 30],
      ['avg_Length', 'anomalous', 'dst', 60, 30],
    ],
  );
});

test("a version 3 baseline lists every run's IPs: the comparison keeps to its reference run's", () => {
  const file = write(
    'base-v3.json',
    JSON.stringify(
      summary({
        schemaVersion: 3,
        anomalies: [
          { label: '1.1.1.1source', runs: ['30T', '5T'], reasons: [] },
          { label: '2.2.2.2dst', runs: ['5T'], reasons: [] },
          { label: '7.7.7.7dst', runs: ['30T'], reasons: [] },
        ],
      }),
    ),
  );
  const changes = compareWithBaseline(readBaseline(file), file, summary() as never, ['1.1.1.1source', '7.7.7.7dst']);
  assert.deepEqual(changes.anomalies, { added: ['7.7.7.7dst'], removed: ['2.2.2.2dst'], kept: 1 });
});

test('a rerun with a dozen more flagged IPs lists exactly those as added, none removed, the rest kept; refusals write nothing', () => {
  const root = path.resolve(__dirname, '..', '..');
  const node = (script: string, args: string[]) =>
    spawnSync(process.execPath, [path.join(root, 'dist', script), ...args], { encoding: 'utf8', timeout: 300_000 });
  const { models: runs, full: fullPath } = demoDataset(path.join(dir, 'data'));
  const first = path.join(dir, 'first.json');
  const run1 = node('cli/summary.js', ['--models', ...runs, '--full', fullPath, '--out', first]);
  assert.equal(run1.status, 0, run1.stderr);

  // The new 5T run: the old rows and twelve rows of normal IPs from the full table (is_anomaly -1 appended).
  const fiveT = fs.readFileSync(path.join(runs[2], 'detected_anomalies.csv'), 'utf8').trimEnd().split('\n');
  const flagged = new Set(fiveT.slice(1).map((line) => line.slice(0, line.indexOf('\t'))));
  const extra = fs
    .readFileSync(fullPath, 'utf8')
    .split('\n')
    .slice(1)
    .filter((line) => line && !flagged.has(line.slice(0, line.indexOf('\t'))))
    .filter((_, i) => i % 97 === 5)
    .slice(0, 12);
  assert.equal(extra.length, 12);
  const rerun = path.join(dir, 'rerun-5T');
  fs.mkdirSync(rerun);
  fs.writeFileSync(
    path.join(rerun, 'detected_anomalies.csv'),
    `${[...fiveT, ...extra.map((line) => `${line}\t-1`)].join('\n')}\n`,
  );
  const second = path.join(dir, 'second.json');
  const run2 = node('cli/summary.js', [
    '--models',
    runs[0],
    runs[1],
    rerun,
    '--full',
    fullPath,
    '--baseline',
    first,
    '--out',
    second,
  ]);
  assert.equal(run2.status, 0, run2.stderr);
  const changes = JSON.parse(fs.readFileSync(second, 'utf8')).changes;
  const added = extra.map((line) => line.slice(0, line.indexOf('\t'))).sort((a, b) => (a < b ? -1 : 1));
  assert.deepEqual(changes.anomalies, { added, removed: [], kept: flagged.size });
  assert.equal(changes.baseline, first);
  assert.ok(Object.keys(changes.families).length > 0);

  // Refusals: the command exits non-zero naming the file, and writes nothing.
  const out = path.join(dir, 'refused', 'summary.json');
  for (const [baseline, why] of [
    [path.join(dir, 'missing.json'), 'no such baseline file'],
    [write('v1.json', JSON.stringify({ ...summary(), schemaVersion: 1 })), 'version 1'],
  ]) {
    const refused = node('cli/summary.js', [
      '--models',
      ...runs,
      '--full',
      fullPath,
      '--baseline',
      baseline,
      '--out',
      out,
    ]);
    assert.equal(refused.status, 1);
    assert.match(refused.stderr, new RegExp(`summary: ${baseline.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: .*${why}`));
    assert.ok(!fs.existsSync(path.dirname(out)), 'nothing written');
  }
  const report = node('cli/report.js', [
    '--models',
    ...runs,
    '--full',
    fullPath,
    '--baseline',
    path.join(dir, 'missing.json'),
    '--out',
    path.join(dir, 'report'),
  ]);
  assert.equal(report.status, 1);
  assert.match(report.stderr, /report: .*missing\.json: no such baseline file/);
  assert.ok(!fs.existsSync(path.join(dir, 'report')), 'the report wrote nothing');
});
