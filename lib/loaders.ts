/**
 * Loaders for the windowed tables pandas writes with `to_csv(sep='\t')`: the header alone, the whole
 * table in memory (parsed by worker threads straight into one shared matrix), or a streaming
 * evaluation that keeps only a seeded sample and the statistics of the normal rows.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Worker } from 'worker_threads';
import { headerGrid, parseHeaderFields } from './columns';
import { Frame } from './frame';
import { FamilyStatsAccumulator } from './stats';
import { ValueSketch } from './sketch';
import { NormalBaseline, baselineOf } from './baseline';
import { sampleNormalRows } from './sample';
import { splitFields } from './tsv';
import { controlCharacterProblem } from './control';
import { ColumnKey, FamilyStats, InputError, WindowGrid } from './types';
import {
  EXCLUDED, EvaluateJob, EvaluatePass, LabelPass, NORMAL, ProgressSink, Range, ReadJob, RowFailure, TaskName, TaskReply,
  WORKER_MARK, dropKeptLabels, fillSparseRows, runTask,
} from './parse-worker';

/** How far a read has got; reported through `ReadOptions.onProgress`, at most every 100 ms. */
export interface Progress {
  bytesRead: number;
  bytesTotal: number;
  rowsParsed: number;
}

/** Options of `readTable` and `evaluateFull`. */
export interface ReadOptions {
  /** Store numbers as Float32 (half the memory; each value is `Math.fround(Number(text))`). */
  float32?: boolean;
  /** Threads that parse (default: one per core, at most 8; 1 for files under 8 MB: no worker then). */
  workers?: number;
  /** Called with bytes read and rows parsed while reading, throttled, and once at the end. */
  onProgress?: (p: Progress) => void;
}

/** Options of `evaluateFull`. */
export interface EvaluateOptions extends ReadOptions {
  /** Anomalous labels: their rows are dropped from the normal rows. */
  exclude: ReadonlySet<string>;
  /** Rows in the seeded sample of normal rows. */
  sampleSize: number;
  /** Seed of the sample (a safe integer). */
  seed: number;
  /**
   * Keep the sampled rows' numbers (default true). With false, `sample` holds the sampled labels only
   * (shape [n, 0]): enough for the summary's sample size, and ~200 MB less at seed scale.
   */
  keepSampleValues?: boolean;
  /**
   * Families whose columns the sample keeps (default: every column). What the checks of the
   * findings read is enough for the summary, in about two thirds of the memory.
   */
  sampleFamilies?: ReadonlySet<string>;
  /** Labels whose rows to keep whole (Float64), normal or anomalous: e.g. the IPs to profile. Absent ones are skipped. */
  keepLabels?: ReadonlySet<string>;
}

/** What the streaming evaluation keeps of a full dataset. */
export interface FullEvaluation {
  path: string;
  /** Data rows in the file. */
  rows: number;
  columns: ColumnKey[];
  valueColumns: number;
  grid: WindowGrid;
  /** Rows whose label is not excluded. */
  normalRows: number;
  /** How many of the exclude labels the file holds. */
  excludedFound: number;
  /** The seeded sample of normal rows, in file order (the rows `sampleFrame` picks from the normal rows). */
  sample: Frame;
  /** Per family × role statistics over ALL normal rows. */
  normalStats: FamilyStats;
  /** Per value column × role: median, robust spread, p5, p95 of ALL normal rows (lib/baseline.ts). */
  normalBaseline: NormalBaseline;
  /** The rows named by `keepLabels` that the file holds, in file order. */
  kept: Frame;
}

/** A table file's header and where its data starts. */
interface TableHead {
  file: string;
  size: number;
  dataStart: number;
  columns: ColumnKey[];
  headers: string[];
}

const SMALL_FILE = 8 << 20;

function statFile(file: string): fs.Stats {
  try {
    const stats = fs.statSync(file);
    if (stats.isDirectory()) throw new InputError({ file }, 'is a directory; expected a tab-separated table file');
    return stats;
  } catch (error) {
    if (error instanceof InputError) throw error;
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new InputError({ file }, 'file not found; expected a tab-separated table written by pandas to_csv(sep=\'\\t\')');
    throw new InputError({ file }, `cannot read the file (${code ?? String(error)})`);
  }
}

/** Reads and checks a table's header line. */
function readHead(file: string): TableHead {
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
      throw new InputError({ file, line: 1, column: fields.unclosedField + 1 }, 'header field opens a double quote that is not closed on the line');
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

function gridOf(head: TableHead): WindowGrid {
  return headerGrid(head.columns, head.file);
}

/** Splits [from, size) into `parts` ranges that start at line starts (some may be empty). */
function splitRanges(file: string, from: number, size: number, parts: number): Array<{ from: number; to: number }> {
  const cuts = [from];
  const fd = fs.openSync(file, 'r');
  try {
    const buf = Buffer.allocUnsafe(1 << 16);
    for (let k = 1; k < parts; k++) {
      let at = Math.max(cuts[k - 1], from + Math.floor(((size - from) * k) / parts));
      // The cut goes just after the first newline at or after at - 1.
      let position = Math.max(from, at - 1);
      at = size;
      while (position < size) {
        const got = fs.readSync(fd, buf, 0, buf.length, position);
        if (got === 0) break;
        const nl = buf.indexOf(10);
        if (nl >= 0 && nl < got) {
          at = position + nl + 1;
          break;
        }
        position += got;
      }
      cuts.push(at);
    }
  } finally {
    fs.closeSync(fd);
  }
  cuts.push(size);
  return cuts.slice(0, -1).map((start, k) => ({ from: start, to: cuts[k + 1] }));
}

function threadCount(head: TableHead, options: ReadOptions | undefined): number {
  if (options?.workers !== undefined) {
    if (!Number.isInteger(options.workers) || options.workers < 1) throw new RangeError(`workers must be a whole number ≥ 1, not ${options.workers}`);
    return options.workers;
  }
  if (head.size - head.dataStart < SMALL_FILE) return 1;
  const cores = typeof os.availableParallelism === 'function' ? os.availableParallelism() : os.cpus().length;
  return Math.max(1, Math.min(8, cores));
}

/** Aggregates progress from all threads and passes it on at most every 100 ms. */
class ProgressReporter {
  private bytes = 0;
  private rows = 0;
  private last = 0;
  constructor(private readonly total: number, private readonly onProgress?: (p: Progress) => void, private readonly base = 0) {}
  add: ProgressSink = (bytes, rows) => {
    this.bytes += bytes;
    this.rows += rows;
    const now = Date.now();
    if (this.onProgress && now - this.last >= 100) {
      this.last = now;
      this.onProgress(this.snapshot());
    }
  };
  finish(): void {
    this.onProgress?.({ ...this.snapshot(), bytesRead: this.total });
  }
  private snapshot(): Progress {
    return { bytesRead: Math.min(this.total, this.base + this.bytes), bytesTotal: this.total, rowsParsed: this.rows };
  }
}

/** The threads a read uses: worker threads, or the calling thread alone for one. */
class ThreadPool {
  private readonly workers: Worker[] = [];
  private nextId = 0;
  constructor(readonly size: number) {
    if (size > 1) {
      for (let i = 0; i < size; i++) {
        this.workers.push(new Worker(path.join(__dirname, 'parse-worker.js'), {
          workerData: { mark: WORKER_MARK },
          // A small young generation: the parse loop allocates little, and each MB here is resident.
          resourceLimits: { maxYoungGenerationSizeMb: 2 },
        }));
      }
    }
  }

  /** Runs a task on thread `i` and resolves with its result; RowFailure on a bad row. */
  run<T>(i: number, task: TaskName, job: unknown, onProgress?: ProgressSink): Promise<T> {
    if (this.workers.length === 0) {
      try {
        return Promise.resolve(runTask(task, job, onProgress) as T);
      } catch (error) {
        return Promise.reject(error);
      }
    }
    const worker = this.workers[i];
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      const onMessage = (reply: TaskReply): void => {
        if (reply.id !== id) return;
        if ('progress' in reply) {
          onProgress?.(reply.progress[0], reply.progress[1]);
          return;
        }
        detach();
        if ('result' in reply) resolve(reply.result as T);
        else if ('failure' in reply) reject(new RowFailure(reply.failure.line, reply.failure.problem));
        else reject(new Error(`parse worker: ${reply.error}`));
      };
      const onError = (error: Error): void => {
        detach();
        reject(error);
      };
      const onExit = (code: number): void => {
        detach();
        reject(new Error(`parse worker exited (code ${code}) before finishing its ${task} task`));
      };
      const detach = (): void => {
        worker.off('message', onMessage);
        worker.off('error', onError);
        worker.off('exit', onExit);
      };
      worker.on('message', onMessage);
      worker.once('error', onError);
      worker.once('exit', onExit);
      worker.postMessage({ id, task, job });
    });
  }

  /** Runs one task per thread and waits for all; the failure on the earliest line wins. */
  async all<T>(task: TaskName, jobs: readonly unknown[], onProgress?: ProgressSink): Promise<T[]> {
    const settled = await Promise.allSettled(jobs.map((job, i) => this.run<T>(i, task, job, onProgress)));
    const failures = settled.filter((s): s is PromiseRejectedResult => s.status === 'rejected').map((s) => s.reason as unknown);
    if (failures.length > 0) {
      const rowFailures = failures.filter((f): f is RowFailure => f instanceof RowFailure);
      if (rowFailures.length > 0) throw rowFailures.reduce((a, b) => (b.line < a.line ? b : a));
      throw failures[0];
    }
    return settled.map((s) => (s as PromiseFulfilledResult<T>).value);
  }

  async close(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.terminate()));
  }
}

/** Turns a bad row into an error a user can act on. */
function describe(head: TableHead, failure: RowFailure): InputError {
  const { file, headers } = head;
  const { line, problem } = failure;
  const expected = headers.length + 1;
  switch (problem.kind) {
    case 'few':
      return new InputError({ file, line, column: problem.fields + 1 },
        `row has ${problem.fields} field${problem.fields === 1 ? '' : 's'}, expected ${expected} (the index and the header's ${headers.length} columns)`);
    case 'many':
      return new InputError({ file, line, column: expected + 1 },
        `row has ${problem.fields} fields, expected ${expected} (the index and the header's ${headers.length} columns)`);
    case 'number':
      return new InputError({ file, line, column: problem.column },
        `cell ${JSON.stringify(problem.text.length > 60 ? `${problem.text.slice(0, 60)}…` : problem.text)} in column ${problem.column} ` +
          `(${headers[problem.column - 2]}) is not a number; expected a decimal like 61.5 or 1e-05, an empty cell, nan, inf or -inf`);
    case 'index':
      return new InputError({ file, line, column: 1 },
        `index value ${JSON.stringify(problem.text)} opens a double quote that is not closed on its line (an index value spanning lines is not supported)`);
    case 'role':
      return new InputError({ file, line, column: 1 },
        `index value ${JSON.stringify(problem.text)} ends with neither 'source' nor 'dst'; expected an IP followed by its role, like 104.192.1.15source`);
    case 'control':
      return new InputError({ file, line, column: problem.column },
        (problem.column === 1
          ? controlCharacterProblem('index value', problem.text)
          : controlCharacterProblem('cell', problem.text, ` in column ${problem.column} (${headers[problem.column - 2]})`)) ??
          `unexpected control character in column ${problem.column}`);
    case 'changed':
      return new InputError({ file, line }, 'the file changed while it was being read; read it again');
  }
}

function checkDuplicates(file: string, labels: readonly string[], lineOf: (row: number) => number): void {
  const first = new Map<string, number>();
  for (let r = 0; r < labels.length; r++) {
    const previous = first.get(labels[r]);
    if (previous !== undefined) {
      throw new InputError({ file, line: lineOf(r), column: 1 },
        `index value ${JSON.stringify(labels[r])} appears twice, on lines ${lineOf(previous)} and ${lineOf(r)}; expected each index value once`);
    }
    first.set(labels[r], r);
  }
}

/**
 * Where each of consecutive ranges starts, from their line counts (blank lines included) and row
 * counts: its first line number (data starts on line 2) and its first row.
 */
function placeRanges(counts: ReadonlyArray<{ lines: number; rows: number }>): Array<{ firstLine: number; rowOffset: number }> {
  let firstLine = 2;
  let rowOffset = 0;
  return counts.map(({ lines, rows }) => {
    const place = { firstLine, rowOffset };
    firstLine += lines;
    rowOffset += rows;
    return place;
  });
}

/** Ranges with their first line numbers and row offsets, from a count pass. */
async function countRanges(pool: ThreadPool, head: TableHead): Promise<Array<Range & { rows: number; rowOffset: number }>> {
  const spans = splitRanges(head.file, head.dataStart, head.size, pool.size);
  const counts = await pool.all<{ lines: number; rows: number }>('count', spans.map((s) => ({ file: head.file, ...s, firstLine: 0 })));
  const places = placeRanges(counts);
  return spans.map((span, k) => ({ file: head.file, ...span, ...places[k], rows: counts[k].rows }));
}

async function withPool<T>(head: TableHead, options: ReadOptions | undefined, use: (pool: ThreadPool) => Promise<T>): Promise<T> {
  const pool = new ThreadPool(threadCount(head, options));
  try {
    return await use(pool);
  } catch (error) {
    if (error instanceof RowFailure) throw describe(head, error);
    throw error;
  } finally {
    await pool.close();
  }
}

/**
 * Reads a whole table into memory: one row-major matrix (Float64, or Float32 on request) in a
 * SharedArrayBuffer that worker threads parse into directly, byte ranges split at newlines.
 * Peak memory is the matrix plus a few buffers. Throws InputError with file, line and column for
 * any malformed input (see the README's list); nothing is coerced.
 */
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
    const parts = await pool.all<{ labels: string[]; lineOfRow: Int32Array }>('read', jobs, progress.add);
    const index = parts.flatMap((part) => part.labels);
    const lineOfRow = new Int32Array(rows);
    parts.forEach((part, k) => lineOfRow.set(part.lineOfRow, ranges[k].rowOffset));
    checkDuplicates(file, index, (r) => lineOfRow[r]);
    progress.finish();
    return new Frame({ index, columns: head.columns, values: float32 ? new Float32Array(values) : new Float64Array(values), source: file });
  });
}

let evaluationCounter = 0;

/**
 * The streaming evaluation of a full dataset in one parsing pass (after a cheap pass over the
 * labels): drops the rows whose label is in `exclude`, keeps the seeded bottom-k sample of
 * `sampleSize` normal rows and accumulates the statistics of ALL normal rows. Memory: the sample
 * plus per-column accumulators, whatever the number of rows.
 */
export async function evaluateFull(file: string, options: EvaluateOptions): Promise<FullEvaluation> {
  if (!Number.isSafeInteger(options.seed)) throw new RangeError(`evaluateFull: seed ${options.seed} is not a safe integer`);
  const head = readHead(file);
  const grid = gridOf(head);
  const nCols = head.columns.length;
  const float32 = options.float32 === true;
  const families = options.sampleFamilies;
  const keptColumns = families
    ? Int32Array.from(head.columns.flatMap((k, c) => (k.kind === 'value' && families.has(k.family) ? [c] : [])))
    : undefined;
  const sampleWidth = keptColumns ? keptColumns.length : nCols;
  const progress = new ProgressReporter(head.size, options.onProgress, head.dataStart);
  // The worker threads end before the mostly-zero sampled rows are written out (lower peak memory).
  const key = `${process.pid}-${evaluationCounter++}-`;
  const pass = await withPool(head, options, async (pool) => {
    const spans = splitRanges(head.file, head.dataStart, head.size, pool.size);
    // Pass 1: labels. Line numbers are local to each range (first line 0) until all counts are known.
    const labelled = await pool.all<LabelPass>('labels', spans.map((span, k) => ({ file, ...span, firstLine: 0, key: `${key}${k}` })));
    const places = placeRanges(labelled.map((part) => ({ lines: part.lines, rows: part.labels.length })));
    const failed = labelled.findIndex((part) => part.failure !== undefined);
    if (failed >= 0) {
      const { line: local, problem } = labelled[failed].failure!;
      throw new RowFailure(local + places[failed].firstLine, problem);
    }
    const labels = labelled.flatMap((part) => part.labels);
    const lineOfRow = new Int32Array(labels.length);
    labelled.forEach((part, k) => {
      const { firstLine, rowOffset } = places[k];
      for (let i = 0; i < part.lineOfRow.length; i++) lineOfRow[rowOffset + i] = part.lineOfRow[i] + firstLine;
    });
    checkDuplicates(file, labels, (r) => lineOfRow[r]);

    const { normal, sample: picked } = sampleNormalRows(labels, options.exclude, options.sampleSize, options.seed);
    const actions = new Int32Array(labels.length).fill(EXCLUDED);
    for (const r of normal) actions[r] = NORMAL;
    const keepValues = options.keepSampleValues !== false;
    if (keepValues) {
      picked.forEach((r, slot) => {
        actions[r] = slot;
      });
    }

    const keep = new Int32Array(labels.length).fill(-1);
    const keptRows: number[] = [];
    if (options.keepLabels && options.keepLabels.size > 0) {
      labels.forEach((label, r) => {
        if (options.keepLabels!.has(label)) keep[r] = keptRows.push(r) - 1;
      });
    }
    const kept = new SharedArrayBuffer(keptRows.length * nCols * 8);

    // Pass 2: parse every row; statistics of normal rows; sampled rows into their slots.
    const sample = new SharedArrayBuffer(keepValues ? picked.length * sampleWidth * (float32 ? 4 : 8) : 0);
    const jobs: EvaluateJob[] = spans.map((span, k) => ({
      file, ...span, firstLine: places[k].firstLine, key: `${key}${k}`, headers: head.headers,
      actions: actions.slice(places[k].rowOffset, places[k].rowOffset + labelled[k].labels.length), sample, float32, keptColumns,
      keep: keep.slice(places[k].rowOffset, places[k].rowOffset + labelled[k].labels.length), kept,
    }));
    const parts = await pool.all<EvaluatePass>('evaluate', jobs, progress.add);
    return {
      rows: labels.length, normalRows: normal.length, excludedFound: labels.length - normal.length, sample, parts, keepValues,
      index: Array.from(picked, (r) => labels[r]),
      kept, keptIndex: keptRows.map((r) => labels[r]),
    };
  }).finally(() => dropKeptLabels(key));
  const values = float32 ? new Float32Array(pass.sample) : new Float64Array(pass.sample);
  const total = new FamilyStatsAccumulator(head.columns);
  // The first thread's sketch takes in the others' (no empty copy).
  const sketch = new ValueSketch(head.columns, pass.parts[0].sketch);
  pass.parts.forEach((part, k) => {
    fillSparseRows(part.sparse, values, sampleWidth);
    total.merge(new FamilyStatsAccumulator(head.columns, part.state));
    if (k > 0) sketch.merge(new ValueSketch(head.columns, part.sketch));
  });
  progress.finish();
  return {
    path: file,
    rows: pass.rows,
    columns: head.columns,
    valueColumns: head.columns.filter((k) => k.kind === 'value').length,
    grid,
    normalRows: pass.normalRows,
    excludedFound: pass.excludedFound,
    sample: new Frame({
      index: pass.index,
      columns: !pass.keepValues ? [] : keptColumns ? Array.from(keptColumns, (c) => head.columns[c]) : head.columns,
      values,
      source: file,
    }),
    normalStats: total.result(),
    normalBaseline: baselineOf(sketch),
    kept: new Frame({ index: pass.keptIndex, columns: head.columns, values: new Float64Array(pass.kept), source: file }),
  };
}
