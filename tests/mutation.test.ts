/**
 * The readers under seeded random damage: small valid tables (the tiny fixture and generated ones)
 * get a few hundred mutations of the kinds a user's files suffer (truncation, dropped and extra
 * tabs, bad and huge numbers, CRLF, byte-order marks, blank lines, duplicate rows, bad headers,
 * quotes, control bytes, long lines, odd windows). For each mutant, `readTable` and `evaluateFull`
 * either read exactly what the independent strict reader (tests/independent.ts) reads, or throw an
 * InputError naming the file and, for a row defect, a line the strict reader also finds defective;
 * never another exception. Some mutants also go through `npm run summary`, which must then exit 0
 * with summary.json, or exit 1 with the reader's message and no file left behind.
 *
 * Replay: MUTATION_SEED=<seed> node --test dist/tests/mutation.test.js (MUTANTS=<n> for more;
 * MUTATION_TRACE=1 prints every mutant and refusal; MUTATION_KEEP=<n> copies mutant n to the OS temp dir).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { evaluateFull, readTable } from '../lib/loaders';
import type { Frame } from '../lib/table/frame';
import { InputError } from '../lib/types';
import { type StrictRead, type Table, readStrict } from './independent';
import { prng } from './frames';

const ROOT = path.resolve(__dirname, '..', '..');
const TINY = path.join(ROOT, 'tests', 'fixtures', 'tiny');
const SUMMARY = path.join(ROOT, 'dist', 'cli', 'summary.js');
const RUN_FOLDERS = ['models_2019_06_01_21_21', 'models_2019_06_01_21_44', 'models_2019_06_01_22_11'];
const SEED = Number(process.env.MUTATION_SEED ?? 20261129);
const MUTANTS = Number(process.env.MUTANTS ?? 400);
/** Every how many mutants the two-thread readers run too (worker start-up is the slow part). */
const THREADED_EVERY = 40;
/** Mutants that also go through the summary command. */
const SUMMARY_RUNS = 4;

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'mutation-test-'));
process.on('exit', () => fs.rmSync(tmp, { recursive: true, force: true }));

type Rand = () => number;
const pick = <T>(rand: Rand, items: readonly T[]): T => items[Math.floor(rand() * items.length)];
const int = (rand: Rand, n: number): number => Math.floor(rand() * n);

// ---- valid base tables ----------------------------------------------------------------------

const FAMILIES = ['avg_Length', 'sum_Length', 'count_Port1_last_1'];

function windowHeader(family: string, start: number): string {
  const time = new Date(start).toISOString().slice(0, 19).replace('T', ' ');
  return `('${family}', '${family.split('_')[0]}_${time}')`;
}

/** Cell texts pandas writes (and a few it reads), valid ones only. */
const GOOD_CELLS = [
  '0.0',
  '0.0',
  '0.0',
  '1.0',
  '-0.0',
  '',
  'nan',
  'inf',
  '-inf',
  '61.333333333333336',
  '1e-05',
  '2.5e+20',
  '0.30000000000000004',
  '123456789.0',
  '-7.25',
];

/** A small valid table written as pandas writes it: index, tuple headers, metadata columns; some labels need quotes. */
function generatedTable(seed: number): string {
  const rand = prng(seed);
  const windows = 2 + int(rand, 4);
  const step = pick(rand, [300_000, 600_000, 1_800_000]);
  const t0 = Date.UTC(2019, 1, 1, 9, 35);
  const families = FAMILIES.slice(0, 1 + int(rand, FAMILIES.length));
  const headers = [
    ...families.flatMap((f) => Array.from({ length: windows }, (_, w) => windowHeader(f, t0 + w * step))),
    'host0',
    'is_src',
  ];
  const rows = 4 + int(rand, 20);
  const lines = [['', ...headers].join('\t')];
  for (let r = 0; r < rows; r++) {
    const role = rand() < 0.5 ? 'source' : 'dst';
    let label = rand() < 0.3 ? `2001:db8::${r.toString(16)}${role}` : `10.${seed % 250}.${r >> 8}.${r & 255}${role}`;
    if (rand() < 0.1) label = `a"b ${r}${role}`;
    if (rand() < 0.05) label = `tab\t${r}${role}`;
    const quoted = /["\t]/.test(label) ? `"${label.replace(/"/g, '""')}"` : label;
    const cells = headers.map((h) => (h.startsWith('(') ? pick(rand, GOOD_CELLS) : String(int(rand, 2))));
    lines.push([quoted, ...cells].join('\t'));
  }
  return `${lines.join('\n')}\n`;
}

interface Base {
  name: string;
  text: string;
}

function bases(): Base[] {
  const tiny = [
    { name: 'tiny full', text: fs.readFileSync(path.join(TINY, 'final', 'final_dataset_5T.csv'), 'utf8') },
    ...RUN_FOLDERS.map((folder) => ({
      name: `tiny ${folder}`,
      text: fs.readFileSync(path.join(TINY, 'models', folder, 'detected_anomalies.csv'), 'utf8'),
    })),
  ];
  return [...tiny, ...[1, 2, 3, 4].map((k) => ({ name: `generated ${k}`, text: generatedTable(k) }))];
}

// ---- mutations --------------------------------------------------------------------------------

/** A mutation: the new text and what was done (printed on failure, with the seed). */
type Mutation = (rand: Rand, text: string) => { text: string; did: string };

function lineSpans(text: string): Array<{ start: number; end: number }> {
  const spans: Array<{ start: number; end: number }> = [];
  let start = 0;
  while (start < text.length) {
    const nl = text.indexOf('\n', start);
    const end = nl < 0 ? text.length : nl;
    spans.push({ start, end });
    start = end + 1;
  }
  return spans;
}

/** Replaces field `f` of line `l` (0-based; tabs split naively) through `change`. */
function editField(text: string, l: number, f: number, change: (field: string) => string): string {
  const lines = text.split('\n');
  if (l >= lines.length) return text;
  const fields = lines[l].split('\t');
  if (f >= fields.length) return text;
  fields[f] = change(fields[f]);
  lines[l] = fields.join('\t');
  return lines.join('\n');
}

/** A random (line, field) inside the body: line ≥ 1, field ≥ 1. */
function randomCell(rand: Rand, text: string): [number, number] {
  const lines = text.split('\n');
  const l = 1 + int(rand, Math.max(1, lines.length - 1));
  const fields = (lines[l] ?? '').split('\t').length;
  return [l, 1 + int(rand, Math.max(1, fields - 1))];
}

const BAD_NUMBERS = [
  '1,5',
  '0x10',
  '1e',
  '--1',
  '1..2',
  ' 1',
  '1 ',
  '1_000',
  'e5',
  '.',
  '-',
  '+',
  'inf1',
  'nan nan',
  'True',
  '1e+',
  '½',
  '0.0.0',
];
const ODD_NUMBERS = [
  'NaN',
  '-NaN',
  'NULL',
  'None',
  '#N/A',
  'n/a',
  '<NA>',
  'Infinity',
  '-INF',
  '+inf',
  'iNf',
  '.5',
  '5.',
  '+.5e-3',
  '-0',
  '0e0',
  '00012',
  '"1.5"',
  '""',
  '"nan"',
  '"""1"""',
];
const HUGE_NUMBERS = [
  '1e308',
  '1.7976931348623157e308',
  '1.7976931348623159e308',
  '2e308',
  '1e400',
  '-1e400',
  '4.9e-324',
  '2.4703282292062327e-324',
  '1e-400',
  '9007199254740993',
  '123456789012345678901234567890',
  '0.1234567890123456789012345',
  `1${'0'.repeat(400)}`,
  `0.${'0'.repeat(400)}1`,
  '179769313486231580793728971405303415079934132710037826936173778980444968292764750946649017977587207096330286416692887910946555547851940402630657488671505820681908902000708383676273854845817711531764475730270069855571366959622842914819860834936475292719074168444365510704342711559699508093042880177904174497791.9999999999999999999999999999999999999999999999999999999999999999999999',
  '9.999999999999999e22',
  '1e23',
  '8.98846567431158e307',
  '2.2250738585072011e-308',
  '2.2250738585072014e-308',
  '0.000000000000000000000000000001e30',
];
const CONTROL_BYTES = [0, 1, 7, 8, 11, 12, 13, 14, 27, 31, 127];

const MUTATIONS: Record<string, Mutation> = {
  truncate(rand, text) {
    const at = int(rand, text.length);
    return { text: text.slice(0, at), did: `truncate at character ${at}` };
  },
  dropTab(rand, text) {
    const tabs = [...text.matchAll(/\t/g)].map((m) => m.index!);
    if (tabs.length === 0) return { text, did: 'no tab to drop' };
    const at = pick(rand, tabs);
    return { text: text.slice(0, at) + text.slice(at + 1), did: `drop the tab at character ${at}` };
  },
  extraTab(rand, text) {
    const spans = lineSpans(text);
    const span = pick(rand, spans);
    const at = rand() < 0.3 ? span.end : span.start + int(rand, span.end - span.start + 1);
    return { text: `${text.slice(0, at)}\t${text.slice(at)}`, did: `insert a tab at character ${at}` };
  },
  badNumber(rand, text) {
    const [l, f] = randomCell(rand, text);
    const value = pick(rand, rand() < 0.5 ? BAD_NUMBERS : ODD_NUMBERS);
    return { text: editField(text, l, f, () => value), did: `cell ${l + 1}:${f + 1} := ${JSON.stringify(value)}` };
  },
  hugeNumber(rand, text) {
    const [l, f] = randomCell(rand, text);
    const value = pick(rand, HUGE_NUMBERS);
    return {
      text: editField(text, l, f, () => value),
      did: `cell ${l + 1}:${f + 1} := ${JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value)}`,
    };
  },
  crlf(rand, text) {
    const kind = int(rand, 3);
    if (kind === 0) return { text: text.replace(/\n/g, '\r\n'), did: 'every LF to CR LF' };
    if (kind === 1) {
      const spans = lineSpans(text);
      const span = pick(rand, spans);
      return {
        text: `${text.slice(0, span.end)}\r${text.slice(span.end)}`,
        did: `CR before the LF of line ${spans.indexOf(span) + 1}`,
      };
    }
    return { text: text.endsWith('\n') ? `${text.slice(0, -1)}\r` : `${text}\r`, did: 'CR ending the file' };
  },
  bom(rand, text) {
    if (rand() < 0.7) return { text: `\ufeff${text}`, did: 'BOM at the start' };
    const spans = lineSpans(text);
    const span = pick(rand, spans);
    return {
      text: `${text.slice(0, span.start)}\ufeff${text.slice(span.start)}`,
      did: `BOM at the start of line ${spans.indexOf(span) + 1}`,
    };
  },
  blankLines(rand, text) {
    const spans = lineSpans(text);
    const span = pick(rand, [...spans, { start: text.length, end: text.length }]);
    const blank = pick(rand, ['\n', '\n\n', '\r\n', '\n\r\n']);
    return {
      text: text.slice(0, span.start) + blank + text.slice(span.start),
      did: `${JSON.stringify(blank)} before character ${span.start}`,
    };
  },
  duplicateRow(rand, text) {
    const lines = text.split('\n');
    if (lines.length < 3) return { text, did: 'no row to duplicate' };
    const from = 1 + int(rand, lines.length - 2);
    const to = 1 + int(rand, lines.length - 1);
    lines.splice(to, 0, lines[from]);
    return { text: lines.join('\n'), did: `copy line ${from + 1} before line ${to + 1}` };
  },
  dropOrSwapRows(rand, text) {
    const lines = text.split('\n');
    if (lines.length < 4) return { text, did: 'too few rows' };
    const a = 1 + int(rand, lines.length - 2);
    const b = 1 + int(rand, lines.length - 2);
    if (rand() < 0.5) {
      lines.splice(a, 1);
      return { text: lines.join('\n'), did: `drop line ${a + 1}` };
    }
    [lines[a], lines[b]] = [lines[b], lines[a]];
    return { text: lines.join('\n'), did: `swap lines ${a + 1} and ${b + 1}` };
  },
  finalNewline(_rand, text) {
    return text.endsWith('\n')
      ? { text: text.slice(0, -1), did: 'drop the final newline' }
      : { text: `${text}\n`, did: 'add a final newline' };
  },
  badHeader(rand, text) {
    const fields = text.split('\n')[0].split('\t');
    const f = int(rand, fields.length);
    const other = pick(rand, fields);
    const changes: Array<[string, (h: string) => string]> = [
      ['truncated', (h) => h.slice(0, int(rand, h.length))],
      ['a quote dropped', (h) => h.replace("'", '')],
      ['an impossible date', (h) => h.replace(/-\d\d (\d\d:)/, '-30 $1')],
      ['month 13', (h) => h.replace(/\d{4}-\d\d-/, '2019-13-')],
      ['emptied', () => ''],
      ['copied from another header', () => other],
      ['family without underscore', (h) => h.replace(/_/, '')],
      ['a plain name', () => `name${int(rand, 3)}`],
      ['a third tuple element', (h) => h.replace(/\)\s*$/, ", 'x')")],
      ['double quotes', (h) => h.replace(/'/g, '"')],
      ['spaces and a trailing comma', (h) => h.replace(/', '/, "' , '").replace(/'\)$/, "',)")],
      ['a tuple as index header', () => "('avg_Length', 'avg_2019-02-01 09:35:00')"],
    ];
    const [what, change] = pick(rand, changes);
    return { text: editField(text, 0, f, change), did: `header field ${f + 1} ${what}` };
  },
  quotes(rand, text) {
    const lines = text.split('\n');
    const l = 1 + int(rand, Math.max(1, lines.length - 1));
    if (!lines[l]) return { text, did: 'no row to quote' };
    const fields = lines[l].split('\t');
    const kind = int(rand, 6);
    const quote = (s: string): string => `"${s.replace(/"/g, '""')}"`;
    if (kind === 0) fields[0] = quote(fields[0]);
    else if (kind === 1) fields[0] = `"${fields[0]}`;
    else if (kind === 2) fields[0] = quote(`x"y\t${fields[0]}`);
    else if (kind === 3) fields[0] = `${fields[0].slice(0, 2)}"${fields[0].slice(2)}`;
    else if (kind === 4) fields[0] = `"${fields[0].slice(0, 3)}"${fields[0].slice(3)}`;
    else {
      const f = 1 + int(rand, Math.max(1, fields.length - 1));
      if (f < fields.length) fields[f] = quote(fields[f]);
    }
    lines[l] = fields.join('\t');
    return { text: lines.join('\n'), did: `quotes (kind ${kind}) on line ${l + 1}` };
  },
  labelRole(rand, text) {
    const [l] = randomCell(rand, text);
    const change = pick(rand, [
      (s: string) => s.replace(/(source|dst)$/, ''),
      (s: string) => s.replace(/source$/, 'src'),
      (s: string) => `${s} `,
      (s: string) => s.replace(/(source|dst)$/, 'dst'),
    ]);
    return { text: editField(text, l, 0, change), did: `label of line ${l + 1} changed` };
  },
  controlByte(rand, text) {
    const byte = pick(rand, CONTROL_BYTES);
    // Into a label (a small share of the bytes, but where a control byte does harm) or anywhere.
    const spans = lineSpans(text);
    const span = pick(rand, spans);
    const labelEnd = text.indexOf('\t', span.start);
    const at =
      rand() < 0.4 && labelEnd > span.start && labelEnd < span.end
        ? span.start + int(rand, labelEnd - span.start + 1)
        : int(rand, text.length + 1);
    return {
      text: text.slice(0, at) + String.fromCharCode(byte) + text.slice(at),
      did: `byte 0x${byte.toString(16).padStart(2, '0')} at character ${at}`,
    };
  },
  longLine(rand, text) {
    const [l, f] = randomCell(rand, text);
    const long = rand() < 0.5 ? `1.${'0'.repeat(1_100_000)}1` : `${'7'.repeat(1_100_000)}`;
    if (rand() < 0.3)
      return {
        text: editField(text, l, 0, (s) => `${'x'.repeat(1_100_000)}${s}`),
        did: `label of line ${l + 1} made 1.1 MB long`,
      };
    return { text: editField(text, l, f, () => long), did: `cell ${l + 1}:${f + 1} made 1.1 MB long` };
  },
  oddWindows(rand, text) {
    const lines = text.split('\n');
    const header = lines[0].split('\t');
    const valueColumns = header.map((h, i) => (h.startsWith('(') ? i : -1)).filter((i) => i > 0);
    if (valueColumns.length === 0) return { text, did: 'no value column' };
    const shift = (h: string, minutes: number): string =>
      h.replace(/(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d)/, (time) =>
        new Date(Date.parse(`${time.replace(' ', 'T')}Z`) + minutes * 60_000)
          .toISOString()
          .slice(0, 19)
          .replace('T', ' '),
      );
    const kind = int(rand, 4);
    if (kind === 0) {
      const c = pick(rand, valueColumns);
      const minutes = pick(rand, [1, 5, -5, 60, 2.5]);
      header[c] = shift(header[c], minutes);
      lines[0] = header.join('\t');
      return { text: lines.join('\n'), did: `window of column ${c + 1} moved ${minutes} min` };
    }
    if (kind === 1) {
      const minutes = pick(rand, [60, -24 * 60, 1]);
      lines[0] = header.map((h) => (h.startsWith('(') ? shift(h, minutes) : h)).join('\t');
      return { text: lines.join('\n'), did: `every window moved ${minutes} min` };
    }
    // Drop or reorder whole columns, header and rows alike.
    const c = pick(rand, valueColumns);
    const time = /\d{4}-\d\d-\d\d \d\d:\d\d:\d\d/.exec(header[c])?.[0];
    if (time === undefined) return { text, did: 'no window in the column picked' };
    const keep = header.map((h, i) => (kind === 2 ? i === 0 || !h.includes(time) : true));
    const order = header.map((_, i) => i);
    if (kind === 3)
      for (let i = order.length - 1; i > 1; i--) {
        const j = 1 + int(rand, i);
        [order[i], order[j]] = [order[j], order[i]];
      }
    const rebuilt = lines.map((line) => {
      const fields = line.split('\t');
      return line === ''
        ? line
        : order
            .filter((i) => keep[i])
            .map((i) => fields[i] ?? '')
            .join('\t');
    });
    return { text: rebuilt.join('\n'), did: kind === 2 ? `columns of window ${time} dropped` : 'columns shuffled' };
  },
};

const KINDS = Object.keys(MUTATIONS);

// ---- checks -------------------------------------------------------------------------------------

function assertSameTable(frame: Frame, table: Table, what: string): void {
  assert.deepEqual(frame.index, table.index, `${what}: index`);
  assert.deepEqual(
    frame.columns.map((k) => k.header),
    table.headers,
    `${what}: headers`,
  );
  for (let r = 0; r < table.rows.length; r++) {
    for (let c = 0; c < table.headers.length; c++) {
      const want = table.rows[r][c];
      const got = frame.get(r, c);
      if (!Object.is(got, want))
        assert.fail(
          `${what}: row ${r + 1} (${table.index[r]}) column ${c + 1}: read ${got}, the strict reader reads ${want}`,
        );
    }
  }
}

/** The outcome of one reader on a mutant against the strict reading: the same table, or an InputError at a defect. */
async function checkReader(
  what: string,
  file: string,
  strict: StrictRead,
  read: () => Promise<unknown>,
  same: (result: unknown, table: Table) => void,
): Promise<InputError | undefined> {
  let result: unknown;
  try {
    result = await read();
  } catch (error) {
    if (!(error instanceof InputError))
      assert.fail(`${what}: threw ${error instanceof Error ? error.stack : String(error)}`);
    assert.equal(error.position.file, file, `${what}: ${error.message}`);
    assert.ok(error.message.startsWith(`${file}:`), `${what}: ${error.message}`);
    if (!strict.defects) assert.fail(`${what}: refused a file the strict reader reads: ${error.message}`);
    const lines = strict.defects.map((d) => d.line);
    const rowDefectsOnly = lines.every((line) => line > 1);
    if (rowDefectsOnly)
      assert.ok(
        error.position.line !== undefined && error.position.line > 1,
        `${what}: a row defect without its line: ${error.message}; strict: ${JSON.stringify(strict.defects.slice(0, 3))}`,
      );
    const line = error.position.line;
    if (line !== undefined) {
      const defect = strict.defects.find((d) => d.line === line);
      assert.ok(
        defect,
        `${what}: error at line ${error.position.line}, but the strict reader finds defects on lines ${lines.slice(0, 10).join(', ')}: ${error.message}`,
      );
      if (defect.columns) {
        assert.ok(
          error.position.column !== undefined && defect.columns.includes(error.position.column),
          `${what}: error at column ${error.position.column}, but the strict reader finds columns ${defect.columns.join(', ')} defective: ${error.message}`,
        );
      }
      const count = /row has (\d+) fields?/.exec(error.message);
      if (count) assert.equal(Number(count[1]), defect.fields, `${what}: field count in ${error.message}`);
    }
    return error;
  }
  if (strict.defects)
    assert.fail(`${what}: read a file the strict reader refuses: ${JSON.stringify(strict.defects.slice(0, 3))}`);
  same(result, strict.table);
  return undefined;
}

function frameMatches(what: string) {
  return (result: unknown, table: Table) => assertSameTable(result as Frame, table, what);
}

function evaluationMatches(what: string, exclude: ReadonlySet<string>) {
  return (result: unknown, table: Table) => {
    const ev = result as Awaited<ReturnType<typeof evaluateFull>>;
    const normal = table.index.filter((label) => !exclude.has(label));
    assert.equal(ev.rows, table.index.length, `${what}: rows`);
    assert.equal(ev.normalRows, normal.length, `${what}: normal rows`);
    assert.equal(ev.sample.nRows, Math.min(5, normal.length), `${what}: sample rows`);
    for (const label of ev.sample.index)
      assert.ok(normal.includes(label), `${what}: sampled ${label} is not a normal row`);
    ev.sample.index.forEach((label, r) => {
      const row = table.rows[table.index.indexOf(label)];
      row.forEach((want, c) =>
        assert.ok(
          Object.is(ev.sample.get(r, c), want),
          `${what}: sample ${label} column ${c + 1}: ${ev.sample.get(r, c)} vs ${want}`,
        ),
      );
    });
  };
}

/** Kinds of refusal, for the tally printed at the end. */
const REFUSALS: Array<[string, RegExp]> = [
  ['control character', /holds a control character/],
  ['not a number', /is not a number/],
  ['field count', /: row has \d+ field/],
  ['label twice', /appears twice/],
  ['no role', /ends with neither/],
  ['open quote', /not closed/],
  ['windows', /irregular window|window .*timestamp/],
  ['empty', /file is empty/],
  ['header', /header/],
];

interface Mutant {
  n: number;
  seed: number;
  base: Base;
  text: string;
  did: string[];
}

function makeMutant(n: number, all: readonly Base[]): Mutant {
  const seed = SEED + n * 7919;
  const rand = prng(seed);
  const base = pick(rand, all);
  let text = base.text;
  const did: string[] = [];
  const count = 1 + int(rand, 3);
  for (let k = 0; k < count; k++) {
    // Long lines are slow to compare: rarer than the rest.
    let kind = pick(rand, KINDS);
    if (kind === 'longLine' && rand() < 0.7)
      kind = pick(
        rand,
        KINDS.filter((k2) => k2 !== 'longLine'),
      );
    const result = MUTATIONS[kind](rand, text);
    text = result.text;
    did.push(`${kind}: ${result.did}`);
  }
  return { n, seed, base, text, did };
}

function describeMutant(m: Mutant): string {
  return `mutant ${m.n} (MUTATION_SEED=${SEED}, seed ${m.seed}) of ${m.base.name}: ${m.did.join('; ')}`;
}

test(`${MUTANTS} seeded mutants: read as the strict reader reads them, or refused with file and line`, async () => {
  const all = bases();
  // The unmutated bases read as the strict reader reads them (else every comparison below is moot).
  for (const base of all) {
    const file = path.join(tmp, 'base.tsv');
    fs.writeFileSync(file, base.text);
    const strict = readStrict(file);
    assert.ok(strict.table, `${base.name}: ${JSON.stringify(strict.defects)}`);
    assertSameTable(await readTable(file), strict.table, base.name);
  }
  const tally = { read: 0, refused: 0 };
  const refusedBy = new Map<string, number>();
  for (let n = 0; n < MUTANTS; n++) {
    const mutant = makeMutant(n, all);
    const file = path.join(tmp, `mutant-${n}.tsv`);
    fs.writeFileSync(file, mutant.text);
    const what = describeMutant(mutant);
    if (process.env.MUTATION_TRACE) process.stderr.write(`${what}\n`);
    if (process.env.MUTATION_KEEP === String(n)) fs.copyFileSync(file, path.join(os.tmpdir(), `mutant-${n}.tsv`));
    const strict = readStrict(file);
    const exclude = new Set(strict.table ? strict.table.index.filter((_, r) => r % 3 === 0) : []);
    const refused = await checkReader(
      `${what}\n  readTable`,
      file,
      strict,
      () => readTable(file),
      frameMatches(`${what}\n  readTable`),
    );
    await checkReader(
      `${what}\n  evaluateFull`,
      file,
      strict,
      () => evaluateFull(file, { exclude, sampleSize: 5, seed: 3 }),
      evaluationMatches(`${what}\n  evaluateFull`, exclude),
    );
    if (n % THREADED_EVERY === 0) {
      await checkReader(
        `${what}\n  readTable, 2 threads`,
        file,
        strict,
        () => readTable(file, { workers: 2, float32: n % 2 === 0 }),
        (result, table) => {
          const frame = result as Frame;
          const expected =
            n % 2 === 0 ? { ...table, rows: table.rows.map((row) => row.map((v) => Math.fround(v))) } : table;
          assertSameTable(frame, expected, `${what}\n  readTable, 2 threads`);
        },
      );
      await checkReader(
        `${what}\n  evaluateFull, 2 threads`,
        file,
        strict,
        () => evaluateFull(file, { exclude, sampleSize: 5, seed: 3, workers: 2 }),
        evaluationMatches(`${what}\n  evaluateFull, 2 threads`, exclude),
      );
    }
    if (refused && process.env.MUTATION_TRACE) process.stderr.write(`  -> ${refused.message.slice(0, 300)}\n`);
    if (refused) {
      tally.refused++;
      const kind = REFUSALS.find(([, pattern]) => pattern.test(refused.message))?.[0] ?? 'other';
      refusedBy.set(kind, (refusedBy.get(kind) ?? 0) + 1);
    } else tally.read++;
    fs.rmSync(file);
  }
  // The mutations must exercise both outcomes, or the test proves little.
  assert.ok(tally.read > MUTANTS / 10 && tally.refused > MUTANTS / 10, JSON.stringify(tally));
  process.stdout.write(
    `# ${tally.read} mutants read, ${tally.refused} refused: ${[...refusedBy].map(([k, v]) => `${k} ${v}`).join(', ')}\n`,
  );
});

test(`${SUMMARY_RUNS} mutants through npm run summary: summary.json, or exit 1 with the reader's message and no file left`, async () => {
  const all = bases();
  let refused = 0;
  for (let n = 0; n < SUMMARY_RUNS || refused === 0; n++) {
    assert.ok(n < 60, 'no refused mutant among 60');
    const mutant = makeMutant(MUTANTS + n, all);
    const what = describeMutant(mutant);
    // The three tiny runs and the tiny full table, one of them (the mutant's base when it is one) mutated.
    const work = path.join(tmp, `summary-${n}`);
    const models = RUN_FOLDERS.map((folder) => path.join(work, 'models', folder));
    models.forEach((dir, i) => {
      fs.mkdirSync(dir, { recursive: true });
      fs.copyFileSync(
        path.join(TINY, 'models', RUN_FOLDERS[i], 'detected_anomalies.csv'),
        path.join(dir, 'detected_anomalies.csv'),
      );
    });
    const full = path.join(work, 'final_dataset_5T.csv');
    fs.copyFileSync(path.join(TINY, 'final', 'final_dataset_5T.csv'), full);
    const folder = RUN_FOLDERS.find((f) => mutant.base.name.endsWith(f));
    const target = folder ? path.join(work, 'models', folder, 'detected_anomalies.csv') : full;
    fs.writeFileSync(target, mutant.text);
    let readerError: InputError | undefined;
    try {
      await readTable(target);
    } catch (error) {
      if (!(error instanceof InputError)) throw error;
      readerError = error;
    }
    const outDir = path.join(work, 'out');
    fs.mkdirSync(outDir);
    const run = spawnSync(
      process.execPath,
      [SUMMARY, '--models', ...models, '--full', full, '--sample', '3', '--out', path.join(outDir, 'summary.json')],
      { encoding: 'utf8', timeout: 60_000 },
    );
    if (run.status === 0) {
      assert.equal(readerError, undefined, `${what}: summary succeeded on a file readTable refuses`);
      assert.deepEqual(fs.readdirSync(outDir), ['summary.json'], what);
      JSON.parse(fs.readFileSync(path.join(outDir, 'summary.json'), 'utf8'));
    } else {
      assert.equal(run.status, 1, `${what}: exit ${run.status}\n${run.stderr}`);
      assert.deepEqual(fs.readdirSync(outDir), [], `${what}: files left behind`);
      assert.doesNotMatch(run.stderr, /^\s+at /m, `${what}: a stack trace\n${run.stderr}`);
      if (readerError) {
        // The streaming pass may meet another defect first (labels are read before cells): any defective line will do.
        refused++;
        const strict = readStrict(target);
        const named = new RegExp(`^summary: ${target.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:(\\d+)?`, 'm').exec(
          run.stderr,
        );
        assert.ok(named, `${what}: summary does not name ${target}:\n${run.stderr}`);
        if (named[1] !== undefined)
          assert.ok(
            strict.defects?.some((d) => d.line === Number(named[1])),
            `${what}: summary names line ${named[1]}, not a defect:\n${run.stderr}`,
          );
      }
    }
    fs.rmSync(work, { recursive: true, force: true });
  }
});
