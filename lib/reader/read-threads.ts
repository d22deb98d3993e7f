/**
 * The threads a read runs on: byte ranges split at line starts, a pool of parse workers (or the
 * calling thread alone for a small file), progress gathered from all of them, and bad rows turned
 * into errors that name file, line and column.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Worker } from 'node:worker_threads';
import { InputError } from '../types';
import { controlCharacterProblem } from './control';
import { type TableHead, SMALL_FILE } from './table-head';
import type { Progress, ReadOptions } from './read-options';
import {
  type ProgressSink,
  type Range,
  RowFailure,
  type TaskName,
  type TaskReply,
  WORKER_MARK,
  runTask,
} from './parse-worker';

/** Splits [from, size) into `parts` ranges that start at line starts (some may be empty). */
export function splitRanges(
  file: string,
  from: number,
  size: number,
  parts: number,
): Array<{ from: number; to: number }> {
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

export function threadCount(head: TableHead, options: ReadOptions | undefined): number {
  if (options?.workers !== undefined) {
    if (!Number.isInteger(options.workers) || options.workers < 1)
      throw new RangeError(`workers must be a whole number ≥ 1, not ${options.workers}`);
    return options.workers;
  }
  if (head.size - head.dataStart < SMALL_FILE) return 1;
  const cores = typeof os.availableParallelism === 'function' ? os.availableParallelism() : os.cpus().length;
  return Math.max(1, Math.min(8, cores));
}

/** Aggregates progress from all threads and passes it on at most every 100 ms. */
export class ProgressReporter {
  private bytes = 0;
  private rows = 0;
  private last = 0;
  constructor(
    private readonly total: number,
    private readonly onProgress?: (p: Progress) => void,
    private readonly base = 0,
  ) {}
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
export class ThreadPool {
  private readonly workers: Worker[] = [];
  private nextId = 0;
  constructor(readonly size: number) {
    if (size > 1) {
      for (let i = 0; i < size; i++) {
        this.workers.push(
          new Worker(path.join(__dirname, 'parse-worker.js'), {
            workerData: { mark: WORKER_MARK },
            // A small young generation: the parse loop allocates little, and each MB here is resident.
            resourceLimits: { maxYoungGenerationSizeMb: 2 },
          }),
        );
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

  /**
   * Runs one task per thread (job k on thread k: tasks that keep state in their thread between
   * passes rely on it) and waits for all; the failure on the earliest line wins.
   */
  async all<T>(task: TaskName, jobs: readonly unknown[], onProgress?: ProgressSink): Promise<T[]> {
    return settle(await Promise.allSettled(jobs.map((job, i) => this.run<T>(i, task, job, onProgress))));
  }

  /**
   * Runs jobs that keep no state in their thread, each on the next thread free, and waits for all;
   * results in job order, the failure on the earliest line wins. With more jobs than threads, a
   * thread that runs slower (a busy core, a cold page) does fewer of them instead of holding up the rest.
   */
  async spread<T>(task: TaskName, jobs: readonly unknown[], onProgress?: ProgressSink): Promise<T[]> {
    const outcomes: PromiseSettledResult<T>[] = [];
    let next = 0;
    // After a failure no later job starts: jobs are taken in order, so every earlier one has started.
    let failed = false;
    const drain = async (thread: number): Promise<void> => {
      while (next < jobs.length && !failed) {
        const k = next++;
        try {
          outcomes[k] = { status: 'fulfilled', value: await this.run<T>(thread, task, jobs[k], onProgress) };
        } catch (reason) {
          outcomes[k] = { status: 'rejected', reason };
          failed = true;
        }
      }
    };
    await Promise.all(Array.from({ length: Math.max(1, this.workers.length) }, (_, thread) => drain(thread)));
    return settle(outcomes.filter((outcome) => outcome !== undefined));
  }

  async close(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.terminate()));
  }
}

/** The results of settled tasks in order, or the failure on the earliest line (else the first failure). */
function settle<T>(settled: readonly PromiseSettledResult<T>[]): T[] {
  const failures = settled
    .filter((s): s is PromiseRejectedResult => s.status === 'rejected')
    .map((s) => s.reason as unknown);
  if (failures.length > 0) {
    const rowFailures = failures.filter((f): f is RowFailure => f instanceof RowFailure);
    if (rowFailures.length > 0) throw rowFailures.reduce((a, b) => (b.line < a.line ? b : a));
    throw failures[0];
  }
  return settled.map((s) => (s as PromiseFulfilledResult<T>).value);
}

/** Turns a bad row into an error a user can act on. */
function describe(head: TableHead, failure: RowFailure): InputError {
  const { file, headers } = head;
  const { line, problem } = failure;
  const expected = headers.length + 1;
  switch (problem.kind) {
    case 'few':
      return new InputError(
        { file, line, column: problem.fields + 1 },
        `row has ${problem.fields} field${problem.fields === 1 ? '' : 's'}, expected ${expected} (the index and the header's ${headers.length} columns)`,
      );
    case 'many':
      return new InputError(
        { file, line, column: expected + 1 },
        `row has ${problem.fields} fields, expected ${expected} (the index and the header's ${headers.length} columns)`,
      );
    case 'number':
      return new InputError(
        { file, line, column: problem.column },
        `cell ${JSON.stringify(problem.text.length > 60 ? `${problem.text.slice(0, 60)}…` : problem.text)} in column ${problem.column} ` +
          `(${headers[problem.column - 2]}) is not a number; expected a decimal like 61.5 or 1e-05, an empty cell, nan, inf or -inf`,
      );
    case 'index':
      return new InputError(
        { file, line, column: 1 },
        `index value ${JSON.stringify(problem.text)} opens a double quote that is not closed on its line (an index value spanning lines is not supported)`,
      );
    case 'role':
      return new InputError(
        { file, line, column: 1 },
        `index value ${JSON.stringify(problem.text)} ends with neither 'source' nor 'dst'; expected an IP followed by its role, like 104.192.1.15source`,
      );
    case 'control':
      return new InputError(
        { file, line, column: problem.column },
        (problem.column === 1
          ? controlCharacterProblem('index value', problem.text)
          : controlCharacterProblem(
              'cell',
              problem.text,
              ` in column ${problem.column} (${headers[problem.column - 2]})`,
            )) ?? `unexpected control character in column ${problem.column}`,
      );
    case 'changed':
      return new InputError({ file, line }, 'the file changed while it was being read; read it again');
  }
}

/** Refuses a table whose index names a row twice, naming both lines. */
export function checkDuplicates(file: string, labels: readonly string[], lineOf: (row: number) => number): void {
  const first = new Map<string, number>();
  for (let r = 0; r < labels.length; r++) {
    const previous = first.get(labels[r]);
    if (previous !== undefined) {
      throw new InputError(
        { file, line: lineOf(r), column: 1 },
        `index value ${JSON.stringify(labels[r])} appears twice, on lines ${lineOf(previous)} and ${lineOf(r)}; expected each index value once`,
      );
    }
    first.set(labels[r], r);
  }
}

/**
 * Where each of consecutive ranges starts, from their line counts (blank lines included) and row
 * counts: its first line number (data starts on line 2) and its first row.
 */
export function placeRanges(
  counts: ReadonlyArray<{ lines: number; rows: number }>,
): Array<{ firstLine: number; rowOffset: number }> {
  let firstLine = 2;
  let rowOffset = 0;
  return counts.map(({ lines, rows }) => {
    const place = { firstLine, rowOffset };
    firstLine += lines;
    rowOffset += rows;
    return place;
  });
}

/**
 * Byte ranges a whole read splits a table into per thread: threads take them as they finish, so
 * one that runs slower (this machine's two virtual cores were measured idling 0.1–0.6 s of a
 * 1.4 s read while the other finished its half) does fewer. More ranges cost a few reads at the cuts.
 */
const RANGES_PER_THREAD = 8;

/** Ranges with their first line numbers and row offsets, from a count pass (threads take ranges as they are free). */
export async function countRanges(
  pool: ThreadPool,
  head: TableHead,
): Promise<Array<Range & { rows: number; rowOffset: number }>> {
  const parts = pool.size > 1 ? pool.size * RANGES_PER_THREAD : 1;
  const spans = splitRanges(head.file, head.dataStart, head.size, parts);
  const counts = await pool.spread<{ lines: number; rows: number }>(
    'count',
    spans.map((s) => ({ file: head.file, ...s, firstLine: 0 })),
  );
  const places = placeRanges(counts);
  return spans.map((span, k) => ({ file: head.file, ...span, ...places[k], rows: counts[k].rows }));
}

/** Runs `use` on a pool sized for the table, closing it after; a bad row becomes an InputError. */
export async function withPool<T>(
  head: TableHead,
  options: ReadOptions | undefined,
  use: (pool: ThreadPool) => Promise<T>,
): Promise<T> {
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
