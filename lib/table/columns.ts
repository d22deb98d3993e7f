/**
 * Column keys: parse the Python tuple headers pandas writes for a MultiIndex flattened to text,
 * recognise metadata columns, and infer a run's window grid from its window starts.
 */
import {
  type ColumnKey,
  type FilePosition,
  InputError,
  type ValueKey,
  type WindowGrid,
  formatNaiveTimestamp,
} from '../types';

const EXAMPLE = `('avg_Length', 'avg_2019-02-01 09:35:00')`;
const TIMESTAMP = /^(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2})$/;

/** Python's one-character string escapes (after the backslash) and what they stand for. */
const SIMPLE_ESCAPES: Readonly<Record<string, string>> = {
  '\\': '\\',
  "'": "'",
  '"': '"',
  n: '\n',
  r: '\r',
  t: '\t',
  a: '\x07',
  b: '\b',
  f: '\f',
  v: '\v',
  '0': '\0',
};

/**
 * Reads a Python string literal (as `repr` writes it: single or double quotes, backslash escapes)
 * starting at `text[at]`. Returns the decoded string and the index just past the closing quote,
 * or a reason why it is not one.
 */
function readPythonString(text: string, at: number): { value: string; end: number } | { error: string } {
  const quote = text[at];
  if (quote !== "'" && quote !== '"')
    return { error: `expected a quote at character ${at + 1}, found ${JSON.stringify(text[at] ?? 'end of text')}` };
  let value = '';
  let i = at + 1;
  while (i < text.length) {
    const ch = text[i];
    if (ch === quote) return { value, end: i + 1 };
    if (ch !== '\\') {
      value += ch;
      i++;
      continue;
    }
    const next = text[i + 1];
    if (next === undefined) break;
    if (next in SIMPLE_ESCAPES) {
      value += SIMPLE_ESCAPES[next];
      i += 2;
      continue;
    }
    const hexLength = next === 'x' ? 2 : next === 'u' ? 4 : next === 'U' ? 8 : 0;
    const hex = text.slice(i + 2, i + 2 + hexLength);
    if (hexLength === 0 || !/^[0-9a-fA-F]+$/.test(hex) || hex.length !== hexLength) {
      return { error: `unknown escape ${JSON.stringify(text.slice(i, i + 2 + hexLength))} at character ${i + 1}` };
    }
    const code = parseInt(hex, 16);
    if (code > 0x10ffff)
      return { error: `escape ${JSON.stringify(text.slice(i, i + 2 + hexLength))} is not a code point` };
    value += String.fromCodePoint(code);
    i += 2 + hexLength;
  }
  return { error: `unterminated string starting at character ${at + 1}` };
}

function skipSpaces(text: string, at: number): number {
  while (text[at] === ' ') at++;
  return at;
}

/**
 * Parses a Python tuple of exactly two string literals, `('a', 'b')`, as `str(tuple)` writes it
 * (a trailing comma and extra spaces tolerated). Returns the two strings or why it is not one.
 */
export function parsePythonPair(text: string): [string, string] | { error: string } {
  let i = skipSpaces(text, 0);
  if (text[i] !== '(') return { error: 'does not start with "("' };
  const parts: string[] = [];
  i = skipSpaces(text, i + 1);
  while (text[i] !== ')') {
    if (parts.length === 2) return { error: `expected ")" after two strings at character ${i + 1}` };
    const item = readPythonString(text, i);
    if ('error' in item) return item;
    parts.push(item.value);
    i = skipSpaces(text, item.end);
    if (text[i] === ',') i = skipSpaces(text, i + 1);
    else if (text[i] !== ')')
      return { error: `expected "," or ")" at character ${i + 1}, found ${JSON.stringify(text[i] ?? 'end of text')}` };
  }
  if (skipSpaces(text, i + 1) !== text.length)
    return { error: `unexpected text after ")": ${JSON.stringify(text.slice(i + 1))}` };
  if (parts.length !== 2) return { error: `a tuple of ${parts.length} strings, expected 2` };
  return [parts[0], parts[1]];
}

/**
 * Parses one header. Tuple headers become value keys; plain names become meta keys.
 * A value key needs `('<stat>_<feature>', '<stat>_YYYY-MM-DD HH:MM:SS')`: the family splits at its
 * first `_` into stat and feature; the window's last 19 characters are its naive start (read as UTC).
 * Throws an InputError at `where` for a header that starts like a tuple but is not one of these.
 */
export function parseColumnKey(header: string, where: FilePosition = { file: '(header)' }): ColumnKey {
  if (!header.trimStart().startsWith('(')) return { kind: 'meta', header, name: header };
  const fail = (why: string): never => {
    throw new InputError(where, `header ${JSON.stringify(header)} ${why}; expected a tuple like ${EXAMPLE}`);
  };
  const pair = parsePythonPair(header);
  if (!Array.isArray(pair)) return fail(`is not a tuple of two quoted strings (${pair.error})`);
  const [family, window] = pair;
  const split = family.indexOf('_');
  if (split <= 0 || split === family.length - 1) {
    return fail(`has family ${JSON.stringify(family)}, which does not split at its first "_" into <stat>_<feature>`);
  }
  const sep = window.length - 20;
  const time = sep > 0 && window[sep] === '_' ? TIMESTAMP.exec(window.slice(sep + 1)) : null;
  if (!time) return fail(`has window ${JSON.stringify(window)}, not <stat>_YYYY-MM-DD HH:MM:SS`);
  const [y, mo, d, h, mi, s] = time.slice(1).map(Number);
  const start = Date.UTC(y, mo - 1, d, h, mi, s);
  if (formatNaiveTimestamp(start) !== window.slice(sep + 1)) {
    return fail(`has window ${JSON.stringify(window)}, whose timestamp is not a valid date and time`);
  }
  const key: ValueKey = {
    kind: 'value',
    header,
    family,
    stat: family.slice(0, split),
    feature: family.slice(split + 1),
    window,
    start,
  };
  return key;
}

/** Pandas offset alias for a window length in ms: `5T`, `30T`, `1H`, `1D`, `30S`. */
export function freqAlias(stepMs: number): string {
  if (!(stepMs > 0) || !Number.isInteger(stepMs))
    throw new RangeError(`freqAlias: window length ${stepMs} ms is not a positive integer`);
  const units: [number, string][] = [
    [86_400_000, 'D'],
    [3_600_000, 'H'],
    [60_000, 'T'],
    [1000, 'S'],
  ];
  for (const [size, unit] of units) {
    if (stepMs % size === 0) return `${stepMs / size}${unit}`;
  }
  return `${stepMs}L`;
}

/**
 * The window grid of a set of value keys: distinct starts, sorted, evenly spaced.
 * A single window has an unknown length (`freq: 'unknown'`, `stepMs: NaN`).
 * Throws an InputError naming `file` and the offending windows when the spacing is irregular; `where`,
 * if given, places that error at the first column of the window where the spacing breaks.
 */
export function inferGrid(
  keys: readonly ValueKey[],
  file: string,
  where?: (start: number) => FilePosition,
): WindowGrid {
  const starts = Float64Array.from(new Set(keys.map((k) => k.start))).sort();
  if (starts.length < 2) return { freq: 'unknown', stepMs: NaN, starts };
  const stepMs = starts[1] - starts[0];
  for (let i = 2; i < starts.length; i++) {
    const step = starts[i] - starts[i - 1];
    if (step !== stepMs) {
      throw new InputError(
        where ? where(starts[i]) : { file },
        `irregular window spacing: windows ${formatNaiveTimestamp(starts[0])} and ${formatNaiveTimestamp(starts[1])} are ` +
          `${stepMs / 60000} min apart, but ${formatNaiveTimestamp(starts[i - 1])} and ${formatNaiveTimestamp(starts[i])} ` +
          `(windows ${i} and ${i + 1} of ${starts.length}) are ${step / 60000} min apart; expected one window length throughout`,
      );
    }
  }
  return { freq: freqAlias(stepMs), stepMs, starts };
}

/**
 * The window grid of a table's header columns (as `parseHeaderFields` returns them, index field
 * excluded): an irregular spacing is reported at `line` and the column where it breaks.
 */
export function headerGrid(columns: readonly ColumnKey[], file: string, line = 1): WindowGrid {
  const values = columns.filter((key): key is ValueKey => key.kind === 'value');
  return inferGrid(values, file, (start) => ({
    file,
    line,
    column: columns.findIndex((key) => key.kind === 'value' && key.start === start) + 2,
  }));
}

/**
 * Parses a whole header line's fields (index field first) into column keys and checks the shape a
 * windowed table must have: an index column whose header is empty or a plain name, at least one value
 * column, no header twice and no (family, window) twice. Positions are 1-based fields on `line`.
 */
export function parseHeaderFields(fields: readonly string[], file: string, line = 1): ColumnKey[] {
  if (fields.length < 2) {
    throw new InputError(
      { file, line },
      `header has ${fields.length} field: ${JSON.stringify(fields[0]?.slice(0, 80) ?? '')}; expected tab-separated fields ` +
        `(an index column, then columns like ${EXAMPLE}), as pandas to_csv(sep='\\t') writes them`,
    );
  }
  const indexHeader = fields[0];
  if (indexHeader.trimStart().startsWith('(')) {
    throw new InputError(
      { file, line, column: 1 },
      `first header field is ${JSON.stringify(indexHeader)}; expected the index column's header (empty or a name), ` +
        `as pandas writes with index_col=0`,
    );
  }
  const columns: ColumnKey[] = [];
  const seenHeader = new Map<string, number>();
  const seenKey = new Map<string, number>();
  for (let f = 1; f < fields.length; f++) {
    const header = fields[f];
    const where = { file, line, column: f + 1 };
    const previous = seenHeader.get(header);
    if (previous !== undefined) {
      throw new InputError(
        where,
        `duplicate header ${JSON.stringify(header)}: also column ${previous}; expected each column once`,
      );
    }
    seenHeader.set(header, f + 1);
    const key = parseColumnKey(header, where);
    if (key.kind === 'value') {
      const id = `${key.family}\u0000${key.start}`;
      const same = seenKey.get(id);
      if (same !== undefined) {
        throw new InputError(
          where,
          `header ${JSON.stringify(header)} names the same family and window as column ${same}; expected each (family, window) once`,
        );
      }
      seenKey.set(id, f + 1);
    }
    columns.push(key);
  }
  if (!columns.some((key) => key.kind === 'value')) {
    throw new InputError(
      { file, line },
      `header has no value column (${fields.length - 1} plain names such as ${JSON.stringify(fields[1].slice(0, 40))}); expected columns like ${EXAMPLE}` +
        ` (a file written with a two-row MultiIndex header is not supported: flatten the columns first)`,
    );
  }
  return columns;
}
