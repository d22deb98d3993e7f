/**
 * `npm run bench:load [-- --file F ...] [--only a,b] [--repeat N] [--timeout S] [--out FILE]`: reads
 * each table with every reader, each run in its own child process under /usr/bin/time with a time
 * limit, and prints per table: median and range over the runs of wall and CPU seconds, peak RSS, and
 * the ratio to pandas. Default tables: the seed-scale sparse one (`data/seed/`, 97% `0.0` cells) and
 * a dense one (every cell a full-precision decimal, under the OS temp dir), each generated first
 * when absent. Our summary runs twice: with one parse thread per core, and with one thread.
 * Figures are printed (and with `--out` written to a file as they are), never asserted.
 */
import { execFileSync, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { benchArgs, stringOption, wholeNumber } from './args';
import { DENSE_DIR } from '../data/synth/dense';

const ROOT = path.join(__dirname, '..', '..');
const SPARSE_ROOT = path.join(ROOT, 'data', 'seed');
const DENSE_ROOT = DENSE_DIR;
const TABLE = path.join('final', 'final_dataset_5T.csv');
const CORES = typeof os.availableParallelism === 'function' ? os.availableParallelism() : os.cpus().length;

const USAGE = `usage: npm run bench:load [-- --file F ...] [--only a,b] [--repeat N] [--timeout S] [--out FILE]
  --file F      a full table to read (repeatable); its model runs are looked for in F/../../models.
                Default: ${path.relative(process.cwd(), path.join(SPARSE_ROOT, TABLE))} (sparse, seed scale) and
                ${path.join(DENSE_ROOT, TABLE)} (dense), generated when absent
  --only LIST   comma-separated parts of reader names to run, e.g. "summary,pandas"
  --repeat N    runs per reader and table (default 1); the table shows the median and the range
  --timeout S   time limit of one run in seconds (default 300)
  --out FILE    also write everything printed to FILE (raw bench output)`;
const PYTHON = '/usr/bin/python3';
const TIME = '/usr/bin/time';

/** What a child reports on stdout (last line, JSON). */
interface ChildReport {
  rows: number;
  columns: number;
  /** Seconds spent in the read call itself (no process start, no imports). */
  readSeconds: number;
  /** A few cells as text: `row,col=value`, compared with pandas. */
  cells?: string[];
  note?: string;
}

interface Outcome {
  name: string;
  wall: number;
  /** User + system CPU seconds of the child (all its threads): less sensitive to a busy machine. */
  cpu: number;
  peakMb: number;
  report?: ChildReport;
  failure?: string;
}

/** Cells checked against pandas: (row, column) positions, the index column excluded. */
function probeCells(rows: number, cols: number): Array<[number, number]> {
  const rs = [0, Math.floor(rows / 3), Math.floor(rows / 2), rows - 1];
  const cs = [0, 1, Math.floor(cols / 2), cols - 10, cols - 1];
  return rs.flatMap((r) => cs.map((c) => [r, c] as [number, number]));
}

function formatCell(v: number): string {
  return Number.isNaN(v) ? 'nan' : Object.is(v, -0) ? '-0.0' : String(v);
}

/** Child mode: run one of our readers and print a ChildReport. */
async function child(kind: string, file: string): Promise<void> {
  const started = process.hrtime.bigint();
  const seconds = () => Number(process.hrtime.bigint() - started) / 1e9;
  let report: ChildReport;
  if (kind === 'whole-f64' || kind === 'whole-f32') {
    const { readTable } = await import('../lib/loaders');
    const frame = await readTable(file, { float32: kind === 'whole-f32' });
    const readSeconds = seconds();
    report = {
      rows: frame.nRows,
      columns: frame.nCols,
      readSeconds,
      cells: probeCells(frame.nRows, frame.nCols).map(([r, c]) => `${r},${c}=${formatCell(frame.get(r, c))}`),
    };
  } else if (kind === 'streaming') {
    const { evaluateFull } = await import('../lib/loaders');
    const ev = await evaluateFull(file, { exclude: new Set(), sampleSize: 4000, seed: 42 });
    report = {
      rows: ev.rows,
      columns: ev.columns.length,
      readSeconds: seconds(),
      note: `sample ${ev.sample.nRows} rows, stats of ${ev.normalRows} rows`,
    };
  } else if (kind === 'summary' || kind === 'summary-1') {
    // What `npm run summary` runs: the three model runs beside the table, then the full table streamed.
    // The loaders take one parse thread per core; summary-1 is that command on a one-core machine.
    if (kind === 'summary-1')
      (require('node:os') as { availableParallelism: () => number }).availableParallelism = () => 1;
    const { evaluate } = await import('../lib/summary/evaluate');
    const models = fs
      .readdirSync(modelsBeside(file))
      .sort()
      .map((run) => path.join(modelsBeside(file), run));
    const ev = await evaluate({ models, full: file, sampleSize: 4000, seed: 42, keepSampleValues: false });
    report = {
      rows: ev.full.rows,
      columns: ev.full.columns.length,
      readSeconds: seconds(),
      note: `summary of ${ev.runs.map((r) => `${r.name} (${r.frame.nRows} rows)`).join(', ')}; common ${ev.summary.overlaps.map((o) => o.common).join('/')}`,
    };
  } else if (kind === 'arquero') {
    const aq = require('arquero') as typeof import('arquero');
    const table = await aq.loadCSV(file, { delimiter: '\t' });
    report = { rows: table.numRows(), columns: table.numCols() - 1, readSeconds: seconds() };
  } else if (kind === 'danfo') {
    const dfd = require('danfojs-node') as typeof import('danfojs-node');
    const df = await dfd.readCSV(file, { delimiter: '\t' } as never);
    report = { rows: df.shape[0], columns: df.shape[1] - 1, readSeconds: seconds() };
  } else {
    throw new Error(`unknown child kind ${kind}`);
  }
  process.stdout.write(`\n${JSON.stringify(report)}\n`);
}

/** The model runs' folder of a generated data set: `<data>/models` beside `<data>/final/<file>`. */
function modelsBeside(file: string): string {
  return path.join(path.dirname(path.dirname(file)), 'models');
}

const PANDAS = `
import sys, time, json
t0 = time.perf_counter()
import pandas as pd
t1 = time.perf_counter()
df = pd.read_csv(sys.argv[1], sep='\\t', index_col=[0])
t2 = time.perf_counter()
rows, cols = df.shape
rs = [0, rows // 3, rows // 2, rows - 1]
cs = [0, 1, cols // 2, cols - 10, cols - 1]
def fmt(v):
    v = float(v)
    return 'nan' if v != v else repr(v)
cells = ['%d,%d=%s' % (r, c, fmt(df.iat[r, c])) for r in rs for c in cs]
print()
print(json.dumps({'rows': rows, 'columns': cols, 'readSeconds': t2 - t1, 'cells': cells}))
`;

/** Runs a command under /usr/bin/time with a time limit; wall time, peak RSS and the last stdout line. */
function measure(name: string, command: string, args: string[], timeoutSeconds: number): Promise<Outcome> {
  const timeFile = path.join(os.tmpdir(), `bench-load-${process.pid}-${name}.time`);
  const started = process.hrtime.bigint();
  return new Promise((resolve) => {
    // Own process group, so a time-out kills /usr/bin/time and the reader under it together.
    const proc = spawn(TIME, ['-f', '%e %M %U %S', '-o', timeFile, command, ...args], {
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    let stdout = '';
    let stderr = '';
    proc.stdout.on('data', (d: Buffer) => (stdout = (stdout + d.toString()).slice(-100_000)));
    proc.stderr.on('data', (d: Buffer) => (stderr = (stderr + d.toString()).slice(-20_000)));
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      try {
        process.kill(-(proc.pid as number), 'SIGKILL');
      } catch {
        proc.kill('SIGKILL');
      }
    }, timeoutSeconds * 1000);
    proc.on('close', (code, signal) => {
      clearTimeout(timer);
      const wall = Number(process.hrtime.bigint() - started) / 1e9;
      let peakMb = NaN;
      let cpu = NaN;
      try {
        const line = fs.readFileSync(timeFile, 'utf8').trim().split('\n').pop() ?? '';
        const [, kb, user, system] = line.split(' ');
        peakMb = Number(kb) / 1024;
        cpu = Number(user) + Number(system);
        fs.rmSync(timeFile, { force: true });
      } catch {
        // time was killed too
      }
      const last = stdout.trim().split('\n').pop() ?? '';
      if (timedOut) return resolve({ name, wall, cpu, peakMb, failure: `timed out after ${timeoutSeconds} s` });
      if (code !== 0 || !last.startsWith('{')) {
        const reason = summarizeFailure(stderr) || `exit ${code ?? signal}`;
        return resolve({ name, wall, cpu, peakMb, failure: reason });
      }
      resolve({ name, wall, cpu, peakMb, report: JSON.parse(last) as ChildReport });
    });
  });
}

function summarizeFailure(stderr: string): string {
  const lines = stderr
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean);
  const pick = lines.find((l) =>
    /heap out of memory|Cannot create a string|ERR_STRING_TOO_LONG|RangeError|Error:|MemoryError|Killed/.test(l),
  );
  const text = pick ?? lines.filter((l) => !/^(at |Command exited)/.test(l)).pop() ?? '';
  return text.replace(/^.*?(FATAL ERROR: )/, '').slice(0, 90);
}

/** Generates a default table when absent (seed-scale sparse, or dense); any other file must exist. */
function ensureData(file: string): void {
  if (fs.existsSync(file)) return;
  const root = [SPARSE_ROOT, DENSE_ROOT].find((r) => file === path.join(r, TABLE));
  if (!root) throw new Error(`${file} does not exist`);
  const generator = path.join(ROOT, 'dist', 'data', 'generate.js');
  if (!fs.existsSync(generator))
    throw new Error(`${file} is absent and so is the generator ${generator}: run npx tsc -p . first`);
  const how = root === SPARSE_ROOT ? ['--scale', 'seed'] : ['--dense'];
  say(`generating ${root === SPARSE_ROOT ? 'the seed-scale' : 'a dense'} data set into ${root} ...`);
  execFileSync(process.execPath, [generator, ...how, '--out', root], { stdio: 'inherit' });
}

function pandasAvailable(): boolean {
  try {
    execFileSync(PYTHON, ['-c', 'import pandas'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/** Prints a line, and appends it to the `--out` file when one is given. */
let outFile: string | undefined;
function say(line = '', newline = true): void {
  const text = newline ? `${line}\n` : line;
  process.stdout.write(text);
  if (outFile) fs.appendFileSync(outFile, text);
}

/** A path as printed: relative to the working folder (the raw output is committed; no machine paths in it). */
function shown(text: string): string {
  return path.isAbsolute(text) ? path.relative(process.cwd(), text) || '.' : text;
}

const loadAverage = (): string =>
  os
    .loadavg()
    .map((l) => l.toFixed(1))
    .join(' ');

/** All runs of one reader on one table. */
interface Row {
  name: string;
  runs: Outcome[];
  /** 1-minute load average when the reader's first run started. */
  load: number;
}

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  if (argv[0] === '--child') return child(argv[1], argv[2]);
  const args = benchArgs(
    USAGE,
    { file: 'strings', only: 'string', repeat: 'string', timeout: 'string', out: 'string' },
    argv,
  );
  const files = (
    (args.file as string[] | undefined) ?? [path.join(SPARSE_ROOT, TABLE), path.join(DENSE_ROOT, TABLE)]
  ).map((f) => path.resolve(f));
  const timeout = wholeNumber(args, 'timeout', 300);
  const only = stringOption(args, 'only')?.split(',');
  const repeat = wholeNumber(args, 'repeat', 1);
  outFile = stringOption(args, 'out');
  if (outFile) fs.writeFileSync(outFile, '');
  for (const file of files) ensureData(file);
  say(`bench:load ${argv.map(shown).join(' ')}`.trimEnd());
  say(
    `${new Date().toISOString()}; ${os.cpus().length} cores (${os.cpus()[0]?.model ?? '?'}), node ${process.version}; ${repeat} run(s) per reader, time limit ${timeout} s each`,
  );
  for (const file of files) await benchFile(file, only, repeat, timeout);
}

async function benchFile(
  file: string,
  only: readonly string[] | undefined,
  repeat: number,
  timeout: number,
): Promise<void> {
  const size = fs.statSync(file).size;
  say('');
  say(`## ${shown(file)}: ${(size / 1e6).toFixed(1)} MB; load average ${loadAverage()} (1, 5, 15 min)`);
  execFileSync('cat', [file], { stdio: 'ignore' }); // warm the page cache: every reader starts equal
  const self = __filename;
  const ours = (kind: string): [string, string[]] => [process.execPath, [self, '--child', kind, file]];
  const runs: Array<[string, string, string[]]> = [
    ['ours: whole, Float64', ...ours('whole-f64')],
    ['ours: whole, Float32', ...ours('whole-f32')],
    ['ours: streaming evaluation', ...ours('streaming')],
  ];
  if (fs.existsSync(modelsBeside(file))) {
    runs.push([`ours: npm run summary, ${CORES} threads`, ...ours('summary')]);
    runs.push(['ours: npm run summary, 1 thread', ...ours('summary-1')]);
  }
  runs.push(['arquero 8 loadCSV', ...ours('arquero')], ['danfojs-node readCSV', ...ours('danfo')]);
  if (pandasAvailable()) runs.push(['pandas read_csv', PYTHON, ['-c', PANDAS, file]]);
  else say(`(${PYTHON} has no pandas: no pandas row)`);
  const rows: Row[] = [];
  for (const [name, command, args] of runs) {
    if (only && !only.some((o) => name.includes(o))) continue;
    const row: Row = { name, runs: [], load: os.loadavg()[0] };
    say(`  ${name}:`, false);
    for (let i = 0; i < repeat; i++) {
      const outcome = await measure(name.replace(/\W+/g, '-'), command, args, timeout);
      row.runs.push(outcome);
      say(
        outcome.failure
          ? ` failed (${outcome.failure})`
          : ` ${outcome.wall.toFixed(2)} s/${outcome.cpu.toFixed(2)} CPU s/${outcome.peakMb.toFixed(0)} MB`,
        false,
      );
      if (outcome.failure) break;
    }
    say(` (load ${loadAverage()})`);
    rows.push(row);
  }
  printTable(rows, size);
  checkCells(file, rows);
}

/** Median and range of some numbers, e.g. `1.23 (1.10–1.50)`; just the number for one run. */
function spread(values: readonly number[], digits = 2): string {
  const sorted = [...values].sort((a, b) => a - b);
  const m = median(sorted);
  if (sorted.length === 1) return m.toFixed(digits);
  return `${m.toFixed(digits)} (${sorted[0].toFixed(digits)}–${sorted[sorted.length - 1].toFixed(digits)})`;
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

function printTable(rows: readonly Row[], size: number): void {
  const succeeded = (row: Row) => row.runs.filter((o) => !o.failure);
  const pandas = rows.find((r) => r.name.startsWith('pandas') && succeeded(r).length > 0);
  const pandasWall = pandas ? median(succeeded(pandas).map((o) => o.wall)) : NaN;
  const pandasCpu = pandas ? median(succeeded(pandas).map((o) => o.cpu)) : NaN;
  say('');
  say(
    '| reader | runs | wall s, median (range) | read s | CPU s, median (range) | peak RSS MB (max) | MB/s | vs pandas: wall | vs pandas: CPU | load avg | outcome |',
  );
  say('|---|--:|---:|---:|---:|---:|---:|---:|---:|---:|---|');
  for (const row of rows) {
    const ok = succeeded(row);
    const peak = Math.max(...row.runs.map((o) => o.peakMb).filter(Number.isFinite));
    const load = row.load.toFixed(1);
    if (ok.length === 0) {
      const o = row.runs[0];
      say(
        `| ${row.name} | ${row.runs.length} | ${o.wall.toFixed(1)} | – | ${o.cpu.toFixed(1)} | ${peak.toFixed(0)} | – | – | – | ${load} | ${o.failure} |`,
      );
      continue;
    }
    const wall = median(ok.map((o) => o.wall));
    const cpu = median(ok.map((o) => o.cpu));
    const report = ok[ok.length - 1].report!;
    const outcome = `${report.rows} × ${report.columns}${report.note ? `; ${report.note}` : ''}${ok.length < row.runs.length ? `; ${row.runs.length - ok.length} run(s) failed` : ''}`;
    const ratio = (a: number, b: number) => (Number.isFinite(b) ? `${(a / b).toFixed(2)}×` : '–');
    say(
      `| ${row.name} | ${ok.length} | ${spread(ok.map((o) => o.wall))} | ${spread(ok.map((o) => o.report!.readSeconds))} | ${spread(ok.map((o) => o.cpu))} | ${peak.toFixed(0)} | ${(size / 1e6 / wall).toFixed(0)} | ${ratio(wall, pandasWall)} | ${ratio(cpu, pandasCpu)} | ${load} | ${outcome} |`,
    );
  }
  const whole = rows.find((r) => r.name === 'ours: whole, Float64');
  if (pandas && whole) {
    const report = succeeded(pandas)[0].report!;
    const matrixMb = (report.rows * report.columns * 8) / 2 ** 20;
    const peak = Math.max(...whole.runs.map((o) => o.peakMb));
    say(
      `\nFloat64 matrix: ${matrixMb.toFixed(0)} MiB (peak RSS of the whole read ÷ matrix: ${(peak / matrixMb).toFixed(2)})`,
    );
  }
  say(`load average at the end ${loadAverage()}`);
}

/** Python's `float(text)` (correctly rounded) of the probe cells, read from the file's text: the reference. */
const EXACT_CELLS = `
import sys, json
rows, cols = int(sys.argv[2]), int(sys.argv[3])
rs = [0, rows // 3, rows // 2, rows - 1]
cs = [0, 1, cols // 2, cols - 10, cols - 1]
want = {r + 1 for r in rs}
found = {}
with open(sys.argv[1], encoding='utf-8') as f:
    for n, line in enumerate(f):
        if n in want:
            found[n - 1] = line.rstrip('\\n').split('\\t')
def fmt(text):
    v = float(text) if text else float('nan')
    return 'nan' if v != v else repr(v)
print(json.dumps(['%d,%d=%s' % (r, c, fmt(found[r][c + 1])) for r in rs for c in cs]))
`;

/** Compares the probe cells of our whole read and of pandas with Python's float() of the cells' text. */
function checkCells(file: string, rows: readonly Row[]): void {
  const cells = (name: string) => rows.find((r) => r.name.startsWith(name))?.runs.find((o) => o.report?.cells)?.report;
  const ours = cells('ours: whole, Float64');
  const pandas = cells('pandas');
  const any = ours ?? pandas;
  if (!any?.cells || !pandasAvailable()) return;
  const exact = JSON.parse(
    execFileSync(PYTHON, ['-c', EXACT_CELLS, file, String(any.rows), String(any.columns)], {
      encoding: 'utf8',
      maxBuffer: 1 << 20,
    }),
  ) as string[];
  const value = (cell: string) => {
    const text = cell.slice(cell.indexOf('=') + 1);
    return text === 'nan' ? NaN : Number(text);
  };
  for (const [name, report] of [
    ['ours (whole, Float64)', ours],
    ['pandas read_csv (default float_precision)', pandas],
  ] as const) {
    if (!report?.cells) continue;
    const wrong = report.cells.filter((cell, i) => !Object.is(value(cell), value(exact[i])));
    say(
      `cells equal to Python float(text), ${name}: ${report.cells.length - wrong.length} of ${report.cells.length}${wrong.length ? ` (differ: ${wrong.slice(0, 3).join('; ')}${wrong.length > 3 ? '; ...' : ''})` : ''}`,
    );
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
