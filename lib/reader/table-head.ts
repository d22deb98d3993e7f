/**
 * A table file's header line, read and checked before any long read: its columns, where its data
 * starts, and its window grid.
 */
import * as fs from 'node:fs';
import { headerGrid, parseHeaderFields } from '../table/columns';
import { splitFields } from './tsv';
import { controlCharacterProblem } from './control';
import { fileProblem } from '../files';
import { type ColumnKey, InputError, type WindowGrid } from '../types';

/** A table file's header and where its data starts. */
export interface TableHead {
  file: string;
  size: number;
  dataStart: number;
  columns: ColumnKey[];
  headers: string[];
}

/** Below this many data bytes a read stays on the calling thread. */
export const SMALL_FILE = 8 << 20;

function statFile(file: string): fs.Stats {
  try {
    const stats = fs.statSync(file);
    if (stats.isDirectory()) throw new InputError({ file }, 'is a folder; expected a tab-separated table file');
    return stats;
  } catch (error) {
    if (error instanceof InputError) throw error;
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT')
      throw new InputError(
        { file },
        "file not found; expected a tab-separated table written by pandas to_csv(sep='\\t')",
      );
    throw new InputError({ file }, `cannot read the file: ${fileProblem(error)}`);
  }
}

/** Reads and checks a table's header line. */
export function readHead(file: string): TableHead {
  const size = statFile(file).size;
  if (size === 0) throw new InputError({ file, line: 1 }, 'file is empty; expected a header line and data rows');
  const fd = fs.openSync(file, 'r');
  try {
    let buf = Buffer.allocUnsafe(1 << 20);
    let filled = 0;
    let nl = -1;
    while (nl < 0 && filled < size) {
      if (filled === buf.length) {
        const bigger = Buffer.allocUnsafe(buf.length * 2);
        buf.copy(bigger, 0, 0, filled);
        buf = bigger;
      }
      const got = fs.readSync(fd, buf, filled, buf.length - filled, filled);
      if (got === 0) break;
      nl = buf.indexOf(10, filled);
      filled += got;
      if (nl >= filled) nl = -1;
    }
    const lineEnd = nl < 0 ? filled : nl;
    const dataStart = nl < 0 ? filled : nl + 1;
    let text = buf.toString('utf8', 0, lineEnd > 0 && buf[lineEnd - 1] === 13 ? lineEnd - 1 : lineEnd);
    if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
    const fields = splitFields(text);
    if (!Array.isArray(fields)) {
      throw new InputError(
        { file, line: 1, column: fields.unclosedField + 1 },
        'header field opens a double quote that is not closed on the line',
      );
    }
    fields.forEach((field, f) => {
      const problem = controlCharacterProblem('header field', field);
      if (problem) throw new InputError({ file, line: 1, column: f + 1 }, problem);
    });
    const columns = parseHeaderFields(fields, file);
    return { file, size, dataStart, columns, headers: fields.slice(1) };
  } finally {
    fs.closeSync(fd);
  }
}

/**
 * The header of a table file, cheaply (only its first line is read): parsed column keys and the
 * window grid of its value columns.
 */
export async function readHeader(file: string): Promise<{ columns: ColumnKey[]; grid: WindowGrid }> {
  const head = readHead(file);
  return { columns: head.columns, grid: gridOf(head) };
}

/** The window grid of a table's header; an irregular one is an input error. */
export function gridOf(head: TableHead): WindowGrid {
  return headerGrid(head.columns, head.file);
}
