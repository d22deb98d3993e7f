/**
 * `npm run bench:load [-- --file F] [--timeout S] [--only a,b] [--repeat N]`: reads the same
 * seed-scale table with every reader, each in its own child process under /usr/bin/time with a time
 * limit, and prints one table (wall seconds, peak RSS, MB/s, outcome). With `--repeat N` each reader
 * that succeeded runs N times and the fastest run is shown (the machine may be shared). Generates the seed-scale data set into
 * `data/seed/` first if it is absent. Figures are printed, never asserted.
 */
import { execFileSync, spawn } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

const ROOT = path.join(__dirname, '..', '..');
const DEFAULT_FILE = path.join(ROOT, 'data', 'seed', 'final', 'final_dataset_5T.csv');
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
      rows: frame.nRows, columns: frame.nCols, readSeconds,
      cells: probeCells(frame.nRows, frame.nCols).map(([r, c]) => `${r},${c}=${formatCell(frame.get(r, c))}`),
    };
  } else if (kind === 'streaming') {
    const { evaluateFull } = await import('../lib/loaders');
    const ev = await evaluateFull(file, { exclude: new Set(), sampleSize: 4000, seed: 42 });
    report = { rows: ev.rows, columns: ev.columns.length, readSeconds: seconds(), note: `sample ${ev.sample.nRows} rows, stats of ${ev.normalRows} rows` };
  } else if (kind === 'summary') {
    // What `npm run summary` runs: the three model runs beside the table, then the full table streamed.
    const { evaluate } = await import('../lib/evaluation');
    const models = fs.readdirSync(modelsBeside(file)).sort().map((run) => path.join(modelsBeside(file), run));
    const ev = await evaluate({ models, full: file, sampleSize: 4000, seed: 42, keepSampleValues: false });
    report = {
      rows: ev.full.rows, columns: ev.full.columns.length, readSeconds: seconds(),
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
    const proc = spawn(TIME, ['-f', '%e %M %U %S', '-o', timeFile, command, ...args], { stdio: ['ignore', 'pipe', 'pipe'], detached: true });
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
  const lines = stderr.split('\n').map((l) => l.trim()).filter(Boolean);
  const pick = lines.find((l) => /heap out of memory|Cannot create a string|ERR_STRING_TOO_LONG|RangeError|Error:|MemoryError|Killed/.test(l));
  const text = pick ?? lines.filter((l) => !/^(at |Command exited)/.test(l)).pop() ?? '';
  return text.replace(/^.*?(FATAL ERROR: )/, '').slice(0, 90);
}

function ensureData(file: string): void {
  if (fs.existsSync(file)) return;
  if (file !== DEFAULT_FILE) throw new Error(`${file} does not exist`);
  const generator = path.join(ROOT, 'dist', 'data', 'generate.js');
  if (!fs.existsSync(generator)) throw new Error(`${file} is absent and so is the generator ${generator}: run npx tsc -p . first`);
  console.log(`generating the seed-scale data set into ${path.relative(process.cwd(), path.join(ROOT, 'data', 'seed'))} ...`);
  execFileSync(process.execPath, [generator, '--scale', 'seed', '--out', path.join(ROOT, 'data', 'seed')], { stdio: 'inherit' });
}

function pandasAvailable(): boolean {
  try {
    execFileSync(PYTHON, ['-c', 'import pandas'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  if (argv[0] === '--child') return child(argv[1], argv[2]);
  const option = (name: string): string | undefined => {
    const i = argv.indexOf(name);
    return i >= 0 ? argv[i + 1] : undefined;
  };
  const file = path.resolve(option('--file') ?? DEFAULT_FILE);
  const timeout = Number(option('--timeout') ?? 300);
  const only = option('--only')?.split(',');
  const repeat = Math.max(1, Number(option('--repeat') ?? 1));
  ensureData(file);
  const size = fs.statSync(file).size;
  const load = () => os.loadavg().map((l) => l.toFixed(1)).join(' ');
  console.log(`file ${path.relative(process.cwd(), file)}: ${(size / 1e6).toFixed(1)} MB; ${os.cpus().length} cores, node ${process.version}; time limit ${timeout} s each; load average ${load()}`);
  execFileSync('cat', [file], { stdio: 'ignore' }); // warm the page cache: every reader starts equal
  const self = __filename;
  const runs: Array<[string, string, string[]]> = [
    ['ours: whole, Float64', process.execPath, [self, '--child', 'whole-f64', file]],
    ['ours: whole, Float32', process.execPath, [self, '--child', 'whole-f32', file]],
    ['ours: streaming evaluation', process.execPath, [self, '--child', 'streaming', file]],
    ...(fs.existsSync(modelsBeside(file)) ? [['ours: npm run summary (3 runs + table)', process.execPath, [self, '--child', 'summary', file]] as [string, string, string[]]] : []),
    ['arquero 8 loadCSV', process.execPath, [self, '--child', 'arquero', file]],
    ['danfojs-node readCSV', process.execPath, [self, '--child', 'danfo', file]],
  ];
  if (pandasAvailable()) runs.push(['pandas read_csv', PYTHON, ['-c', PANDAS, file]]);
  else console.log(`(${PYTHON} has no pandas: no pandas row)`);
  const outcomes: Outcome[] = [];
  for (const [name, command, args] of runs) {
    if (only && !only.some((o) => name.includes(o))) continue;
    process.stdout.write(`  ${name} ...`);
    let best: Outcome | undefined;
    for (let i = 0; i < repeat; i++) {
      const outcome = await measure(name.replace(/\W+/g, '-'), command, args, timeout);
      process.stdout.write(` ${outcome.failure ? `failed: ${outcome.failure}` : `${outcome.wall.toFixed(1)} s`}`);
      if (!best || (!outcome.failure && (best.failure || outcome.wall < best.wall))) best = { ...outcome, peakMb: Math.max(outcome.peakMb, best?.peakMb ?? 0) };
      else best.peakMb = Math.max(best.peakMb, outcome.peakMb);
      if (outcome.failure) break;
    }
    best!.name = name;
    outcomes.push(best!);
    process.stdout.write('\n');
  }
  console.log(`load average at the end ${load()}`);
  printTable(outcomes, size);
  checkCells(outcomes);
}

function printTable(outcomes: Outcome[], size: number): void {
  const pandas = outcomes.find((o) => o.name.startsWith('pandas') && o.report);
  const matrixMb = pandas?.report ? (pandas.report.rows * pandas.report.columns * 8) / 2 ** 20 : NaN;
  console.log('');
  console.log('| reader | wall s | read s | CPU s | peak RSS MB | MB/s | vs pandas wall | outcome |');
  console.log('|---|---:|---:|---:|---:|---:|---:|---|');
  for (const o of outcomes) {
    const mbps = o.report ? (size / 1e6 / o.wall).toFixed(0) : '–';
    const ratio = pandas && o.report ? `${(o.wall / pandas.wall).toFixed(2)}×` : '–';
    const outcome = o.failure ?? `${o.report!.rows} × ${o.report!.columns}${o.report!.note ? `; ${o.report!.note}` : ''}`;
    const read = o.report ? o.report.readSeconds.toFixed(1) : '–';
    console.log(`| ${o.name} | ${o.wall.toFixed(1)} | ${read} | ${o.cpu.toFixed(1)} | ${o.peakMb.toFixed(0)} | ${mbps} | ${ratio} | ${outcome} |`);
  }
  if (Number.isFinite(matrixMb)) console.log(`\nFloat64 matrix: ${matrixMb.toFixed(0)} MB (peak RSS of the whole read ÷ matrix: ${(outcomes[0].peakMb / matrixMb).toFixed(2)})`);
}

function checkCells(outcomes: Outcome[]): void {
  const pandas = outcomes.find((o) => o.name.startsWith('pandas'))?.report?.cells;
  const ours = outcomes.find((o) => o.name === 'ours: whole, Float64')?.report?.cells;
  if (!pandas || !ours) return;
  const mismatches = ours.filter((cell, i) => {
    const [, a] = cell.split('=');
    const [, b] = pandas[i].split('=');
    return !Object.is(Number(a === 'nan' ? NaN : a), Number(b === 'nan' ? NaN : b));
  });
  console.log(`cells compared with pandas: ${ours.length}, mismatches: ${mismatches.length}${mismatches.length ? ` (${mismatches.join('; ')} vs pandas)` : ''}`);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
