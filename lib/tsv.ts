/**
 * Byte-level reading of pandas' tab-separated tables: numbers parsed straight from bytes into typed
 * arrays (no per-cell strings), lines delivered from a reused buffer, fields split with pandas'
 * quoting rules. Every number equals `Number(text)` bit for bit: fast paths are used only where
 * they are provably exact, everything else goes through `Number()` on the cell's text.
 */
import * as fs from 'fs';
import { firstControlCharacter } from './control';
import { decimalValue, scanDecimal } from './parse-decimal';

const TAB = 9;
const LF = 10;
const CR = 13;
const QUOTE = 34;

/**
 * Position just past the last number `scanNumber` read, or -1 when the bytes at its start are not a
 * plain decimal (`[+-]digits[.digits][e[+-]digits]`). Module state keeps the hot loop allocation-free
 * (a private `let`: an exported one would compile to a property store on `exports` per cell).
 */
let scanEnd = 0;

/** Where the last `scanNumber` stopped (see `scanNumber`). */
export function lastScanEnd(): number {
  return scanEnd;
}

/**
 * Reads a plain decimal number starting at `buf[p]` and returns its value, setting `scanEnd` to the
 * first byte after it (or -1 when there is no number there), exactly as `Number(text)` would read it
 * (lib/parse-decimal.ts). The bytes after the number are not checked: the caller decides whether a
 * tab, line end or something else may follow. Every byte sequence must be followed by a non-number
 * byte (a line terminator at the latest).
 */
export function scanNumber(buf: Uint8Array, p: number): number {
  scanEnd = scanDecimal(buf, p);
  return scanEnd < 0 ? NaN : decimalValue[0];
}

/** Texts pandas reads as a missing value by default (`na_values`), all read as NaN here too. */
export const NA_TEXTS: ReadonlySet<string> = new Set([
  '', '-1.#IND', '1.#QNAN', '1.#IND', '-1.#QNAN', '#N/A N/A', '#N/A', 'N/A', 'n/a', 'NA', '<NA>', '#NA',
  'NULL', 'null', 'NaN', '-NaN', 'nan', '-nan', 'None',
]);
const INFINITY = /^([+-]?)(inf|infinity)$/i;
// `\d+(?:\.\d*)?`, not `\d+\.?\d*`: one way to match a run of digits, so a long cell fails in linear time.
const DECIMAL = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/;

/**
 * The number a cell's text stands for, as pandas reads it: a decimal (value = `Number(text)`),
 * a missing-value marker (NaN), `inf`/`-inf`/`Infinity` in any case, or the same inside pandas'
 * double quotes. `undefined` when the text is none of these.
 */
export function parseCellText(text: string): number | undefined {
  if (DECIMAL.test(text)) return Number(text);
  if (NA_TEXTS.has(text)) return NaN;
  const inf = INFINITY.exec(text);
  if (inf) return inf[1] === '-' ? -Infinity : Infinity;
  if (text.length >= 2 && text.startsWith('"') && text.endsWith('"')) {
    // Quoted once, as Python's csv writes a field: `"1.5"` is 1.5, but `"""1.5"""` is the text `"1.5"`, not a number.
    const inner = text.slice(1, -1);
    if (!inner.includes('"')) return parseCellText(inner);
  }
  return undefined;
}

/**
 * Parses the bytes `buf[start..end)` as one cell exactly as the table reader does (same code path),
 * or `undefined` when they are not a number. For tests and one-off use; the reader never builds
 * per-cell strings for plain decimals.
 */
export function parseNumberBytes(buf: Uint8Array, start: number, end: number): number | undefined {
  if (start === end) return NaN;
  const sentinel = new Uint8Array(end - start + 1);
  sentinel.set(buf.subarray(start, end));
  sentinel[end - start] = LF;
  const v = scanNumber(sentinel, 0);
  if (scanEnd === end - start) return v;
  return parseCellText(Buffer.from(sentinel.buffer, 0, end - start).toString('latin1'));
}

/**
 * Splits one line of text into fields at tabs, undoing pandas' quoting (`"a""b"` → `a"b`).
 * Returns the fields, or the 0-based field number whose quotes are not closed.
 */
export function splitFields(line: string): string[] | { unclosedField: number } {
  const fields: string[] = [];
  let i = 0;
  for (;;) {
    if (line[i] === '"') {
      let value = '';
      let j = i + 1;
      for (;;) {
        const close = line.indexOf('"', j);
        if (close < 0) return { unclosedField: fields.length };
        value += line.slice(j, close);
        if (line[close + 1] === '"') {
          value += '"';
          j = close + 2;
          continue;
        }
        j = close + 1;
        break;
      }
      const tab = line.indexOf('\t', j);
      // Text after the closing quote belongs to the field, as Python's csv module reads it.
      value += line.slice(j, tab < 0 ? line.length : tab);
      fields.push(value);
      if (tab < 0) return fields;
      i = tab + 1;
    } else {
      const tab = line.indexOf('\t', i);
      fields.push(line.slice(i, tab < 0 ? line.length : tab));
      if (tab < 0) return fields;
      i = tab + 1;
    }
  }
}

/** Why a row could not be parsed: filled by `parseRow` when it returns false. */
export interface RowProblem {
  /**
   * `few`/`many` fields, a cell that is not a `number`, an `index` with unclosed quotes, a label whose
   * `role` suffix is missing, a `control` character in the label or a cell (`text` holds it), or a
   * file that `changed` between two passes.
   */
  kind: 'few' | 'many' | 'number' | 'index' | 'role' | 'control' | 'changed';
  /** 1-based field number (index column = 1). */
  column: number;
  /** Fields found on the line (for `few`/`many`), else 0. */
  fields: number;
  /** The offending text (for `number` and `index`). */
  text: string;
}

let rowLabel = '';
let labelEnd = 0;

/** The label (index value) of the last line `parseRow`/`parseLabel` read. */
export function lastLabel(): string {
  return rowLabel;
}

/** Filled when `parseRow` or `parseLabel` returns false. */
export const rowProblem: RowProblem = { kind: 'few', column: 0, fields: 0, text: '' };

function countFields(buf: Uint8Array, start: number, end: number): number {
  let n = 1;
  for (let i = start; i < end; i++) if (buf[i] === TAB) n++;
  return n;
}

/** True when `buf[start..end)` holds a byte below 0x20 other than tab, or 0x7F (a byte loop: cheaper than a regex per label). */
function hasControlByte(buf: Uint8Array, start: number, end: number): boolean {
  for (let i = start; i < end; i++) {
    const b = buf[i];
    if ((b < 32 && b !== TAB) || b === 127) return true;
  }
  return false;
}

/**
 * Reads a line's index field (quoted or not) into `rowLabel` and sets `labelEnd` to the start of
 * the next field. Returns false (with `rowProblem`) when the line has no tab after the index, the
 * quotes are not closed on the line, or the label holds a control character.
 */
export function parseLabel(buf: Buffer, start: number, end: number): boolean {
  // A quoted index: its quoted part (quotes undone), then any text up to the tab (as Python's csv reads it).
  let quoted = '';
  let j = start;
  if (buf[start] === QUOTE) {
    j = start + 1;
    for (;;) {
      const close = buf.indexOf(QUOTE, j);
      if (close < 0 || close >= end) {
        rowProblem.kind = 'index';
        rowProblem.column = 1;
        rowProblem.fields = 0;
        rowProblem.text = buf.toString('utf8', start, Math.min(end, start + 80));
        return false;
      }
      quoted += buf.toString('utf8', j, close);
      if (buf[close + 1] === QUOTE) {
        quoted += '"';
        j = close + 2;
        continue;
      }
      j = close + 1;
      break;
    }
  }
  let tab = buf.indexOf(TAB, j);
  if (tab < 0 || tab > end) tab = end;
  rowLabel = quoted + buf.toString('utf8', j, tab);
  labelEnd = tab + 1;
  if (hasControlByte(buf, start, tab)) {
    rowProblem.kind = 'control';
    rowProblem.column = 1;
    rowProblem.fields = 0;
    rowProblem.text = rowLabel;
    return false;
  }
  if (tab === end) {
    rowProblem.kind = 'few';
    rowProblem.column = 1;
    rowProblem.fields = 1; // the index alone (tabs inside its quotes separate nothing)
    rowProblem.text = '';
    return false;
  }
  return true;
}

/**
 * Parses one data line `buf[start..end)` (`end` at its `\r` or `\n`): the index into `rowLabel`,
 * then exactly `nCols` numbers into `out[base..base+nCols)`. Returns false and fills `rowProblem`
 * on too few or too many fields, a cell that is not a number, broken quotes in the index, or a
 * control character in the label or a cell (looked for only where a cell is not a plain number).
 */
export function parseRow(buf: Buffer, start: number, end: number, nCols: number, out: Float64Array | Float32Array, base: number): boolean {
  if (!parseLabel(buf, start, end)) return false;
  let p = labelEnd;
  const last = nCols - 1;
  for (let c = 0; c < nCols; c++) {
    let v: number;
    let q: number;
    const b0 = buf[p];
    if (b0 === 48 && buf[p + 1] === 46 && buf[p + 2] === 48 && (buf[p + 3] === TAB || p + 3 === end)) {
      v = 0; // "0.0", the commonest cell by far
      q = p + 3;
    } else if (b0 === TAB || p === end) {
      v = NaN;
      q = p;
    } else {
      q = scanDecimal(buf, p);
      v = decimalValue[0];
      if (q < 0 || (buf[q] !== TAB && q !== end)) {
        let cellEnd = buf.indexOf(TAB, p);
        if (cellEnd < 0 || cellEnd > end) cellEnd = end;
        const text = buf.toString('utf8', p, cellEnd);
        const parsed = parseCellText(text);
        if (parsed === undefined) {
          rowProblem.kind = firstControlCharacter(text) >= 0 ? 'control' : 'number';
          rowProblem.column = c + 2;
          rowProblem.fields = 0;
          rowProblem.text = text;
          return false;
        }
        v = parsed;
        q = cellEnd;
      }
    }
    out[base + c] = v;
    if (c < last) {
      if (q === end) {
        rowProblem.kind = 'few';
        rowProblem.column = c + 2;
        rowProblem.fields = c + 2;
        rowProblem.text = '';
        return false;
      }
      p = q + 1;
    } else if (q !== end) {
      rowProblem.kind = 'many';
      rowProblem.column = nCols + 2;
      rowProblem.fields = countFields(buf, labelEnd, end) + 1; // not counting tabs inside a quoted index
      rowProblem.text = '';
      return false;
    }
  }
  return true;
}

/** A reused read buffer; grows when a single line does not fit. */
export interface LineBuffer {
  buf: Buffer;
}

/** Creates a line buffer of `bytes` (default 1 MiB; grows for longer lines). */
export function lineBuffer(bytes = 1 << 20): LineBuffer {
  return { buf: Buffer.allocUnsafe(bytes) };
}

/**
 * Calls `onLine(buf, start, end, lineNumber)` for every non-blank line in the file byte range
 * [from, to), which must start at a line start; `end` is the position of the line's `\r` or `\n`
 * (a final line without a newline gets one written after it in the buffer). `firstLine` is the
 * 1-based line number of the line at `from`. `onBytes(n)` reports bytes consumed, per chunk.
 * Returns the number of lines seen, blank ones included.
 */
export function forEachLine(
  fd: number,
  from: number,
  to: number,
  firstLine: number,
  lines: LineBuffer,
  onLine: (buf: Buffer, start: number, end: number, lineNumber: number) => void,
  onBytes?: (bytes: number) => void,
): number {
  let buf = lines.buf;
  let filled = 0;
  let position = from;
  let lineNumber = firstLine;
  for (;;) {
    if (filled >= buf.length - 1) {
      const bigger = Buffer.allocUnsafe(buf.length * 2);
      buf.copy(bigger, 0, 0, filled);
      lines.buf = buf = bigger;
    }
    const want = Math.min(buf.length - 1 - filled, to - position);
    const got = want > 0 ? fs.readSync(fd, buf, filled, want, position) : 0;
    position += got;
    filled += got;
    const atEnd = got === 0 || position >= to;
    if (atEnd && filled > 0 && buf[filled - 1] !== LF) buf[filled++] = LF; // missing final newline
    let start = 0;
    for (;;) {
      const nl = buf.indexOf(LF, start);
      if (nl < 0 || nl >= filled) break;
      const end = nl > start && buf[nl - 1] === CR ? nl - 1 : nl;
      if (end > start) onLine(buf, start, end, lineNumber);
      lineNumber++;
      start = nl + 1;
    }
    if (onBytes && start > 0) onBytes(start);
    if (atEnd) return lineNumber - firstLine;
    buf.copy(buf, 0, start, filled);
    filled -= start;
  }
}

/**
 * Counts the lines in [from, to): `lines` all of them, `rows` the non-blank ones (data rows).
 * A fast memchr-style scan: no field is looked at.
 */
export function countLines(fd: number, from: number, to: number, lines: LineBuffer): { lines: number; rows: number } {
  let rows = 0;
  const total = forEachLine(fd, from, to, 1, lines, () => {
    rows++;
  });
  return { lines: total, rows };
}
