/**
 * `npm run report -- [--models DIR ...] [--full FILE] [--reference NAME] [--sample N] [--seed N] [--whole]
 *  [--anomalous lines|density] [--out DIR] [--hide-code|--fold-code] [--notebook FILE] [--timeout SECONDS]`
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
import {
  HELP,
  type OptionTable,
  type ParsedArgs,
  UsageError,
  runCommand,
  helpText,
  integer,
  parseOptions,
  single,
  synopsis,
  wantsHelp,
} from './args';
import {
  ensureKernelSpec,
  findProjectRoot,
  kernelProblems,
  kernelSpec,
  KERNEL_NAME,
  projectJupyterDir,
} from '../lib/notebook/kernel';
import {
  type AnomalousPanels,
  type NotebookParams,
  PARAM_ENV,
  ParamError,
  paramsToEnv,
  parseAnomalousPanels,
  parseIpList,
} from '../lib/notebook/params';
import {
  type CodeDisplay,
  type NotebookJson,
  describeCellError,
  externalResources,
  findProblemOutputs,
  finishHtml,
  firstSourceLine,
  inputErrorLine,
  labWeightHint,
  parseRunnerEvent,
  stripAnsi,
} from '../lib/notebook/report';
import { type AnomalyJson, anomaliesCsv } from '../lib/triage/anomalies';
import { readBaseline } from '../lib/summary/baseline-summary';
import { missingWarning } from '../lib/evaluation/coverage';
import { anomaliesFile } from '../lib/evaluation/runs';
import { readHead } from '../lib/reader/table-head';
import { samePath, shownText } from '../lib/files';
import { OptionError } from '../lib/options';
import { ChoiceError, InputError } from '../lib/types';
import { addBriefing } from '../lib/notebook/report-page';
import { generatedMark } from '../lib/evaluation/provenance';
import { DEFAULT_CELL_TIMEOUT_SECONDS, DEFAULT_SAMPLE, DEFAULT_SEED } from '../lib/defaults';
import {
  type CellTiming,
  INITIAL_RUN_STATE,
  type RunState,
  exportSeconds,
  kernelStartSeconds,
  nextRunState,
  progressLine,
} from '../lib/notebook/notebook-run';

const COMMAND = 'npm run report --';
const OPTIONS: OptionTable = {
  models: {
    kind: 'list',
    value: 'DIR',
    help: 'model run folders holding detected_anomalies.csv',
    default: 'the generated data/models/...',
  },
  full: { kind: 'value', value: 'FILE', help: 'the full windowed dataset', default: 'data/final/final_dataset_5T.csv' },
  reference: { kind: 'value', value: 'NAME', help: 'reference run, e.g. 5T', default: 'the finest window' },
  sample: { kind: 'value', value: 'N', help: 'normal rows sampled for the figures', default: DEFAULT_SAMPLE },
  seed: { kind: 'value', value: 'N', help: 'seed of the sample', default: DEFAULT_SEED },
  baseline: { kind: 'value', value: 'FILE', help: 'an earlier summary.json: say what changed since' },
  'allow-missing': {
    kind: 'boolean',
    help: 'evaluate a full dataset that lacks more than half of the flagged rows (refused otherwise)',
  },
  focus: { kind: 'value', value: 'IP,...', help: 'IPs (or row labels) to profile beside the IPs only one run flagged' },
  whole: { kind: 'boolean', help: 'read the full dataset whole into memory instead of streaming it (same results)' },
  anomalous: {
    kind: 'value',
    value: 'auto|lines|density',
    help: 'anomalous panels of the timelines: a line per IP, or a density with the standout IPs as lines; auto: lines up to 30 IPs a panel, density above',
    default: 'auto',
  },
  out: { kind: 'value', value: 'DIR', help: 'output folder', default: 'reports/' },
  'hide-code': { kind: 'boolean', help: 'leave code cells out of the HTML' },
  'fold-code': { kind: 'boolean', help: 'fold code cells under "Code" in the HTML' },
  notebook: { kind: 'value', value: 'FILE', help: 'another notebook to run', default: 'notebooks/evaluation_5T.ipynb' },
  timeout: { kind: 'value', value: 'S', help: 'seconds a single cell may run', default: DEFAULT_CELL_TIMEOUT_SECONDS },
  ...HELP,
};
const USAGE = synopsis(COMMAND, OPTIONS);
const ABOUT = 'Runs the evaluation notebook headlessly and writes its HTML page, executed notebook and summary.json.';
const NOTES = `Writes into --out the executed notebook, a self-contained HTML page, summary.json and anomalies.csv;
nothing under a final name on failure. Refused before the long read: a full dataset with no normal row (a
model run's file?) or lacking more than half of the flagged rows (cut short?); see README, "Input format".
With no data options and no data under data/, demo data is generated first. Needs Jupyter's nbclient
and nbconvert (set JUPYTER_PYTHON to choose the Python that has them).`;

/** The one line printed when no Python with Jupyter's nbclient/nbconvert is found. */
export const INSTALL_HINT =
  'Jupyter is needed to run the notebook: install it with `apt-get install jupyter-nbconvert python3-nbclient` (Debian/Ubuntu) or `pip install jupyterlab nbconvert` (elsewhere).';

/** The model runs the seed evaluates, as the data generator lays them out under `data/models/`. */
export const DEFAULT_RUN_FOLDERS = ['models_2019_06_01_21_21', 'models_2019_06_01_21_44', 'models_2019_06_01_22_11'];

/**
 * What to run the report on and where to write it. Paths are as the user typed them, relative to the
 * working folder: the page, the notebook and summary.json show them so.
 */
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
  /** How the timelines draw their anomalous panels (the notebook's anomalousPanels). */
  readonly anomalousPanels?: AnomalousPanels;
  /** Evaluate a full dataset that lacks more than half of the flagged rows (the notebook's allowMissing). */
  readonly allowMissing?: boolean;
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
export type { CellTiming } from '../lib/notebook/notebook-run';

/** What a successful report wrote and how long its parts took. */
export interface ReportResult {
  readonly notebook: string;
  readonly html: string;
  readonly summary: string;
  /** anomalies.csv, when the summary lists anomalies (summary.json version 2). */
  readonly anomalies?: string;
  readonly cells: readonly CellTiming[];
  /** Seconds: data generation (0 when present), kernel start, cells, nbconvert export + signing, HTML post-processing, total. */
  readonly timings: {
    generate: number;
    kernelStart: number;
    cells: number;
    export: number;
    html: number;
    total: number;
    /** The kernel's CPU seconds spent starting (Linux), when the runner could read them. */
    kernelStartCpu?: number;
  };
}

/** A report failure with the message to print (no stack trace): exit status 1. */
export class ReportError extends Error {}

/**
 * Asks Python whether nbclient, nbconvert and nbformat are installed, without importing them (importing
 * nbconvert alone takes a third of a second, paid again by the runner): a broken install still fails
 * there, as a `missing` event.
 */
const HAS_JUPYTER = `import importlib.util as u, sys; sys.exit(any(u.find_spec(m) is None for m in ('nbclient', 'nbconvert', 'nbformat')))`;

/**
 * A Python interpreter with nbclient, nbconvert and nbformat, or undefined: `$JUPYTER_PYTHON` when
 * set (and only it), else the interpreter of the `jupyter` launcher on PATH or in /usr/bin, else
 * /usr/bin/python3 or `python3` on PATH.
 */
export function findJupyterPython(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const works = (python: string): boolean =>
    spawnSync(python, ['-c', HAS_JUPYTER], { stdio: 'ignore', timeout: 30_000 }).status === 0;
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

/** Runs the data generator at demo scale into `dataDir`, for a first run with no data. */
function generateDemoData(root: string, dataDir: string, log: (line: string) => void): void {
  const generator = path.join(root, 'dist', 'data', 'generate.js');
  if (!fs.existsSync(generator))
    throw new ReportError(`no data under ${dataDir} and no generator at ${generator}: run \`npm run build\` first`);
  log(`report: generating demo data into ${dataDir} ...`);
  const run = spawnSync(process.execPath, [generator, '--scale', 'demo', '--out', dataDir], {
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  if (run.status !== 0) throw new ReportError(`the data generator failed (exit ${run.status ?? run.signal})`);
}

function removeQuietly(file: string): void {
  try {
    fs.rmSync(file, { force: true });
  } catch {
    // already gone
  }
}

/** What a report runs on, checked. */
interface ReportInputs {
  readonly root: string;
  /** The notebook to run, absolute. */
  readonly notebook: string;
  /** The output folder, absolute. */
  readonly outDir: string;
  /** The output folder as the user gave it (or the default, relative to the working folder). */
  readonly outShown: string;
  /** The notebook's parameters, paths as the user gave them (relative to the working folder). */
  readonly params: NotebookParams;
  /** Resolved input paths → as given: the report shows an error from the notebook with the paths typed. */
  readonly shownAs: Readonly<Record<string, string>>;
  /** Seconds spent generating demo data (0 when it was there). */
  readonly generateSeconds: number;
}

/** A default path as the report shows it: relative to the working folder when inside it. */
function shownDefault(file: string): string {
  const relative = path.relative(process.cwd(), file);
  return relative === '' || relative.startsWith('..') || path.isAbsolute(relative) ? file : relative;
}

/**
 * Step 1, resolve and check the inputs, cheaply, before Jupyter starts: the notebook, the output
 * folder, the baseline (a bad one, or one this run would overwrite, stops the report), the model runs
 * and the full dataset (each file's header), generating demo data when the defaults are used and absent.
 */
function resolveInputs(options: ReportOptions, log: (line: string) => void): ReportInputs {
  const root = findProjectRoot(__dirname);
  const dataDir = path.resolve(options.dataDir ?? path.join(root, 'data'));
  const notebook = path.resolve(options.notebook ?? path.join(root, 'notebooks', 'evaluation_5T.ipynb'));
  const outShown = options.out ?? shownDefault(path.join(root, 'reports'));
  const outDir = path.resolve(outShown);
  if (!fs.existsSync(notebook) || fs.statSync(notebook).isDirectory())
    throw new ReportError(`${options.notebook ?? notebook}: notebook not found`);
  if (options.baseline !== undefined) {
    if (samePath(options.baseline, path.join(outDir, 'summary.json'))) {
      throw new UsageError(
        `--baseline ${options.baseline} is the summary.json this run writes into --out ${outShown}: it would be overwritten; give the new report a new --out folder, e.g. --out ${path.join(outShown, new Date().toISOString().slice(0, 10))}`,
      );
    }
    readBaseline(options.baseline);
  }
  if (!fs.existsSync(path.join(root, 'dist', 'lib', 'index.js')))
    throw new ReportError('dist/lib is not built: run `npm run build` first');

  const defaults = defaultInputs(dataDir);
  const usesDefaults = options.models === undefined || options.full === undefined;
  const defaultsMissing = [...defaults.models.map((m) => path.join(m, 'detected_anomalies.csv')), defaults.full].some(
    (f) => !fs.existsSync(f),
  );
  const g0 = Date.now();
  if (usesDefaults && defaultsMissing) generateDemoData(root, dataDir, log);
  const generateSeconds = usesDefaults && defaultsMissing ? (Date.now() - g0) / 1000 : 0;

  const params: NotebookParams = {
    models: options.models ?? defaults.models.map(shownDefault),
    full: options.full ?? shownDefault(defaults.full),
    reference: options.reference,
    sampleSize: options.sampleSize ?? DEFAULT_SAMPLE,
    seed: options.seed ?? DEFAULT_SEED,
    loadWhole: options.loadWhole ?? false,
    focusIps: options.focusIps,
    baseline: options.baseline,
    anomalousPanels: options.anomalousPanels,
    allowMissing: options.allowMissing,
  };
  // The same checks as the notebook's, on the headers only: a missing folder or a broken header
  // stops the report before the kernel starts.
  for (const model of params.models) readHead(anomaliesFile(model));
  readHead(params.full);
  const shownAs: Record<string, string> = {};
  for (const given of [...params.models, params.full, ...(params.baseline === undefined ? [] : [params.baseline])])
    shownAs[path.resolve(given)] = given;
  return { root, notebook, outDir, outShown, params, shownAs, generateSeconds };
}

/** A Python with Jupyter, and the folder holding the project's kernel spec (put on JUPYTER_PATH). */
interface ReportKernel {
  readonly python: string;
  readonly jupyterDir: string;
}

/** Step 2, ensure the kernel: a Python with nbclient/nbconvert, and the project's tslab kernel spec written under build/jupyter/. */
function ensureKernel(root: string, log: (line: string) => void): ReportKernel {
  const python = findJupyterPython();
  if (!python) throw new ReportError(INSTALL_HINT);
  const spec = kernelSpec({ node: process.execPath, projectRoot: root });
  const problems = kernelProblems(spec);
  if (problems.length > 0) throw new ReportError(problems.join('; '));
  const jupyterDir = projectJupyterDir(root);
  const kernel = ensureKernelSpec(jupyterDir, spec);
  if (kernel.action !== 'current') log(`report: kernel ${KERNEL_NAME} ${kernel.action} in ${jupyterDir}`);
  return { python, jupyterDir };
}

/** The files a report writes: each under a temp name in the output folder first, renamed when all are complete. */
interface ReportFiles {
  /** The notebook's name without `.ipynb`: the page's title. */
  readonly base: string;
  readonly finals: {
    readonly notebook: string;
    readonly html: string;
    readonly summary: string;
    readonly anomalies: string;
  };
  readonly temps: {
    readonly notebook: string;
    readonly rawHtml: string;
    readonly html: string;
    readonly summary: string;
    readonly anomalies: string;
  };
}

function reportFiles(notebook: string, outDir: string): ReportFiles {
  const base = path.basename(notebook, '.ipynb');
  const temp = (name: string): string => path.join(outDir, `.${name}.${process.pid}.tmp`);
  const files: ReportFiles = {
    base,
    finals: {
      notebook: path.join(outDir, `${base}.ipynb`),
      html: path.join(outDir, `${base}.html`),
      summary: path.join(outDir, 'summary.json'),
      anomalies: path.join(outDir, 'anomalies.csv'),
    },
    temps: {
      notebook: temp(`${base}.ipynb`),
      rawHtml: temp(`${base}.nbconvert.html`),
      html: temp(`${base}.html`),
      summary: temp('summary.json'),
      anomalies: temp('anomalies.csv'),
    },
  };
  if (files.finals.notebook === notebook) throw new ReportError(`--out ${outDir} would overwrite the source notebook`);
  return files;
}

/**
 * The kernel's environment: ours without any EVAL_* of the caller, plus the run's parameters (paths
 * as given, relative to our working folder: EVAL_WORKDIR) and the kernel spec folder.
 */
function kernelEnv(inputs: ReportInputs, files: ReportFiles, kernel: ReportKernel): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) if (!key.startsWith('EVAL_')) env[key] = value;
  const summaryFinal = path.join(inputs.outShown, path.basename(files.finals.summary));
  Object.assign(env, paramsToEnv({ ...inputs.params, summaryOut: files.temps.summary, summaryFinal }));
  env.JUPYTER_PATH = [kernel.jupyterDir, process.env.JUPYTER_PATH].filter((p) => p).join(path.delimiter);
  env.PYDEVD_DISABLE_FILE_VALIDATION = '1';
  return env;
}

/** How the runner ended: its exit status, what its events said, when it started, and its last stderr lines. */
interface NotebookRun {
  readonly exit: number;
  readonly state: RunState;
  readonly startedAt: number;
  readonly stderrTail: readonly string[];
}

/**
 * Step 3, run the notebook: scripts/run_notebook.py executes it through nbclient, writes the executed
 * notebook and nbconvert's HTML under temp names, and prints one JSON event a line; each event
 * advances the run's state (lib/notebook/notebook-run.ts) and may print a progress line.
 */
async function runNotebook(
  inputs: ReportInputs,
  kernel: ReportKernel,
  files: ReportFiles,
  timeoutSeconds: number,
  log: (line: string) => void,
  onHtml: () => void,
): Promise<NotebookRun> {
  const shownPath = path.relative(process.cwd(), inputs.notebook);
  log(
    `report: running ${shownPath.startsWith('..') ? inputs.notebook : shownPath} with ${KERNEL_NAME} (${kernel.python})`,
  );
  const runner = spawn(
    kernel.python,
    [
      path.join(inputs.root, 'scripts', 'run_notebook.py'),
      inputs.notebook,
      '--out-notebook',
      files.temps.notebook,
      '--out-html',
      files.temps.rawHtml,
      '--kernel',
      KERNEL_NAME,
      '--cwd',
      path.dirname(inputs.notebook),
      '--title',
      files.base,
      '--timeout',
      String(timeoutSeconds),
    ],
    { env: kernelEnv(inputs, files, kernel), stdio: ['ignore', 'pipe', 'pipe'] },
  );
  const startedAt = Date.now();
  const stderrTail: string[] = [];
  readline.createInterface({ input: runner.stderr }).on('line', (line) => {
    stderrTail.push(line);
    if (stderrTail.length > 40) stderrTail.shift();
  });
  let state = INITIAL_RUN_STATE;
  readline.createInterface({ input: runner.stdout }).on('line', (line) => {
    const event = parseRunnerEvent(line);
    if (!event) return;
    const said = progressLine(state, event);
    state = nextRunState(state, event, Date.now());
    if (said) log(said);
    if (event.event === 'html') onHtml();
  });
  const exit = await new Promise<number>((resolve) =>
    runner.on('close', (code, signal) => resolve(code ?? (signal ? 128 : 1))),
  );
  return { exit, state, startedAt, stderrTail };
}

/**
 * Step 4, check the outputs: no failing cell, no missing module, the executed notebook, its HTML and
 * summary.json all written; anomalies.csv made from the summary's anomalies (when it lists them);
 * cells that wrote errors to stderr reported as warnings. Returns whether anomalies.csv was written.
 */
function checkOutputs(
  run: NotebookRun,
  files: ReportFiles,
  shownAs: Readonly<Record<string, string>>,
  log: (line: string) => void,
): boolean {
  const { temps } = files;
  if (run.state.missing) throw new ReportError(INSTALL_HINT);
  const failure = run.state.failure;
  // An input error is its one line, paths as the user gave them; any other error shows its stack.
  const inputError = failure && inputErrorLine(failure);
  if (inputError) throw new ReportError(shownText(inputError, shownAs));
  if (failure) {
    const where =
      failure.index >= 0 ? `cell ${failure.index + 1} (${failure.first || 'empty'})` : 'before the first cell';
    const detail = describeCellError(failure) || run.stderrTail.slice(-8).join('\n');
    throw new ReportError(`the notebook failed in ${where}:\n${detail.replace(/^/gm, '  ')}`);
  }
  if (run.exit !== 0 || !fs.existsSync(temps.notebook) || !fs.existsSync(temps.rawHtml)) {
    throw new ReportError(
      `the notebook runner exited with status ${run.exit}:\n${run.stderrTail.slice(-12).join('\n')}`,
    );
  }
  if (!fs.existsSync(temps.summary)) {
    throw new ReportError(`the notebook ran but wrote no summary (expected ${PARAM_ENV.summaryOut}=${temps.summary})`);
  }
  let written: WrittenSummary;
  try {
    written = JSON.parse(fs.readFileSync(temps.summary, 'utf8')) as WrittenSummary;
  } catch (err) {
    throw new ReportError(`the notebook wrote an unreadable summary.json: ${(err as Error).message}`);
  }
  // Flagged rows the full dataset lacks: counted on the terminal as at the top of the report.
  const missing = written.full?.anomalousNotInFullLabels;
  const flagged = written.runs?.find((r) => r.name === written.reference)?.rows ?? missing?.length ?? 0;
  const warning =
    written.full && Array.isArray(missing) ? missingWarning({ file: written.full.path, flagged, missing }) : undefined;
  if (warning) log(`report: warning: ${warning}`);
  // anomalies.csv: every flagged IP with its reasons, from the summary's `anomalies` (version 3); the
  // reasons' windows are the reference run's (the full table's) length.
  const anomalies = written?.anomalies;
  const windowLength = written?.runs?.find((run) => run.name === written.reference)?.freq ?? '';
  if (Array.isArray(anomalies)) fs.writeFileSync(temps.anomalies, anomaliesCsv(anomalies, windowLength));
  // Cells that ran but wrote errors or warnings to stderr: the report stands, the user is told.
  const executed = JSON.parse(fs.readFileSync(temps.notebook, 'utf8')) as NotebookJson;
  for (const problem of findProblemOutputs(executed)) {
    const cell = executed.cells[problem.cellIndex];
    log(
      `report: warning: cell ${problem.cellIndex + 1} (${firstSourceLine(cell)}) wrote ${problem.kind === 'error' ? 'an error' : 'to stderr'}: ${stripAnsi(problem.text).trim().split('\n')[0]}`,
    );
  }
  return Array.isArray(anomalies);
}

/** What the report reads back of the summary.json the notebook wrote. */
interface WrittenSummary {
  readonly reference?: string;
  readonly runs?: readonly { readonly name: string; readonly rows: number; readonly freq?: string }[];
  readonly anomalies?: AnomalyJson[];
  readonly full?: { readonly path: string; readonly anomalousNotInFullLabels?: string[] };
}

/**
 * Step 4 (cont.), the page: nbconvert's HTML made self-contained, code shown, folded or hidden, the first
 * screen under its title and the script that follows an IP (lib/notebook/report-page.ts); refused if it
 * still loads anything.
 */
function writePage(files: ReportFiles, code: CodeDisplay, params: NotebookParams): void {
  const summary: unknown = JSON.parse(fs.readFileSync(files.temps.summary, 'utf8'));
  const mark = [params.full, ...params.models].map(generatedMark).find((m) => m !== undefined);
  const html = addBriefing(
    finishHtml(fs.readFileSync(files.temps.rawHtml, 'utf8'), { title: files.base, code }),
    summary,
    {
      generatedSeed: mark?.seed,
    },
  );
  const external = externalResources(html);
  if (external.length > 0) {
    throw new ReportError(
      `the HTML still loads external resources: ${external.map((r) => `<${r.tag} ${r.attr}="${r.url}">`).join(', ')}`,
    );
  }
  fs.writeFileSync(files.temps.html, html);
}

/** Step 5, publish: every temp file renamed to its final name, only now that all are complete. */
function publish(files: ReportFiles, withAnomalies: boolean): void {
  const { temps, finals } = files;
  fs.renameSync(temps.notebook, finals.notebook);
  fs.renameSync(temps.html, finals.html);
  fs.renameSync(temps.summary, finals.summary);
  if (withAnomalies) fs.renameSync(temps.anomalies, finals.anomalies);
  removeQuietly(temps.rawHtml);
}

/**
 * Removes the empty folders from `folder` up to `created` (the first folder the run made), so a failed
 * run leaves no folder it created; a folder that holds anything stays.
 */
function removeCreatedFolders(folder: string, created: string | undefined): void {
  if (created === undefined) return;
  for (let dir = folder; dir.startsWith(created); dir = path.dirname(dir)) {
    try {
      fs.rmdirSync(dir);
    } catch {
      return;
    }
    if (dir === created) return;
  }
}

/**
 * Runs `work` with the temp files removed afterwards, also on failure and on Ctrl-C / SIGTERM; on
 * failure also the output folders the run created (`created`, from `fs.mkdirSync`), when left empty.
 */
async function withTempFiles<T>(files: ReportFiles, created: string | undefined, work: () => Promise<T>): Promise<T> {
  const outDir = path.dirname(files.finals.summary);
  const cleanup = (): void => Object.values(files.temps).forEach(removeQuietly);
  const onSignal = (): void => {
    cleanup();
    removeCreatedFolders(outDir, created);
    process.exit(130);
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  try {
    return await work();
  } catch (error) {
    cleanup();
    removeCreatedFolders(outDir, created);
    throw error;
  } finally {
    cleanup();
    process.removeListener('SIGINT', onSignal);
    process.removeListener('SIGTERM', onSignal);
  }
}

/**
 * Runs the whole report, in papermill's order: resolve the inputs (generated if absent), ensure the
 * kernel, run the notebook with per-cell progress (`log`), check its outputs, publish. Throws
 * ReportError with a printable message on any failure, after removing every temp file.
 */
export async function runReport(
  options: ReportOptions = {},
  log: (line: string) => void = (line) => process.stderr.write(`${line}\n`),
): Promise<ReportResult> {
  const t0 = Date.now();
  const inputs = resolveInputs(options, log);
  const kernel = ensureKernel(inputs.root, log);
  const files = reportFiles(inputs.notebook, inputs.outDir);
  // The first folder this run creates, if any: removed again (when empty) should the run fail.
  const created = fs.mkdirSync(inputs.outDir, { recursive: true });
  return withTempFiles(files, created, async () => {
    // The page is finished as soon as nbconvert's HTML is written, while the runner signs and writes
    // the notebook; its error, if any, counts only once the run's own checks have passed.
    let page: { seconds: number; error?: unknown } | undefined;
    const finishPage = (): void => {
      const h0 = Date.now();
      try {
        writePage(files, options.code ?? 'show', inputs.params);
        page = { seconds: (Date.now() - h0) / 1000 };
      } catch (error) {
        page = { seconds: (Date.now() - h0) / 1000, error };
      }
    };
    const timeout = options.timeoutSeconds ?? DEFAULT_CELL_TIMEOUT_SECONDS;
    const run = await runNotebook(inputs, kernel, files, timeout, log, finishPage);
    const withAnomalies = checkOutputs(run, files, inputs.shownAs, log);
    if (page === undefined) finishPage();
    if (page?.error !== undefined) throw page.error;
    const htmlSeconds = page?.seconds ?? 0;
    publish(files, withAnomalies);
    return {
      notebook: files.finals.notebook,
      html: files.finals.html,
      summary: files.finals.summary,
      ...(withAnomalies ? { anomalies: files.finals.anomalies } : {}),
      cells: run.state.cells,
      timings: {
        generate: inputs.generateSeconds,
        kernelStart: kernelStartSeconds(run.state, run.startedAt),
        cells: run.state.cells.reduce((sum, c) => sum + c.seconds, 0),
        export: exportSeconds(run.state),
        html: htmlSeconds,
        total: (Date.now() - t0) / 1000,
        ...(run.state.kernelStartCpu === undefined ? {} : { kernelStartCpu: run.state.kernelStartCpu }),
      },
    };
  });
}

/**
 * The value of `--name`, read by one of lib/params' parsers (the same rules and messages as its
 * EVAL_* variable), or undefined when absent; a bad value is a usage error.
 */
function paramOption<T>(args: ParsedArgs, name: string, parse: (origin: string, raw: string) => T): T | undefined {
  const raw = single(args, name);
  if (raw === undefined) return undefined;
  try {
    return parse(`--${name}`, raw);
  } catch (error) {
    throw error instanceof ParamError ? new UsageError(error.message) : error;
  }
}

async function main(argv: readonly string[]): Promise<void> {
  const args = parseOptions(argv, OPTIONS);
  if (wantsHelp(args)) {
    process.stdout.write(helpText(COMMAND, ABOUT, OPTIONS, { notes: NOTES }));
    return;
  }
  if (args.has('hide-code') && args.has('fold-code')) throw new UsageError('choose one of --hide-code and --fold-code');
  const anomalousPanels = paramOption(args, 'anomalous', parseAnomalousPanels);
  const result = await runReport({
    models: args.get('models'),
    full: single(args, 'full'),
    reference: single(args, 'reference'),
    sampleSize: args.has('sample') ? integer(args, 'sample', DEFAULT_SAMPLE, { min: 1 }) : undefined,
    seed: args.has('seed') ? integer(args, 'seed', DEFAULT_SEED) : undefined,
    loadWhole: args.has('whole'),
    focusIps: paramOption(args, 'focus', parseIpList),
    baseline: single(args, 'baseline'),
    anomalousPanels: anomalousPanels,
    allowMissing: args.has('allow-missing') || undefined,
    out: single(args, 'out'),
    notebook: single(args, 'notebook'),
    timeoutSeconds: args.has('timeout')
      ? integer(args, 'timeout', DEFAULT_CELL_TIMEOUT_SECONDS, { min: 1 })
      : undefined,
    code: args.has('hide-code') ? 'hide' : args.has('fold-code') ? 'fold' : 'show',
  });
  const t = result.timings;
  process.stderr.write(
    `report: done in ${t.total.toFixed(1)}s (kernel start ${t.kernelStart.toFixed(1)}s, cells ${t.cells.toFixed(1)}s, export ${t.export.toFixed(1)}s, HTML ${t.html.toFixed(1)}s)\n`,
  );
  const hint = labWeightHint(fs.statSync(result.notebook).size, anomalousPanels);
  if (hint) process.stderr.write(`${hint}\n`);
  process.stdout.write(
    `${[result.notebook, result.html, result.summary, ...(result.anomalies ? [result.anomalies] : [])].join('\n')}\n`,
  );
}

if (require.main === module) {
  runCommand(main, {
    name: 'report',
    usage: USAGE,
    // Input errors print their one line; anything else (a bug) its stack.
    expected: (error) =>
      error instanceof ReportError ||
      error instanceof InputError ||
      error instanceof ChoiceError ||
      error instanceof ParamError ||
      error instanceof OptionError,
  });
}
