/**
 * Notebook parameters. papermill has no TypeScript translator, so the notebook's parameters cell
 * holds defaults and every runner (the report command, a user's shell, JupyterLab started with
 * the variables set) overrides them through environment variables or a JSON file named by
 * `EVAL_PARAMS`. Parsing is strict: a bad value stops the notebook with a message naming the
 * variable (or file), what was found and what was expected.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileProblem, samePath, shownPath } from '../files';
import {
  FOLDER_LIST,
  IP_LIST,
  ParamError,
  parseCount,
  parseFlag,
  parseStringList,
  parseText,
  parseWord,
} from './param-values';

export { ParamError } from './param-values';

/** What the evaluation notebook runs on. Field names match `EvaluationParams` of lib/evaluation. */
export interface NotebookParams {
  /** Model run folders (each holding `detected_anomalies.csv`), in display order. */
  readonly models: readonly string[];
  /** The full windowed dataset (`final_dataset_5T.csv`). */
  readonly full: string;
  /** Name of the reference run (`5T`); undefined: the run with the finest window. */
  readonly reference?: string;
  /** Normal rows sampled for the figures (the seed: 4000). */
  readonly sampleSize: number;
  /** Seed of the sample, so reruns draw the same rows. */
  readonly seed: number;
  /**
   * Read the full dataset whole into memory (every row at hand for exploration, ~8 bytes a cell)
   * instead of streaming it; the figures and numbers are the same either way. Default false.
   */
  readonly loadWhole?: boolean;
  /** Where to write summary.json; undefined: not written. */
  readonly summaryOut?: string;
  /**
   * Where summary.json ends up, when a runner has the notebook write `summaryOut` to a temp file
   * and renames it afterwards (the report command does): the notebook prints this path instead, so
   * a shared page never names a temp file.
   */
  readonly summaryFinal?: string;
  /**
   * IPs (`1.2.3.4`: both roles) or row labels (`1.2.3.4source`) to profile beside the IPs only one
   * run flagged. Default none.
   */
  readonly focusIps?: readonly string[];
  /** An earlier summary.json to compare with (what changed since the last evaluation); undefined: none. */
  readonly baseline?: string;
  /**
   * How the timelines draw their anomalous panels (the figure option `anomalous` of plotAllIps):
   * `auto` (default) a line per IP while a panel has at most 30 anomalous IPs, above that a density
   * with median, p95 and max plus the lines of the IPs that stand out in the family; `lines` or
   * `density` force one for every panel.
   */
  readonly anomalousPanels?: AnomalousPanels;
  /**
   * Evaluate a full dataset that lacks more than half of the flagged rows (refused otherwise, as
   * likely cut short or from another capture). Default false.
   */
  readonly allowMissing?: boolean;
  /**
   * How each path was given, set by `resolveParams`: the resolved path → the text typed for it
   * (relative as typed). What the notebook prints and summary.json keeps show paths this way
   * (lib/paths.ts `shownPath`), so a shared page names no folder of this machine the user did not type.
   */
  readonly shownAs?: Readonly<Record<string, string>>;
}

/** The words of {@link NotebookParams.anomalousPanels}. */
export const ANOMALOUS_PANELS = ['auto', 'lines', 'density'] as const;
/** How the timelines draw their anomalous panels. */
export type AnomalousPanels = (typeof ANOMALOUS_PANELS)[number];

/** The environment variables read, each overriding one parameter (and the JSON file's value). */
export const PARAM_ENV = {
  /** JSON file with any of the fields of NotebookParams; relative paths in it resolve against its folder. */
  file: 'EVAL_PARAMS',
  /** Run folders: a JSON array, or paths separated by the platform's path delimiter (`:` on Linux). */
  models: 'EVAL_MODELS',
  full: 'EVAL_FULL',
  reference: 'EVAL_REFERENCE',
  sampleSize: 'EVAL_SAMPLE',
  seed: 'EVAL_SEED',
  loadWhole: 'EVAL_LOAD_WHOLE',
  summaryOut: 'EVAL_SUMMARY_OUT',
  summaryFinal: 'EVAL_SUMMARY_FINAL',
  /** IPs or labels to profile: a JSON array, or separated by commas or spaces. */
  focusIps: 'EVAL_FOCUS',
  baseline: 'EVAL_BASELINE',
  /** `auto`, `lines` or `density`. */
  anomalousPanels: 'EVAL_ANOMALOUS',
  /** true: evaluate a full dataset that lacks more than half of the flagged rows. */
  allowMissing: 'EVAL_ALLOW_MISSING',
} as const;

/**
 * The folder that relative paths of the EVAL_* variables are relative to (default: the kernel's
 * working folder, the notebook's). The report command sets it to the folder it was started in and
 * passes the paths as the user typed them.
 */
export const WORKDIR_ENV = 'EVAL_WORKDIR';

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

/** The settable parameters: every field but the record of how paths were given. */
type ParamField = Exclude<keyof NotebookParams, 'shownAs'>;

/**
 * IPs or row labels to profile, as a user types them on a command line or in `EVAL_FOCUS`: a JSON
 * array, or separated by commas or spaces. `origin` names where they came from, for the error.
 */
export function parseIpList(origin: string, raw: string): string[] {
  return parseStringList(origin, raw, IP_LIST);
}

/** `auto`, `lines` or `density` as a user types it (`EVAL_ANOMALOUS`, `--anomalous`); a ParamError naming them otherwise. */
export function parseAnomalousPanels(origin: string, raw: string): AnomalousPanels {
  return parseWord(origin, raw, ANOMALOUS_PANELS);
}

function applyField(
  out: Mutable<NotebookParams>,
  key: ParamField,
  raw: unknown,
  origin: string,
  base: string,
  shownAs: Record<string, string>,
): void {
  const resolve = (p: string): string => {
    const resolved = path.resolve(base, p);
    shownAs[resolved] = p;
    return resolved;
  };
  switch (key) {
    case 'models':
      out.models = parseStringList(origin, raw, FOLDER_LIST).map(resolve);
      break;
    case 'full':
      out.full = resolve(parseText(origin, raw));
      break;
    case 'reference':
      out.reference = raw === null ? undefined : parseText(origin, raw);
      break;
    case 'sampleSize':
      out.sampleSize = parseCount(origin, raw, false);
      break;
    case 'seed':
      out.seed = parseCount(origin, raw, true);
      break;
    case 'loadWhole':
      out.loadWhole = parseFlag(origin, raw);
      break;
    case 'summaryOut':
      out.summaryOut = raw === null ? undefined : resolve(parseText(origin, raw));
      break;
    case 'summaryFinal':
      out.summaryFinal = raw === null ? undefined : resolve(parseText(origin, raw));
      break;
    case 'focusIps':
      out.focusIps = raw === null ? undefined : parseStringList(origin, raw, IP_LIST);
      break;
    case 'baseline':
      out.baseline = raw === null ? undefined : resolve(parseText(origin, raw));
      break;
    case 'anomalousPanels':
      out.anomalousPanels = parseWord(origin, raw, ANOMALOUS_PANELS);
      break;
    case 'allowMissing':
      out.allowMissing = parseFlag(origin, raw);
      break;
  }
}

const FIELDS: readonly ParamField[] = [
  'models',
  'full',
  'reference',
  'sampleSize',
  'seed',
  'loadWhole',
  'summaryOut',
  'summaryFinal',
  'focusIps',
  'baseline',
  'anomalousPanels',
  'allowMissing',
];

/**
 * The parameters in force: `defaults` (relative paths resolve against `cwd`, the notebook's
 * folder), overridden by the JSON file named by `EVAL_PARAMS` (relative paths against the file's
 * folder), overridden by the individual `EVAL_*` variables (relative paths against `EVAL_WORKDIR`,
 * else `cwd`). Empty variables count as unset. Paths come back resolved, with how each was given
 * in `shownAs`. Throws ParamError on any value it cannot use, and when summary.json would be
 * written over the baseline it is compared with.
 */
export function resolveParams(
  defaults: NotebookParams,
  env: Readonly<Record<string, string | undefined>> = process.env,
  cwd: string = process.cwd(),
): NotebookParams {
  const out: Mutable<NotebookParams> = { ...defaults };
  const shownAs: Record<string, string> = {};
  for (const key of FIELDS) {
    if (defaults[key] !== undefined) applyField(out, key, defaults[key], `default ${key}`, cwd, shownAs);
  }
  const fileVar = env[PARAM_ENV.file];
  if (fileVar !== undefined && fileVar.trim() !== '') {
    const file = path.resolve(cwd, fileVar.trim());
    let text: string;
    try {
      text = fs.readFileSync(file, 'utf8');
    } catch (err) {
      throw new ParamError(
        `${PARAM_ENV.file}=${fileVar}`,
        `cannot read the parameters file ${fileVar.trim()}: ${fileProblem(err)}`,
      );
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch (err) {
      throw new ParamError(
        fileVar.trim(),
        `expected a JSON object of parameters, found invalid JSON (${(err as Error).message})`,
      );
    }
    if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
      throw new ParamError(
        fileVar.trim(),
        `expected a JSON object like {"models": [...], "full": "..."}, found ${JSON.stringify(parsed)?.slice(0, 60)}`,
      );
    }
    const record = parsed as Record<string, unknown>;
    for (const name of Object.keys(record)) {
      if (!(FIELDS as readonly string[]).includes(name)) {
        throw new ParamError(
          fileVar.trim(),
          `unknown parameter ${JSON.stringify(name)}; expected one of ${FIELDS.join(', ')}`,
        );
      }
      applyField(out, name as ParamField, record[name], `${fileVar.trim()} field ${name}`, path.dirname(file), shownAs);
    }
  }
  const workdir = env[WORKDIR_ENV]?.trim() ? path.resolve(cwd, env[WORKDIR_ENV]!.trim()) : cwd;
  for (const key of FIELDS) {
    const name = PARAM_ENV[key];
    const raw = env[name];
    if (raw !== undefined && raw.trim() !== '') applyField(out, key, raw, name, workdir, shownAs);
  }
  if (out.models.length === 0) throw new ParamError('models', 'no model run folders given');
  const written = summaryPath(out);
  if (out.baseline !== undefined && written !== undefined && samePath(out.baseline, written)) {
    throw new ParamError(
      'baseline',
      `${shownPath(out.baseline, shownAs)} is also where this run writes summary.json: it would be overwritten; write the new summary elsewhere`,
    );
  }
  return { ...out, shownAs };
}

/**
 * The environment variables that make a notebook run with `params`: the inverse of
 * `resolveParams`, used by the report command to drive the notebook. Paths go as given; relative
 * ones are relative to `workdir` (default the working folder), passed as `EVAL_WORKDIR`.
 */
export function paramsToEnv(params: Partial<NotebookParams>, workdir: string = process.cwd()): Record<string, string> {
  const env: Record<string, string> = {};
  const paths = [...(params.models ?? []), params.full, params.summaryOut, params.summaryFinal, params.baseline];
  if (paths.some((p) => p !== undefined && !path.isAbsolute(p))) env[WORKDIR_ENV] = path.resolve(workdir);
  if (params.models !== undefined) env[PARAM_ENV.models] = JSON.stringify(params.models);
  if (params.full !== undefined) env[PARAM_ENV.full] = params.full;
  if (params.reference !== undefined) env[PARAM_ENV.reference] = params.reference;
  if (params.sampleSize !== undefined) env[PARAM_ENV.sampleSize] = String(params.sampleSize);
  if (params.seed !== undefined) env[PARAM_ENV.seed] = String(params.seed);
  if (params.loadWhole !== undefined) env[PARAM_ENV.loadWhole] = String(params.loadWhole);
  if (params.summaryOut !== undefined) env[PARAM_ENV.summaryOut] = params.summaryOut;
  if (params.summaryFinal !== undefined) env[PARAM_ENV.summaryFinal] = params.summaryFinal;
  if (params.focusIps !== undefined && params.focusIps.length > 0)
    env[PARAM_ENV.focusIps] = JSON.stringify(params.focusIps);
  if (params.baseline !== undefined) env[PARAM_ENV.baseline] = params.baseline;
  if (params.anomalousPanels !== undefined) env[PARAM_ENV.anomalousPanels] = params.anomalousPanels;
  if (params.allowMissing !== undefined) env[PARAM_ENV.allowMissing] = String(params.allowMissing);
  return env;
}

/** The parameters as a short human-readable block, for the notebook to print what it runs on. */
export function describeParams(params: NotebookParams): string {
  const shown = (file: string): string => shownPath(file, params.shownAs);
  const summary = summaryPath(params);
  return [
    `models:      ${params.models.map(shown).join('\n             ')}`,
    `full:        ${shown(params.full)}`,
    `reference:   ${params.reference ?? '(finest window)'}`,
    `sample size: ${params.sampleSize}`,
    `seed:        ${params.seed}`,
    `full read:   ${params.loadWhole ? 'whole, in memory' : 'streamed'}`,
    `summary:     ${summary === undefined ? '(not written)' : shown(summary)}`,
    ...(params.focusIps && params.focusIps.length > 0 ? [`focus IPs:   ${params.focusIps.join(', ')}`] : []),
    `baseline:    ${params.baseline === undefined ? '(none)' : shown(params.baseline)}`,
    ...(params.anomalousPanels === 'density' ? ['anomalous:   density, with the standout IPs as lines'] : []),
    ...(params.anomalousPanels === 'lines' ? ['anomalous:   a line per IP in every panel'] : []),
    ...(params.allowMissing ? ['missing:     allowed (a full dataset lacking most flagged rows is evaluated)'] : []),
  ].join('\n');
}

/** The summary.json path to show a reader: where it ends up, not a runner's temp file. */
export function summaryPath(params: NotebookParams): string | undefined {
  return params.summaryOut === undefined ? undefined : (params.summaryFinal ?? params.summaryOut);
}
