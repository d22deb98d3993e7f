/**
 * `npm run report -- [--models DIR ...] [--full FILE] [--reference NAME] [--sample N] [--seed N] [--whole]
 *  [--out DIR] [--hide-code|--fold-code] [--notebook FILE] [--timeout SECONDS]`
 *
 * Executes notebooks/evaluation_5T.ipynb headlessly through Jupyter (nbclient, driven by
 * scripts/run_notebook.py) with the project's tslab kernel, and writes into `--out` (default
 * `reports/`): the executed, signed notebook, a self-contained offline HTML page and summary.json.
 * With no arguments it runs on the generated demo data under `data/` (generating it if absent).
 * Progress goes to stderr, one line per cell; every file is written under a temp name and renamed
 * only when all three are complete, so a failure leaves no partial file under a final name.
 */
import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as readline from 'node:readline';
import { DEFAULT_SAMPLE, DEFAULT_SEED, HELP, OptionTable, UsageError, helpText, integer, parseOptions, single, synopsis, wantsHelp } from './args';
import { ensureKernelSpec, findProjectRoot, kernelProblems, kernelSpec, KERNEL_NAME, projectJupyterDir } from '../lib/kernel';
import { NotebookParams, PARAM_ENV, paramsToEnv } from '../lib/params';
import {
  CodeDisplay, NotebookJson, RunnerEvent, describeCellError, externalResources, findProblemOutputs, finishHtml, firstSourceLine,
  parseRunnerEvent, stripAnsi,
} from '../lib/report';
import { AnomalyJson, anomaliesCsv } from '../lib/anomalies';
import { readBaseline } from '../lib/baseline-summary';
import { InputError } from '../lib/types';

/** Seconds a single notebook cell may run, unless `--timeout` says otherwise. */
const DEFAULT_TIMEOUT_SECONDS = 900;

const COMMAND = 'npm run report --';
const OPTIONS: OptionTable = {
  models: { kind: 'list', value: 'DIR', help: 'model run folders holding detected_anomalies.csv', default: 'the generated data/models/...' },
  full: { kind: 'value', value: 'FILE', help: 'the full windowed dataset', default: 'data/final/final_dataset_5T.csv' },
  reference: { kind: 'value', value: 'NAME', help: 'reference run, e.g. 5T', default: 'the finest window' },
  sample: { kind: 'value', value: 'N', help: 'normal rows sampled for the figures', default: DEFAULT_SAMPLE },
  seed: { kind: 'value', value: 'N', help: 'seed of the sample', default: DEFAULT_SEED },
  baseline: { kind: 'value', value: 'FILE', help: 'an earlier summary.json: say what changed since' },
  focus: { kind: 'value', value: 'IP,...', help: 'IPs (or row labels) to profile beside the IPs only one run flagged' },
  whole: { kind: 'boolean', help: 'read the full dataset whole into memory instead of streaming it (same results)' },
  out: { kind: 'value', value: 'DIR', help: 'output folder', default: 'reports/' },
  'hide-code': { kind: 'boolean', help: 'leave code cells out of the HTML' },
  'fold-code': { kind: 'boolean', help: 'fold code cells under "Code" in the HTML' },
  notebook: { kind: 'value', value: 'FILE', help: 'another notebook to run', default: 'notebooks/evaluation_5T.ipynb' },
  timeout: { kind: 'value', value: 'S', help: 'seconds a single cell may run', default: DEFAULT_TIMEOUT_SECONDS },
  ...HELP,
};
const USAGE = synopsis(COMMAND, OPTIONS);
const ABOUT = `Runs the evaluation notebook headlessly (Jupyter nbclient, the project's tslab kernel) and writes into --out
the executed notebook, a self-contained HTML page and summary.json; nothing under a final name on failure.`;
const NOTES = `With no data options and no data under data/, demo data is generated first. Needs Jupyter's nbclient
and nbconvert (set JUPYTER_PYTHON to choose the Python that has them).`;

/** The one line printed when no Python with Jupyter's nbclient/nbconvert is found. */
export const INSTALL_HINT =
  'Jupyter is needed to run the notebook: install it with `apt-get install jupyter-nbconvert python3-nbclient` (Debian/Ubuntu) or `pip install jupyterlab nbconvert` (elsewhere).';

/** The model runs the seed evaluates, as the data generator lays them out under `data/models/`. */
export const DEFAULT_RUN_FOLDERS = ['models_2019_06_01_21_21', 'models_2019_06_01_21_44', 'models_2019_06_01_22_11'];

/** What to run the report on and where to write it. */
export interface ReportOptions {
  readonly models?: readonly string[];
  readonly full?: string;
  readonly reference?: string;
  readonly sampleSize?: number;
  readonly seed?: number;
  /** Read the full dataset whole into memory instead of streaming it (same results). */
  readonly loadWhole?: boolean;
  /** IPs or row labels to profile (the notebook's focusIps). */
  readonly focusIps?: readonly string[];
  /** An earlier summary.json: the report says what changed since (the notebook's baseline). */
  readonly baseline?: string;
  /** Output folder; default `<project>/reports`. */
  readonly out?: string;
  readonly code?: CodeDisplay;
  /** Notebook to execute; default `<project>/notebooks/evaluation_5T.ipynb`. */
  readonly notebook?: string;
  /** Seconds a single cell may run. */
  readonly timeoutSeconds?: number;
  /** Data folder generated when the default inputs are absent; default `<project>/data`. */
  readonly dataDir?: string;
}

/** Time spent in one executed code cell. */
export interface CellTiming {
  /** 0-based position in the notebook. */
  readonly index: number;
  readonly first: string;
  readonly tags: readonly string[];
  readonly seconds: number;
}

/** What a successful report wrote and how long its parts took. */
export interface ReportResult {
  readonly notebook: string;
  readonly html: string;
  readonly summary: string;
  /** anomalies.csv, when the summary lists anomalies (summary.json version 2). */
  readonly anomalies?: string;
  readonly cells: readonly CellTiming[];
  /** Seconds: data generation (0 when present), kernel start, cells, nbconvert export + signing, HTML post-processing, total. */
  readonly timings: { generate: number; kernelStart: number; cells: number; export: number; html: number; total: number };
}

/** A report failure with the message to print (no stack trace): exit status 1. */
export class ReportError extends Error {}

/**
 * A Python interpreter with nbclient, nbconvert and nbformat, or undefined: `$JUPYTER_PYTHON` when
 * set (and only it), else the interpreter of the `jupyter` launcher on PATH or in /usr/bin, else
 * /usr/bin/python3 or `python3` on PATH.
 */
export function findJupyterPython(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const works = (python: string): boolean =>
    spawnSync(python, ['-c', 'import nbclient, nbconvert, nbformat'], { stdio: 'ignore', timeout: 30_000 }).status === 0;
  if (env.JUPYTER_PYTHON) return works(env.JUPYTER_PYTHON) ? env.JUPYTER_PYTHON : undefined;
  const candidates: string[] = [];
  const onPath = (name: string): string | undefined => {
    for (const dir of (env.PATH ?? '').split(path.delimiter)) {
      const file = path.join(dir, name);
      if (dir && fs.existsSync(file)) return file;
    }
    return undefined;
  };
  // The interpreter of the `jupyter` launcher is the Python that has Jupyter installed.
  for (const launcher of [onPath('jupyter'), '/usr/bin/jupyter', onPath('jupyter-nbconvert')]) {
    if (!launcher || !fs.existsSync(launcher)) continue;
    const firstLine = fs.readFileSync(launcher, 'utf8').slice(0, 300).split('\n')[0];
    const shebang = /^#!\s*(\S+)(?:\s+(\S+))?/.exec(firstLine);
    if (!shebang) continue;
    if (path.basename(shebang[1]) === 'env' && shebang[2]) {
      const resolved = onPath(shebang[2]);
      if (resolved) candidates.push(resolved);
    } else {
      candidates.push(shebang[1]);
    }
  }
  candidates.push('/usr/bin/python3');
  const python3 = onPath('python3');
  if (python3) candidates.push(python3);
  return [...new Set(candidates)].find((candidate) => fs.existsSync(candidate) && works(candidate));
}

function defaultInputs(dataDir: string): { models: string[]; full: string } {
  return {
    models: DEFAULT_RUN_FOLDERS.map((folder) => path.join(dataDir, 'models', folder)),
    full: path.join(dataDir, 'final', 'final_dataset_5T.csv'),
  };
}

function checkInput(file: string, what: string): void {
  if (!fs.existsSync(file)) throw new ReportError(`${what} not found: ${file}`);
}

/** Runs the data generator at demo scale into `dataDir`, for a first run with no data. */
function generateDemoData(root: string, dataDir: string, log: (line: string) => void): void {
  const generator = path.join(root, 'dist', 'data', 'generate.js');
  if (!fs.existsSync(generator)) throw new ReportError(`no data under ${dataDir} and no generator at ${generator}: run \`npm run build\` first`);
  log(`report: generating demo data into ${dataDir} ...`);
  const run = spawnSync(process.execPath, [generator, '--scale', 'demo', '--out', dataDir], { stdio: ['ignore', 'inherit', 'inherit'] });
  if (run.status !== 0) throw new ReportError(`the data generator failed (exit ${run.status ?? run.signal})`);
}

function removeQuietly(file: string): void {
  try {
    fs.rmSync(file, { force: true });
  } catch {
    // already gone
  }
}

/**
 * Runs the whole report: inputs (generated if absent), kernel spec, notebook execution with
 * per-cell progress (`log`), HTML post-processing, then the renames. Throws ReportError with a
 * printable message on any failure, after removing every temp file.
 */
export async function runReport(options: ReportOptions = {}, log: (line: string) => void = (line) => process.stderr.write(line + '\n')): Promise<ReportResult> {
  const t0 = Date.now();
  const root = findProjectRoot(__dirname);
  const dataDir = path.resolve(options.dataDir ?? path.join(root, 'data'));
  const notebook = path.resolve(options.notebook ?? path.join(root, 'notebooks', 'evaluation_5T.ipynb'));
  const outDir = path.resolve(options.out ?? path.join(root, 'reports'));
  checkInput(notebook, 'notebook');
  // A bad baseline stops the report before any work, with the file and what is wrong.
  if (options.baseline !== undefined) readBaseline(path.resolve(options.baseline));
  if (!fs.existsSync(path.join(root, 'dist', 'lib', 'index.js'))) throw new ReportError('dist/lib is not built: run `npm run build` first');

  const defaults = defaultInputs(dataDir);
  let generate = 0;
  const usesDefaults = options.models === undefined || options.full === undefined;
  const defaultsMissing = [...defaults.models.map((m) => path.join(m, 'detected_anomalies.csv')), defaults.full].some((f) => !fs.existsSync(f));
  if (usesDefaults && defaultsMissing) {
    const g0 = Date.now();
    generateDemoData(root, dataDir, log);
    generate = (Date.now() - g0) / 1000;
  }
  const params: NotebookParams = {
    models: (options.models ?? defaults.models).map((m) => path.resolve(m)),
    full: path.resolve(options.full ?? defaults.full),
    reference: options.reference,
    sampleSize: options.sampleSize ?? DEFAULT_SAMPLE,
    seed: options.seed ?? DEFAULT_SEED,
    loadWhole: options.loadWhole ?? false,
    focusIps: options.focusIps,
    baseline: options.baseline === undefined ? undefined : path.resolve(options.baseline),
  };
  for (const model of params.models) {
    checkInput(fs.existsSync(model) && fs.statSync(model).isDirectory() ? path.join(model, 'detected_anomalies.csv') : model, 'model run file');
  }
  checkInput(params.full, 'full dataset');

  const python = findJupyterPython();
  if (!python) throw new ReportError(INSTALL_HINT);
  const spec = kernelSpec({ node: process.execPath, projectRoot: root });
  const problems = kernelProblems(spec);
  if (problems.length > 0) throw new ReportError(problems.join('; '));
  const jupyterDir = projectJupyterDir(root);
  const kernel = ensureKernelSpec(jupyterDir, spec);
  if (kernel.action !== 'current') log(`report: kernel ${KERNEL_NAME} ${kernel.action} in ${jupyterDir}`);

  fs.mkdirSync(outDir, { recursive: true });
  const base = path.basename(notebook, '.ipynb');
  const finals = {
    notebook: path.join(outDir, `${base}.ipynb`),
    html: path.join(outDir, `${base}.html`),
    summary: path.join(outDir, 'summary.json'),
    anomalies: path.join(outDir, 'anomalies.csv'),
  };
  if (finals.notebook === notebook) throw new ReportError(`--out ${outDir} would overwrite the source notebook`);
  const temp = (name: string): string => path.join(outDir, `.${name}.${process.pid}.tmp`);
  const temps = {
    notebook: temp(`${base}.ipynb`),
    rawHtml: temp(`${base}.nbconvert.html`),
    html: temp(`${base}.html`),
    summary: temp('summary.json'),
    anomalies: temp('anomalies.csv'),
  };
  const cleanup = (): void => Object.values(temps).forEach(removeQuietly);

  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) if (!key.startsWith('EVAL_')) env[key] = value;
  Object.assign(env, paramsToEnv({ ...params, summaryOut: temps.summary, summaryFinal: finals.summary }));
  env.JUPYTER_PATH = [jupyterDir, process.env.JUPYTER_PATH].filter((p) => p).join(path.delimiter);
  env.PYDEVD_DISABLE_FILE_VALIDATION = '1';

  const onSignal = (): void => {
    cleanup();
    process.exit(130);
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  try {
    const cells: CellTiming[] = [];
    let failure: Extract<RunnerEvent, { event: 'error' }> | undefined;
    let missing: string | undefined;
    let totalCode = 0;
    let current: { index: number; code: number; first: string; tags: readonly string[] } | undefined;
    let tStart = 0;
    let tFirstCell = 0;
    let tExecuted = 0;
    let tWritten = 0;
    const stderrTail: string[] = [];
    const shownPath = path.relative(process.cwd(), notebook);
    log(`report: running ${shownPath.startsWith('..') ? notebook : shownPath} with ${KERNEL_NAME} (${python})`);
    const runner = spawn(
      python,
      [
        path.join(root, 'scripts', 'run_notebook.py'),
        notebook,
        '--out-notebook', temps.notebook,
        '--out-html', temps.rawHtml,
        '--kernel', KERNEL_NAME,
        '--cwd', path.dirname(notebook),
        '--title', base,
        '--timeout', String(options.timeoutSeconds ?? DEFAULT_TIMEOUT_SECONDS),
      ],
      { env, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    tStart = Date.now();
    readline.createInterface({ input: runner.stderr }).on('line', (line) => {
      stderrTail.push(line);
      if (stderrTail.length > 40) stderrTail.shift();
    });
    const lines = readline.createInterface({ input: runner.stdout });
    lines.on('line', (line) => {
      const event = parseRunnerEvent(line);
      if (!event) return;
      switch (event.event) {
        case 'start':
          totalCode = event.code;
          break;
        case 'cell':
          if (tFirstCell === 0) tFirstCell = Date.now();
          current = { index: event.index, code: event.code, first: event.first, tags: event.tags ?? [] };
          break;
        case 'cell-done':
          if (current && current.index === event.index) {
            cells.push({ index: current.index, first: current.first, tags: current.tags, seconds: event.seconds });
            const width = String(totalCode).length;
            log(`  [${String(current.code).padStart(width)}/${totalCode}] ${event.seconds.toFixed(2).padStart(6)}s  cell ${current.index + 1}: ${current.first}`);
          }
          break;
        case 'error':
          failure = event;
          break;
        case 'executed':
          tExecuted = Date.now();
          log('report: executed; signing the notebook and exporting HTML ...');
          break;
        case 'written':
          tWritten = Date.now();
          break;
        case 'missing':
          missing = event.module;
          break;
      }
    });
    const exit = await new Promise<number>((resolve) => runner.on('close', (code, signal) => resolve(code ?? (signal ? 128 : 1))));
    if (missing) throw new ReportError(INSTALL_HINT);
    if (failure) {
      const where = failure.index >= 0 ? `cell ${failure.index + 1} (${failure.first || 'empty'})` : 'before the first cell';
      const detail = describeCellError(failure) || stderrTail.slice(-8).join('\n');
      throw new ReportError(`the notebook failed in ${where}:\n${detail.replace(/^/gm, '  ')}`);
    }
    if (exit !== 0 || !fs.existsSync(temps.notebook) || !fs.existsSync(temps.rawHtml)) {
      throw new ReportError(`the notebook runner exited with status ${exit}:\n${stderrTail.slice(-12).join('\n')}`);
    }
    if (!fs.existsSync(temps.summary)) {
      throw new ReportError(`the notebook ran but wrote no summary (expected ${PARAM_ENV.summaryOut}=${temps.summary})`);
    }
    let written: { anomalies?: AnomalyJson[] };
    try {
      written = JSON.parse(fs.readFileSync(temps.summary, 'utf8')) as { anomalies?: AnomalyJson[] };
    } catch (err) {
      throw new ReportError(`the notebook wrote an unreadable summary.json: ${(err as Error).message}`);
    }
    // anomalies.csv: every anomalous IP with its reasons, from the summary's `anomalies` (version 2).
    const hasAnomalies = Array.isArray(written?.anomalies);
    if (hasAnomalies) fs.writeFileSync(temps.anomalies, anomaliesCsv(written.anomalies!));
    // Cells that ran but wrote errors or warnings to stderr: the report stands, the user is told.
    const executed = JSON.parse(fs.readFileSync(temps.notebook, 'utf8')) as NotebookJson;
    for (const problem of findProblemOutputs(executed)) {
      const cell = executed.cells[problem.cellIndex];
      log(`report: warning: cell ${problem.cellIndex + 1} (${firstSourceLine(cell)}) wrote ${problem.kind === 'error' ? 'an error' : 'to stderr'}: ${stripAnsi(problem.text).trim().split('\n')[0]}`);
    }
    const h0 = Date.now();
    const html = finishHtml(fs.readFileSync(temps.rawHtml, 'utf8'), { title: base, code: options.code ?? 'show' });
    const external = externalResources(html);
    if (external.length > 0) {
      throw new ReportError(`the HTML still loads external resources: ${external.map((r) => `<${r.tag} ${r.attr}="${r.url}">`).join(', ')}`);
    }
    fs.writeFileSync(temps.html, html);
    const tHtml = (Date.now() - h0) / 1000;
    fs.renameSync(temps.notebook, finals.notebook);
    fs.renameSync(temps.html, finals.html);
    fs.renameSync(temps.summary, finals.summary);
    if (hasAnomalies) fs.renameSync(temps.anomalies, finals.anomalies);
    removeQuietly(temps.rawHtml);
    const cellSeconds = cells.reduce((sum, c) => sum + c.seconds, 0);
    return {
      notebook: finals.notebook,
      html: finals.html,
      summary: finals.summary,
      ...(hasAnomalies ? { anomalies: finals.anomalies } : {}),
      cells,
      timings: {
        generate,
        kernelStart: tFirstCell > 0 ? (tFirstCell - tStart) / 1000 : 0,
        cells: cellSeconds,
        export: tWritten > 0 && tExecuted > 0 ? (tWritten - tExecuted) / 1000 : 0,
        html: tHtml,
        total: (Date.now() - t0) / 1000,
      },
    };
  } finally {
    cleanup();
    process.removeListener('SIGINT', onSignal);
    process.removeListener('SIGTERM', onSignal);
  }
}

async function main(argv: readonly string[]): Promise<void> {
  const args = parseOptions(argv, OPTIONS);
  if (wantsHelp(args)) {
    process.stdout.write(helpText(COMMAND, ABOUT, OPTIONS, { notes: NOTES }));
    return;
  }
  if (args.has('hide-code') && args.has('fold-code')) throw new UsageError('choose one of --hide-code and --fold-code');
  const result = await runReport({
    models: args.get('models'),
    full: single(args, 'full'),
    reference: single(args, 'reference'),
    sampleSize: args.has('sample') ? integer(args, 'sample', DEFAULT_SAMPLE) : undefined,
    seed: args.has('seed') ? integer(args, 'seed', DEFAULT_SEED) : undefined,
    loadWhole: args.has('whole'),
    focusIps: single(args, 'focus')?.split(/[\s,]+/).filter((name) => name !== ''),
    baseline: single(args, 'baseline'),
    out: single(args, 'out'),
    notebook: single(args, 'notebook'),
    timeoutSeconds: args.has('timeout') ? integer(args, 'timeout', DEFAULT_TIMEOUT_SECONDS) : undefined,
    code: args.has('hide-code') ? 'hide' : args.has('fold-code') ? 'fold' : 'show',
  });
  const t = result.timings;
  process.stderr.write(
    `report: done in ${t.total.toFixed(1)}s (kernel start ${t.kernelStart.toFixed(1)}s, cells ${t.cells.toFixed(1)}s, export ${t.export.toFixed(1)}s, HTML ${t.html.toFixed(1)}s)\n`,
  );
  process.stdout.write(`${[result.notebook, result.html, result.summary, ...(result.anomalies ? [result.anomalies] : [])].join('\n')}\n`);
}

if (require.main === module) {
  main(process.argv.slice(2)).catch((error: unknown) => {
    if (error instanceof UsageError) {
      process.stderr.write(`report: ${error.message}\n${USAGE}\n`);
      process.exit(2);
    }
    const message = error instanceof ReportError || error instanceof InputError ? error.message : error instanceof Error ? error.stack ?? error.message : String(error);
    process.stderr.write(`report: ${message}\n`);
    process.exit(1);
  });
}
