/**
 * Every number the reader parses must equal `Number(text)` bit for bit. Random and edge-case
 * literals go through the same byte scanner the table reader uses (`parseNumberBytes`), and
 * a file of them goes through `readTable`.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parseCellText, parseNumberBytes } from '../lib/reader/tsv';
import { DecimalScanner } from '../lib/reader/parse-decimal';

const scanner = new DecimalScanner();
const decimalValue = scanner.value;
const scanDecimal = (buf: Uint8Array, p: number): number => scanner.scan(buf, p);
import { pythonFloatRepr } from '../data/synth/pyfloat';
import { evaluateFull, readTable } from '../lib/loaders';
import { createRowReader } from '../lib/reader/row-reader';
import { prng } from './frames';

function randomDouble(rand: () => number): number {
  const bits = new Uint32Array(2);
  bits[0] = Math.floor(rand() * 2 ** 32);
  bits[1] = Math.floor(rand() * 2 ** 32);
  return new Float64Array(bits.buffer)[0];
}

function digits(rand: () => number, n: number): string {
  let s = '';
  for (let i = 0; i < n; i++) s += Math.floor(rand() * 10);
  return s;
}

/** Exact decimal expansion of the midpoint between a positive double and the next one up. */
function midpointDecimal(x: number): string {
  const f = new Float64Array([x]);
  const u = new BigUint64Array(f.buffer);
  const exponent = Number((u[0] >> 52n) & 0x7ffn);
  const mantissa = (u[0] & ((1n << 52n) - 1n)) | (exponent === 0 ? 0n : 1n << 52n);
  // midpoint = (2m + 1) * 2^(e - 1076)
  const e = (exponent === 0 ? 1 : exponent) - 1076;
  const odd = 2n * mantissa + 1n;
  if (e >= 0) return (odd << BigInt(e)).toString();
  const scaled = odd * 5n ** BigInt(-e); // = midpoint * 10^-e
  const text = scaled.toString().padStart(-e + 1, '0');
  return `${text.slice(0, text.length + e)}.${text.slice(text.length + e)}`;
}

function* literals(count: number, seed: number): Generator<string> {
  const rand = prng(seed);
  for (let i = 0; i < count; i++) {
    const kind = i % 12;
    if (kind === 0)
      yield String(rand() * 100); // shortest round-trip of a double: up to 17 digits
    else if (kind === 1)
      yield String(randomDouble(rand)); // any double: exponents, subnormals, huge
    else if (kind === 2)
      yield (rand() * 1000).toFixed(6); // as pandas float_format='%.6f'
    else if (kind === 3)
      yield `${digits(rand, 1 + Math.floor(rand() * 3))}.${digits(rand, 1 + Math.floor(rand() * 19))}`;
    else if (kind === 4)
      yield `${digits(rand, 1 + Math.floor(rand() * 22))}`; // integers up to 22 digits
    else if (kind === 5) yield `0.${'0'.repeat(Math.floor(rand() * 8))}${digits(rand, 1 + Math.floor(rand() * 18))}`;
    else if (kind === 6) yield `${digits(rand, 1 + Math.floor(rand() * 17))}e${Math.floor(rand() * 60) - 30}`;
    else if (kind === 7) yield `-${(rand() * 1e6).toPrecision(1 + Math.floor(rand() * 17))}`;
    else if (kind === 8) {
      // Near a rounding midpoint: the exact midpoint cut to 16..19 significant digits, ± one in the last.
      const x = rand() < 0.5 ? rand() * 1000 : Math.floor(rand() * 2 ** 53) / 2 ** Math.floor(rand() * 60);
      if (x === 0) continue;
      const mid = midpointDecimal(x);
      const firstDigit = mid.search(/[1-9]/);
      let keep = 16 + Math.floor(rand() * 4);
      let cut = '';
      for (let j = 0; j < mid.length && keep > 0; j++) {
        cut += mid[j];
        if (j >= firstDigit && mid[j] !== '.') keep--;
      }
      yield cut;
      yield cut.replace(/\d$/, (d) => String(Math.min(9, +d + 1)));
    } else if (kind === 9)
      yield `${rand() < 0.5 ? '+' : ''}${digits(rand, 1 + Math.floor(rand() * 5))}.${rand() < 0.3 ? '' : digits(rand, 3)}E${rand() < 0.5 ? '+' : '-'}${digits(rand, 2)}`;
    else if (kind === 10) yield String(Math.fround(rand() * 10 ** (Math.floor(rand() * 40) - 20)));
    else yield `${digits(rand, 8)}${digits(rand, 11)}`.replace(/^(\d{3})/, '$1.');
  }
}

const EDGE_CASES = [
  '0',
  '0.0',
  '-0.0',
  '-0',
  '+0',
  '00',
  '0.',
  '.0',
  '.5',
  '5.',
  '1e0',
  '1E5',
  '1e-5',
  '1e-05',
  '1e+05',
  '-1e-05',
  '9007199254740992',
  '9007199254740993',
  '9007199254740991',
  '18014398509481985',
  '123456789012345678901234567890',
  '4.9406564584124654e-324',
  '5e-324',
  '2.2250738585072011e-308',
  '2.2250738585072014e-308',
  '1.7976931348623157e308',
  '1.7976931348623159e308',
  '1e308',
  '1e309',
  '1e-400',
  '1e22',
  '1e23',
  '1e-22',
  '1e-23',
  '8.98846567431158e307',
  '0.1',
  '0.2',
  '0.3',
  '0.30000000000000004',
  '0.1000000000000000055511151231257827',
  '3.141592653589793',
  '2.718281828459045',
  '1.0000000000000002',
  '0.9999999999999999',
  '123456.78901234567',
  '99999999999999999999',
  '0.000001',
  '1e-7',
  '100000000000000000000000',
  '7.2057594037927933e16',
  '61.504604',
  '59.978492',
  '44.0',
  '0.000000000000000000000000000001',
  `1${'0'.repeat(40)}`,
  `0.${'0'.repeat(30)}1`,
  '1.5e00000000000000000002',
  '1e99999999999',
  '1e-99999999999',
  '2.5',
  '3.5',
  '0.5',
  '1.5e-1',
  '9.999999999999999e22',
  '1.00000000000000011102230246251565404236316680908203125',
];

function check(text: string): void {
  const bytes = Buffer.from(text, 'latin1');
  const got = parseNumberBytes(bytes, 0, bytes.length);
  assert.ok(Object.is(got, Number(text)), `${text}: parsed ${got}, Number() gives ${Number(text)}`);
}

test('edge-case literals equal Number(text) bit for bit', () => {
  for (const text of EDGE_CASES) check(text);
});

/** Exact rounding ties with at most 20 significant digits: (2^53 + odd) * 2^-j and * 2^j, written exactly. */
function* exactTies(): Generator<string> {
  for (let j = -8; j <= 10; j++) {
    for (let odd = 1n; odd < 200n; odd += 2n) {
      const integer = (1n << 53n) + odd; // 54 significant bits: halfway between two doubles
      if (j >= 0) {
        yield (integer << BigInt(j)).toString();
      } else {
        const scaled = (integer * 5n ** BigInt(-j)).toString();
        yield `${scaled.slice(0, scaled.length + j)}.${scaled.slice(scaled.length + j)}`;
      }
    }
  }
}

test('exact rounding ties (round half to even) equal Number(text)', () => {
  let n = 0;
  for (const text of exactTies()) {
    check(text);
    check(`-${text}`);
    n++;
  }
  assert.ok(n > 1000);
});

test('1.2 million random literals equal Number(text) bit for bit', () => {
  let n = 0;
  for (const text of literals(1_200_000, 20190201)) {
    check(text);
    n++;
  }
  assert.ok(n >= 1_200_000);
});

test('pandas spellings of missing and infinite values; junk is rejected', () => {
  for (const text of ['', 'nan', 'NaN', '-nan', 'NA', 'N/A', 'null', '<NA>', 'None'])
    assert.ok(Number.isNaN(parseCellText(text)), text);
  for (const text of ['inf', 'Inf', 'INF', '+inf', 'infinity', 'Infinity'])
    assert.equal(parseCellText(text), Infinity, text);
  for (const text of ['-inf', '-Infinity', '-INF']) assert.equal(parseCellText(text), -Infinity, text);
  assert.equal(parseCellText('"1.5"'), 1.5);
  for (const text of [
    'abc',
    '0x10',
    '1e',
    '1e+',
    '--1',
    '1.2.3',
    '1,5',
    ' 1',
    '1 ',
    '.',
    '-',
    'e5',
    'Infinityx',
    '0b1',
    '1_000',
  ]) {
    assert.equal(parseCellText(text), undefined, text);
    const bytes = Buffer.from(text, 'latin1');
    assert.equal(parseNumberBytes(bytes, 0, bytes.length), undefined, text);
  }
});

test('a table of random literals reads back as Number(text), with 1 and 2 threads', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'parse-number-'));
  try {
    const nCols = 50;
    const header = [
      '',
      ...Array.from(
        { length: nCols },
        (_, c) =>
          `('avg_X', 'avg_2019-02-01 ${String(10 + Math.floor(c / 12)).padStart(2, '0')}:${String((c % 12) * 5).padStart(2, '0')}:00')`,
      ),
    ];
    const texts: string[] = [];
    const source = literals(200_000, 7);
    const lines = [header.join('\t')];
    for (let r = 0; r < 2000; r++) {
      const cells: string[] = [];
      for (let c = 0; c < nCols; c++) {
        const text = c % 3 === 0 ? '0.0' : (source.next().value as string);
        cells.push(text);
        texts.push(text);
      }
      lines.push([`10.0.${r >> 8}.${r & 255}${r % 2 ? 'dst' : 'source'}`, ...cells].join('\t'));
    }
    const file = path.join(dir, 'numbers.tsv');
    fs.writeFileSync(file, `${lines.join('\n')}\n`);
    for (const workers of [1, 2]) {
      const frame = await readTable(file, { workers });
      assert.equal(frame.values.length, texts.length);
      texts.forEach((text, i) =>
        assert.ok(
          Object.is(frame.values[i], Number(text)),
          `${text} (cell ${i}, ${workers} threads): ${frame.values[i]}`,
        ),
      );
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

const rowReader = createRowReader();
const row = new Float64Array(3);

/**
 * Reads `text` both ways into the WebAssembly converter: as one number (`DecimalScanner.scan`, which
 * copies the number's bytes in), which must stop just after it, and as the middle cell of a table
 * line (the row reader converts a line's cells in one call, leaving some to `Number()`). Both must
 * give Number(text).
 */
function checkBothPaths(text: string, filler = '123456789.0e5'): void {
  const padded = Buffer.from(`${text}\t${filler}\n`, 'latin1');
  const end = scanDecimal(padded, 0);
  assert.equal(end, text.length, `${text}: end ${end}`);
  assert.ok(
    Object.is(decimalValue[0], Number(text)),
    `${text} (one number): ${decimalValue[0]}, Number() gives ${Number(text)}`,
  );
  const line = Buffer.from(`1.2.3.4source\t${filler}\t${text}\t${filler}\n`, 'latin1');
  assert.ok(
    rowReader.parseRow(line, 0, line.length - 1, 3, row, 0),
    `${text} (line): ${JSON.stringify(rowReader.problem)}`,
  );
  assert.ok(Object.is(row[1], Number(text)), `${text} (line): ${row[1]}, Number() gives ${Number(text)}`);
}

/** Dense decimals as Python's repr writes them: lognormal, uniform-bits, 17-digit, tiny, huge, subnormal. */
function* denseLiterals(count: number, seed: number): Generator<string> {
  const rand = prng(seed);
  const normal = () => Math.sqrt(-2 * Math.log(1 - rand())) * Math.cos(2 * Math.PI * rand());
  for (let i = 0; i < count; i++) {
    const kind = i % 8;
    let x: number;
    if (kind <= 2)
      x = 10 ** (Math.floor(rand() * 7) - 2) * Math.exp(normal()); // as the dense generator
    else if (kind === 3)
      x = randomDouble(rand); // any double: huge and tiny exponents, subnormals
    else if (kind === 4)
      x = (rand() + 1) * 2 ** (Math.floor(rand() * 2098) - 1074); // every binade, subnormals included
    else if (kind === 5)
      x = Number(`${1 + Math.floor(rand() * 9)}.${digits(rand, 16)}e${Math.floor(rand() * 60) - 30}`); // 17 digits
    else if (kind === 6) x = rand() * 10 ** (Math.floor(rand() * 40) - 20);
    else x = Math.floor(rand() * 2 ** 53) * 10 ** (Math.floor(rand() * 10) - 25);
    if (!Number.isFinite(x)) continue;
    const text = pythonFloatRepr(rand() < 0.1 ? -x : x);
    yield text;
    // The same digits written other ways pandas or people write them.
    if (kind === 5) yield `${text.replace(/e[+-]\d+$/, '')}E${Math.floor(rand() * 44) - 22}`;
  }
}

test('dense repr decimals equal Number(text) as one number and as a cell of a line (800,000 of them)', () => {
  let n = 0;
  for (const text of denseLiterals(800_000, 140)) {
    checkBothPaths(text);
    n++;
  }
  assert.ok(n >= 800_000);
});

test('a dense table (every cell a full-precision decimal) reads back as Number(text): whole and streamed, 1 and 2 threads', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'parse-dense-'));
  try {
    const nCols = 60;
    const header = [
      '',
      ...Array.from(
        { length: nCols },
        (_, c) =>
          `('avg_X', 'avg_2019-02-01 ${String(10 + Math.floor(c / 12)).padStart(2, '0')}:${String((c % 12) * 5).padStart(2, '0')}:00')`,
      ),
    ];
    // Python reprs, plus the cases a fast path gets wrong first: around 2^53, 19 and more digits, -0.0, subnormals.
    const special = [
      '-0.0',
      '9007199254740993',
      '9007199254740992.5',
      '900719925474099.35',
      '0.9007199254740993',
      '1234567890123456789',
      '12345678901234567890123',
      '0.30000000000000004',
      '4.9406564584124654e-324',
      '2.2250738585072011e-308',
      '-1.7976931348623157e+308',
    ];
    const source = denseLiterals(1_000_000, 14);
    const texts: string[] = [];
    const lines = [header.join('\t')];
    for (let r = 0; r < 600; r++) {
      const cells: string[] = [];
      for (let c = 0; c < nCols; c++)
        cells.push((r * nCols + c) % 97 === 0 ? special[(r + c) % special.length] : (source.next().value as string));
      texts.push(...cells);
      lines.push([`10.0.${r >> 8}.${r & 255}${r % 2 ? 'dst' : 'source'}`, ...cells].join('\t'));
    }
    const file = path.join(dir, 'dense.tsv');
    fs.writeFileSync(file, `${lines.join('\n')}\n`);
    for (const workers of [1, 2]) {
      const frame = await readTable(file, { workers });
      texts.forEach((text, i) =>
        assert.ok(
          Object.is(frame.values[i], Number(text)),
          `${text} (cell ${i}, ${workers} threads): ${frame.values[i]}`,
        ),
      );
      // The streaming evaluation parses with the same reader: a sample of every row holds every value.
      const full = await evaluateFull(file, { exclude: new Set(), sampleSize: 600, seed: 1, workers });
      texts.forEach((text, i) =>
        assert.ok(
          Object.is(full.sample.values[i], Number(text)),
          `${text} (streamed cell ${i}, ${workers} threads): ${full.sample.values[i]}`,
        ),
      );
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('long, 17-digit and round-half-even boundary literals equal Number(text) as one number and as a cell of a line', () => {
  const rand = prng(2026);
  const cases: string[] = [...EDGE_CASES, ...exactTies()];
  for (let i = 0; i < 4000; i++) {
    // Exact midpoints between adjacent doubles written in full (up to ~770 digits), and cut to 17..40
    // significant digits, then nudged by one in the last digit: each side of a tie must round its own way.
    const x =
      i % 2
        ? rand() * 10 ** (Math.floor(rand() * 40) - 20)
        : Math.floor(rand() * 2 ** 53) * 2 ** (Math.floor(rand() * 200) - 100);
    if (x === 0 || !Number.isFinite(x)) continue;
    const mid = midpointDecimal(x);
    cases.push(mid);
    const firstDigit = mid.search(/[1-9]/);
    let keep = 17 + Math.floor(rand() * 24);
    let cut = '';
    for (let j = 0; j < mid.length && keep > 0; j++) {
      cut += mid[j];
      if (j >= firstDigit && mid[j] !== '.') keep--;
    }
    cases.push(
      cut,
      cut.replace(/\d$/, (d) => String(Math.min(9, +d + 1))),
      `${cut}0000000000001`,
      `${cut}${'0'.repeat(30)}`,
    );
  }
  // Mantissas at the edges of the exact significand (2^53, 10^15..10^16, 20 digits) with every scale.
  for (const m of [
    '9007199254740991',
    '9007199254740992',
    '9007199254740993',
    '9999999999999999',
    '10000000000000001',
    '99999999999999999999',
    '18446744073709551615',
    '123456789012345678901',
  ]) {
    for (let e = -30; e <= 30; e += 1) cases.push(`${m}e${e}`, `0.${m}e${e}`, `${m.slice(0, 3)}.${m.slice(3)}e${e}`);
  }
  // Denormals and the ends of the range.
  cases.push(
    '4.9406564584124654e-324',
    '2.4703282292062327e-324',
    '2.4703282292062328e-324',
    '2.225073858507201e-308',
    '1.7976931348623158e308',
    '1.7976931348623159e308',
    `0.${'0'.repeat(323)}5`,
  );
  for (const text of cases) {
    checkBothPaths(text);
    if (/^[0-9.]/.test(text)) checkBothPaths(`-${text}`);
  }
  assert.ok(cases.length > 20_000);
});

test('the scanner stops at the first byte that is not part of the number, whatever follows', () => {
  for (const [text, end] of [
    ['1.5\t2', 3],
    ['12345678.12345678x', 17],
    ['0.1234567\n', 9],
    ['3.25e-05\t9', 8],
    ['7.', 2],
    ['1e5e5', 3],
    ['99999999', 8],
    ['.5\t', 2],
  ] as const) {
    const buf = Buffer.from(`${text}${'\n'.repeat(40)}`, 'latin1');
    assert.equal(scanDecimal(buf, 0), end, text);
    assert.ok(Object.is(decimalValue[0], Number(text.slice(0, end))), text);
  }
  for (const text of ['.', '-', '+.', 'e5', '1e', '1e+', '.e1']) {
    assert.equal(scanDecimal(Buffer.from(`${text}\t${'0'.repeat(40)}\n`, 'latin1'), 0), -1, text);
    assert.equal(scanDecimal(Buffer.from(`${text}\n`, 'latin1'), 0), -1, text);
  }
});
