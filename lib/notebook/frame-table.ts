/**
 * A frame's first rows as an HTML table, like pandas `head()` in a notebook (the seed's
 * `display(df.head())` cells): headers as written in the file, middle columns elided, every label and
 * header escaped, options checked where they enter.
 */
import type { Frame } from '../table/frame';
import { escapeHtml } from '../html';
import { type OptionCheckers, checkOptions, wholeNumber } from '../options';

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
