/**
 * The dense data generator (`npm run data -- --dense`): the seed's layout with every value cell a
 * full-precision decimal as Python's repr writes it, three runs whose rows come from the table, the
 * same bytes for the same seed, and an evaluation over it that matches a naive reading of the text.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { generateDense } from '../data/synth/dense';
import { evaluate } from '../lib/summary/evaluate';

const PYTHON = '/usr/bin/python3';
const CLI = path.resolve(__dirname, '..', 'data', 'generate.js');
const FULL = 'final/final_dataset_5T.csv';
const RUNS = {
  '30T': 'models/models_2019_06_01_21_21/detected_anomalies.csv',
  '10T': 'models/models_2019_06_01_21_44/detected_anomalies.csv',
  '5T': 'models/models_2019_06_01_22_11/detected_anomalies.csv',
} as const;
const ROWS = 150;

/** A table split naively on newlines and tabs. */
function cellsOf(file: string): string[][] {
  const text = fs.readFileSync(file, 'utf8');
  assert.ok(text.endsWith('\n'));
  return text
    .slice(0, -1)
    .split('\n')
    .map((line) => line.split('\t'));
}

function sha256(file: string): string {
  return createHash('sha256').update(fs.readFileSync(file)).digest('hex');
}

describe('dense data', () => {
  let dir: string;
  before(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dense-'));
    generateDense({ rows: ROWS, seed: 7, outDir: path.join(dir, 'a') });
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  test('the seed layout, every value cell a full-precision decimal', () => {
    const table = cellsOf(path.join(dir, 'a', FULL));
    const header = table[0];
    assert.equal(header.length, 1 + 6309);
    assert.equal(header[0], '');
    assert.equal(header[1], "('avg_Length', 'avg_2019-02-01 09:35:00')");
    assert.equal(header[6300], "('count_IP2', 'count_2019-02-01 22:00:00')");
    assert.deepEqual(header.slice(6301), [
      'host0',
      'host1',
      'host2',
      'host3',
      'host4',
      'host5',
      'host6',
      'host7',
      'is_src',
    ]);
    assert.equal(table.length, 1 + ROWS);
    const labels = table.slice(1).map((row) => row[0]);
    assert.deepEqual(labels, [...labels].sort(), 'labels sorted as Python sorts them');
    assert.equal(new Set(labels).size, ROWS);
    let longDigits = 0;
    let cells = 0;
    for (const row of table.slice(1)) {
      assert.equal(row.length, header.length);
      assert.match(row[0], /^\d+\.\d+\.\d+\.\d+(source|dst)$/);
      for (const cell of row.slice(1, 6301)) {
        assert.match(cell, /^\d+\.\d+$|^\d(\.\d+)?e-\d\d$/, cell);
        assert.ok(Number(cell) > 0, cell);
        if (cell.replace(/e.*$/, '').replace('.', '').replace(/^0+/, '').length >= 15) longDigits++;
        cells++;
      }
      const ip = row[0].replace(/(source|dst)$/, '');
      const last = Number(ip.slice(ip.lastIndexOf('.') + 1));
      assert.deepEqual(
        row.slice(6301, 6309),
        Array.from({ length: 8 }, (_, k) => String((last >> (7 - k)) & 1)),
      );
      assert.equal(row[6309], row[0].endsWith('source') ? '1' : '0');
    }
    assert.ok(longDigits / cells > 0.9, `${longDigits} of ${cells} cells with ≥ 15 significant digits`);
  });

  test('Python reads every value cell back to the same text (repr round trip), and pandas reads the shape', {
    skip: spawnSync(PYTHON, ['-c', 'import pandas'], { stdio: 'ignore' }).status !== 0 && 'no pandas',
  }, () => {
    const script = [
      'import sys, pandas as pd',
      'bad = 0',
      'with open(sys.argv[1]) as f:',
      '    next(f)',
      '    for line in f:',
      '        for c in line.rstrip("\\n").split("\\t")[1:6301]:',
      '            bad += repr(float(c)) != c',
      'df = pd.read_csv(sys.argv[1], sep="\\t", index_col=[0])',
      'print(bad, df.shape[0], df.shape[1])',
    ].join('\n');
    const out = spawnSync(PYTHON, ['-c', script, path.join(dir, 'a', FULL)], { encoding: 'utf8' });
    assert.equal(out.status, 0, out.stderr);
    assert.equal(out.stdout.trim(), `0 ${ROWS} 6309`);
  });

  test("three runs of flagged table rows: 53/55/56 rows, 51/53/50 in common; the 5T run holds the table's own values", () => {
    const full = new Map(
      cellsOf(path.join(dir, 'a', FULL))
        .slice(1)
        .map((row) => [row[0], row]),
    );
    const labels: Record<string, Set<string>> = {};
    for (const [name, file] of Object.entries(RUNS)) {
      const table = cellsOf(path.join(dir, 'a', file));
      assert.equal(table[0][table[0].length - 1], 'is_anomaly');
      labels[name] = new Set(table.slice(1).map((row) => row[0]));
      for (const row of table.slice(1)) {
        assert.ok(full.has(row[0]), `${name} row ${row[0]} is in the table`);
        assert.equal(row[row.length - 1], '-1');
        if (name === '5T') assert.deepEqual(row.slice(0, -1), full.get(row[0]));
      }
    }
    assert.deepEqual([labels['30T'].size, labels['10T'].size, labels['5T'].size], [53, 55, 56]);
    const common = (...names: string[]) =>
      [...labels[names[0]]].filter((l) => names.every((n) => labels[n].has(l))).length;
    assert.deepEqual([common('30T', '5T'), common('10T', '5T'), common('30T', '10T', '5T')], [51, 53, 50]);
  });

  test('the same seed gives the same bytes through the command line; another seed other values', () => {
    const run = (seed: string, out: string) =>
      spawnSync(process.execPath, [CLI, '--dense', '--rows', String(ROWS), '--seed', seed, '--out', out], {
        encoding: 'utf8',
      });
    const same = run('7', path.join(dir, 'b'));
    assert.equal(same.status, 0, same.stderr);
    assert.match(same.stdout, /dense, seed 7: 150 rows/);
    for (const file of [FULL, ...Object.values(RUNS)])
      assert.equal(sha256(path.join(dir, 'b', file)), sha256(path.join(dir, 'a', file)), file);
    assert.equal(run('8', path.join(dir, 'c')).status, 0);
    assert.notEqual(sha256(path.join(dir, 'c', FULL)), sha256(path.join(dir, 'a', FULL)));
    assert.equal(spawnSync(process.execPath, [CLI, '--dense', '--rows', 'x'], { encoding: 'utf8' }).status, 2);
  });

  test('the evaluation over it: normal statistics equal a naive sum of Number(text) over the normal rows', async () => {
    const root = path.join(dir, 'a');
    const ev = await evaluate({
      models: Object.values(RUNS).map((f) => path.dirname(path.join(root, f))),
      full: path.join(root, FULL),
      sampleSize: 40,
      seed: 42,
    });
    assert.equal(ev.full.rows, ROWS);
    assert.equal(ev.full.normalRows, ROWS - 56);
    const anomalous = new Set(
      cellsOf(path.join(root, RUNS['5T']))
        .slice(1)
        .map((row) => row[0]),
    );
    const table = cellsOf(path.join(root, FULL));
    const family = 'std_IP_distance';
    const columns = table[0].flatMap((h, c) => (h.startsWith(`('${family}',`) ? [c] : []));
    assert.equal(columns.length, 150);
    for (const role of ['source', 'dst'] as const) {
      let sum = 0;
      let max = -Infinity;
      let values = 0;
      for (const row of table.slice(1)) {
        if (anomalous.has(row[0]) || !row[0].endsWith(role)) continue;
        for (const c of columns) {
          const v = Number(row[c]);
          sum += v;
          max = Math.max(max, v);
          values++;
        }
      }
      const stats = ev.summary.families[family].normal[role];
      assert.equal(stats.values, values);
      assert.equal(stats.max, max);
      assert.ok(
        Math.abs((stats.mean as number) - sum / values) <= 1e-12 * Math.abs(sum / values),
        `${role}: ${stats.mean} vs ${sum / values}`,
      );
    }
  });
});
