/**
 * An independent reader of the generated files for tests: plain string splitting and plain
 * arithmetic, nothing from lib/, so that tests compare the library against a second implementation.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';

export interface Table {
  index: string[];
  headers: string[];
  /** Row-major values of `headers` (NaN for missing). */
  rows: number[][];
}

export function parseNumber(text: string): number {
  const t = text.trim().toLowerCase();
  if (t === '' || t === 'nan') return NaN;
  if (t === 'inf' || t === '+inf') return Infinity;
  if (t === '-inf') return -Infinity;
  return Number(t);
}

export function readTsv(file: string): Table {
  const text = fs.readFileSync(file, 'utf8');
  const lines = text.split('\n').filter((line) => line !== '');
  const headers = lines[0].split('\t').slice(1);
  const index: string[] = [];
  const rows: number[][] = [];
  for (const line of lines.slice(1)) {
    const fields = line.split('\t');
    index.push(fields[0]);
    rows.push(fields.slice(1).map(parseNumber));
  }
  return { index, headers, rows };
}

export const HEADER = /^\('([^']+)', '([A-Za-z]+)_(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d)'\)$/;

export function valueHeaders(table: Table): { col: number; family: string; start: number }[] {
  return table.headers.flatMap((header, col) => {
    const m = HEADER.exec(header);
    return m ? [{ col, family: m[1], start: Date.parse(`${m[3].replace(' ', 'T')}Z`) }] : [];
  });
}

export function freqOf(table: Table): string {
  const starts = [...new Set(valueHeaders(table).map((v) => v.start))].sort((a, b) => a - b);
  let step = Infinity;
  for (let i = 1; i < starts.length; i++) step = Math.min(step, starts[i] - starts[i - 1]);
  const minutes = step / 60000;
  return minutes % 60 === 0 ? `${minutes / 60}H` : `${minutes}T`;
}

export interface Stats {
  ips: number;
  values: number;
  mean: number | null;
  max: number | null;
  nonzeroShare: number | null;
}

export function familyStatsOf(
  table: Table,
  family: string,
  role: 'source' | 'dst',
  keep: (label: string) => boolean,
): Stats {
  const cols = valueHeaders(table)
    .filter((v) => v.family === family)
    .map((v) => v.col);
  let ips = 0;
  let values = 0;
  let sum = 0;
  let max = -Infinity;
  let nonzero = 0;
  table.index.forEach((label, r) => {
    if (!label.endsWith(role) || !keep(label)) return;
    ips++;
    for (const c of cols) {
      const v = table.rows[r][c];
      if (Number.isNaN(v)) continue;
      values++;
      sum += v;
      if (v > max) max = v;
      if (v !== 0) nonzero++;
    }
  });
  return values === 0
    ? { ips, values, mean: null, max: null, nonzeroShare: null }
    : { ips, values, mean: sum / values, max, nonzeroShare: nonzero / values };
}

export function assertStatsClose(actual: Stats, expected: Stats, what: string): void {
  assert.equal(actual.ips, expected.ips, `${what}: ips`);
  assert.equal(actual.values, expected.values, `${what}: values`);
  for (const key of ['mean', 'max', 'nonzeroShare'] as const) {
    const a = actual[key];
    const e = expected[key];
    if (e === null) assert.equal(a, null, `${what}: ${key}`);
    else assert.ok(a !== null && Math.abs(a - e) <= 1e-9 * Math.max(1, Math.abs(e)), `${what}: ${key} ${a} vs ${e}`);
  }
}

/** Labels present in every table. */
export function commonCount(tables: Table[]): number {
  const sets = tables.map((t) => new Set(t.index));
  return [...sets[0]].filter((label) => sets.every((s) => s.has(label))).length;
}

/** A defect the strict reader found: the 1-based line it is on and what it is. */
export interface Defect {
  line: number;
  what: string;
  /** For a row: the fields on the line (index included) and the 1-based columns that are defective. */
  fields?: number;
  columns?: number[];
}

/** What `readStrict` makes of a file: the table, or every defect it found (header defects alone when the header is bad). */
export type StrictRead = { table: Table; defects?: undefined } | { table?: undefined; defects: Defect[] };

/** pandas' default missing-value texts (`na_values` of read_csv), all read as NaN. */
const PANDAS_NA = [
  '',
  '#N/A',
  '#N/A N/A',
  '#NA',
  '-1.#IND',
  '-1.#QNAN',
  '-NaN',
  '-nan',
  '1.#IND',
  '1.#QNAN',
  '<NA>',
  'N/A',
  'NA',
  'NULL',
  'NaN',
  'None',
  'n/a',
  'nan',
  'null',
];

function isDigit(ch: string | undefined): boolean {
  return ch !== undefined && ch >= '0' && ch <= '9';
}

/** True for `[+-]digits[.digits][(e|E)[+-]digits]` (at least one mantissa digit; `1.` and `.5` included). */
function isDecimal(text: string): boolean {
  let i = 0;
  if (text[i] === '+' || text[i] === '-') i++;
  let mantissa = 0;
  while (isDigit(text[i])) {
    i++;
    mantissa++;
  }
  if (text[i] === '.') {
    i++;
    while (isDigit(text[i])) {
      i++;
      mantissa++;
    }
  }
  if (mantissa === 0) return false;
  if (text[i] === 'e' || text[i] === 'E') {
    i++;
    if (text[i] === '+' || text[i] === '-') i++;
    if (!isDigit(text[i])) return false;
    while (isDigit(text[i])) i++;
  }
  return i === text.length;
}

/**
 * Python csv's reading of one quoted field starting at `text[at] === '"'`: the value (doubled quotes
 * undone, text after the closing quote appended up to the next tab) and where the field ends, or
 * undefined when the quote is not closed.
 */
function readQuoted(text: string, at: number): { value: string; end: number } | undefined {
  let value = '';
  let i = at + 1;
  for (;;) {
    if (i >= text.length) return undefined;
    if (text[i] === '"') {
      if (text[i + 1] === '"') {
        value += '"';
        i += 2;
        continue;
      }
      i++;
      break;
    }
    value += text[i++];
  }
  while (i < text.length && text[i] !== '\t') value += text[i++];
  return { value, end: i };
}

/** Splits a line into fields, quotes undone as Python's csv module does; undefined when a quote is not closed. */
function csvFields(line: string): string[] | undefined {
  const fields: string[] = [];
  let i = 0;
  for (;;) {
    if (line[i] === '"') {
      const quoted = readQuoted(line, i);
      if (!quoted) return undefined;
      fields.push(quoted.value);
      i = quoted.end;
    } else {
      let j = i;
      while (j < line.length && line[j] !== '\t') j++;
      fields.push(line.slice(i, j));
      i = j;
    }
    if (i >= line.length) return fields;
    i++; // the tab
  }
}

/** The number pandas reads a cell's field as (quotes already undone), or undefined when it is none. */
function cellNumber(field: string): number | undefined {
  if (PANDAS_NA.includes(field)) return NaN;
  const unsigned = field.replace(/^[+-]/, '').toLowerCase();
  if (unsigned === 'inf' || unsigned === 'infinity') return field.startsWith('-') ? -Infinity : Infinity;
  return isDecimal(field) ? Number(field) : undefined;
}

function hasControl(text: string): number {
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if ((code < 32 && code !== 9) || code === 127) return i;
  }
  return -1;
}

const WINDOW = /^.+_(\d{4})-(\d\d)-(\d\d) (\d\d):(\d\d):(\d\d)$/;
const TUPLE = /^\( *(?:'([^'\\]*)'|"([^"\\]*)") *, *(?:'([^'\\]*)'|"([^"\\]*)") *,? *\) *$/;

/** Header defects (all at line 1) of a windowed table's header fields, or none. */
function headerDefects(fields: string[]): Defect[] {
  const defect = (what: string): Defect[] => [{ line: 1, what }];
  if (fields.length < 2) return defect('fewer than two header fields');
  if (/^\s*\(/.test(fields[0])) return defect('the index header is a tuple');
  const seen = new Set<string>();
  const keys = new Set<string>();
  const starts = new Set<number>();
  for (const header of fields.slice(1)) {
    if (seen.has(header)) return defect(`header ${header} twice`);
    seen.add(header);
    if (!/^\s*\(/.test(header)) continue;
    const tuple = TUPLE.exec(header);
    if (!tuple) return defect(`header ${header} is not a tuple of two strings`);
    const family = tuple[1] ?? tuple[2];
    const window = tuple[3] ?? tuple[4];
    const underscore = family.indexOf('_');
    if (underscore < 1 || underscore === family.length - 1) return defect(`family ${family} has no stat_feature split`);
    const time = WINDOW.exec(window);
    if (!time) return defect(`window ${window} has no timestamp`);
    const [y, mo, d, h, mi, s] = time.slice(1).map(Number);
    const start = Date.UTC(y, mo - 1, d, h, mi, s);
    const back = new Date(start);
    if (
      back.getUTCFullYear() !== y ||
      back.getUTCMonth() !== mo - 1 ||
      back.getUTCDate() !== d ||
      back.getUTCHours() !== h ||
      back.getUTCMinutes() !== mi ||
      back.getUTCSeconds() !== s
    )
      return defect(`window ${window} is not a real time`);
    if (keys.has(`${family} ${start}`)) return defect(`family ${family} at ${window} twice`);
    keys.add(`${family} ${start}`);
    starts.add(start);
  }
  if (starts.size === 0) return defect('no value column');
  const sorted = [...starts].sort((a, b) => a - b);
  for (let i = 2; i < sorted.length; i++) {
    if (sorted[i] - sorted[i - 1] !== sorted[1] - sorted[0]) return defect('irregular windows');
  }
  return [];
}

/**
 * A strict reading of a table as pandas `to_csv(sep='\t')` writes it, to compare the library's
 * readers with: a UTF-8 BOM skipped; lines end at LF, one CR before it (or ending the file)
 * dropped; blank lines skipped; the index field quoted or not; every cell a decimal, a pandas
 * missing-value text or an infinity (quoted or not); labels ending in `source`/`dst`, each once;
 * no control character but tab anywhere. Returns the table, or every defect with its line.
 */
export function readStrict(file: string): StrictRead {
  let bytes = fs.readFileSync(file);
  if (bytes.length === 0) return { defects: [{ line: 1, what: 'empty file' }] };
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) bytes = bytes.subarray(3);
  const lines = bytes.toString('utf8').split('\n');
  if (lines[lines.length - 1] === '' && lines.length > 1) lines.pop();
  const content = lines.map((line) => (line.endsWith('\r') ? line.slice(0, -1) : line));
  const headerFields = csvFields(content[0]);
  if (!headerFields) return { defects: [{ line: 1, what: 'unclosed quote in the header' }] };
  const controlled = headerFields.findIndex((field) => hasControl(field) >= 0);
  if (controlled >= 0) return { defects: [{ line: 1, what: `control character in header field ${controlled + 1}` }] };
  const bad = headerDefects(headerFields);
  if (bad.length > 0) return { defects: bad };
  const headers = headerFields.slice(1);
  const defects: Defect[] = [];
  const index: string[] = [];
  const rows: number[][] = [];
  const firstLine = new Map<string, number>();
  content.forEach((line, i) => {
    const lineNumber = i + 1;
    if (i === 0 || line === '') return;
    const problems: string[] = [];
    const columns: number[] = [];
    let label: string;
    let rest: string | undefined;
    if (line.startsWith('"')) {
      const quoted = readQuoted(line, 0);
      if (!quoted) {
        defects.push({ line: lineNumber, what: 'unclosed quote in the index', columns: [1] });
        return;
      }
      label = quoted.value;
      rest = quoted.end < line.length ? line.slice(quoted.end + 1) : undefined;
    } else {
      const tab = line.indexOf('\t');
      label = tab < 0 ? line : line.slice(0, tab);
      rest = tab < 0 ? undefined : line.slice(tab + 1);
    }
    if (hasControl(label) >= 0) problems.push('control character in the label');
    if (!label.endsWith('source') && !label.endsWith('dst')) problems.push('label without role');
    if (problems.length > 0) columns.push(1);
    const cells = rest === undefined ? [] : rest.split('\t');
    if (cells.length !== headers.length) {
      problems.push(`${cells.length + 1} fields`);
      // The first missing field, or the first extra one.
      columns.push(cells.length < headers.length ? cells.length + 2 : headers.length + 2);
    }
    const values = cells.map((cell, c) => {
      let field: string | undefined = cell;
      if (cell.startsWith('"')) {
        const quoted = readQuoted(cell, 0);
        field = quoted && quoted.end === cell.length ? quoted.value : undefined;
      }
      const value = field === undefined ? undefined : cellNumber(field);
      if (value === undefined) {
        problems.push(`cell ${JSON.stringify(cell)} is not a number`);
        columns.push(c + 2);
      }
      return value ?? NaN;
    });
    const previous = firstLine.get(label);
    if (previous !== undefined) {
      problems.push(`label ${label} also on line ${previous}`);
      columns.push(1);
    } else firstLine.set(label, lineNumber);
    if (problems.length > 0)
      defects.push({ line: lineNumber, what: problems.join('; '), fields: cells.length + 1, columns });
    index.push(label);
    rows.push(values);
  });
  return defects.length > 0 ? { defects } : { table: { index, headers, rows } };
}

/** A CSV reader for RFC 4180 text (quoted fields, doubled quotes, CRLF), independent of lib/. */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else field += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') {
      row.push(field);
      field = '';
    } else if (ch === '\r' && text[i + 1] === '\n') {
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
      i++;
    } else field += ch;
  }
  return rows;
}
