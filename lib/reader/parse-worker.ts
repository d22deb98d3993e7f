/**
 * The work one thread does on one byte range of a table file: count its lines, parse its rows into
 * a shared matrix, or (for the streaming evaluation) read its labels and then fold its rows into
 * statistics and a sample. Runs inside a worker thread (this file is the worker's entry point) or
 * in-process for small files; the same functions either way.
 */
import * as fs from 'node:fs';
import { isMainThread, parentPort, workerData } from 'node:worker_threads';
import { type ColumnKey, roleOf } from '../types';
import { type LineBuffer, countLines, forEachLine, lineBuffer } from './lines';
import { type RowProblem, createRowReader } from './row-reader';
import { parseColumnKey } from '../table/columns';
import { type AccumulatorState, FamilyStatsAccumulator } from '../table/stats';
import { type SketchState, ValueSketch } from '../table/sketch';
import { NonzeroCells } from '../table/nonzero';

/** A row that could not be read: where, and why (turned into an InputError by the caller). */
export class RowFailure extends Error {
  constructor(
    readonly line: number,
    readonly problem: RowProblem,
  ) {
    super(`line ${line}: ${problem.kind}`);
  }
}

/** Byte range [from, to) of `file`, starting at a line start whose 1-based number is `firstLine`. */
export interface Range {
  readonly file: string;
  readonly from: number;
  readonly to: number;
  readonly firstLine: number;
}

/** Reports bytes consumed and rows parsed since the last report. */
export type ProgressSink = (bytes: number, rows: number) => void;

const PROGRESS_BYTES = 16 << 20;

function withFile<T>(file: string, use: (fd: number) => T): T {
  const fd = fs.openSync(file, 'r');
  try {
    return use(fd);
  } finally {
    fs.closeSync(fd);
  }
}

let sharedLines: LineBuffer | undefined;
function lines(): LineBuffer {
  return (sharedLines ??= lineBuffer());
}

/** Throttles progress to one report per PROGRESS_BYTES consumed. */
function progressCounter(sink: ProgressSink | undefined): { bytes(n: number): void; row(): void; flush(): void } {
  let bytes = 0;
  let rows = 0;
  return {
    bytes(n) {
      bytes += n;
      if (sink && bytes >= PROGRESS_BYTES) this.flush();
    },
    row() {
      rows++;
    },
    flush() {
      if (sink && (bytes > 0 || rows > 0)) sink(bytes, rows);
      bytes = 0;
      rows = 0;
    },
  };
}

function checkRole(line: number, label: string): void {
  if (roleOf(label) === undefined) {
    throw new RowFailure(line, { kind: 'role', column: 1, fields: 0, text: label });
  }
}

/** Counts a range's lines (all) and rows (non-blank lines). */
export function countTask(range: Range): { lines: number; rows: number } {
  return withFile(range.file, (fd) => countLines(fd, range.from, range.to, lines()));
}

/** What `readTask` needs beyond the range. */
export interface ReadJob extends Range {
  readonly nCols: number;
  /** First global row of this range. */
  readonly rowOffset: number;
  /** Rows the count pass found in this range. */
  readonly rows: number;
  readonly values: SharedArrayBuffer;
  readonly float32: boolean;
}

/** Parses a range's rows into the shared matrix; returns their labels and line numbers. */
export function readTask(job: ReadJob, onProgress?: ProgressSink): { labels: string[]; lineOfRow: Int32Array } {
  const { nCols } = job;
  const target = job.float32 ? new Float32Array(job.values) : new Float64Array(job.values);
  const scratch = job.float32 ? new Float64Array(nCols) : undefined;
  const labels: string[] = [];
  const lineOfRow = new Int32Array(job.rows);
  const progress = progressCounter(onProgress);
  const reader = createRowReader();
  withFile(job.file, (fd) =>
    forEachLine(
      fd,
      job.from,
      job.to,
      job.firstLine,
      lines(),
      (buf, start, end, line) => {
        const r = labels.length;
        if (r >= job.rows) throw new RowFailure(line, { kind: 'changed', column: 0, fields: 0, text: '' });
        const ok = scratch
          ? reader.parseRow(buf, start, end, nCols, scratch, 0)
          : reader.parseRow(buf, start, end, nCols, target, (job.rowOffset + r) * nCols);
        if (!ok) throw new RowFailure(line, reader.problem);
        if (scratch) target.set(scratch, (job.rowOffset + r) * nCols);
        checkRole(line, reader.label);
        labels.push(reader.label);
        lineOfRow[r] = line;
        progress.row();
      },
      (n) => progress.bytes(n),
    ),
  );
  progress.flush();
  if (labels.length !== job.rows)
    throw new RowFailure(job.firstLine, { kind: 'changed', column: 0, fields: 0, text: '' });
  return { labels, lineOfRow };
}

/** Labels a range holds, kept between the two passes of a streaming evaluation (per thread). */
const keptLabels = new Map<string, string[]>();

/** What the label pass found in a range; line numbers relative to `firstLine` = 0 when unknown. */
export interface LabelPass {
  labels: string[];
  lineOfRow: Int32Array;
  /** Lines in the range, blank ones included. */
  lines: number;
  /** The first bad row, if any (the pass still counts all lines, so the caller can place it). */
  failure?: { line: number; problem: RowProblem };
}

/** Reads a range's labels (first pass of the streaming evaluation) and keeps them for the second pass under `key`. */
export function labelTask(job: Range & { readonly key: string }): LabelPass {
  const labels: string[] = [];
  const lineList: number[] = [];
  let failure: LabelPass['failure'];
  const reader = createRowReader();
  const lineCount = withFile(job.file, (fd) =>
    forEachLine(fd, job.from, job.to, job.firstLine, lines(), (buf, start, end, line) => {
      if (failure) return;
      if (!reader.parseLabel(buf, start, end)) failure = { line, problem: reader.problem };
      else if (roleOf(reader.label) === undefined)
        failure = { line, problem: { kind: 'role', column: 1, fields: 0, text: reader.label } };
      else {
        labels.push(reader.label);
        lineList.push(line);
      }
    }),
  );
  keptLabels.set(job.key, labels);
  return { labels, lineOfRow: Int32Array.from(lineList), lines: lineCount, failure };
}

/** Forgets labels kept for evaluations whose key starts with `prefix` (after a failed evaluation in-process). */
export function dropKeptLabels(prefix: string): void {
  for (const key of [...keptLabels.keys()]) if (key.startsWith(prefix)) keptLabels.delete(key);
}

/** Row actions in the second pass of the streaming evaluation. */
export const EXCLUDED = -2;
export const NORMAL = -1;

/** What `evaluateTask` needs beyond the range. */
export interface EvaluateJob extends Range {
  readonly key: string;
  readonly headers: readonly string[];
  /** Per row of the range: EXCLUDED, NORMAL, or the sample slot (≥ 0) it fills. */
  readonly actions: Int32Array;
  readonly sample: SharedArrayBuffer;
  readonly float32: boolean;
  /** Columns a sampled row keeps, ascending (all when absent): the sample's width. */
  readonly keptColumns?: Int32Array;
  /** Per row of the range: the slot (≥ 0) of `kept` its values are copied to, or -1 (any action). */
  readonly keep: Int32Array;
  /** Float64 rows the caller asked for by label (e.g. IPs to profile), normal or excluded. */
  readonly kept: SharedArrayBuffer;
}

/**
 * Sampled rows that are mostly zeros, held compactly: row `i` fills slot `slots[i]` with
 * `values[ends[i-1]..ends[i])` at columns `cols[...]`; every other cell of the slot is +0. The
 * sample's Frame keeps them so (table/sparse-rows.ts), its matrix's pages for them never touched.
 */
export interface SparseRows {
  slots: Int32Array;
  ends: Int32Array;
  cols: Int32Array;
  values: Float64Array;
}

/** What the second pass of a range returns. */
export interface EvaluatePass {
  state: AccumulatorState;
  /** The sketch of the normal rows' values (per column and role). */
  sketch: SketchState;
  sparse: SparseRows;
}

/** A row goes to the sparse store when at most this share of its cells is not +0. */
const SPARSE_SHARE = 0.25;

/**
 * Second pass of the streaming evaluation: parses every row of the range (so bad cells are found
 * everywhere), adds normal rows to the statistics, and keeps sampled rows: dense ones straight in
 * their slot of the shared sample, mostly-zero ones in a compact list (kept so by the sample's Frame).
 */
export function evaluateTask(job: EvaluateJob, onProgress?: ProgressSink): EvaluatePass {
  const columns = parseHeaderKeys(job.headers);
  const nCols = columns.length;
  const acc = new FamilyStatsAccumulator(columns);
  const sketch = new ValueSketch(columns);
  const nonzero = new NonzeroCells(columns); // a mostly-zero row's cells, found once for both accumulators
  const sparseLimit = Math.floor(nonzero.valueColumns.length * SPARSE_SHARE);
  let denseRows = false;
  const kept = new Float64Array(job.kept);
  const sample = job.float32 ? new Float32Array(job.sample) : new Float64Array(job.sample);
  const row = new Float64Array(nCols);
  const labels = keptLabels.get(job.key) ?? [];
  keptLabels.delete(job.key);
  const progress = progressCounter(onProgress);
  const slots: number[] = [];
  const ends: number[] = [];
  let cols = new Int32Array(1 << 12);
  let values = new Float64Array(1 << 12);
  let used = 0;
  const sampleColumns = job.keptColumns;
  const width = sampleColumns ? sampleColumns.length : nCols;
  const keptRow = sampleColumns ? new Float64Array(width) : row;
  const keep = (slot: number): void => {
    if (sampleColumns) for (let j = 0; j < width; j++) keptRow[j] = row[sampleColumns[j]];
    let flagged = 0;
    for (let c = 0; c < width; c++) if (!Object.is(keptRow[c], 0)) flagged++;
    if (flagged > width * SPARSE_SHARE) {
      sample.set(keptRow, slot * width);
      return;
    }
    if (used + flagged > cols.length) {
      const size = Math.max(cols.length * 2, used + flagged);
      const biggerCols = new Int32Array(size);
      biggerCols.set(cols.subarray(0, used));
      const biggerValues = new Float64Array(size);
      biggerValues.set(values.subarray(0, used));
      cols = biggerCols;
      values = biggerValues;
    }
    for (let c = 0; c < width; c++) {
      if (Object.is(keptRow[c], 0)) continue;
      cols[used] = c;
      values[used++] = keptRow[c];
    }
    slots.push(slot);
    ends.push(used);
  };
  let r = 0;
  const reader = createRowReader();
  withFile(job.file, (fd) =>
    forEachLine(
      fd,
      job.from,
      job.to,
      job.firstLine,
      lines(),
      (buf, start, end, line) => {
        if (!reader.parseRow(buf, start, end, nCols, row, 0)) throw new RowFailure(line, reader.problem);
        const label = reader.label;
        if (r >= job.actions.length || label !== labels[r])
          throw new RowFailure(line, { kind: 'changed', column: 0, fields: 0, text: '' });
        const keepSlot = job.keep[r];
        if (keepSlot >= 0) kept.set(row, keepSlot * nCols);
        const action = job.actions[r++];
        progress.row();
        if (action === EXCLUDED) return;
        const role = roleOf(label) ?? 'source';
        if (!denseRows && nonzero.scan(row, sparseLimit)) {
          acc.addNonzero(role, nonzero);
          sketch.addRow(role, row, nonzero);
        } else {
          denseRows = acc.addRow(role, row) > sparseLimit;
          sketch.addRow(role, row);
        }
        if (action >= 0) keep(action);
      },
      (n) => progress.bytes(n),
    ),
  );
  progress.flush();
  if (r !== job.actions.length)
    throw new RowFailure(job.firstLine, { kind: 'changed', column: 0, fields: 0, text: '' });
  return {
    state: acc.state,
    sketch: sketch.state,
    sparse: {
      slots: Int32Array.from(slots),
      ends: Int32Array.from(ends),
      cols: cols.slice(0, used),
      values: values.slice(0, used),
    },
  };
}

/** Writes sparse sampled rows into their slots of a zero-filled sample matrix. */
export function fillSparseRows(sparse: SparseRows, target: Float64Array | Float32Array, nCols: number): void {
  let from = 0;
  sparse.slots.forEach((slot, i) => {
    const base = slot * nCols;
    const to = sparse.ends[i];
    for (let j = from; j < to; j++) target[base + sparse.cols[j]] = sparse.values[j];
    from = to;
  });
}

const keyCache = new Map<readonly string[], ColumnKey[]>();
function parseHeaderKeys(headers: readonly string[]): ColumnKey[] {
  let keys = keyCache.get(headers);
  if (!keys) {
    // Headers were validated by the caller; value columns need only family membership here.
    keys = headers.map((h) => parseColumnKey(h));
    keyCache.set(headers, keys);
  }
  return keys;
}

/** Messages between a loader and this worker. */
export type TaskName = 'count' | 'read' | 'labels' | 'evaluate';
export interface TaskRequest {
  readonly id: number;
  readonly task: TaskName;
  readonly job: unknown;
}
export type TaskReply =
  | { readonly id: number; readonly result: unknown }
  | { readonly id: number; readonly failure: { line: number; problem: RowProblem } }
  | { readonly id: number; readonly error: string }
  | { readonly id: number; readonly progress: [number, number] };

/** Runs one task by name (in a worker or in-process). */
export function runTask(task: TaskName, job: unknown, onProgress?: ProgressSink): unknown {
  switch (task) {
    case 'count':
      return countTask(job as Range);
    case 'read':
      return readTask(job as ReadJob, onProgress);
    case 'labels':
      return labelTask(job as Range & { key: string });
    case 'evaluate':
      return evaluateTask(job as EvaluateJob, onProgress);
  }
}

/** Marker a loader passes as workerData so that this file knows it runs as a parse worker. */
export const WORKER_MARK = 'anomaly-eval/parse-worker';

/**
 * The buffers of a result's typed arrays (two levels deep) that can move to the loader instead of
 * being copied: whole, non-shared buffers. The sketch of an evaluation is ~16 MB per thread.
 */
function transferables(result: unknown): ArrayBuffer[] {
  const out = new Set<ArrayBuffer>();
  const visit = (value: unknown, depth: number): void => {
    if (ArrayBuffer.isView(value)) {
      if (value.buffer instanceof ArrayBuffer && value.byteOffset === 0 && value.byteLength === value.buffer.byteLength)
        out.add(value.buffer);
    } else if (depth < 2 && value && typeof value === 'object') {
      for (const inner of Object.values(value)) visit(inner, depth + 1);
    }
  };
  visit(result, 0);
  return [...out];
}

if (!isMainThread && parentPort && (workerData as { mark?: string } | undefined)?.mark === WORKER_MARK) {
  const port = parentPort;
  port.on('message', (request: TaskRequest) => {
    const { id } = request;
    try {
      const result = runTask(request.task, request.job, (bytes, rows) =>
        port.postMessage({ id, progress: [bytes, rows] }),
      );
      port.postMessage({ id, result }, transferables(result));
    } catch (error) {
      if (error instanceof RowFailure) port.postMessage({ id, failure: { line: error.line, problem: error.problem } });
      else port.postMessage({ id, error: error instanceof Error ? `${error.name}: ${error.message}` : String(error) });
    }
  });
}
