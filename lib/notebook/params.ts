/**
 * Notebook parameters. papermill has no TypeScript translator, so the notebook's parameters cell
 * holds defaults and every runner (the report command, a user's shell, JupyterLab started with
 * the variables set) overrides them through environment variables or a JSON file named by
 * `EVAL_PARAMS`. Parsing is strict: a bad value stops the notebook with a message naming the
 * variable (or file), what was found and what was expected.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

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
   * How the timelines draw their anomalous panels: `lines` (default) one line per IP; `density` a
   * density with median, p95 and max, plus the lines of the IPs that stand out in the family (the
   * figure option `anomalous` of plotAllIps). `density` keeps a seed-scale notebook light in
   * JupyterLab with the Plotly extension, which draws every figure when it opens.
   */
  readonly anomalousPanels?: AnomalousPanels;
}

/** The words of {@link NotebookParams.anomalousPanels}. */
export const ANOMALOUS_PANELS = ['lines', 'density'] as const;
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
  /** `lines` or `density`. */
  anomalousPanels: 'EVAL_ANOMALOUS',
} as const;

/** A parameter that cannot be used, with where it came from (variable or file) and what was expected. */
export class ParamError extends Error {
  /** The environment variable or file the value came from. */
  readonly origin: string;
  constructor(origin: string, message: string) {
    super(`${origin}: ${message}`);
    this.name = 'ParamError';
    this.origin = origin;
  }
}

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

function parseCount(origin: string, raw: unknown, allowZero: boolean): number {
  const text = typeof raw === 'number' ? String(raw) : typeof raw === 'string' ? raw.trim() : undefined;
  if (
    text === undefined ||
    !/^\d+$/.test(text) ||
    (!allowZero && Number(text) === 0) ||
    !Number.isSafeInteger(Number(text))
  ) {
    const expected = allowZero ? 'a whole number ≥ 0' : 'a whole number ≥ 1';
    throw new ParamError(origin, `expected ${expected}, found ${JSON.stringify(raw)}`);
  }
  return Number(text);
}

function parseFlag(origin: string, raw: unknown): boolean {
  if (typeof raw === 'boolean') return raw;
  const text = typeof raw === 'string' ? raw.trim().toLowerCase() : undefined;
  if (text === 'true' || text === '1' || text === 'yes') return true;
  if (text === 'false' || text === '0' || text === 'no') return false;
  throw new ParamError(origin, `expected true or false (or 1/0, yes/no), found ${JSON.stringify(raw)}`);
}

function parseWord<T extends string>(origin: string, raw: unknown, allowed: readonly T[]): T {
  const text = typeof raw === 'string' ? raw.trim() : undefined;
  const found = allowed.find((word) => word === text);
  if (found === undefined) {
    throw new ParamError(
      origin,
      `expected one of ${allowed.map((w) => JSON.stringify(w)).join(', ')}, found ${JSON.stringify(raw)}`,
    );
  }
  return found;
}

function parseText(origin: string, raw: unknown): string {
  if (typeof raw !== 'string' || raw.trim() === '') {
    throw new ParamError(origin, `expected a non-empty string, found ${JSON.stringify(raw)}`);
  }
  return raw.trim();
}

/** How a list parameter is written as text, and what its items are called in a message. */
interface ListSyntax {
  /** Separates the items of a plain-text list (a JSON array is always accepted too). */
  readonly split: RegExp | string;
  /** What the list holds, for messages: `run folders`, `IPs`. */
  readonly what: string;
  /** How a plain-text list separates its items, for messages. */
  readonly separated: string;
  /** True when an empty list is refused. */
  readonly nonEmpty: boolean;
}

/** Run folders: at least one, separated by the platform's path delimiter (`:` on Linux). */
const FOLDER_LIST: ListSyntax = {
  split: path.delimiter,
  what: 'run folders',
  separated: `paths separated by "${path.delimiter}"`,
  nonEmpty: true,
};

/** IPs or row labels: separated by commas or white space (IPv6 addresses have colons). */
const IP_LIST: ListSyntax = {
  split: /[\s,]+/,
  what: 'IPs or row labels',
  separated: 'separated by commas or spaces',
  nonEmpty: false,
};

/** A list of non-empty strings: a JSON array of strings, or text split by `syntax.split`; items trimmed. */
function parseStringList(origin: string, raw: unknown, syntax: ListSyntax): string[] {
  let list: unknown = raw;
  if (typeof raw === 'string') {
    const text = raw.trim();
    if (text.startsWith('[')) {
      try {
        list = JSON.parse(text);
      } catch (err) {
        throw new ParamError(
          origin,
          `expected a JSON array of ${syntax.what}, found invalid JSON (${(err as Error).message})`,
        );
      }
    } else {
      list = text.split(syntax.split).filter((part) => part.trim() !== '');
    }
  }
  if (
    !Array.isArray(list) ||
    (syntax.nonEmpty && list.length === 0) ||
    !list.every((item) => typeof item === 'string' && item.trim() !== '')
  ) {
    const howMany = syntax.nonEmpty ? 'one or more ' : '';
    throw new ParamError(
      origin,
      `expected ${howMany}${syntax.what} (a JSON array of strings, or ${syntax.separated}), found ${JSON.stringify(raw)}`,
    );
  }
  return list.map((item: string) => item.trim());
}

/**
 * IPs or row labels to profile, as a user types them on a command line or in `EVAL_FOCUS`: a JSON
 * array, or separated by commas or spaces. `origin` names where they came from, for the error.
 */
export function parseIpList(origin: string, raw: string): string[] {
  return parseStringList(origin, raw, IP_LIST);
}

/** `lines` or `density` as a user types it (`EVAL_ANOMALOUS`, `--anomalous`); a ParamError naming both otherwise. */
export function parseAnomalousPanels(origin: string, raw: string): AnomalousPanels {
  return parseWord(origin, raw, ANOMALOUS_PANELS);
}

function applyField(
  out: Mutable<NotebookParams>,
  key: keyof NotebookParams,
  raw: unknown,
  origin: string,
  base: string,
): void {
  const resolve = (p: string): string => path.resolve(base, p);
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
      out.sampleSize = parseCount(origin, raw, true);
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
  }
}

const FIELDS: readonly (keyof NotebookParams)[] = [
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
];

/**
 * The parameters in force: `defaults` (relative paths resolve against `cwd`, the notebook's
 * folder), overridden by the JSON file named by `EVAL_PARAMS` (relative paths against the file's
 * folder), overridden by the individual `EVAL_*` variables (relative paths against `cwd`).
 * Empty variables count as unset. Throws ParamError on any value it cannot use.
 */
export function resolveParams(
  defaults: NotebookParams,
  env: Readonly<Record<string, string | undefined>> = process.env,
  cwd: string = process.cwd(),
): NotebookParams {
  const out: Mutable<NotebookParams> = { ...defaults };
  for (const key of FIELDS) {
    if (defaults[key] !== undefined) applyField(out, key, defaults[key], `default ${key}`, cwd);
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
        `cannot read the parameters file ${file} (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`,
      );
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch (err) {
      throw new ParamError(
        file,
        `expected a JSON object of parameters, found invalid JSON (${(err as Error).message})`,
      );
    }
    if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
      throw new ParamError(
        file,
        `expected a JSON object like {"models": [...], "full": "..."}, found ${JSON.stringify(parsed)?.slice(0, 60)}`,
      );
    }
    const record = parsed as Record<string, unknown>;
    for (const name of Object.keys(record)) {
      if (!(FIELDS as readonly string[]).includes(name)) {
        throw new ParamError(file, `unknown parameter ${JSON.stringify(name)}; expected one of ${FIELDS.join(', ')}`);
      }
      applyField(out, name as keyof NotebookParams, record[name], `${file} field ${name}`, path.dirname(file));
    }
  }
  for (const key of FIELDS) {
    const name = PARAM_ENV[key];
    const raw = env[name];
    if (raw !== undefined && raw.trim() !== '') applyField(out, key, raw, name, cwd);
  }
  if (out.models.length === 0) throw new ParamError('models', 'no model run folders given');
  return out;
}

/**
 * The environment variables that make a notebook run with `params`: the inverse of
 * `resolveParams`, used by the report command to drive the notebook.
 */
export function paramsToEnv(params: Partial<NotebookParams>): Record<string, string> {
  const env: Record<string, string> = {};
  if (params.models !== undefined) env[PARAM_ENV.models] = JSON.stringify(params.models.map((p) => path.resolve(p)));
  if (params.full !== undefined) env[PARAM_ENV.full] = path.resolve(params.full);
  if (params.reference !== undefined) env[PARAM_ENV.reference] = params.reference;
  if (params.sampleSize !== undefined) env[PARAM_ENV.sampleSize] = String(params.sampleSize);
  if (params.seed !== undefined) env[PARAM_ENV.seed] = String(params.seed);
  if (params.loadWhole !== undefined) env[PARAM_ENV.loadWhole] = String(params.loadWhole);
  if (params.summaryOut !== undefined) env[PARAM_ENV.summaryOut] = path.resolve(params.summaryOut);
  if (params.summaryFinal !== undefined) env[PARAM_ENV.summaryFinal] = path.resolve(params.summaryFinal);
  if (params.focusIps !== undefined && params.focusIps.length > 0)
    env[PARAM_ENV.focusIps] = JSON.stringify(params.focusIps);
  if (params.baseline !== undefined) env[PARAM_ENV.baseline] = path.resolve(params.baseline);
  if (params.anomalousPanels !== undefined) env[PARAM_ENV.anomalousPanels] = params.anomalousPanels;
  return env;
}

/** The parameters as a short human-readable block, for the notebook to print what it runs on. */
export function describeParams(params: NotebookParams): string {
  return [
    `models:      ${params.models.join('\n             ')}`,
    `full:        ${params.full}`,
    `reference:   ${params.reference ?? '(finest window)'}`,
    `sample size: ${params.sampleSize}`,
    `seed:        ${params.seed}`,
    `full read:   ${params.loadWhole ? 'whole, in memory' : 'streamed'}`,
    `summary:     ${summaryPath(params) ?? '(not written)'}`,
    ...(params.focusIps && params.focusIps.length > 0 ? [`focus IPs:   ${params.focusIps.join(', ')}`] : []),
    `baseline:    ${params.baseline ?? '(none)'}`,
    ...(params.anomalousPanels === 'density' ? ['anomalous:   density, with the standout IPs as lines'] : []),
  ].join('\n');
}

/** The summary.json path to show a reader: where it ends up, not a runner's temp file. */
export function summaryPath(params: NotebookParams): string | undefined {
  return params.summaryOut === undefined ? undefined : (params.summaryFinal ?? params.summaryOut);
}
