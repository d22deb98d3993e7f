/**
 * The data generator: number formatting against Python, the hand-checked tiny fixture (also
 * against pandas itself), demo-scale shapes and overlaps read back with an independent parser,
 * internal consistency of the values, agreement between window lengths, determinism, and pandas
 * reading every generated file.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { pythonFloatRepr } from '../data/synth/pyfloat';
import { DEMO_SCALE, expectedCounts, FEATURES } from '../data/synth/layout';
import { generateDataset } from '../data/synth/dataset';
import { TINY_GRIDS, TINY_ROWS, writeTinyFixture } from '../data/synth/tiny';

const ROOT = path.resolve(__dirname, '..', '..');
const FIXTURE = path.join(ROOT, 'tests', 'fixtures', 'tiny');
const CLI = path.join(ROOT, 'dist', 'data', 'generate.js');
const PYTHON = '/usr/bin/python3';
const RUN_DIRS = {
  '30T': 'models/models_2019_06_01_21_21/detected_anomalies.csv',
  '10T': 'models/models_2019_06_01_21_44/detected_anomalies.csv',
  '5T': 'models/models_2019_06_01_22_11/detected_anomalies.csv',
} as const;
const FULL = 'final/final_dataset_5T.csv';
const ALL_FILES = [...Object.values(RUN_DIRS), FULL];

function pandasAvailable(): boolean {
  return spawnSync(PYTHON, ['-c', 'import pandas'], { stdio: 'ignore' }).status === 0;
}

/** A table read with a deliberately naive parser: split on '\n' and '\t', nothing else. */
interface Table {
  header: string[];
  labels: string[];
  cells: string[][];
  byLabel: Map<string, string[]>;
  column: Map<string, number>;
}

function readTable(file: string): Table {
  const text = fs.readFileSync(file, 'utf8');
  assert.ok(text.endsWith('\n'), `${file} ends with a newline`);
  assert.ok(!text.includes('\r'), `${file} has no carriage returns`);
  const lines = text.slice(0, -1).split('\n');
  const header = lines[0].split('\t');
  const cells = lines.slice(1).map((line) => line.split('\t'));
  for (const [k, row] of cells.entries()) assert.equal(row.length, header.length, `${file} line ${k + 2} cell count`);
  const labels = cells.map((row) => row[0]);
  return {
    header,
    labels,
    cells,
    byLabel: new Map(cells.map((row) => [row[0], row])),
    column: new Map(header.map((h, i) => [h, i])),
  };
}

function header(family: string, time: string): string {
  return `('${family}', '${family.slice(0, family.indexOf('_'))}_2019-02-01 ${time}')`;
}

function sha256(file: string): string {
  return createHash('sha256').update(fs.readFileSync(file)).digest('hex');
}

describe('pythonFloatRepr', () => {
  // Each right-hand side was printed by /usr/bin/python3 `repr(x)` (and pandas to_csv agrees).
  const cases: [number, string][] = [
    [0, '0.0'],
    [-0, '-0.0'],
    [1, '1.0'],
    [60, '60.0'],
    [-1.5, '-1.5'],
    [0.1, '0.1'],
    [59.97849462365591, '59.97849462365591'],
    [1e-5, '1e-05'],
    [1e-7, '1e-07'],
    [0.0001, '0.0001'],
    [9.5e-5, '9.5e-05'],
    [0.00012345, '0.00012345'],
    [1.5e16, '1.5e+16'],
    [1e16, '1e+16'],
    [9999999999999998, '9999999999999998.0'],
    [1234567890123456.8, '1234567890123456.8'],
    [123456789012345.6, '123456789012345.6'],
    [1e21, '1e+21'],
    [1e22, '1e+22'],
    // biome-ignore lint/correctness/noPrecisionLoss: the literal rounds on purpose (Python prints the rounded double)
    [12345678901234567890, '1.2345678901234567e+19'],
    [5e-324, '5e-324'],
    [1.7976931348623157e308, '1.7976931348623157e+308'],
    [2.5, '2.5'],
    [1 / 3, '0.3333333333333333'],
    [0.1 + 0.2, '0.30000000000000004'],
    [184 / 3, '61.333333333333336'],
    [1e100, '1e+100'],
    [-2.5e-10, '-2.5e-10'],
    [Infinity, 'inf'],
    [-Infinity, '-inf'],
    [NaN, 'nan'],
  ];
  for (const [x, expected] of cases) {
    test(`${expected}`, () => assert.equal(pythonFloatRepr(x), expected));
  }
});

describe('tiny fixture', () => {
  let dir: string;
  before(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tiny-'));
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  test('regenerating it reproduces the committed files byte for byte', () => {
    writeTinyFixture(dir);
    for (const file of ALL_FILES) {
      assert.equal(
        fs.readFileSync(path.join(dir, file), 'utf8'),
        fs.readFileSync(path.join(FIXTURE, file), 'utf8'),
        file,
      );
    }
  });

  test('hand-checked cells (see tests/fixtures/tiny/README.md)', () => {
    const full = readTable(path.join(FIXTURE, FULL));
    const cell = (t: Table, label: string, family: string, time: string) => {
      const row = t.byLabel.get(label);
      const col = t.column.get(header(family, time));
      assert.ok(row && col !== undefined, `${label} ${family} ${time}`);
      return row[col];
    };
    assert.equal(full.header[0], '');
    assert.equal(full.header.length, 1 + 42 * 3 + 9);
    assert.deepEqual(full.labels, [
      '192.0.2.10source',
      '198.51.100.7dst',
      '198.51.100.99dst',
      '2001:db8::7dst',
      '203.0.113.200source',
      '203.0.113.5source',
    ]);
    const a = '192.0.2.10source';
    assert.equal(cell(full, a, 'avg_Length', '09:35:00'), '61.333333333333336'); // (40+44+100)/3
    assert.equal(cell(full, a, 'sum_Length', '09:35:00'), '184.0');
    assert.equal(cell(full, a, 'count_Length', '09:35:00'), '3.0');
    assert.equal(cell(full, a, 'avg_is_busybox', '09:35:00'), '0.3333333333333333');
    assert.equal(cell(full, a, 'std_Length', '09:40:00'), '0.0'); // one packet
    assert.equal(cell(full, a, 'avg_IP2_time_diff_per_value', '09:45:00'), '1e-05');
    assert.equal(cell(full, a, 'count_IP1', '09:35:00'), '1.0');
    assert.equal(cell(full, a, 'count_IP2', '09:35:00'), '2.0'); // two distinct destinations
    const b = '198.51.100.7dst';
    assert.equal(cell(full, b, 'avg_Length', '09:35:00'), '64.0'); // (40+100+52)/3
    assert.equal(cell(full, b, 'count_IP1', '09:35:00'), '2.0'); // two distinct senders
    assert.equal(cell(full, b, 'count_IP2', '09:35:00'), '1.0');
    assert.equal(cell(full, '203.0.113.200source', 'std_Length', '09:40:00'), '10.066445913694333'); // sd(60,52,40)
    assert.equal(cell(full, '203.0.113.5source', 'std_Length', '09:45:00'), '0.0');
    assert.equal(cell(full, '203.0.113.5source', 'avg_IP_distance', '09:45:00'), '0.5');
    // A row whose only packet falls before the first 5T window is all zeros.
    assert.ok(
      full.byLabel
        .get('198.51.100.99dst')!
        .slice(1, 1 + 126)
        .every((v) => v === '0.0'),
    );
    // Metadata: last octet 10 = 00001010; IPv6 ::7 = 00000111.
    assert.deepEqual(full.byLabel.get(a)!.slice(-9), ['0', '0', '0', '0', '1', '0', '1', '0', '1']);
    assert.deepEqual(full.byLabel.get('2001:db8::7dst')!.slice(-9), ['0', '0', '0', '0', '0', '1', '1', '1', '0']);
    const t30 = readTable(path.join(FIXTURE, RUN_DIRS['30T']));
    assert.equal(cell(t30, a, 'count_Length', '09:30:00'), '5.0');
    assert.equal(cell(t30, '2001:db8::7dst', 'avg_Length', '09:30:00'), '41.333333333333336'); // (40+40+44)/3
    assert.deepEqual(t30.labels, ['192.0.2.10source', '198.51.100.7dst', '2001:db8::7dst']);
    assert.deepEqual(readTable(path.join(FIXTURE, RUN_DIRS['5T'])).labels, [
      '192.0.2.10source',
      '198.51.100.7dst',
      '203.0.113.5source',
    ]);
  });

  test('pandas groupby over the listed packets writes the same files', (t) => {
    if (!pandasAvailable()) {
      t.skip(`${PYTHON} has no pandas (apt-get install python3-pandas)`);
      return;
    }
    // An independent implementation: pandas aggregates the raw packets and writes with to_csv.
    const script = String.raw`
import json, sys, io
import pandas as pd, numpy as np
spec = json.load(sys.stdin)
feats = spec['features']
out = {}
for target in spec['targets']:
    grid = target['grid']
    starts = pd.Timestamp('2019-02-01 09:30:00') + pd.to_timedelta([(grid['firstBin'] + w) * grid['seconds'] for w in range(grid['windows'])], unit='s')
    stamp = [s.strftime('%Y-%m-%d %H:%M:%S') for s in starts]
    fams = [f'{s}_{f}' for s in ['avg', 'sum', 'std', 'count'] for f in feats] + ['count_IP1', 'count_IP2']
    cols = [str((fam, fam.split('_')[0] + '_' + st)) for fam in fams for st in stamp]
    rows, index = [], []
    for row in spec['rows']:
        if target['run'] and target['run'] not in row['runs']:
            continue
        df = pd.DataFrame(row['packets'], columns=['t', 'peer'] + feats)
        df['w'] = (df.t // grid['seconds']).astype(int) - grid['firstBin']
        df = df[(df.w >= 0) & (df.w < grid['windows'])]
        g = df.groupby('w')
        agg = {'avg': g[feats].mean(), 'sum': g[feats].sum(), 'std': g[feats].std().fillna(0), 'count': g[feats].count().astype(float)}
        n = g['peer'].nunique().astype(float)
        one = (g['peer'].count() > 0).astype(float)
        ip1, ip2 = (one, n) if row['role'] == 'source' else (n, one)
        vals = {}
        for s in ['avg', 'sum', 'std', 'count']:
            for f in feats:
                for w in range(grid['windows']):
                    vals[str((f'{s}_{f}', s + '_' + stamp[w]))] = agg[s][f].get(w, 0.0)
        for name, series in [('count_IP1', ip1), ('count_IP2', ip2)]:
            for w in range(grid['windows']):
                vals[str((name, 'count_' + stamp[w]))] = series.get(w, 0.0)
        last = int(row['ip'].split('.')[-1]) if ':' not in row['ip'] else int(row['ip'].split(':')[-1] or '0', 16) & 255
        r = [float(vals[c]) for c in cols]
        rows.append(r + [(last >> (7 - k)) & 1 for k in range(8)] + [1 if row['role'] == 'source' else 0])
        index.append(row['ip'] + row['role'])
    frame = pd.DataFrame([r[:len(cols)] for r in rows], index=index, columns=cols, dtype='float64')
    for k in range(8):
        frame[f'host{k}'] = np.array([r[len(cols) + k] for r in rows], dtype='int64')
    frame['is_src'] = np.array([r[-1] for r in rows], dtype='int64')
    if target['run']:
        frame['is_anomaly'] = -1
    buf = io.StringIO()
    frame.to_csv(buf, sep='\t')
    out[target['file']] = buf.getvalue()
json.dump(out, sys.stdout)
`;
    const spec = {
      features: FEATURES,
      rows: TINY_ROWS,
      targets: [
        ...(['30T', '10T', '5T'] as const).map((run) => ({ run, grid: TINY_GRIDS[run], file: RUN_DIRS[run] })),
        { run: null, grid: TINY_GRIDS['5T'], file: FULL },
      ],
    };
    const result = spawnSync(PYTHON, ['-c', script], {
      input: JSON.stringify(spec),
      encoding: 'utf8',
      maxBuffer: 64 << 20,
    });
    assert.equal(result.status, 0, result.stderr);
    const written = JSON.parse(result.stdout) as Record<string, string>;
    for (const file of ALL_FILES) {
      assert.equal(
        fs.readFileSync(path.join(FIXTURE, file), 'utf8'),
        written[file],
        `${file}: pandas wrote different bytes`,
      );
    }
  });
});

describe('demo scale', () => {
  let dir: string;
  let tables: Record<'30T' | '10T' | '5T' | 'full', Table>;
  const expected = expectedCounts(DEMO_SCALE);

  before(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gen-demo-'));
    generateDataset({ scale: DEMO_SCALE, seed: 2019, outDir: path.join(dir, 'a') });
    tables = {
      '30T': readTable(path.join(dir, 'a', RUN_DIRS['30T'])),
      '10T': readTable(path.join(dir, 'a', RUN_DIRS['10T'])),
      '5T': readTable(path.join(dir, 'a', RUN_DIRS['5T'])),
      full: readTable(path.join(dir, 'a', FULL)),
    };
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  test('the demo constants are the documented proportions of the seed', () => {
    assert.deepEqual(expected.rows, { '30T': 53, '10T': 55, '5T': 56 });
    assert.deepEqual(
      [expected.common30and5, expected.common10and5, expected.commonAll, expected.fullRows],
      [51, 53, 50, 2000],
    );
  });

  test('shapes: rows and columns of every file', () => {
    assert.equal(tables.full.labels.length, expected.fullRows);
    assert.equal(tables.full.header.length - 1, 150 * 42 + 9);
    assert.equal(tables['30T'].header.length - 1, 26 * 42 + 10);
    assert.equal(tables['10T'].header.length - 1, 76 * 42 + 10);
    assert.equal(tables['5T'].header.length - 1, 150 * 42 + 10);
    for (const run of ['30T', '10T', '5T'] as const) assert.equal(tables[run].labels.length, expected.rows[run], run);
  });

  test('headers: empty index cell, tuple reprs family-major, metadata last', () => {
    const h = tables['5T'].header;
    assert.equal(h[0], '');
    assert.equal(h[1], "('avg_Length', 'avg_2019-02-01 09:35:00')");
    assert.equal(h[150], "('avg_Length', 'avg_2019-02-01 22:00:00')");
    assert.equal(h[151], "('avg_IP1_IP2_time_diff_per_value', 'avg_2019-02-01 09:35:00')");
    assert.equal(h[6300], "('count_IP2', 'count_2019-02-01 22:00:00')");
    assert.deepEqual(h.slice(6301), [
      'host0',
      'host1',
      'host2',
      'host3',
      'host4',
      'host5',
      'host6',
      'host7',
      'is_src',
      'is_anomaly',
    ]);
    assert.equal(tables['30T'].header[1], "('avg_Length', 'avg_2019-02-01 09:30:00')");
    assert.equal(tables['30T'].header[26], "('avg_Length', 'avg_2019-02-01 22:00:00')");
    assert.equal(tables['10T'].header[76], "('avg_Length', 'avg_2019-02-01 22:00:00')");
    assert.deepEqual(tables.full.header.slice(1, 6301), h.slice(1, 6301));
  });

  test('overlaps, subsets, order, run-unique rows', () => {
    const sets = {
      '30T': new Set(tables['30T'].labels),
      '10T': new Set(tables['10T'].labels),
      '5T': new Set(tables['5T'].labels),
    };
    const in5 = tables['5T'].labels;
    assert.equal(in5.filter((l) => sets['30T'].has(l)).length, expected.common30and5);
    assert.equal(in5.filter((l) => sets['10T'].has(l)).length, expected.common10and5);
    assert.equal(in5.filter((l) => sets['30T'].has(l) && sets['10T'].has(l)).length, expected.commonAll);
    const fullSet = new Set(tables.full.labels);
    assert.equal(fullSet.size, tables.full.labels.length, 'labels are unique');
    for (const [run, set] of Object.entries(sets)) {
      for (const label of set) assert.ok(fullSet.has(label), `${run} row ${label} is in the full table`);
      const others = Object.entries(sets)
        .filter(([r]) => r !== run)
        .map(([, s]) => s);
      assert.ok(
        [...set].some((l) => others.every((o) => !o.has(l))),
        `${run} has a row no other run flags`,
      );
    }
    for (const t of Object.values(tables)) {
      for (let i = 1; i < t.labels.length; i++) assert.ok(t.labels[i - 1] < t.labels[i], `sorted at ${t.labels[i]}`);
      for (const row of t.cells) assert.match(row[0], /^([0-9.]+|[0-9a-f:]+)(source|dst)$/);
    }
    assert.ok(
      tables.full.labels.some((l) => l.includes(':')),
      'some IPv6 rows',
    );
  });

  test('metadata: host bits, is_src, is_anomaly', () => {
    for (const [name, t] of Object.entries(tables)) {
      const anomaly = name !== 'full';
      for (const row of t.cells) {
        const label = row[0];
        const ip = label.replace(/(source|dst)$/, '');
        const last = ip.includes(':') ? parseInt(ip.split(':').pop() || '0', 16) & 255 : Number(ip.split('.').pop());
        const meta = row.slice(anomaly ? -10 : -9);
        assert.deepEqual(meta.slice(0, 8), last.toString(2).padStart(8, '0').split(''), label);
        assert.equal(meta[8], label.endsWith('source') ? '1' : '0');
        if (anomaly) assert.equal(meta[9], '-1');
      }
    }
  });

  test('5T anomaly rows are the full table rows, unscaled', () => {
    for (const row of tables['5T'].cells) {
      assert.equal(row.slice(0, -1).join('\t'), tables.full.byLabel.get(row[0])!.join('\t'), row[0]);
    }
  });

  test('internal consistency of every anomalous row and 300 normal rows', () => {
    const t = tables.full;
    const W = 150;
    const anomalous = new Set([...tables['30T'].labels, ...tables['10T'].labels, ...tables['5T'].labels]);
    const normal = t.labels
      .filter((l) => !anomalous.has(l))
      .filter((_, i) => i % 5 === 0)
      .slice(0, 300);
    const fam = (name: string) => {
      const k =
        ['avg', 'sum', 'std', 'count'].indexOf(name.split('_')[0]) * 10 +
        FEATURES.indexOf(name.slice(name.indexOf('_') + 1) as (typeof FEATURES)[number]);
      return name === 'count_IP1' ? 40 : name === 'count_IP2' ? 41 : k;
    };
    let active = 0;
    for (const label of [...anomalous, ...normal]) {
      const row = t.byLabel.get(label)!;
      const v = (family: string, w: number) => Number(row[1 + fam(family) * W + w]);
      for (let w = 0; w < W; w++) {
        const count = v('count_Length', w);
        assert.ok(Number.isInteger(count) && count >= 0);
        if (count === 0) {
          for (let k = 0; k < 42; k++)
            assert.equal(row[1 + k * W + w], '0.0', `${label} silent window ${w} family ${k}`);
          continue;
        }
        active++;
        for (const feature of FEATURES) {
          assert.equal(v(`count_${feature}`, w), count);
          const sum = v(`sum_${feature}`, w);
          const avg = v(`avg_${feature}`, w);
          const std = v(`std_${feature}`, w);
          assert.ok(
            Math.abs(sum - avg * count) <= 1e-9 * Math.max(1, Math.abs(sum)),
            `${label} ${feature} w${w}: sum ${sum} vs avg ${avg} × ${count}`,
          );
          assert.ok(std >= 0);
          if (count <= 1) assert.equal(std, 0, `${label} ${feature} w${w}: std with one packet`);
          if (feature.startsWith('is_')) assert.ok(avg >= 0 && avg <= 1 && Number.isInteger(sum));
          if (feature === 'IP_distance') {
            assert.ok(Number.isInteger(sum * 32), `${label} IP_distance sum ${sum} in steps of 1/32`);
            assert.ok(avg > 0 && avg <= 1);
          }
          if (feature === 'Length') assert.ok(avg >= 40 && avg <= 1500);
          if (feature.startsWith('Port')) assert.ok(avg >= 1 && Number.isInteger(sum));
        }
        const ip1 = v('count_IP1', w);
        const ip2 = v('count_IP2', w);
        assert.equal(label.endsWith('source') ? ip1 : ip2, 1);
        assert.ok((label.endsWith('source') ? ip2 : ip1) >= 1 && (label.endsWith('source') ? ip2 : ip1) <= count);
      }
    }
    assert.ok(active > 1000, `enough active windows checked (${active})`);
  });

  test('30T and 10T windows aggregate the same packets as their 5T windows', () => {
    const full = tables.full;
    for (const [run, size, firstCovered, lastCovered] of [
      ['30T', 6, 1, 24],
      ['10T', 2, 1, 74],
    ] as const) {
      const coarse = tables[run];
      const W = run === '30T' ? 26 : 76;
      let compared = 0;
      for (const row of coarse.cells) {
        const fine = full.byLabel.get(row[0])!;
        for (const [family, exact] of [
          ['count_Length', true],
          ['sum_Length', false],
          ['sum_is_busybox', true],
        ] as const) {
          const offCoarse = 1 + (family === 'count_Length' ? 30 : family === 'sum_Length' ? 10 : 17) * W;
          const offFine = 1 + (family === 'count_Length' ? 30 : family === 'sum_Length' ? 10 : 17) * 150;
          for (let w = firstCovered; w <= lastCovered; w++) {
            // Coarse window w starts at 09:30 + w × size × 5 min = 5T window index w × size - 1.
            let total = 0;
            for (let k = 0; k < size; k++) total += Number(fine[offFine + w * size - 1 + k]);
            const value = Number(row[offCoarse + w]);
            if (exact) assert.equal(value, total, `${run} ${row[0]} ${family} window ${w}`);
            else
              assert.ok(Math.abs(value - total) <= 1e-9 * Math.max(1, total), `${run} ${row[0]} ${family} window ${w}`);
            compared++;
          }
        }
      }
      assert.ok(compared > 0);
    }
  });

  test('a source and a destination share a count_Length timeline that stands out', () => {
    const t = tables['5T'];
    const off = 1 + 30 * 150;
    const timeline = (row: string[]) => row.slice(off, off + 150).join(',');
    const bySignature = new Map<string, string[]>();
    for (const row of t.cells) bySignature.set(timeline(row), [...(bySignature.get(timeline(row)) ?? []), row[0]]);
    const pairs = [...bySignature.entries()].filter(
      ([sig, labels]) => labels.length === 2 && sig.split(',').some((x) => x !== '0.0'),
    );
    assert.equal(pairs.length, 1, 'exactly one matching pair');
    const [sig, labels] = pairs[0];
    assert.deepEqual(labels.map((l) => l.endsWith('source')).sort(), [false, true]);
    const pairMax = Math.max(...sig.split(',').map(Number));
    const othersMax = Math.max(
      ...t.cells.filter((r) => !labels.includes(r[0])).flatMap((r) => r.slice(off, off + 150).map(Number)),
    );
    assert.ok(pairMax > 1.5 * othersMax, `pair peak ${pairMax} vs others ${othersMax}`);
  });

  test('the findings the seed states hold on the generated data', () => {
    // Mean over every (row, window) value, as the evaluation computes it.
    const mean = (labels: string[], family: string) => {
      const off =
        1 +
        ([...['avg', 'sum', 'std', 'count']].indexOf(family.split('_')[0]) * 10 +
          FEATURES.indexOf(family.slice(family.indexOf('_') + 1) as (typeof FEATURES)[number])) *
          150;
      let s = 0;
      for (const l of labels) for (let w = 0; w < 150; w++) s += Number(tables.full.byLabel.get(l)![off + w]);
      return s / (labels.length * 150);
    };
    const anomalous = new Set(tables['5T'].labels);
    const pick = (anom: boolean, role: string) =>
      tables.full.labels.filter((l) => anomalous.has(l) === anom && l.endsWith(role));
    const [as, ad, ns, nd] = [pick(true, 'source'), pick(true, 'dst'), pick(false, 'source'), pick(false, 'dst')];
    assert.ok(mean(as, 'avg_Length') > mean(ns, 'avg_Length'), 'anomalous avg_Length higher');
    assert.ok(mean(ad, 'avg_Length') < mean(as, 'avg_Length'), 'destination lengths lower than source');
    assert.ok(mean(as, 'count_Length') > 10 * mean(ns, 'count_Length'), 'anomalies have higher counts');
    assert.ok(mean(as, 'avg_IP1_IP2_time_diff_per_value') > mean(ns, 'avg_IP1_IP2_time_diff_per_value'));
    assert.ok(mean(as, 'avg_Port2_last_1') > 10 * mean(ns, 'avg_Port2_last_1'), 'scanning: more destination ports');
    assert.ok(mean(as, 'avg_is_busybox') > 10 * mean(ns, 'avg_is_busybox'));
    assert.ok(mean(as, 'avg_is_enable') > mean(ad, 'avg_is_enable'), 'markers matter more on sources');
    assert.ok(mean(as, 'std_IP_distance') > mean(ns, 'std_IP_distance'));
    assert.ok(mean(ad, 'std_IP_distance') > mean(nd, 'std_IP_distance'));
    assert.ok(mean(ad, 'std_Length') < mean(as, 'std_Length'), 'destinations receive more uniform lengths');
    // The campaign's tempo: anomalous sources and destinations share one revisit-gap timeline.
    const timeline = (labels: string[], family: string) => {
      const off =
        1 +
        (['avg', 'sum', 'std', 'count'].indexOf(family.split('_')[0]) * 10 +
          FEATURES.indexOf(family.slice(family.indexOf('_') + 1) as (typeof FEATURES)[number])) *
          150;
      return Array.from(
        { length: 150 },
        (_, w) => labels.reduce((s, l) => s + Number(tables.full.byLabel.get(l)![off + w]), 0) / labels.length,
      );
    };
    const correlation = (a: number[], b: number[]) => {
      const ma = a.reduce((x, y) => x + y, 0) / a.length;
      const mb = b.reduce((x, y) => x + y, 0) / b.length;
      let ab = 0;
      let aa = 0;
      let bb = 0;
      a.forEach((x, i) => {
        ab += (x - ma) * (b[i] - mb);
        aa += (x - ma) ** 2;
        bb += (b[i] - mb) ** 2;
      });
      return ab / Math.sqrt(aa * bb);
    };
    const pairGap = 'avg_IP1_IP2_time_diff_per_value';
    const r = correlation(timeline(as, pairGap), timeline(ad, pairGap));
    assert.ok(r > 0.7, `anomalous source and destination ${pairGap} timelines correlate (${r.toFixed(2)})`);
    // Markers come with the loader: more often on the sending side.
    const nonzero = (labels: string[], family: string) =>
      labels.reduce((n, l) => n + timeline([l], family).filter((v) => v > 0).length, 0) / (labels.length * 150);
    assert.ok(
      nonzero(as, 'avg_is_busybox') > nonzero(ad, 'avg_is_busybox'),
      'busybox windows more frequent on sources',
    );
  });

  test('same seed: byte-identical files; another seed: different data', () => {
    generateDataset({ scale: DEMO_SCALE, seed: 2019, outDir: path.join(dir, 'b') });
    for (const file of ALL_FILES)
      assert.equal(sha256(path.join(dir, 'b', file)), sha256(path.join(dir, 'a', file)), file);
    generateDataset({ scale: DEMO_SCALE, seed: 7, outDir: path.join(dir, 'c') });
    assert.notEqual(sha256(path.join(dir, 'c', FULL)), sha256(path.join(dir, 'a', FULL)));
    // No temporary files are left behind.
    const leftovers = fs
      .readdirSync(dir, { recursive: true })
      .map(String)
      .filter((f) => f.endsWith('.tmp'));
    assert.deepEqual(leftovers, []);
  });

  test('pandas reads every file with the right shape', (t) => {
    if (!pandasAvailable()) {
      t.skip(`${PYTHON} has no pandas (apt-get install python3-pandas)`);
      return;
    }
    const script = `import sys, pandas as pd
for f in sys.argv[1:]:
    df = pd.read_csv(f, sep='\\t', index_col=[0])
    print(df.shape[0], df.shape[1], df.values.dtype if False else df.dtypes.iloc[0], df.dtypes.iloc[-1])`;
    const files = ALL_FILES.map((f) => path.join(dir, 'a', f));
    const result = spawnSync(PYTHON, ['-c', script, ...files], { encoding: 'utf8' });
    assert.equal(result.status, 0, result.stderr);
    const shapes = result.stdout.trim().split('\n');
    assert.deepEqual(shapes, [
      `${expected.rows['30T']} 1102 float64 int64`,
      `${expected.rows['10T']} 3202 float64 int64`,
      `${expected.rows['5T']} 6310 float64 int64`,
      `${expected.fullRows} 6309 float64 int64`,
    ]);
  });

  test('the CLI rejects a bad option with a usable message', () => {
    const result = spawnSync(process.execPath, [CLI, '--scale', 'huge'], { encoding: 'utf8' });
    assert.equal(result.status, 2);
    assert.match(result.stderr, /--scale must be one of demo, seed, got "huge"/);
  });
});
