/**
 * The notebook's "What changed since the last evaluation" section: markdown for the anomalies
 * added and removed (each with its main reason) and the findings whose verdict changed (the figure
 * of the means that moved most is lib/figures/changes.ts). Pure: from `changes` to markdown.
 */
import { largestMoves } from '../summary/changes';
import type { Changes } from '../summary/schema';
import { escapeMarkdown } from '../html';
import { VERDICT_MARKS, type VerdictStatus } from '../findings';

/** An anomaly as summary.json `anomalies` lists it: enough to name its main reason. */
export interface AnomalyReasons {
  readonly label: string;
  readonly reasons?: readonly {
    readonly family: string;
    readonly direction: string;
    readonly windows?: { readonly from: string; readonly to: string } | null;
  }[];
}

/** Labels listed in full up to this many; beyond, the first ones and a count. */
const LISTED = 30;

/** What the notebook says when no baseline was given: how to give one. */
export const NO_BASELINE_MARKDOWN = [
  '_No baseline given, so nothing to compare with._ To see what changed since an earlier evaluation, pass its',
  '`summary.json`: `npm run report -- --baseline reports/summary.json` (also `npm run summary`), the notebook',
  'parameter `baseline`, or the variable `EVAL_BASELINE`.',
].join('\n');

function reasonOf(label: string, anomalies: readonly AnomalyReasons[]): string {
  const first = anomalies.find((a) => a.label === label)?.reasons?.[0];
  if (!first) return '';
  const when = first.windows ? `, ${first.windows.from.slice(11, 16)}–${first.windows.to.slice(11, 16)}` : '';
  return ` (${escapeMarkdown(first.family)} ${escapeMarkdown(first.direction)}${escapeMarkdown(when)})`;
}

function labelList(labels: readonly string[], anomalies: readonly AnomalyReasons[]): string {
  if (labels.length === 0) return 'none';
  const shown = labels.slice(0, LISTED).map((label) => `${escapeMarkdown(label)}${reasonOf(label, anomalies)}`);
  return shown.join(', ') + (labels.length > LISTED ? `, … (${labels.length - LISTED} more)` : '');
}

function mark(status: VerdictStatus | null): string {
  return status === null ? '(absent)' : VERDICT_MARKS[status];
}

/**
 * The section's text: anomalies added (with their main reason now) and removed (with their main
 * reason then), how many were kept, and every finding whose verdict changed.
 */
export function changesMarkdown(
  changes: Changes,
  now: readonly AnomalyReasons[],
  before: readonly AnomalyReasons[],
): string {
  const { added, removed, kept } = changes.anomalies;
  const lines = [
    `Compared with ${escapeMarkdown(changes.baseline)}:`,
    '',
    `- **added** (${added.length}): ${labelList(added, now)}`,
    `- **removed** (${removed.length}): ${labelList(removed, before)}`,
    `- **kept**: ${kept}`,
    '',
  ];
  if (largestMoves(changes, 1).length === 0) lines.push('No family mean moved.', '');
  if (changes.findings.length === 0) lines.push('No finding changed its verdict.');
  else {
    lines.push('**Findings whose verdict changed**', '', '| finding | then | now |', '|---|---|---|');
    for (const f of changes.findings) lines.push(`| \`${f.id}\` | ${mark(f.from)} | ${mark(f.to)} |`);
  }
  return lines.join('\n');
}

/** Whether any family mean moved: a figure of the moves is worth drawing. */
export function anyMove(changes: Changes): boolean {
  return largestMoves(changes, 1).length > 0;
}
