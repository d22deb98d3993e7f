import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Frame } from '../lib/table/frame';
import { parseColumnKey } from '../lib/table/columns';
import { buildSummary } from '../lib/summary/summary';
import { jsonNumber } from '../lib/types';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { type Run, loadRuns, pickReference } from '../lib/evaluation/runs';
import type { GroupStats, RoleStats } from '../lib/types';

function frame(labels: string[], starts: string[], families: string[]): Frame {
  const columns = [
    ...families.flatMap((family) => starts.map((s) => parseColumnKey(`('${family}', '${family.split('_')[0]}_${s}')`))),
    parseColumnKey('is_src'),
  ];
  return new Frame({ index: labels, columns, values: new Float64Array(labels.length * columns.length) });
}

function run(name: string, f: Frame): Run {
  return { name, path: `${name}/detected_anomalies.csv`, frame: f, grid: f.grid() };
}

const stats = (values: number, mean: number, max = mean): GroupStats => ({
  ips: 2,
  values,
  mean,
  max,
  nonzeroShare: values ? 0.5 : NaN,
});

test('jsonNumber maps NaN to null and infinities to strings', () => {
  assert.equal(jsonNumber(NaN), null);
  assert.equal(jsonNumber(Infinity), 'Infinity');
  assert.equal(jsonNumber(-Infinity), '-Infinity');
  assert.equal(jsonNumber(-0.5), -0.5);
});

test('buildSummary follows the contract field by field', () => {
  const thirty = run(
    '30T',
    frame(['asource', 'bdst', 'xsource'], ['2019-02-01 09:30:00', '2019-02-01 10:00:00'], ['avg_Length']),
  );
  const five = run(
    '5T',
    frame(
      ['asource', 'bdst', 'zdst'],
      ['2019-02-01 09:35:00', '2019-02-01 09:40:00', '2019-02-01 09:45:00'],
      ['avg_Length', 'sum_Length'],
    ),
  );
  const anomalousStats = new Map<string, RoleStats>([
    ['avg_Length', { source: stats(3, 61.2, Infinity), dst: stats(6, 12) }],
  ]);
  const summary = buildSummary({
    runs: [thirty, five],
    reference: five,
    anomalousStats,
    full: {
      path: 'final.csv',
      rows: 10,
      valueColumns: 6,
      normalRows: 8,
      excludedFound: 2,
      missing: ['zdst'],
      normalStats: new Map([['sum_Length', { source: stats(0, NaN), dst: stats(4, 1.5) }]]),
      families: ['avg_Length', 'sum_Length'],
    },
    sample: { size: 5, seed: 42 },
    findings: [
      {
        id: 'length.avg.higher-for-anomalous',
        section: 'Length',
        family: 'avg_Length',
        verdict: 'inconclusive',
        evidence: 'Mean over IPs.',
      },
    ],
  });
  assert.equal(summary.schemaVersion, 3);
  assert.deepEqual(summary.findings, [
    {
      id: 'length.avg.higher-for-anomalous',
      section: 'Length',
      family: 'avg_Length',
      verdict: 'inconclusive',
      evidence: 'Mean over IPs.',
    },
  ]);
  assert.equal(summary.reference, '5T');
  assert.deepEqual(summary.runs[1], {
    name: '5T',
    path: '5T/detected_anomalies.csv',
    rows: 3,
    valueColumns: 6,
    columns: 7,
    windows: 3,
    freq: '5T',
    start: '2019-02-01T09:35:00',
    end: '2019-02-01T09:45:00',
    families: ['avg_Length', 'sum_Length'],
  });
  assert.equal(summary.runs[0].freq, '30T');
  assert.deepEqual(summary.overlaps, [{ runs: ['30T', '5T'], common: 2 }]);
  assert.deepEqual(summary.full, {
    path: 'final.csv',
    rows: 10,
    valueColumns: 6,
    normalRows: 8,
    anomalousNotInFull: 1,
    anomalousNotInFullLabels: ['zdst'],
  });
  assert.deepEqual(summary.families.avg_Length.anomalous.source, {
    ips: 2,
    values: 3,
    mean: 61.2,
    max: 'Infinity',
    nonzeroShare: 0.5,
  });
  // a family missing from a group's statistics, and a group with no values, give null statistics
  // (the reference run has 2 dst rows: a family missing from its statistics still counts them)
  assert.deepEqual(summary.families.sum_Length.anomalous.dst, {
    ips: 2,
    values: 0,
    mean: null,
    max: null,
    nonzeroShare: null,
  });
  assert.deepEqual(summary.families.sum_Length.normal.source, {
    ips: 2,
    values: 0,
    mean: null,
    max: null,
    nonzeroShare: null,
  });
  assert.equal(summary.families.sum_Length.normal.dst.mean, 1.5);
  assert.doesNotThrow(() => JSON.parse(JSON.stringify(summary)));
});

test("a family absent from one group still counts that group's rows (ips), with no values", () => {
  const five = run(
    '5T',
    frame(['asource', 'bdst', 'zdst'], ['2019-02-01 09:35:00', '2019-02-01 09:40:00'], ['avg_Length']),
  );
  const summary = buildSummary({
    runs: [five],
    reference: five,
    anomalousStats: new Map([['avg_Length', { source: { ...stats(2, 1), ips: 1 }, dst: stats(4, 1) }]]),
    full: {
      path: 'final.csv',
      rows: 9,
      valueColumns: 4,
      normalRows: 7,
      excludedFound: 2,
      missing: ['zdst'],
      normalStats: new Map([['sum_Length', { source: { ...stats(2, 1), ips: 3 }, dst: { ...stats(2, 1), ips: 4 } }]]),
      families: ['sum_Length'],
    },
    sample: { size: 5, seed: 42 },
    findings: [],
  });
  assert.deepEqual(summary.families.sum_Length.anomalous.source, {
    ips: 1,
    values: 0,
    mean: null,
    max: null,
    nonzeroShare: null,
  });
  assert.deepEqual(summary.families.sum_Length.anomalous.dst, {
    ips: 2,
    values: 0,
    mean: null,
    max: null,
    nonzeroShare: null,
  });
  assert.deepEqual(summary.families.avg_Length.normal.source, {
    ips: 3,
    values: 0,
    mean: null,
    max: null,
    nonzeroShare: null,
  });
  assert.deepEqual(summary.families.avg_Length.normal.dst, {
    ips: 4,
    values: 0,
    mean: null,
    max: null,
    nonzeroShare: null,
  });
});

function writeRun(file: string, starts: string[], labels: string[]): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const headers = starts.map((s) => `('avg_Length', 'avg_${s}')`);
  fs.writeFileSync(
    file,
    `${['', ...headers].join('\t')}\n${labels.map((l) => [l, ...starts.map(() => '1.0')].join('\t')).join('\n')}\n`,
  );
}

test('runs with the same window get unique names, even from same-named folders or one folder', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'runs-test-'));
  try {
    const starts = ['2019-02-01 09:35:00', '2019-02-01 09:40:00'];
    writeRun(path.join(dir, 'a', 'x', 'detected_anomalies.csv'), starts, ['1.1.1.1source']);
    writeRun(path.join(dir, 'b', 'x', 'detected_anomalies.csv'), starts, ['1.1.1.1source', '2.2.2.2dst']);
    writeRun(path.join(dir, 'c', 'one.csv'), starts, ['1.1.1.1source']);
    writeRun(path.join(dir, 'c', 'two.csv'), starts, ['2.2.2.2dst']);
    const sameFolderName = await loadRuns([path.join(dir, 'a', 'x'), path.join(dir, 'b', 'x')]);
    const names = sameFolderName.map((r) => r.name);
    assert.equal(new Set(names).size, 2, names.join(' | '));
    // The second run as reference: overlaps are computed against it, not the first.
    const reference = pickReference(sameFolderName, names[1]);
    assert.equal(reference.frame.nRows, 2);
    const oneFolder = (await loadRuns([path.join(dir, 'c', 'one.csv'), path.join(dir, 'c', 'two.csv')])).map(
      (r) => r.name,
    );
    assert.equal(new Set(oneFolder).size, 2, oneFolder.join(' | '));
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('a run with a single window (length unknown) is not picked as reference over a run with a known window', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'runs-test-'));
  try {
    writeRun(path.join(dir, 'single.csv'), ['2019-02-01 09:35:00'], ['1.1.1.1dst']);
    writeRun(path.join(dir, 'ten.csv'), ['2019-02-01 09:30:00', '2019-02-01 09:40:00'], ['1.1.1.1dst']);
    const runs = await loadRuns([path.join(dir, 'single.csv'), path.join(dir, 'ten.csv')]);
    assert.equal(runs[0].grid.freq, 'unknown');
    assert.equal(pickReference(runs).name, '10T');
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
