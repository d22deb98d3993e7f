/**
 * The anomalous IPs and why each was flagged, as the readers of an evaluation get them:
 * summary.json's `anomalies` (shared/spec/summary.md, version 2), the triage table of the notebook,
 * and `anomalies.csv` for spreadsheets and SOC tools. Pure: explanations in, JSON-ready objects and
 * text out. Labels are attacker-written: the CSV defuses spreadsheet formulas, and callers escape
 * for HTML or markdown.
 */
import { type FamilyDeviation, type RowExplanation, rankExplanations } from './reasons';
import { type JsonNumber as JsonScore, type Role, formatNaiveIso, jsonNumber as jsonScore } from '../types';

/** One reason of summary.json's `anomalies[].reasons`. */
export interface AnomalyReasonJson {
  family: string;
  direction: 'high' | 'low';
  score: JsonScore;
  /** First and last window start (`2019-02-01T14:05:00`) of the consecutive windows carrying it; null when none stands out. */
  windows: { from: string; to: string } | null;
}

/** One entry of summary.json's `anomalies`. */
export interface AnomalyJson {
  label: string;
  role: Role;
  runs: string[];
  score: JsonScore;
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

function reasonJson(reason: FamilyDeviation): AnomalyReasonJson {
  return {
    family: reason.family,
    direction: reason.direction,
    score: jsonScore(reason.score),
    windows: reason.windows
      ? { from: formatNaiveIso(reason.windows.from), to: formatNaiveIso(reason.windows.to) }
      : null,
  };
}

/** summary.json's `anomalies`: one entry per explained row, by descending score. */
export function anomaliesJson(explanations: readonly RowExplanation[], runs: readonly NamedLabels[]): AnomalyJson[] {
  const byLabel = runsByLabel(runs);
  return rankExplanations(explanations).map((e) => ({
    label: e.label,
    role: e.role,
    runs: byLabel.get(e.label) ?? [],
    score: jsonScore(e.score),
    reasons: e.reasons.map(reasonJson),
  }));
}

/** A reason in a few words, for tables: `count_Length high 41.2 (14:05–15:30)`. */
export function describeReason(reason: AnomalyReasonJson): string {
  const score = typeof reason.score === 'number' ? reason.score.toFixed(1) : String(reason.score);
  const time = (iso: string): string => iso.slice(11, 16);
  const span = reason.windows
    ? ` (${reason.windows.from === reason.windows.to ? time(reason.windows.from) : `${time(reason.windows.from)}–${time(reason.windows.to)}`})`
    : '';
  return `${reason.family} ${reason.direction} ${score}${span}`;
}

/**
 * A CSV cell: quoted when it holds a comma, quote or line break; text that a spreadsheet would
 * run as a formula (starting with = + - @, tab or carriage return) gets a leading apostrophe.
 */
export function csvCell(value: string | number | null): string {
  if (value === null) return '';
  if (typeof value === 'number')
    return Number.isFinite(value) ? String(value) : Number.isNaN(value) ? '' : value > 0 ? 'Infinity' : '-Infinity';
  let text = value;
  if (/^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** The columns of `anomalies.csv`: rank, label, ip, role, runs, score, then five reasons of five fields. */
export function anomaliesCsvHeader(maxReasons = 5): string[] {
  const reasonFields = Array.from({ length: maxReasons }, (_, i) =>
    ['family', 'direction', 'score', 'from', 'to'].map((field) => `reason${i + 1}_${field}`),
  ).flat();
  return ['rank', 'label', 'ip', 'role', 'runs', 'score', ...reasonFields];
}

/**
 * `anomalies.csv`: every anomalous IP (the order of `anomalies`, i.e. by descending score) with its
 * reasons, one row each; runs joined by spaces; CRLF line ends as RFC 4180 has them.
 */
export function anomaliesCsv(anomalies: readonly AnomalyJson[], maxReasons = 5): string {
  const lines = [anomaliesCsvHeader(maxReasons).map(csvCell).join(',')];
  anomalies.forEach((a, rank) => {
    const ip = a.label.endsWith(a.role) ? a.label.slice(0, a.label.length - a.role.length) : a.label;
    const cells: (string | number | null)[] = [rank + 1, a.label, ip, a.role, a.runs.join(' '), scoreCell(a.score)];
    for (let i = 0; i < maxReasons; i++) {
      const r = a.reasons[i];
      cells.push(
        r ? r.family : null,
        r ? r.direction : null,
        r ? scoreCell(r.score) : null,
        r?.windows?.from ?? null,
        r?.windows?.to ?? null,
      );
    }
    lines.push(cells.map(csvCell).join(','));
  });
  return `${lines.join('\r\n')}\r\n`;
}

function scoreCell(score: JsonScore): number | null {
  if (score === null) return null;
  if (score === 'Infinity') return Infinity;
  if (score === '-Infinity') return -Infinity;
  return Number(score.toFixed(3));
}

/** One row of the notebook's triage table. */
export interface TriageRow {
  readonly rank: number;
  readonly label: string;
  readonly role: Role;
  readonly runs: string;
  readonly score: string;
  /** The three main reasons, each with its windows. */
  readonly reasons: readonly string[];
}

/** The triage table: the `top` anomalies by score, with their three main reasons. */
export function triageRows(anomalies: readonly AnomalyJson[], top = 25): TriageRow[] {
  return anomalies.slice(0, top).map((a, i) => ({
    rank: i + 1,
    label: a.label,
    role: a.role,
    runs: a.runs.join(', '),
    score: typeof a.score === 'number' ? a.score.toFixed(1) : String(a.score),
    reasons: a.reasons.slice(0, 3).map(describeReason),
  }));
}
