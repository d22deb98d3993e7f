/**
 * Baselines: what is refused (with the file named, and where in it), and what a comparison lists.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { readBaseline } from '../lib/baseline-summary';
import { compareWithBaseline, largestMoves } from '../lib/changes';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'baseline-'));
process.on('exit', () => fs.rmSync(dir, { recursive: true, force: true }));

function write(name: string, text: string): string {
  const file = path.join(dir, name);
  fs.writeFileSync(file, text);
  return file;
}

const stats = (mean: number | null) => ({ ips: 1, values: 1, mean, max: mean, nonzeroShare: 1 });
const family = (a: number | null, n: number | null) => ({ anomalous: { source: stats(a), dst: stats(a) }, normal: { source: stats(n), dst: stats(n) } });

function summary(overrides: Record<string, unknown> = {}) {
  return {
    schemaVersion: 2, reference: '5T', runs: [], overlaps: [], full: {}, sample: { size: 1, seed: 42 },
    families: { avg_Length: family(60, 40), sum_Length: family(100, 10) },
    findings: [
      { id: 'a.same', section: 'Length', family: 'avg_Length', verdict: 'holds', evidence: '' },
      { id: 'a.flips', section: 'Length', family: 'avg_Length', verdict: 'holds', evidence: '' },
      { id: 'a.gone', section: 'Length', family: 'avg_Length', verdict: 'inconclusive', evidence: '' },
    ],
    anomalies: [{ label: '1.1.1.1source', reasons: [] }, { label: '2.2.2.2dst', reasons: [] }],
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
  refuses(() => readBaseline(write('cut.json', '{"schemaVersion": 2')), `${path.join(dir, 'cut.json')}:1:20: not JSON (it ends early)`);
  const other = write('other.json', JSON.stringify({ name: 'a package.json' }));
  refuses(() => readBaseline(other), `${other}: not a summary.json`);
  const v1 = write('v1.json', JSON.stringify({ ...summary(), schemaVersion: 1, anomalies: undefined, findings: undefined }));
  refuses(() => readBaseline(v1), `${v1}: a summary.json of version 1 has no anomalies and findings`);
  assert.deepEqual(readBaseline(write('ok.json', JSON.stringify(summary()))).reference, '5T');
});

test('a baseline with no family in common is refused', () => {
  const file = write('other-families.json', JSON.stringify(summary({ families: { avg_X: family(1, 1) } })));
  const baseline = readBaseline(file);
  refuses(() => compareWithBaseline(baseline, file, summary() as never, []), `${file}: no family in common with this evaluation (baseline: avg_X; now: avg_Length, sum_Length)`);
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
  const changes = compareWithBaseline(readBaseline(file), file, now as never, ['9.9.9.9source', '1.1.1.1source', '3.3.3.3dst']);
  assert.deepEqual(changes.anomalies, { added: ['3.3.3.3dst', '9.9.9.9source'], removed: ['2.2.2.2dst'], kept: 1 });
  assert.deepEqual(changes.findings, [
    { id: 'a.flips', from: 'holds', to: 'does not hold' },
    { id: 'a.new', from: null, to: 'descriptive' },
    { id: 'a.gone', from: 'inconclusive', to: null },
  ]);
  assert.deepEqual(Object.keys(changes.families), ['avg_Length', 'sum_Length']);
  assert.deepEqual(changes.families.avg_Length.anomalous.source, { meanFrom: 60, meanTo: 30 });
  const moves = largestMoves(changes);
  assert.deepEqual(moves.map((m) => [m.family, m.group, m.role, m.from, m.to]), [['avg_Length', 'anomalous', 'source', 60, 30], ['avg_Length', 'anomalous', 'dst', 60, 30]]);
});
