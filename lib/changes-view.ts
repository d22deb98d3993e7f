/**
 * The notebook's "What changed since the last evaluation" section: markdown for the anomalies
 * added and removed (each with its main reason), the findings whose verdict changed, and a figure
 * of the family means that moved most. Pure: from `changes` to markdown and a Plotly spec.
 */
import { type Changes, type FamilyMove, largestMoves } from './changes';
import { escapeHtml, escapeMarkdown } from './html';
import { humanNumber } from './evidence';
import { VERDICT_MARKS, type VerdictStatus } from './findings';
import type { PlotlyFigure } from './figures/spec';

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

/** A dumbbell figure of the means that moved most: then (grey) → now (colour), on a log axis when all are positive. */
export function changesFigure(changes: Changes, limit = 12): PlotlyFigure {
  const moves: FamilyMove[] = largestMoves(changes, limit).reverse();
  const names = moves.map((m) => escapeHtml(`${m.family} · ${m.group} ${m.role === 'dst' ? 'destination' : 'source'}`));
  const positive = moves.every((m) => m.from > 0 && m.to > 0);
  return {
    data: [
      {
        type: 'scatter',
        mode: 'lines',
        showlegend: false,
        hoverinfo: 'skip',
        line: { color: '#bbbbbb', width: 2 },
        x: moves.flatMap((m) => [m.from, m.to, null]),
        y: names.flatMap((n) => [n, n, null]),
      },
      {
        type: 'scatter',
        mode: 'markers',
        name: 'baseline',
        marker: { color: '#999999', size: 9 },
        x: moves.map((m) => m.from),
        y: names,
        text: moves.map((m) => humanNumber(m.from)),
        hovertemplate: '%{y}<br>baseline mean %{text}<extra></extra>',
      },
      {
        type: 'scatter',
        mode: 'markers',
        name: 'now',
        marker: { color: moves.map((m) => (m.group === 'anomalous' ? '#d62728' : '#1f77b4')), size: 11 },
        x: moves.map((m) => m.to),
        y: names,
        text: moves.map((m) => humanNumber(m.to)),
        hovertemplate: '%{y}<br>mean now %{text}<extra></extra>',
      },
    ],
    layout: {
      title: { text: escapeHtml('Family means that moved most since the baseline'), x: 0.01, xanchor: 'left' },
      height: 120 + 28 * Math.max(1, moves.length),
      margin: { l: 330, r: 20, t: 50, b: 40 },
      xaxis: {
        type: positive ? 'log' : 'linear',
        title: { text: 'mean over every (IP, window) value' },
        gridcolor: '#eeeeee',
      },
      yaxis: { automargin: true },
      legend: { orientation: 'h', x: 1, xanchor: 'right', y: 1.02, yanchor: 'bottom' },
      plot_bgcolor: '#ffffff',
      paper_bgcolor: '#ffffff',
    },
  };
}
