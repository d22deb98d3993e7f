/**
 * `npm run bench:report [-- --data DIR] [--out DIR] [--repeat N]`: times the whole report (the
 * notebook executed through Jupyter, signed, exported, post-processed) on seed-scale data and
 * prints its phases: kernel start, parameters/imports, loading the runs, streaming the full dataset,
 * figures, findings, summary, nbconvert export + signing, HTML post-processing, total. Cells are
 * assigned to phases by their `phase-*` tag (scripts/build-notebook.ts). Generates the seed-scale
 * data into `data/seed/` first if it is absent. Numbers are printed, never asserted. Target: < 60 s.
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

/** Seconds per phase of one report, cells grouped by their `phase-*` tag. */
function phases(result: ReportResult): [string, number][] {
  const byTag = new Map<string, number>();
  for (const cell of result.cells) {
    const tag = cell.tags.find((t) => t.startsWith('phase-'))?.slice('phase-'.length) ?? 'untagged';
    byTag.set(tag, (byTag.get(tag) ?? 0) + cell.seconds);
  }
  const t = result.timings;
  const rows: [string, number][] = [
    ['kernel start (python, nbclient, tslab)', t.kernelStart],
    ['setup cells (parameters, imports, plotly.js)', byTag.get('setup') ?? 0],
    ['load: runs, heads, overlaps', byTag.get('load') ?? 0],
    ['full dataset: stream, exclude, sample, stats', byTag.get('full') ?? 0],
    ['figures (28: overlap + 27 timelines)', byTag.get('figures') ?? 0],
    ['findings, standouts, section summaries', byTag.get('findings') ?? 0],
    ['summary.json', byTag.get('summary') ?? 0],
  ];
  if (byTag.has('untagged')) rows.push(['untagged cells', byTag.get('untagged')!]);
  const cellTotal = result.cells.reduce((s, c) => s + c.seconds, 0);
  const accounted = t.kernelStart + cellTotal + t.export + t.html;
  rows.push(
    ['nbconvert: sign + export HTML', t.export],
    ['HTML post-processing (offline, code display)', t.html],
    ['other (process start, tslab per-cell overhead, renames)', Math.max(0, t.total - t.generate - accounted)],
    ['TOTAL (without data generation)', t.total - t.generate],
  );
  return rows;
}

async function main(argv: readonly string[]): Promise<void> {
  const args = benchArgs(USAGE, { data: 'string', out: 'string', repeat: 'string' }, argv);
  const data = path.resolve(stringOption(args, 'data') ?? path.join(ROOT, 'data', 'seed'));
  const out = path.resolve(stringOption(args, 'out') ?? path.join(ROOT, 'bench', 'out', 'report'));
  const repeat = wholeNumber(args, 'repeat', 1);
  ensureSeedData(data);
  const sizes = (file: string) => (fs.statSync(file).size / 1e6).toFixed(1);
  process.stderr.write(`bench:report: full dataset ${sizes(path.join(data, 'final', 'final_dataset_5T.csv'))} MB\n`);
  const results: ReportResult[] = [];
  for (let i = 0; i < repeat; i++) {
    results.push(
      await runReport(
        {
          models: DEFAULT_RUN_FOLDERS.map((r) => path.join(data, 'models', r)),
          full: path.join(data, 'final', 'final_dataset_5T.csv'),
          out,
        },
        (line) => process.stderr.write(`${line}\n`),
      ),
    );
  }
  const table = results.map(phases);
  const header = ['phase', ...results.map((_, i) => (repeat > 1 ? `run ${i + 1} s` : 'seconds'))];
  const lines = [`| ${header.join(' | ')} |`, `|---|${results.map(() => '--:').join('|')}|`];
  table[0].forEach(([name], row) => lines.push(`| ${name} | ${table.map((t) => t[row][1].toFixed(1)).join(' | ')} |`));
  const last = results[results.length - 1];
  const slowest = [...last.cells].sort((a, b) => b.seconds - a.seconds).slice(0, 5);
  process.stdout.write(`\nReport on ${data} (${last.cells.length} code cells)\n\n${lines.join('\n')}\n\n`);
  process.stdout.write(
    `Slowest cells:\n${slowest.map((c) => `  ${c.seconds.toFixed(1).padStart(6)} s  cell ${c.index + 1}: ${c.first}`).join('\n')}\n\n`,
  );
  process.stdout.write(
    `Outputs: notebook ${sizes(last.notebook)} MB, HTML ${sizes(last.html)} MB, summary ${sizes(last.summary)} MB (${out})\n`,
  );
  const total = last.timings.total - last.timings.generate;
  process.stdout.write(`Target < 60 s: ${total < 60 ? 'met' : 'NOT met'} (${total.toFixed(1)} s)\n`);
  const seed = compareWithSeed(JSON.parse(fs.readFileSync(last.summary, 'utf8')) as Summary);
  process.stdout.write(`\nsummary.json vs the seed's printed numbers:\n${seed.lines.join('\n')}\n`);
  if (!seed.ok) process.exitCode = 1;
}

runCommand(main, { name: 'bench:report' });
