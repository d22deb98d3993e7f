/**
 * The flagged IPs and why each was flagged, as the readers of an evaluation get them:
 * summary.json's `anomalies` (../shared/spec/summary.md, version 3), the triage table of the
 * notebook, and `anomalies.csv` for spreadsheets and SOC tools, whose columns are defined once
 * here (`ANOMALY_COLUMNS`, `REASON_COLUMNS`) for every table built from them. Pure: explanations
 * in, JSON-ready objects and text out. Labels are attacker-written: the CSV defuses spreadsheet
 * formulas, and callers escape for HTML or markdown.
 */
import { type RowExplanation, type Reason, rankExplanations } from './reasons';
import { type JsonNumber as JsonScore, type Role, formatNaiveIso, jsonNumber as jsonScore } from '../types';

/** One reason of summary.json's `anomalies[].reasons`. */
export interface AnomalyReasonJson {
  family: string;
  /** Present when the reason stands for several families equal on every row (the first is `family`). */
  families?: string[];
  kind: 'vs-normal' | 'vs-own-history';
  direction: 'high' | 'low';
  score: JsonScore;
  /** Starts (`2019-02-01T14:05:00`) of the first and last window of the span. */
  windows: { from: string; to: string };
}

/** One entry of summary.json's `anomalies`. */
export interface AnomalyJson {
  label: string;
  role: Role;
  runs: string[];
  score: JsonScore;
  /** False when no deviation is rarer than what normal rows of the role reach themselves. */
  explained: boolean;
  reasons: AnomalyReasonJson[];
}

/** A run as `anomalies` needs it: its name and its row labels. */
export interface NamedLabels {
  readonly name: string;
  readonly labels: readonly string[];
}

/** Names of the runs whose rows include each label (in the order the runs are given). */
export function runsByLabel(runs: readonly NamedLabels[]): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const run of runs) {
    for (const label of new Set(run.labels)) {
      const list = out.get(label);
      if (list) list.push(run.name);
      else out.set(label, [run.name]);
    }
  }
  return out;
}

function reasonJson(reason: Reason): AnomalyReasonJson {
  return {
    family: reason.family,
    ...(reason.families.length > 1 ? { families: [...reason.families] } : {}),
    kind: reason.kind,
    direction: reason.direction,
    score: jsonScore(round(reason.score)),
    windows: { from: formatNaiveIso(reason.windows.from), to: formatNaiveIso(reason.windows.to) },
  };
}

function round(x: number): number {
  return Number.isFinite(x) ? Math.round(x * 1000) / 1000 : x;
}

/** summary.json's `anomalies`: one entry per explained row (every run's labels), by descending score. */
export function anomaliesJson(explanations: readonly RowExplanation[], runs: readonly NamedLabels[]): AnomalyJson[] {
  const byLabel = runsByLabel(runs);
  return rankExplanations(explanations).map((e) => ({
    label: e.label,
    role: e.role,
    runs: byLabel.get(e.label) ?? [],
    score: jsonScore(round(e.score)),
    explained: e.explained,
    reasons: e.reasons.map(reasonJson),
  }));
}

/** A reason's kind and direction in words: `high vs normal`, `low vs normal`, `high vs own history`, `silent vs own history`. */
export function reasonWords(reason: Pick<AnomalyReasonJson, 'kind' | 'direction'>): string {
  if (reason.kind === 'vs-normal') return `${reason.direction} vs normal`;
  return reason.direction === 'high' ? 'high vs own history' : 'silent vs own history';
}

/** The name a reason goes by: `packets` for the equal counts (see lib/triage/groups.ts), else its family. */
export function reasonName(reason: Pick<AnomalyReasonJson, 'family' | 'families'>): string {
  const families = reason.families ?? [reason.family];
  return families.length > 1 && families.every((f) => f.startsWith('count_')) ? 'packets' : reason.family;
}

/** A window span in a few words: `14:05–15:30`, or `14:05` for one window. */
export function spanText(windows: { from: string; to: string }): string {
  const time = (iso: string): string => iso.slice(11, 16);
  return windows.from === windows.to ? time(windows.from) : `${time(windows.from)}–${time(windows.to)}`;
}

/** A reason in a few words, for tables: `avg_Length high vs normal 7.3 (14:05–15:30)`, `packets silent vs own history 4.1 (…)`. */
export function describeReason(reason: AnomalyReasonJson): string {
  const score = typeof reason.score === 'number' ? reason.score.toFixed(1) : String(reason.score);
  return `${reasonName(reason)} ${reasonWords(reason)} ${score} (${spanText(reason.windows)})`;
}

/** What a row says when nothing explains it. */
export const UNEXPLAINED = 'nothing in these families sets it apart from normal IPs';

/**
 * A CSV cell: quoted when it holds a comma, quote or line break; text that a spreadsheet would
 * run as a formula (starting with = + - @, tab or carriage return) gets a leading apostrophe.
 */
export function csvCell(value: string | number | boolean | null): string {
  if (value === null) return '';
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (typeof value === 'number')
    return Number.isFinite(value) ? String(value) : Number.isNaN(value) ? '' : value > 0 ? 'Infinity' : '-Infinity';
  let text = value;
  if (/^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

function scoreCell(score: JsonScore): number | null {
  if (score === null) return null;
  if (score === 'Infinity') return Infinity;
  if (score === '-Infinity') return -Infinity;
  return score;
}

/** A cell of the anomalies table. */
export type AnomalyCell = string | number | boolean | null;

/** One column of the anomalies table (`anomalies.csv`): its name, what it means, its cell. */
export interface AnomalyColumn {
  readonly name: string;
  readonly description: string;
  readonly cell: (anomaly: AnomalyJson, rank: number) => AnomalyCell;
}

/** One field of each reason in the anomalies table: `reason1_kind`, ... */
export interface ReasonColumn {
  readonly field: string;
  readonly description: string;
  /** `windowLength`: the run's window length, e.g. `5T`. */
  readonly cell: (reason: AnomalyReasonJson, windowLength: string) => AnomalyCell;
}

/** The anomalies table's columns for the IP (the first ones of `anomalies.csv`). */
export const ANOMALY_COLUMNS: readonly AnomalyColumn[] = [
  { name: 'rank', description: 'position by descending score (1: the rarest)', cell: (_, rank) => rank },
  { name: 'label', description: 'the row label: IP and role', cell: (a) => a.label },
  {
    name: 'ip',
    description: 'the IP',
    cell: (a) => (a.label.endsWith(a.role) ? a.label.slice(0, a.label.length - a.role.length) : a.label),
  },
  { name: 'role', description: '`source` (packets it sent) or `dst` (packets it received)', cell: (a) => a.role },
  { name: 'runs', description: 'the runs that flagged it, separated by spaces', cell: (a) => a.runs.join(' ') },
  {
    name: 'score',
    description:
      'its best deviation: as rare as 1 in 10^score normal IPs of its role (see README, "Why an IP was flagged")',
    cell: (a) => scoreCell(a.score),
  },
  {
    name: 'explained',
    description: `false when no deviation is rarer than what normal IPs reach (${UNEXPLAINED})`,
    cell: (a) => a.explained,
  },
];

/** The anomalies table's fields of each reason (`reason1_family`, ...). */
export const REASON_COLUMNS: readonly ReasonColumn[] = [
  { field: 'family', description: 'the family (the first of several equal ones)', cell: (r) => r.family },
  {
    field: 'families',
    description: 'every family the reason stands for, separated by spaces (equal on every row, e.g. the packet counts)',
    cell: (r) => (r.families ?? [r.family]).join(' '),
  },
  {
    field: 'kind',
    description: '`vs-normal` (against the normal IPs of the role) or `vs-own-history` (against its own other windows)',
    cell: (r) => r.kind,
  },
  {
    field: 'direction',
    description: '`high` or `low` (for vs-own-history: a rise over its own level, or silence)',
    cell: (r) => r.direction,
  },
  { field: 'score', description: "the reason's score, on the scale of `score`", cell: (r) => scoreCell(r.score) },
  { field: 'from', description: 'start of the first window of the span', cell: (r) => r.windows.from },
  { field: 'to', description: 'start of the last window of the span', cell: (r) => r.windows.to },
  {
    field: 'window',
    description: 'the window length (`5T`: 5 minutes): the span ends at `to` + one window',
    cell: (_, w) => w,
  },
];

/** Reasons `anomalies.csv` has columns for. */
export const CSV_REASONS = 5;

/** The columns of `anomalies.csv`: ANOMALY_COLUMNS, then REASON_COLUMNS for each of `maxReasons` reasons. */
export function anomaliesCsvHeader(maxReasons = CSV_REASONS): string[] {
  const reasonFields = Array.from({ length: maxReasons }, (_, i) =>
    REASON_COLUMNS.map((c) => `reason${i + 1}_${c.field}`),
  ).flat();
  return [...ANOMALY_COLUMNS.map((c) => c.name), ...reasonFields];
}

/** The anomalies table as rows of cells (the order of `anomalies`, i.e. by descending score). */
export function anomaliesTable(
  anomalies: readonly AnomalyJson[],
  windowLength: string,
  maxReasons = CSV_REASONS,
): AnomalyCell[][] {
  return anomalies.map((a, i) => {
    const cells = ANOMALY_COLUMNS.map((c) => c.cell(a, i + 1));
    for (let k = 0; k < maxReasons; k++) {
      const r = a.reasons[k];
      for (const c of REASON_COLUMNS) cells.push(r ? c.cell(r, windowLength) : null);
    }
    return cells;
  });
}

/**
 * `anomalies.csv`: every flagged IP with its reasons, one row each (columns: `anomaliesCsvHeader`);
 * CRLF line ends as RFC 4180 has them.
 */
export function anomaliesCsv(
  anomalies: readonly AnomalyJson[],
  windowLength: string,
  maxReasons = CSV_REASONS,
): string {
  const lines = [anomaliesCsvHeader(maxReasons).map(csvCell).join(',')];
  for (const row of anomaliesTable(anomalies, windowLength, maxReasons)) lines.push(row.map(csvCell).join(','));
  return `${lines.join('\r\n')}\r\n`;
}

/** One row of the notebook's triage table. */
export interface TriageRow {
  readonly rank: number;
  readonly label: string;
  readonly role: Role;
  readonly runs: string;
  readonly score: string;
  /** The three main reasons in words, each with its kind and span; or why there is none. */
  readonly reasons: readonly string[];
}

/** The triage table: the `top` anomalies by score, with their three main reasons. */
export function triageRows(anomalies: readonly AnomalyJson[], top = 25): TriageRow[] {
  return anomalies.slice(0, top).map((a, i) => ({
    rank: i + 1,
    label: a.label,
    role: a.role,
    runs: a.runs.join(', '),
    score: typeof a.score === 'number' ? a.score.toFixed(1) : String(a.score ?? '–'),
    reasons: a.explained ? a.reasons.slice(0, 3).map(describeReason) : [UNEXPLAINED],
  }));
}
