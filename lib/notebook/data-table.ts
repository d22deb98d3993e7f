/**
 * An arquero table as a notebook shows it: the first page of rows as a static HTML table (escaped:
 * cells come from attacker-written files), its row and column counts, and the rows as inert JSON for
 * the embedded script (browser/page-tables.ts) that sorts on a header click and pages through
 * the rest. Without the script (an untrusted notebook) the first page and the counts still show, and
 * a note says how many rows are not on it: nothing is cut silently. Pure: table in, HTML out.
 */
import { createHash } from 'node:crypto';
import type { ColumnTable } from 'arquero';
import { type TableRows, pageTables } from './browser/page-tables';

import { escapeHtml, jsonForScript } from '../html';
import { type OptionCheckers, checkOptions, text, wholeNumber } from '../options';
import { scriptSafe } from './plotly-bundle';

/** Options of {@link dataTableHtml}. */
export interface DataTableOptions {
  /** Rows a page (the static page shows the first). Default 10. */
  readonly rows?: number;
  /** A caption above the table (escaped). */
  readonly caption?: string;
  /** Most rows embedded for sorting and paging; the count of the others is said. Default 5,000. */
  readonly maxRows?: number;
}

/** Defaults of {@link DataTableOptions}, declared once. */
export const DATA_TABLE_DEFAULTS = { rows: 10, maxRows: 5000 } as const;

const DATA_TABLE_CHECKERS: OptionCheckers<DataTableOptions> = {
  rows: (v, name) => wholeNumber(v, name, 1),
  caption: (v, name) => text(v, name),
  maxRows: (v, name) => wholeNumber(v, name, 1),
};

/**
 * A cell as shown: numbers compactly (integers whole, 3 decimals from 1 to 1,000, 4 significant
 * digits below 1, 1 decimal above, 4 significant digits with an exponent from 1e15 and below 1e-4;
 * `NaN`, `inf`, `-inf`), missing values empty, dates in ISO, lists
 * and objects as JSON, anything else as its string.
 */
export function formatValue(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'number') {
    if (Number.isNaN(value)) return 'NaN';
    if (!Number.isFinite(value)) return value > 0 ? 'inf' : '-inf';
    const size = Math.abs(value);
    if (size >= 1e15 || (size < 1e-4 && size > 0)) return value.toExponential(3);
    if (Number.isInteger(value)) return String(value);
    return size >= 1000 ? value.toFixed(1) : size >= 1 ? value.toFixed(3) : value.toPrecision(4);
  }
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? 'Invalid Date' : value.toISOString();
  if (typeof value === 'object') return JSON.stringify(value) ?? String(value);
  return String(value);
}

/** A sort key of a numeric column: the number, null when missing, infinities as strings (JSON has none). */
function numericKey(value: unknown): number | string | null {
  if (value === null || value === undefined || Number.isNaN(value)) return null;
  return value === Infinity ? 'Infinity' : value === -Infinity ? '-Infinity' : (value as number);
}

/** Whether a column holds numbers only (missing values aside), so it sorts and aligns as numbers. */
function isNumeric(values: ArrayLike<unknown>): boolean {
  let any = false;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (v === null || v === undefined) continue;
    if (typeof v !== 'number') return false;
    any = true;
  }
  return any;
}

/** The rows, columns and keys of `table` in its order and filter, the first `maxRows` embedded. */
export function tableRows(table: ColumnTable, pageSize: number, maxRows: number): TableRows & { columns: string[] } {
  const columns = table.columnNames();
  const total = table.numRows();
  const shown = Math.min(total, maxRows);
  const arrays = columns.map((name) => Array.from(table.array(name) as ArrayLike<unknown>).slice(0, shown));
  const numeric = arrays.map(isNumeric);
  const text = Array.from({ length: shown }, (_, r) => arrays.map((values) => formatValue(values[r])));
  const keys = arrays.map((values, c) => (numeric[c] ? values.map(numericKey) : null));
  return { columns, pageSize, total, text, keys };
}

/** Browser source of {@link pageTables}, embedded after every table (compiled JS, no imports). */
const PAGE_TABLES_SOURCE = scriptSafe(pageTables.toString());

/**
 * A query table as HTML: a caption (if given), the header (click to sort, with the script), the
 * first page of rows, `rows 1–10 of 56 · 56 rows × 31 columns`, and the embedded rows and script
 * that page through the rest. Every cell and name is escaped; the JSON cannot close its element.
 */
export function dataTableHtml(table: ColumnTable, options: DataTableOptions = {}): string {
  const checked = checkOptions(options, DATA_TABLE_CHECKERS, 'showTable');
  const pageSize = checked.rows ?? DATA_TABLE_DEFAULTS.rows;
  const data = tableRows(table, pageSize, checked.maxRows ?? DATA_TABLE_DEFAULTS.maxRows);
  const { columns, total, text: cells, keys } = data;
  const json = jsonForScript({ pageSize, total, text: cells, keys } satisfies TableRows);
  const id = createHash('sha256').update(JSON.stringify(columns)).update(json).digest('hex').slice(0, 16);
  const align = (c: number): string => `text-align:${keys[c] ? 'right' : 'left'}`;
  const head = columns.map((name, c) => `<th data-column="${c}" style="${align(c)}">${escapeHtml(name)}</th>`).join('');
  const first = cells.slice(0, pageSize);
  const body = first
    .map((row) => `<tr>${row.map((cell, c) => `<td style="${align(c)}">${escapeHtml(cell)}</td>`).join('')}</tr>`)
    .join('');
  const embedded = cells.length;
  const status =
    total === 0
      ? 'no rows'
      : `rows 1–${first.length} of ${embedded < total ? `the first ${embedded} of ${total}` : total}`;
  const rest = total - first.length;
  const note =
    rest > 0
      ? ` <span data-table-note>(the other ${rest} rows: page and sort in a trusted notebook or the HTML report, or query the table in a cell, e.g. <code>.slice(${first.length}, ${first.length + pageSize})</code>)</span>`
      : '';
  const notEmbedded =
    embedded < total
      ? ` · ${total - embedded} rows beyond the first ${embedded} are not in this page: filter the table in a cell`
      : '';
  const caption = checked.caption ? `<caption style="text-align:left">${escapeHtml(checked.caption)}</caption>` : '';
  return (
    `<div class="anomaly-eval-data-table" data-anomaly-eval-table="${id}" style="overflow-x:auto">` +
    `<table border="1" class="dataframe" style="white-space:nowrap">${caption}<thead><tr>${head}</tr></thead><tbody>${body}</tbody></table>` +
    '<div style="font:12px sans-serif;color:#555;margin:4px 0">' +
    `<span data-table-status>${status}</span> · ${total} row${total === 1 ? '' : 's'} × ${columns.length} column${columns.length === 1 ? '' : 's'}${notEmbedded}${note}` +
    ' <span data-table-pager hidden></span></div>' +
    `<script type="application/json" data-table-rows>${json}</script></div>` +
    `<script type="text/javascript">(${PAGE_TABLES_SOURCE})(${JSON.stringify(id)});</script>`
  );
}

/** The text/plain form of a query table: its size and column names. */
export function dataTablePlain(table: ColumnTable): string {
  const columns = table.columnNames();
  const names = columns.length > 12 ? [...columns.slice(0, 12), '…'] : columns;
  return `Table: ${table.numRows()} rows × ${columns.length} columns (${names.join(', ')})`;
}

/** Whether `value` is an arquero table (duck-typed: the library is loaded only when a table is made). */
export function isColumnTable(value: unknown): value is ColumnTable {
  const t = value as Partial<ColumnTable> | null;
  return (
    typeof t === 'object' &&
    t !== null &&
    typeof t.columnNames === 'function' &&
    typeof t.numRows === 'function' &&
    typeof t.array === 'function'
  );
}
