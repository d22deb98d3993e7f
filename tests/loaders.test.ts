/**
 * Loaders on real files: formats pandas writes, every bad input with its position, column alignment
 * by key, the whole read against an independent parse, and the streaming evaluation against the
 * in-memory twin and against statistics computed here from scratch.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { evaluateFull, readTable, type Progress } from '../lib/loaders';
import { readHeader } from '../lib/reader/table-head';
import { familyStats } from '../lib/table/stats';
import { sampleFrame } from '../lib/table/sample';
import type { Frame } from '../lib/table/frame';
import { InputError, type GroupStats, roleOf } from '../lib/types';
import { prng } from './frames';

const BAD = path.join(__dirname, '..', '..', 'tests', 'fixtures', 'bad');
const TINY = path.join(__dirname, '..', '..', 'tests', 'fixtures', 'tiny');
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'loaders-test-'));
process.on('exit', () => fs.rmSync(tmp, { recursive: true, force: true }));

const FAMILIES = ['avg_Length', 'sum_Length', 'count_Port1_last_1'];
const WINDOWS = 12;

function header(family: string, w: number): string {
  const start = new Date(Date.UTC(2019, 1, 1, 9, 35) + w * 300_000).toISOString().slice(0, 19).replace('T', ' ');
  return `('${family}', '${family.split('_')[0]}_${start}')`;
}

interface Written {
  file: string;
  headers: string[];
  labels: string[];
  cells: string[][];
}

/** Writes a table the way pandas does (index first, tab-separated), with options to vary the format. */
function writeTable(
  name: string,
  rows: number,
  seed: number,
  opts: { eol?: string; finalNewline?: boolean; order?: 'shuffled'; zeros?: number } = {},
): Written {
  const rand = prng(seed);
  let headers = [
    ...FAMILIES.flatMap((f) => Array.from({ length: WINDOWS }, (_, w) => header(f, w))),
    'host0',
    'is_src',
  ];
  if (opts.order === 'shuffled') {
    headers = [...headers];
    for (let i = headers.length - 1; i > 0; i--) {
      const j = Math.floor(rand() * (i + 1));
      [headers[i], headers[j]] = [headers[j], headers[i]];
    }
  }
  const labels: string[] = [];
  const cells: string[][] = [];
  for (let r = 0; r < rows; r++) {
    labels.push(`10.${r >> 16}.${(r >> 8) & 255}.${r & 255}${r % 3 === 0 ? 'dst' : 'source'}`);
    // Rows that are mostly "0.0" (like most normal IPs), the rest as cellText draws them.
    const mostlyZero = opts.zeros !== undefined && r % 2 === 0;
    cells.push(
      headers.map((h) => (mostlyZero && rand() < opts.zeros! ? (rand() < 0.02 ? '-0.0' : '0.0') : cellText(rand, h))),
    );
  }
  return writeCells(name, headers, labels, cells, opts);
}

function cellText(rand: () => number, h: string): string {
  if (!h.startsWith('(')) return String(Math.floor(rand() * 2));
  const x = rand();
  if (x < 0.6) return '0.0';
  if (x < 0.65) return '';
  if (x < 0.66) return ['nan', 'inf', '-inf', 'NaN'][Math.floor(rand() * 4)];
  if (x < 0.7) return `${(rand() * 9).toFixed(3)}e-0${1 + Math.floor(rand() * 8)}`;
  if (x < 0.8) return `${String(Math.floor(rand() * 100))}.0`;
  return String(rand() * 10 ** Math.floor(rand() * 6));
}

function writeCells(
  name: string,
  headers: string[],
  labels: string[],
  cells: string[][],
  opts: { eol?: string; finalNewline?: boolean } = {},
): Written {
  const eol = opts.eol ?? '\n';
  const quote = (s: string) => (/[\t"\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s);
  const lines = [['', ...headers].join('\t'), ...labels.map((label, r) => [quote(label), ...cells[r]].join('\t'))];
  const file = path.join(tmp, name);
  fs.writeFileSync(file, lines.join(eol) + (opts.finalNewline === false ? '' : eol));
  return { file, headers, labels, cells };
}

/** The number a cell stands for, decided here independently of the library. */
function expected(text: string): number {
  if (text === '' || text.toLowerCase() === 'nan') return NaN;
  if (text === 'inf') return Infinity;
  if (text === '-inf') return -Infinity;
  return Number(text);
}

function assertFrameMatches(frame: Frame, t: Written): void {
  assert.deepEqual(frame.index, t.labels);
  assert.deepEqual(
    frame.columns.map((k) => k.header),
    t.headers,
  );
  for (let r = 0; r < t.labels.length; r++) {
    for (let c = 0; c < t.headers.length; c++) {
      const want = expected(t.cells[r][c]);
      assert.ok(
        Object.is(frame.get(r, c), want),
        `row ${r} col ${c}: ${JSON.stringify(t.cells[r][c])} read as ${frame.get(r, c)}`,
      );
    }
  }
}

test('readTable reads every cell as written, with 1, 2 and 3 threads', async () => {
  const t = writeTable('plain.tsv', 700, 1);
  for (const workers of [1, 2, 3]) assertFrameMatches(await readTable(t.file, { workers }), t);
});

test('CRLF line ends, a missing final newline, blank lines and quoted index values', async () => {
  const t = writeTable('crlf.tsv', 300, 2, { eol: '\r\n', finalNewline: false });
  for (const workers of [1, 2]) assertFrameMatches(await readTable(t.file, { workers }), t);
  const q = writeCells(
    'quoted.tsv',
    [header('avg_Length', 0), header('avg_Length', 1)],
    ['a"b source', 'tab\there dst', 'plaindst'],
    [
      ['1.5', '0.0'],
      ['', '2e3'],
      ['-0.0', '7'],
    ],
  );
  assertFrameMatches(await readTable(q.file), q);
  const text = fs.readFileSync(q.file, 'utf8');
  fs.writeFileSync(path.join(tmp, 'blank.tsv'), `${text.replace(/\n(?=plaindst)/, '\n\n')}\n`);
  const blank = await readTable(path.join(tmp, 'blank.tsv'));
  assert.deepEqual(blank.index, q.labels);
});

test('a header without rows gives an empty frame and an empty evaluation', async () => {
  const file = path.join(tmp, 'header-only.tsv');
  fs.writeFileSync(file, `\t${header('avg_Length', 0)}\t${header('avg_Length', 1)}`);
  const frame = await readTable(file);
  assert.deepEqual(frame.shape, [0, 2]);
  const ev = await evaluateFull(file, { exclude: new Set(['x']), sampleSize: 10, seed: 1 });
  assert.equal(ev.rows, 0);
  assert.equal(ev.sample.nRows, 0);
  assert.equal(ev.normalStats.get('avg_Length')!.source.values, 0);
  await assert.rejects(evaluateFull(file, { exclude: new Set(), sampleSize: 10, seed: 1.5 }), RangeError);
});

test('readHeader reads only the header: keys and grid', async () => {
  const t = writeTable('header.tsv', 5, 3);
  const { columns, grid } = await readHeader(t.file);
  assert.equal(columns.length, t.headers.length);
  assert.equal(columns.filter((k) => k.kind === 'meta').length, 2);
  assert.equal(grid.freq, '5T');
  assert.equal(grid.starts.length, WINDOWS);
});

test('a whole read taken range by range by the free thread: rows in file order, the earliest bad row named', async () => {
  const t = writeTable('many-ranges.tsv', 600, 9);
  for (const workers of [2, 3]) assertFrameMatches(await readTable(t.file, { workers }), t);
  // Two bad cells far apart (in different ranges): whichever thread meets one first, the earlier is reported.
  const cells = t.cells.map((row) => [...row]);
  cells[40][3] = '1,5';
  cells[560][7] = 'x';
  const bad = writeCells('many-ranges-bad.tsv', t.headers, t.labels, cells);
  for (const workers of [1, 2, 3]) {
    await assert.rejects(readTable(bad.file, { workers }), (error: unknown) => {
      assert.ok(error instanceof InputError, String(error));
      assert.deepEqual([error.position.line, error.position.column], [42, 5], `${workers} threads: ${error.message}`);
      return true;
    });
  }
});

test('float32 stores Math.fround of each value', async () => {
  const t = writeTable('f32.tsv', 200, 4);
  const f64 = await readTable(t.file);
  for (const workers of [1, 2]) {
    const f32 = await readTable(t.file, { float32: true, workers });
    assert.ok(f32.values instanceof Float32Array);
    f64.values.forEach((v, i) => assert.ok(Object.is(f32.values[i], Math.fround(v)), `cell ${i}`));
  }
});

test('columns in another order give the same family views and statistics', async () => {
  const a = await readTable(writeTable('ordered.tsv', 400, 5).file);
  const b = await readTable(writeTable('shuffled.tsv', 400, 5, { order: 'shuffled' }).file);
  // Same seed, different order: cells were drawn per header position, so build b's cells from a's.
  const t = writeCells(
    'shuffled-same.tsv',
    b.columns.map((k) => k.header),
    [...a.index],
    a.index.map((_, r) =>
      b.columns.map((k) => {
        const v = a.get(r, a.columnOf(k.header));
        return Number.isNaN(v) ? '' : v === Infinity ? 'inf' : v === -Infinity ? '-inf' : String(v);
      }),
    ),
  );
  const c = await readTable(t.file);
  assert.notDeepEqual(
    c.columns.map((k) => k.header),
    a.columns.map((k) => k.header),
  );
  assert.deepEqual(c.families().sort(), a.families().sort());
  for (const family of a.families()) {
    const va = a.family(family);
    const vc = c.family(family);
    assert.deepEqual(Array.from(vc.starts), Array.from(va.starts));
    for (let r = 0; r < a.nRows; r++) assert.deepEqual(vc.series(r), va.series(r), `${family} row ${r}`);
  }
  assert.deepEqual(familyStats(c), familyStats(a));
});

/** Statistics computed here from scratch, the plain way (for comparison to ~1e-12). */
function naiveStats(
  frame: Frame,
  keep: (label: string) => boolean,
  family: string,
  role: 'source' | 'dst',
): GroupStats {
  const view = frame.family(family);
  let ips = 0,
    values = 0,
    sum = 0,
    nonzero = 0,
    max = -Infinity;
  frame.index.forEach((label, r) => {
    if (!keep(label) || roleOf(label) !== role) return;
    ips++;
    for (let w = 0; w < view.starts.length; w++) {
      const v = view.value(r, w);
      if (Number.isNaN(v)) continue;
      values++;
      sum += v;
      if (v !== 0) nonzero++;
      if (v > max) max = v;
    }
  });
  return values === 0
    ? { ips, values, mean: NaN, max: NaN, nonzeroShare: NaN }
    : { ips, values, mean: sum / values, max, nonzeroShare: nonzero / values };
}

function assertClose(actual: number, want: number, what: string): void {
  if (Number.isNaN(want) || !Number.isFinite(want)) {
    assert.ok(Object.is(actual, want), `${what}: ${actual} vs ${want}`);
    return;
  }
  assert.ok(Math.abs(actual - want) <= 1e-12 * Math.max(1, Math.abs(want)), `${what}: ${actual} vs ${want}`);
}

test('evaluateFull: one pass gives the same sample and statistics as readTable + sampleFrame + familyStats', async () => {
  const t = writeTable('full.tsv', 3000, 6, { zeros: 0.9 });
  const frame = await readTable(t.file);
  const exclude = new Set([...t.labels.filter((_, r) => r % 17 === 0), '203.0.113.1source']);
  const normalRows = Int32Array.from(frame.index.keys()).filter((r) => !exclude.has(frame.index[r]));
  const normal = frame.selectRows(normalRows);
  const want = sampleFrame(normal, 250, 42);
  const wantStats = familyStats(frame, normalRows);
  let first: Awaited<ReturnType<typeof evaluateFull>> | undefined;
  for (const workers of [1, 2, 3]) {
    const ev = await evaluateFull(t.file, { exclude, sampleSize: 250, seed: 42, workers });
    assert.equal(ev.rows, 3000);
    assert.equal(ev.excludedFound, exclude.size - 1);
    assert.equal(ev.normalRows, normalRows.length);
    assert.equal(ev.valueColumns, FAMILIES.length * WINDOWS);
    assert.equal(ev.grid.freq, '5T');
    assert.deepEqual(ev.sample.index, want.index);
    assert.equal(ev.sample.values.length, want.values.length);
    want.values.forEach((v, i) =>
      assert.ok(Object.is(ev.sample.values[i], v), `sample cell ${i}: ${ev.sample.values[i]} vs ${v}`),
    );
    for (const family of FAMILIES) {
      for (const role of ['source', 'dst'] as const) {
        const got = ev.normalStats.get(family)![role];
        const naive = naiveStats(frame, (l) => !exclude.has(l), family, role);
        const twin = wantStats.get(family)![role];
        for (const field of ['ips', 'values', 'mean', 'max', 'nonzeroShare'] as const) {
          assertClose(got[field], naive[field], `${family} ${role} ${field} (${workers} threads) vs naive`);
          assertClose(got[field], twin[field], `${family} ${role} ${field} (${workers} threads) vs familyStats`);
        }
      }
    }
    if (first) assert.deepEqual(ev.normalStats, first.normalStats);
    first ??= ev;
  }
  const labelsOnly = await evaluateFull(t.file, {
    exclude,
    sampleSize: 250,
    seed: 42,
    workers: 2,
    keepSampleValues: false,
  });
  assert.deepEqual(labelsOnly.sample.index, want.index);
  assert.deepEqual(labelsOnly.sample.shape, [250, 0]);
  assert.deepEqual(labelsOnly.normalStats, first!.normalStats);
  const other = await evaluateFull(t.file, { exclude, sampleSize: 250, seed: 7 });
  assert.notDeepEqual(other.sample.index, first!.sample.index);
  const all = await evaluateFull(t.file, { exclude: new Set(), sampleSize: 5000, seed: 1, float32: true });
  assert.equal(all.sample.nRows, 3000);
  assert.ok(all.sample.values instanceof Float32Array);
});

test('progress reports bytes and rows, ending at the totals', async () => {
  const t = writeTable('progress.tsv', 2000, 8);
  for (const workers of [1, 2]) {
    const seen: Progress[] = [];
    await readTable(t.file, { workers, onProgress: (p) => seen.push({ ...p }) });
    const last = seen[seen.length - 1];
    assert.equal(last.bytesTotal, fs.statSync(t.file).size);
    assert.equal(last.bytesRead, last.bytesTotal);
    assert.equal(last.rowsParsed, 2000);
    for (let i = 1; i < seen.length; i++)
      assert.ok(seen[i].bytesRead >= seen[i - 1].bytesRead && seen[i].rowsParsed >= seen[i - 1].rowsParsed);
  }
});

test("the generator's tiny fixture reads", async () => {
  const full = await readTable(path.join(TINY, 'final', 'final_dataset_5T.csv'));
  assert.ok(full.nRows > 0 && full.valueKeys().length > 0);
  assert.equal(full.grid().freq, '5T');
});

/** Each bad input, its expected position and a piece of the message. */
const BAD_CASES: Array<[string, { line?: number; column?: number }, RegExp]> = [
  ['empty.csv', { line: 1 }, /file is empty/],
  ['comma-separated.csv', { line: 1 }, /header has 1 field.*tab-separated/],
  ['header-no-index.csv', { line: 1, column: 1 }, /first header field .*expected the index column's header/],
  ['header-garbage-tuple.csv', { line: 1, column: 3 }, /is not a tuple of two quoted strings/],
  ['header-duplicate.csv', { line: 1, column: 4 }, /duplicate header .*also column 3/],
  ['header-no-values.csv', { line: 1 }, /no value column/],
  ['irregular-windows.csv', { line: 1, column: 4 }, /irregular window spacing: .*09:40:00 and 2019-02-01 09:55:00/],
  ['row-too-few-cells.csv', { line: 3, column: 6 }, /row has 5 fields, expected 6/],
  ['row-too-many-cells.csv', { line: 3, column: 7 }, /row has 7 fields, expected 6/],
  [
    'cell-not-a-number.csv',
    { line: 3, column: 3 },
    /cell "1,5" in column 3 \(\('avg_Length', 'avg_2019-02-01 09:40:00'\)\) is not a number/,
  ],
  ['hex-number.csv', { line: 2, column: 2 }, /cell "0x10" in column 2 .* is not a number/],
  ['duplicate-index.csv', { line: 5, column: 1 }, /"1\.2\.3\.4source" appears twice, on lines 2 and 5/],
  ['label-without-role.csv', { line: 3, column: 1 }, /"5\.6\.7\.8" ends with neither 'source' nor 'dst'/],
  ['unclosed-quote-index.csv', { line: 3, column: 1 }, /opens a double quote that is not closed/],
];

for (const [name, position, pattern] of BAD_CASES) {
  test(`bad input ${name}: InputError at ${position.line ?? '-'}:${position.column ?? '-'}`, async () => {
    const file = path.join(BAD, name);
    const readers: Array<[string, () => Promise<unknown>]> = [
      ['readTable', () => readTable(file)],
      ['readTable 2 threads', () => readTable(file, { workers: 2 })],
      ['evaluateFull', () => evaluateFull(file, { exclude: new Set(), sampleSize: 1, seed: 1 })],
      ['evaluateFull 2 threads', () => evaluateFull(file, { exclude: new Set(), sampleSize: 1, seed: 1, workers: 2 })],
    ];
    for (const [what, read] of readers) {
      await assert.rejects(read, (error: unknown) => {
        assert.ok(error instanceof InputError, `${what}: ${String(error)}`);
        assert.equal(error.position.file, file, what);
        assert.equal(error.position.line, position.line, `${what}: ${error.message}`);
        assert.equal(error.position.column, position.column, `${what}: ${error.message}`);
        assert.match(error.message, pattern, what);
        return true;
      });
    }
  });
}

test('a missing file is an InputError naming it', async () => {
  const file = path.join(tmp, 'nope', 'missing.csv');
  for (const read of [
    () => readTable(file),
    () => readHeader(file),
    () => evaluateFull(file, { exclude: new Set(), sampleSize: 1, seed: 1 }),
  ]) {
    await assert.rejects(
      read,
      (error: unknown) =>
        error instanceof InputError && error.position.file === file && /file not found/.test(error.message),
    );
  }
});
