/**
 * The text rules of pandas' tab-separated tables, cell by cell: which texts are numbers (and which
 * number), which are missing values, and how a line splits into fields with pandas' quoting. The
 * byte-level reader (lib/reader/row-reader.ts) uses them for every cell that is not a plain decimal.
 */
import { DecimalScanner } from './parse-decimal';

const LF = 10;

/** Texts pandas reads as a missing value by default (`na_values`), all read as NaN here too. */
export const NA_TEXTS: ReadonlySet<string> = new Set([
  '',
  '-1.#IND',
  '1.#QNAN',
  '1.#IND',
  '-1.#QNAN',
  '#N/A N/A',
  '#N/A',
  'N/A',
  'n/a',
  'NA',
  '<NA>',
  '#NA',
  'NULL',
  'null',
  'NaN',
  '-NaN',
  'nan',
  '-nan',
  'None',
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
 * Parses the bytes `buf[start..end)` as one cell exactly as the table reader does (the same number
 * scanner), or `undefined` when they are not a number. For tests and one-off use; the reader never
 * builds per-cell strings for plain decimals.
 */
export function parseNumberBytes(buf: Uint8Array, start: number, end: number): number | undefined {
  if (start === end) return NaN;
  const sentinel = new Uint8Array(end - start + 1);
  sentinel.set(buf.subarray(start, end));
  sentinel[end - start] = LF;
  const scanner = new DecimalScanner();
  if (scanner.scan(sentinel, 0) === end - start) return scanner.value[0];
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
