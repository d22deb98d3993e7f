/**
 * `npm run bench:report [-- --data DIR] [--out DIR] [--repeat N]`: times the whole report (the
 * notebook executed through Jupyter, signed, exported, post-processed) on seed-scale data and
 * prints its phases: kernel start, parameters/imports, loading the runs, streaming the full dataset,
 * figures, findings, summary, nbconvert export + signing, HTML post-processing, total. Cells are
 * assigned to phases by their `phase-*` tag (scripts/build-notebook.ts). Generates the seed-scale
 * data into `data/seed/` first if it is absent. Each phase also shows the kernel's CPU seconds, and the
 * total those of every process (Linux). Numbers are printed, never asserted. Target: ≤ 15 s (issue 23).
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { DEFAULT_RUN_FOLDERS, type ReportResult, runReport } from '../cli/report';
import { findProjectRoot } from '../lib/notebook/kernel';
import type { Summary } from '../lib/summary/schema';
import { benchArgs, stringOption, wholeNumber } from './args';
import { runCommand } from '../cli/args';

const ROOT = findProjectRoot(__dirname);

const USAGE = `usage: npm run bench:report [-- --data DIR] [--out DIR] [--repeat N]
  --data DIR    seed-scale data (models/ and final/), generated there when absent (default data/seed)
  --out DIR     where the report is written (default bench/out/report)
  --repeat N    run the whole report N times, one column each (default 1)`;

function ensureSeedData(dir: string): void {
  const needed = [
    ...DEFAULT_RUN_FOLDERS.map((r) => path.join(dir, 'models', r, 'detected_anomalies.csv')),
    path.join(dir, 'final', 'final_dataset_5T.csv'),
  ];
  if (needed.every((f) => fs.existsSync(f))) return;
  process.stderr.write(`bench:report: generating seed-scale data into ${dir} (once) ...\n`);
  const gen = spawnSync(
    process.execPath,
    [path.join(ROOT, 'dist', 'data', 'generate.js'), '--scale', 'seed', '--out', dir],
    { stdio: 'inherit' },
  );
  if (gen.status !== 0) throw new Error(`the data generator failed (exit ${gen.status})`);
}

/** The seed notebook's printed numbers (shared/seed/evaluation_5T_seed.md, cells 20 and 21). */
const SEED_PRINTED = {
  shapes: { '30T': [368, 1102], '10T': [387, 3202], '5T': [396, 6310] } as Record<string, [number, number]>,
  common: { '30T,5T': 362, '10T,5T': 383, '30T,10T,5T': 360 } as Record<string, number>,
};

/** Lines comparing the report's summary.json with the seed's printed numbers; `ok` if all match. */
function compareWithSeed(summary: Summary): { ok: boolean; lines: string[] } {
  const lines: string[] = [];
  let ok = true;
  const line = (what: string, got: string, want: string) => {
    const same = got === want;
    ok &&= same;
    lines.push(`  ${same ? 'ok  ' : 'DIFF'} ${what}: ${got}${same ? '' : ` (the seed printed ${want})`}`);
  };
  for (const [name, [rows, columns]] of Object.entries(SEED_PRINTED.shapes)) {
    const run = summary.runs.find((r) => r.name === name);
    line(`shape of data_${name}`, run ? `(${run.rows}, ${run.columns})` : 'missing', `(${rows}, ${columns})`);
  }
  for (const [runs, common] of Object.entries(SEED_PRINTED.common)) {
    const overlap = summary.overlaps.find((o) => o.runs.join() === runs);
    line(`common anomalies ${runs.replace(/,/g, ' & ')}`, String(overlap?.common ?? 'missing'), String(common));
  }
  return { ok, lines };
}

/**
 * CPU seconds of this process and of its children that ended (the notebook runner, and through it the
 * kernel), from /proc/self/stat; undefined where there is no /proc.
 */
function cpuSecondsWithChildren(): number | undefined {
  try {
    const fields = fs.readFileSync('/proc/self/stat', 'utf8').split(') ')[1].split(' ');
    const ticks = [11, 12, 13, 14].reduce((sum, i) => sum + Number(fields[i]), 0);
    return ticks / 100; // USER_HZ, 100 on Linux
  } catch {
    return undefined;
  }
}

/** One phase: wall seconds, and the kernel's CPU seconds in it where known. */
type Phase = [name: string, seconds: number, cpu: number | undefined];

/** A report's run with the CPU seconds it took (all processes), when known. */
interface TimedReport {
  readonly result: ReportResult;
  readonly cpu: number | undefined;
}

/** Wall and kernel CPU seconds per phase of one report, cells grouped by their `phase-*` tag. */
function phases({ result, cpu }: TimedReport): Phase[] {
  const byTag = new Map<string, { seconds: number; cpu: number | undefined }>();
  for (const cell of result.cells) {
    const tag = cell.tags.find((t) => t.startsWith('phase-'))?.slice('phase-'.length) ?? 'untagged';
    const sum = byTag.get(tag) ?? { seconds: 0, cpu: 0 };
    byTag.set(tag, {
      seconds: sum.seconds + cell.seconds,
      cpu: sum.cpu === undefined || cell.cpu === undefined ? undefined : sum.cpu + cell.cpu,
    });
  }
  const t = result.timings;
  const tagged = (name: string, tag: string): Phase => [name, byTag.get(tag)?.seconds ?? 0, byTag.get(tag)?.cpu];
  const rows: Phase[] = [
    ['kernel start (python, nbclient, tslab)', t.kernelStart, t.kernelStartCpu],
    tagged('setup cells (parameters, imports, plotly.js)', 'setup'),
    tagged('load: runs, heads, overlaps', 'load'),
    tagged('full dataset: stream, exclude, sample, stats', 'full'),
    tagged('figures (overlap, campaigns, profiles, 27 timelines)', 'figures'),
    tagged('findings, triage, standouts, section summaries', 'findings'),
    tagged('questions (arquero, danfo)', 'questions'),
    tagged('summary.json', 'summary'),
  ];
  if (byTag.has('untagged')) rows.push(tagged('untagged cells', 'untagged'));
  const cellTotal = result.cells.reduce((s, c) => s + c.seconds, 0);
  const accounted = t.kernelStart + cellTotal + t.export + t.html;
  const kernelCpu = rows.reduce<number | undefined>(
    (sum, [, , c]) => (sum === undefined || c === undefined ? undefined : sum + c),
    0,
  );
  rows.push(
    ['nbconvert: sign, write notebook, export HTML', t.export, undefined],
    ['HTML page (offline, code display; while the notebook is written)', t.html, undefined],
    [
      'other (process start, Python, per-cell messages, renames)',
      Math.max(0, t.total - t.generate - accounted),
      undefined,
    ],
    ['TOTAL (without data generation); CPU: every process', t.total - t.generate, cpu],
    ['  of which the kernel (CPU)', Number.NaN, kernelCpu],
  );
  return rows;
}

/** The one-minute load average (other work on the machine inflates wall times), or 'n/a'. */
function loadAverage(): string {
  try {
    return fs.readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');
  } catch {
    return 'n/a';
  }
}

async function main(argv: readonly string[]): Promise<void> {
  const args = benchArgs(USAGE, { data: 'string', out: 'string', repeat: 'string' }, argv);
  const data = path.resolve(stringOption(args, 'data') ?? path.join(ROOT, 'data', 'seed'));
  const out = path.resolve(stringOption(args, 'out') ?? path.join(ROOT, 'bench', 'out', 'report'));
  const repeat = wholeNumber(args, 'repeat', 1);
  ensureSeedData(data);
  const sizes = (file: string) => (fs.statSync(file).size / 1e6).toFixed(1);
  process.stderr.write(`bench:report: full dataset ${sizes(path.join(data, 'final', 'final_dataset_5T.csv'))} MB\n`);
  const runs: TimedReport[] = [];
  const loads: string[] = [];
  for (let i = 0; i < repeat; i++) {
    const cpu0 = cpuSecondsWithChildren();
    loads.push(loadAverage());
    const result = await runReport(
      {
        models: DEFAULT_RUN_FOLDERS.map((r) => path.join(data, 'models', r)),
        full: path.join(data, 'final', 'final_dataset_5T.csv'),
        out,
      },
      (line) => process.stderr.write(`${line}\n`),
    );
    const cpu1 = cpuSecondsWithChildren();
    loads[i] += ` → ${loadAverage()}`;
    runs.push({ result, cpu: cpu0 === undefined || cpu1 === undefined ? undefined : cpu1 - cpu0 });
  }
  const results = runs.map((r) => r.result);
  const table = runs.map(phases);
  const header = ['phase', ...results.flatMap((_, i) => (repeat > 1 ? [`run ${i + 1} s`, 'CPU s'] : ['s', 'CPU s']))];
  const lines = [`| ${header.join(' | ')} |`, `|---|${results.map(() => '--:|--:').join('|')}|`];
  const shown = (x: number | undefined) => (x === undefined || Number.isNaN(x) ? '' : x.toFixed(1));
  table[0].forEach(([name], row) =>
    lines.push(`| ${name} | ${table.map((t) => `${shown(t[row][1])} | ${shown(t[row][2])}`).join(' | ')} |`),
  );
  const last = results[results.length - 1];
  const slowest = [...last.cells].sort((a, b) => b.seconds - a.seconds).slice(0, 8);
  process.stdout.write(
    `\nReport on ${data} (${last.cells.length} code cells), load average before → after: ${loads.join('; ')}\n\n${lines.join('\n')}\n\n`,
  );
  process.stdout.write(
    `Slowest cells:\n${slowest.map((c) => `  ${c.seconds.toFixed(1).padStart(6)} s ${shown(c.cpu).padStart(6)} CPU s  cell ${c.index + 1}: ${c.first}`).join('\n')}\n\n`,
  );
  process.stdout.write(
    `Outputs: notebook ${sizes(last.notebook)} MB, HTML ${sizes(last.html)} MB, summary ${sizes(last.summary)} MB (${out})\n`,
  );
  const total = last.timings.total - last.timings.generate;
  process.stdout.write(
    `Target ≤ 15 s (issue 23, a quiet machine): ${total <= 15 ? 'met' : 'NOT met'} (${total.toFixed(1)} s)\n`,
  );
  const seed = compareWithSeed(JSON.parse(fs.readFileSync(last.summary, 'utf8')) as Summary);
  process.stdout.write(`\nsummary.json vs the seed's printed numbers:\n${seed.lines.join('\n')}\n`);
  if (!seed.ok) process.exitCode = 1;
}

runCommand(main, { name: 'bench:report' });
