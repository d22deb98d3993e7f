/**
 * The notebook's "What changed since the last evaluation" section: tables of the anomalies added
 * and removed (IP, role, main reason; the first rows shown, every one reachable in a folded table)
 * and of the findings whose verdict changed (claim and id, then → now); the figure of the means that
 * moved most is lib/figures/changes.ts. Pure: from `changes` to HTML; every label is escaped.
 */
import { largestMoves } from '../summary/changes';
import type { Changes } from '../summary/schema';
import { escapeHtml } from '../html';
import { VERDICT_MARKS, type VerdictStatus } from '../findings';

/** An anomaly as summary.json `anomalies` lists it: enough to name its main reason. */
export interface AnomalyReasons {
  readonly label: string;
  readonly role?: string;
  /** A number, or a JSON infinity (`"Infinity"`), or null. */
  readonly score?: number | string | null;
  readonly reasons?: readonly {
    readonly family: string;
    readonly direction: string;
    readonly windows?: { readonly from: string; readonly to: string } | null;
  }[];
}

/** Rows of an added or removed table shown before the fold; the rest are one click away. */
export const CHANGES_SHOWN = 10;

/** What the notebook says when no baseline was given: how to give one. */
export const NO_BASELINE_MARKDOWN = [
  '_No baseline given, so nothing to compare with._ To see what changed since an earlier evaluation, pass its',
  '`summary.json`: `npm run report -- --baseline reports/summary.json` (also `npm run summary`), the notebook',
  'parameter `baseline`, or the variable `EVAL_BASELINE`.',
].join('\n');

const ROLE_SUFFIXES = ['source', 'dst'] as const;

/** A label split into IP and role, as the triage table shows it (`1.2.3.4dst` → `1.2.3.4`, `dst`). */
function ipAndRole(label: string, role?: string): [string, string] {
  const suffix = role ?? ROLE_SUFFIXES.find((r) => label.endsWith(r));
  return suffix && label.endsWith(suffix)
    ? [label.slice(0, label.length - suffix.length), suffix]
    : [label, role ?? ''];
}

/** One row of an anomalies table: IP, role, main reason (family, direction), its windows, score. */
function anomalyRow(label: string, known: ReadonlyMap<string, AnomalyReasons>): string {
  const entry = known.get(label);
  const [ip, role] = ipAndRole(label, entry?.role);
  const first = entry?.reasons?.[0];
  const why = first ? `${first.family} ${first.direction}` : entry ? 'no family stands out' : '';
  const from = first?.windows?.from.slice(11, 16);
  const to = first?.windows?.to.slice(11, 16);
  const when = from === undefined ? '' : from === to ? from : `${from}–${to}`;
  const score = typeof entry?.score === 'number' ? entry.score.toFixed(1) : '';
  const cells = [ip, role, why, when, score].map((c) => `<td>${escapeHtml(c)}</td>`).join('');
  return `<tr data-ip="${escapeHtml(label)}">${cells}</tr>`;
}

const ANOMALY_HEAD =
  '<thead><tr style="text-align: left;"><th>IP</th><th>role</th><th>main reason</th><th>windows</th><th>score</th></tr></thead>';

/** A titled table of labels: the first {@link CHANGES_SHOWN} rows, the rest in a folded table under it. */
function anomaliesTable(
  title: string,
  when: string,
  labels: readonly string[],
  anomalies: readonly AnomalyReasons[],
): string {
  const heading = `<h4>${escapeHtml(title)} (${labels.length.toLocaleString('en-US')})</h4>`;
  if (labels.length === 0) return `${heading}<p>none</p>`;
  const known = new Map(anomalies.map((a) => [a.label, a]));
  const table = (rows: readonly string[]) =>
    `<table border="1" class="dataframe ae-changes-table">${ANOMALY_HEAD}<tbody>${rows.map((l) => anomalyRow(l, known)).join('')}</tbody></table>`;
  const shown = labels.slice(0, CHANGES_SHOWN);
  const rest = labels.slice(CHANGES_SHOWN);
  const fold =
    rest.length > 0
      ? `<details class="ae-more"><summary>the other ${rest.length.toLocaleString('en-US')} ${escapeHtml(title.toLowerCase())}</summary>${table(rest)}</details>`
      : '';
  return `${heading}<p class="ae-note">main reason ${escapeHtml(when)}</p>${table(shown)}${fold}`;
}

function mark(status: VerdictStatus | null): string {
  return status === null ? '(absent)' : VERDICT_MARKS[status];
}

/** The findings whose verdict changed: the claim and its id, then → now. */
function findingsTable(changes: Changes, claims: ReadonlyMap<string, string>): string {
  if (changes.findings.length === 0) return '<p>No finding changed its verdict.</p>';
  const rows = changes.findings
    .map((f) => {
      const claim = claims.get(f.id);
      return `<tr><td>${claim ? `${escapeHtml(claim)} ` : ''}<code>${escapeHtml(f.id)}</code></td><td>${escapeHtml(mark(f.from))}</td><td>→ ${escapeHtml(mark(f.to))}</td></tr>`;
    })
    .join('');
  return (
    `<h4>Findings whose verdict changed (${changes.findings.length})</h4>` +
    `<table border="1" class="dataframe ae-changes-table"><thead><tr style="text-align: left;"><th>finding</th><th>then</th><th>now</th></tr></thead><tbody>${rows}</tbody></table>`
  );
}

/**
 * The section's tables: the anomalies added (main reason now) and removed (main reason then), how
 * many were kept, and every finding whose verdict changed with its claim (`claims`: id → text).
 */
export function changesHtml(
  changes: Changes,
  now: readonly AnomalyReasons[],
  before: readonly AnomalyReasons[],
  claims: ReadonlyMap<string, string> = new Map(),
): string {
  const { added, removed, kept } = changes.anomalies;
  return (
    '<div class="ae-changes-view">' +
    `<p>Compared with <code>${escapeHtml(changes.baseline)}</code>: <b>${added.length}</b> anomalies added, <b>${removed.length}</b> removed, ${kept} kept; ` +
    `${changes.findings.length} finding${changes.findings.length === 1 ? '' : 's'} changed verdict.</p>` +
    anomaliesTable('Added', 'now', added, now) +
    anomaliesTable('Removed', 'then (in the baseline)', removed, before) +
    findingsTable(changes, claims) +
    (largestMoves(changes, 1).length === 0 ? '<p>No family mean moved.</p>' : '') +
    '</div>'
  );
}

/** Whether any family mean moved: a figure of the moves is worth drawing. */
export function anyMove(changes: Changes): boolean {
  return largestMoves(changes, 1).length > 0;
}
