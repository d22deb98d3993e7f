/** Family statistics: the summary's semantics (missing skipped, inf propagates, empty groups NaN) and precise sums. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { FamilyStatsAccumulator, familyStats } from '../lib/table/stats';
import { readTable } from '../lib/loaders';
import type { Frame } from '../lib/table/frame';

const H = (family: string, minute: number) =>
  `('${family}', '${family.split('_')[0]}_2019-02-01 10:${String(minute).padStart(2, '0')}:00')`;

async function frameOf(lines: string[][]): Promise<Frame> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'stats-test-'));
  try {
    const file = path.join(dir, 't.tsv');
    fs.writeFileSync(file, `${lines.map((l) => l.join('\t')).join('\n')}\n`);
    return await readTable(file);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

test('missing values skipped, zeros counted, max and nonzeroShare per family and role', async () => {
  const frame = await frameOf([
    ['', H('avg_X', 0), 'host0', H('avg_X', 5), H('sum_X', 0), H('sum_X', 5)],
    ['a source', '2.0', '9', '', '0.0', '-3'],
    ['b source', '0.0', '9', '4', '', ''],
    ['c dst', '', '9', '', '', ''],
  ]);
  const stats = familyStats(frame);
  assert.deepEqual([...stats.keys()], ['avg_X', 'sum_X']);
  assert.deepEqual(stats.get('avg_X')!.source, { ips: 2, values: 3, mean: 2, max: 4, nonzeroShare: 2 / 3 });
  assert.deepEqual(stats.get('sum_X')!.source, { ips: 2, values: 2, mean: -1.5, max: 0, nonzeroShare: 0.5 });
  // An empty group: rows but no values.
  assert.deepEqual(stats.get('avg_X')!.dst, { ips: 1, values: 0, mean: NaN, max: NaN, nonzeroShare: NaN });
  // Only some rows.
  assert.deepEqual(familyStats(frame, [1]).get('avg_X')!.source, {
    ips: 1,
    values: 2,
    mean: 2,
    max: 4,
    nonzeroShare: 0.5,
  });
  assert.deepEqual(familyStats(frame, []).get('avg_X')!.source, {
    ips: 0,
    values: 0,
    mean: NaN,
    max: NaN,
    nonzeroShare: NaN,
  });
});

test('infinities propagate: inf mean and max, -inf mean, both give NaN mean', async () => {
  const frame = await frameOf([
    ['', H('avg_X', 0), H('avg_X', 5), H('sum_X', 0), H('sum_X', 5), H('std_X', 0), H('std_X', 5)],
    ['a source', 'inf', '1.0', '-inf', '5', 'inf', '-inf'],
    ['b dst', '-inf', '-inf', '', '', '', ''],
  ]);
  const stats = familyStats(frame);
  assert.deepEqual(stats.get('avg_X')!.source, { ips: 1, values: 2, mean: Infinity, max: Infinity, nonzeroShare: 1 });
  assert.deepEqual(stats.get('sum_X')!.source, { ips: 1, values: 2, mean: -Infinity, max: 5, nonzeroShare: 1 });
  assert.ok(Number.isNaN(stats.get('std_X')!.source.mean));
  assert.equal(stats.get('std_X')!.source.max, Infinity);
  assert.deepEqual(stats.get('avg_X')!.dst, { ips: 1, values: 2, mean: -Infinity, max: -Infinity, nonzeroShare: 1 });
});

test('sums are compensated: 1e16 plus a thousand ones keeps the ones', async () => {
  const header = ['', ...Array.from({ length: 11 }, (_, m) => H('sum_X', m * 5))];
  const rows = [['big source', '1e16', ...Array(10).fill('1')]];
  for (let r = 0; r < 99; r++) rows.push([`r${r} source`, ...Array(11).fill('1')]);
  const frame = await frameOf([header, ...rows]);
  const mean = familyStats(frame).get('sum_X')!.source.mean;
  assert.equal(mean, (1e16 + 1099) / 1100); // a plain left-to-right sum would lose the ones
});

test('merging partial accumulators gives the single-pass result (to 1e-12 relative)', async () => {
  const header = [
    '',
    ...Array.from({ length: 8 }, (_, m) => H('avg_X', m * 5)),
    ...Array.from({ length: 8 }, (_, m) => H('sum_X', m * 5)),
  ];
  let x = 12345;
  const next = () => (x = (x * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
  const rows = Array.from({ length: 500 }, (_, r) => [
    `${r}${r % 2 ? 'dst' : 'source'}`,
    ...header.slice(1).map(() => (next() < 0.5 ? '0.0' : String(next() * 10 ** Math.floor(next() * 8)))),
  ]);
  const frame = await frameOf([header, ...rows]);
  const whole = familyStats(frame);
  const parts = [
    new FamilyStatsAccumulator(frame.columns),
    new FamilyStatsAccumulator(frame.columns),
    new FamilyStatsAccumulator(frame.columns),
  ];
  for (let r = 0; r < frame.nRows; r++) parts[r % 3].addRow(frame.roles[r], frame.row(r));
  parts[0].merge(parts[1]);
  parts[0].merge(parts[2]);
  const merged = parts[0].result();
  for (const [family, roles] of whole) {
    for (const role of ['source', 'dst'] as const) {
      const a = roles[role];
      const b = merged.get(family)![role];
      assert.equal(b.ips, a.ips);
      assert.equal(b.values, a.values);
      assert.equal(b.max, a.max);
      assert.equal(b.nonzeroShare, a.nonzeroShare);
      assert.ok(Math.abs(b.mean - a.mean) <= 1e-12 * Math.abs(a.mean), `${family} ${role}: ${b.mean} vs ${a.mean}`);
    }
  }
});

test('a sum beyond the largest double keeps a finite mean (no NaN from overflow), in one pass and merged', async () => {
  const header = ['', H('sum_X', 0), H('sum_X', 5), H('avg_X', 0), H('avg_X', 5)];
  const frame = await frameOf([
    header,
    ['a source', '1.7e308', '1.7e308', '-1.5e308', '1e-300'],
    ['b source', '1.6e308', '0.0', '-1.5e308', '-1e308'],
    ['c dst', '1e300', '2.5', '', '5e-324'],
  ]);
  const stats = familyStats(frame);
  // Means computed here exactly enough: each sum divided before adding.
  const close = (a: number, b: number) => assert.ok(Math.abs(a - b) <= 1e-15 * Math.abs(b), `${a} vs ${b}`);
  close(stats.get('sum_X')!.source.mean, 1.7e308 / 4 + 1.7e308 / 4 + 1.6e308 / 4);
  assert.equal(stats.get('sum_X')!.source.max, 1.7e308);
  close(stats.get('avg_X')!.source.mean, -1.5e308 / 4 - 1.5e308 / 4 - 1e308 / 4 + 1e-300 / 4);
  // Small values next to a huge one are not lost, and tiny ones alone keep their exact mean.
  close(stats.get('sum_X')!.dst.mean, 1e300 / 2);
  assert.equal(stats.get('avg_X')!.dst.mean, 5e-324);
  const parts = [new FamilyStatsAccumulator(frame.columns), new FamilyStatsAccumulator(frame.columns)];
  for (let r = 0; r < frame.nRows; r++) parts[r % 2].addRow(frame.roles[r], frame.row(r));
  parts[0].merge(parts[1]);
  assert.equal(parts[0].result().get('sum_X')!.source.mean, stats.get('sum_X')!.source.mean);
});
