/**
 * Hand a frame to arquero or danfojs-node for users who prefer those APIs. Both libraries are
 * loaded only when asked for (danfojs-node takes most of a second to load). Both copy the numbers:
 * pick one family or a few rows of a large frame.
 */
import type { ColumnTable } from 'arquero';
import type { DataFrame } from 'danfojs-node';
import type { Frame } from '../table/frame';
import { formatNaiveTimestamp } from '../types';

/** Which part of a frame to hand over. */
export interface InteropOptions {
  /** Only this family, one column per window named by its start (`2019-02-01 09:35:00`), in time order. */
  family?: string;
  /** Only the first `head` rows. */
  head?: number;
}

/** Column names and frame columns of the selection, in order. */
function selection(frame: Frame, options: InteropOptions): { names: string[]; columns: Int32Array; rows: number } {
  const rows = Math.min(frame.nRows, options.head ?? frame.nRows);
  if (options.family !== undefined) {
    const view = frame.family(options.family);
    return { names: Array.from(view.starts, formatNaiveTimestamp), columns: view.columns, rows };
  }
  return { names: frame.columns.map((k) => k.header), columns: Int32Array.from(frame.columns.keys()), rows };
}

/**
 * An arquero table of the frame: an `index` column of row labels, a `role` column, then one
 * Float64Array column per frame column (named by header) or per window of one family.
 */
export function toArquero(frame: Frame, options: InteropOptions = {}): ColumnTable {
  const aq = require('arquero') as typeof import('arquero');
  const { names, columns, rows } = selection(frame, options);
  const data: Record<string, unknown[] | Float64Array> = {
    index: frame.index.slice(0, rows),
    role: frame.roles.slice(0, rows),
  };
  const { values, nCols } = frame;
  names.forEach((name, i) => {
    const out = new Float64Array(rows);
    const col = columns[i];
    for (let r = 0; r < rows; r++) out[r] = values[r * nCols + col];
    data[name] = out;
  });
  return aq.table(data);
}

/**
 * A danfojs-node DataFrame of the frame (row labels as its index). danfo keeps numbers in plain JS
 * arrays, so this refuses more than `maxCells` cells (default 2 million): choose a family or `head`.
 */
export function toDanfo(frame: Frame, options: InteropOptions & { maxCells?: number } = {}): DataFrame {
  const { names, columns, rows } = selection(frame, options);
  const maxCells = options.maxCells ?? 2_000_000;
  if (rows * names.length > maxCells) {
    throw new RangeError(
      `toDanfo: ${rows} rows × ${names.length} columns is more than ${maxCells} cells; pass { family } or { head }, or raise maxCells`,
    );
  }
  const dfd = require('danfojs-node') as typeof import('danfojs-node');
  const { values, nCols } = frame;
  const data = Array.from({ length: rows }, (_, r) => Array.from(columns, (c) => values[r * nCols + c]));
  return new dfd.DataFrame(data, { columns: names, index: frame.index.slice(0, rows) });
}
