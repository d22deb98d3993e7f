/**
 * HTML and markdown text for notebook outputs: escaping of every string that comes from a file
 * (honeypot data is attacker-written) and a pandas-like table of a frame's first rows.
 * Pure functions: strings in, strings out.
 */
import type { Frame } from './frame';
import { type OptionCheckers, checkOptions, wholeNumber } from './options';

const HTML_ENTITIES: Readonly<Record<string, string>> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&#34;',
  "'": '&#39;',
};

/**
 * Escapes text for HTML element content and quoted attribute values: `& < > " '`.
 * Also the right escaping for Plotly text (trace names, titles, hover), which Plotly reads as
 * pseudo-HTML and whose entities it decodes back to plain text.
 */
export function escapeHtml(text: string): string {
  return String(text).replace(/[&<>"']/g, (ch) => HTML_ENTITIES[ch]);
}

const DECODED_ENTITIES: Readonly<Record<string, string>> = {
  amp: '&',
  lt: '<',
  gt: '>',
  quot: '"',
  '#34': '"',
  '#39': "'",
  '#37': '%',
};

/**
 * Decodes the entities {@link escapeHtml} writes, plus `&quot;` (nbconvert's attribute quoting)
 * and `&#37;` (Plotly hover templates escape `%`), in one pass so `&amp;lt;` stays `&lt;`.
 * Other entities are left as written. The one decoder for page attributes and Plotly titles.
 */
export function unescapeHtml(text: string): string {
  return text.replace(/&(amp|lt|gt|quot|#34|#39|#37);/g, (_, name: string) => DECODED_ENTITIES[name]);
}

/**
 * Escapes text for Jupyter markdown so that it renders literally: markdown punctuation gets a
 * backslash, `& < >` become entities (markdown passes raw HTML through), and line breaks become
 * spaces so a hostile label cannot start a heading, list or table row.
 */
export function escapeMarkdown(text: string): string {
  return String(text)
    .replace(/\r\n|[\r\n\u2028\u2029]/g, ' ')
    .replace(/[\\`*_{}[\]()#+\-.!|~$]/g, (ch) => `\\${ch}`)
    .replace(/[&<>]/g, (ch) => HTML_ENTITIES[ch]);
}

/** Options of {@link frameTableHtml}. */
export interface FrameTableOptions {
  /** Rows shown from the top, like `head(rows)`. Default 5. */
  readonly rows?: number;
  /** Columns shown before eliding the middle ones with `...`, as pandas does. Default 20. */
  readonly maxColumns?: number;
  /** Decimal places of numbers. Default 6, as pandas prints floats. */
  readonly decimals?: number;
}

/** The allowed values of each option of {@link frameTableHtml}: refused, not clamped, when out of range. */
const FRAME_TABLE_CHECKERS: OptionCheckers<FrameTableOptions> = {
  rows: (v, name) => wholeNumber(v, name, 0),
  maxColumns: (v, name) => wholeNumber(v, name, 2),
  decimals: (v, name) => wholeNumber(v, name, 0, 100),
};

/** Formats one number the way pandas prints a float cell: fixed decimals, `NaN`, `inf`, `-inf`. */
export function formatCell(value: number, decimals = 6): string {
  if (Number.isNaN(value)) return 'NaN';
  if (value === Infinity) return 'inf';
  if (value === -Infinity) return '-inf';
  return value.toFixed(decimals);
}

/** Which columns a table shows: all, or the first and last halves around one `...` gap (-1). */
function shownColumns(nCols: number, maxColumns: number): number[] {
  if (nCols <= maxColumns) return Array.from({ length: nCols }, (_, i) => i);
  const left = Math.ceil(maxColumns / 2);
  const right = Math.floor(maxColumns / 2);
  return [
    ...Array.from({ length: left }, (_, i) => i),
    -1,
    ...Array.from({ length: right }, (_, i) => nCols - right + i),
  ];
}

/**
 * An HTML table of the first rows of a frame, like pandas `head()` in a notebook: headers as
 * written in the file, row labels in bold, middle columns elided, and a shape line
 * `5 rows × 6310 columns`. Every label and header is escaped.
 */
export function frameTableHtml(frame: Frame, options: FrameTableOptions = {}): string {
  const checked = checkOptions(options, FRAME_TABLE_CHECKERS, 'showTable');
  const rows = Math.min(checked.rows ?? 5, frame.nRows);
  const columns = shownColumns(frame.nCols, checked.maxColumns ?? 20);
  const decimals = checked.decimals ?? 6;
  const head = columns
    .map((c) => (c < 0 ? '<th>...</th>' : `<th>${escapeHtml(frame.columns[c].header)}</th>`))
    .join('');
  const body: string[] = [];
  for (let r = 0; r < rows; r++) {
    const cells = columns
      .map((c) => (c < 0 ? '<td>...</td>' : `<td>${formatCell(frame.get(r, c), decimals)}</td>`))
      .join('');
    body.push(`<tr><th>${escapeHtml(frame.index[r])}</th>${cells}</tr>`);
  }
  const of = rows < frame.nRows ? ` (first ${rows} of ${frame.nRows.toLocaleString('en-US')} rows)` : '';
  return (
    '<div class="anomaly-eval-table" style="overflow-x:auto">' +
    '<table border="1" class="dataframe">' +
    `<thead><tr style="text-align: right;"><th></th>${head}</tr></thead>` +
    `<tbody>${body.join('')}</tbody></table>` +
    `<p>${rows} rows × ${frame.nCols} columns${of}</p></div>`
  );
}

/** A small HTML table from header strings and rows of cells; every cell is escaped. */
export function simpleTableHtml(header: readonly string[], rows: readonly (readonly (string | number)[])[]): string {
  const th = header.map((h) => `<th>${escapeHtml(h)}</th>`).join('');
  const tr = rows
    .map((row) => `<tr>${row.map((cell) => `<td>${escapeHtml(String(cell))}</td>`).join('')}</tr>`)
    .join('');
  return `<table border="1" class="dataframe"><thead><tr style="text-align: left;">${th}</tr></thead><tbody>${tr}</tbody></table>`;
}
