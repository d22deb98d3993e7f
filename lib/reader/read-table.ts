/**
 * The whole table in memory: the header checked first, then the rows parsed by worker threads
 * straight into one shared row-major matrix (Float64, or Float32 on request).
 */
import { Frame } from '../table/frame';
import type { ReadJob } from './parse-worker';
import type { ReadOptions } from './read-options';
import { gridOf, readHead } from './table-head';
import { ProgressReporter, checkDuplicates, countRanges, withPool } from './read-threads';

/** Reads a whole table into a Frame, rows in file order; refuses bad input with file:line:column. */
export async function readTable(file: string, options?: ReadOptions): Promise<Frame> {
  const head = readHead(file);
  gridOf(head); // irregular windows are an input error, found before the long read
  return withPool(head, options, async (pool) => {
    const ranges = await countRanges(pool, head);
    const nCols = head.columns.length;
    const rows = ranges.reduce((sum, r) => sum + r.rows, 0);
    const float32 = options?.float32 === true;
    const values = new SharedArrayBuffer(rows * nCols * (float32 ? 4 : 8));
    const progress = new ProgressReporter(head.size, options?.onProgress, head.dataStart);
    const jobs: ReadJob[] = ranges.map((range) => ({ ...range, nCols, values, float32 }));
    const parts = await pool.spread<{ labels: string[]; lineOfRow: Int32Array }>('read', jobs, progress.add);
    const index = parts.flatMap((part) => part.labels);
    const lineOfRow = new Int32Array(rows);
    parts.forEach((part, k) => lineOfRow.set(part.lineOfRow, ranges[k].rowOffset));
    checkDuplicates(file, index, (r) => lineOfRow[r]);
    progress.finish();
    return new Frame({
      index,
      columns: head.columns,
      values: float32 ? new Float32Array(values) : new Float64Array(values),
      source: file,
    });
  });
}
