/**
 * Parsing one data line of pandas' tab-separated tables: the index label, then every cell as a
 * number straight from the bytes into a typed array (no per-cell strings). The parse state (the
 * last label, where it ended, the last problem, the number scanner's slots) lives inside one
 * reader closure per thread, as d3-dsv keeps its cursor inside `parseRows`; nothing is shared
 * between readers and nothing mutable is exported.
 */
import { firstControlCharacter } from './control';
import { DecimalCells } from './parse-decimal';
import { parseCellText } from './tsv';

const TAB = 9;
const QUOTE = 34;

/** Why a row could not be parsed (the `problem` of a reader whose parse returned false). */
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

/** Reads data lines one at a time; one per thread (it is not re-entrant). */
export interface RowReader {
  /**
   * Reads a line's index field (quoted or not) into `label`. Returns false (with `problem`) when the
   * line has no tab after the index, the quotes are not closed on the line, or the label holds a
   * control character.
   */
  parseLabel(buf: Uint8Array, start: number, end: number): boolean;
  /**
   * Parses one data line `buf[start..end)` (`end` at its `\r` or `\n`): the index into `label`,
   * then exactly `nCols` numbers into `out[base..base+nCols)`, each equal to `Number(text)` (or NaN
   * for pandas' missing-value markers). Returns false (with `problem`) on too few or too many fields,
   * a cell that is not a number, broken quotes in the index, or a control character in the label or
   * a cell (looked for only where a cell is not a plain number).
   */
  parseRow(
    buf: Uint8Array,
    start: number,
    end: number,
    nCols: number,
    out: Float64Array | Float32Array,
    base: number,
  ): boolean;
  /** The label (index value) of the last line read. */
  readonly label: string;
  /** Why the last parse returned false (a copy). */
  readonly problem: RowProblem;
}

/** True when `buf[start..end)` holds a byte below 0x20 other than tab, or 0x7F (a byte loop: cheaper than a regex per label). */
function hasControlByte(buf: Uint8Array, start: number, end: number): boolean {
  for (let i = start; i < end; i++) {
    const b = buf[i];
    if ((b < 32 && b !== TAB) || b === 127) return true;
  }
  return false;
}

function countFields(buf: Uint8Array, start: number, end: number): number {
  let n = 1;
  for (let i = start; i < end; i++) if (buf[i] === TAB) n++;
  return n;
}

function indexOfByte(buf: Uint8Array, byte: number, from: number, end: number): number {
  for (let i = from; i < end; i++) if (buf[i] === byte) return i;
  return -1;
}

function text(buf: Uint8Array, start: number, end: number): string {
  return Buffer.from(buf.buffer, buf.byteOffset + start, end - start).toString('utf8');
}

/** A new reader with its own state. */
export function createRowReader(): RowReader {
  let label = '';
  let labelEnd = 0;
  let problem: RowProblem = { kind: 'few', column: 0, fields: 0, text: '' };
  const cells = new DecimalCells();

  function fail(kind: RowProblem['kind'], column: number, fields: number, found: string): false {
    problem = { kind, column, fields, text: found };
    return false;
  }

  function parseLabel(buf: Uint8Array, start: number, end: number): boolean {
    // A quoted index: its quoted part (quotes undone), then any text up to the tab (as Python's csv reads it).
    let quoted = '';
    let j = start;
    if (buf[start] === QUOTE) {
      j = start + 1;
      for (;;) {
        const close = indexOfByte(buf, QUOTE, j, end);
        if (close < 0) return fail('index', 1, 0, text(buf, start, Math.min(end, start + 80)));
        quoted += text(buf, j, close);
        if (buf[close + 1] === QUOTE) {
          quoted += '"';
          j = close + 2;
          continue;
        }
        j = close + 1;
        break;
      }
    }
    let tab = indexOfByte(buf, TAB, j, end);
    if (tab < 0) tab = end;
    label = quoted + text(buf, j, tab);
    labelEnd = tab + 1;
    if (hasControlByte(buf, start, tab)) return fail('control', 1, 0, label);
    // The index alone (tabs inside its quotes separate nothing).
    if (tab === end) return fail('few', 1, 1, '');
    return true;
  }

  /**
   * A cell the WebAssembly left: pandas' other number texts (missing-value markers, infinities,
   * quoted numbers), decimals it cannot convert exactly, or a problem. Sets `values[c]`; false on a problem.
   */
  function otherCell(buf: Uint8Array, p: number, end: number, c: number, values: Float64Array): boolean {
    let cellEnd = indexOfByte(buf, TAB, p, end);
    if (cellEnd < 0) cellEnd = end;
    const cell = text(buf, p, cellEnd);
    const parsed = parseCellText(cell);
    if (parsed === undefined) return fail(firstControlCharacter(cell) >= 0 ? 'control' : 'number', c + 2, 0, cell);
    values[c] = parsed;
    return true;
  }

  function parseRow(
    buf: Uint8Array,
    start: number,
    end: number,
    nCols: number,
    out: Float64Array | Float32Array,
    base: number,
  ): boolean {
    if (!parseLabel(buf, start, end)) return false;
    const reached = cells.read(buf, labelEnd, end, nCols);
    const values = cells.values;
    // The cells left to us come in line order, before any miscount: the first problem is the one reported.
    for (let i = 0, n = cells.fallbacks; i < n; i++) {
      if (!otherCell(buf, cells.fallbackStart(i), end, cells.fallbackCell(i), values)) return false;
    }
    if (reached < 0) return fail('few', cells.cellsRead + 1, cells.cellsRead + 1, '');
    if (reached !== end) return fail('many', nCols + 2, countFields(buf, labelEnd, end) + 1, ''); // not counting tabs inside a quoted index
    out.set(values.subarray(0, nCols), base);
    return true;
  }

  return {
    parseLabel,
    parseRow,
    get label() {
      return label;
    },
    get problem() {
      return { ...problem };
    },
  };
}
