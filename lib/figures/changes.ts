/**
 * The figure of "What changed since the last evaluation": the family means that moved most relative
 * to their spread, as a dumbbell from the baseline's mean to today's. Pure: from summary.json
 * `changes` to a Plotly spec.
 */
import { type FamilyMove, type MoveSpread, largestMoves } from '../summary/changes';
import type { Changes } from '../summary/schema';
import { escapeHtml } from '../html';
import { humanNumber } from '../evaluation/evidence';
import { type PlotlyFigure, uncheckedTickLabels } from './spec';

const GROUP_COLOURS = { anomalous: '#d62728', normal: '#1f77b4' } as const;

/**
 * A dumbbell figure of the means that moved most relative to their spread (`spread`, see
 * {@link largestMoves}): then (grey) → now (red for anomalous IPs, blue for normal ones, each its own
 * legend entry), on a log axis when all are positive; the hover gives the move in spreads.
 */
export function changesFigure(changes: Changes, limit = 12, spread?: MoveSpread): PlotlyFigure {
  const moves: FamilyMove[] = largestMoves(changes, limit, spread).reverse();
  const names = moves.map((m) => escapeHtml(`${m.family} · ${m.group} ${m.role === 'dst' ? 'destination' : 'source'}`));
  const positive = moves.every((m) => m.from > 0 && m.to > 0);
  const moved = (m: FamilyMove): string =>
    Number.isFinite(m.size)
      ? `moved ${m.size.toFixed(1)} ${spread ? 'spreads' : '(log factor)'}`
      : 'moved from or to 0';
  const now = (group: 'anomalous' | 'normal') => {
    const mine = moves.map((m, i) => [m, i] as const).filter(([m]) => m.group === group);
    return {
      type: 'scatter',
      mode: 'markers',
      name: `now, ${group} IPs`,
      marker: { color: GROUP_COLOURS[group], size: 11 },
      x: mine.map(([m]) => m.to),
      y: mine.map(([, i]) => names[i]),
      text: mine.map(([m]) => `${humanNumber(m.to)} (${moved(m)})`),
      hovertemplate: '%{y}<br>mean now %{text}<extra></extra>',
    };
  };
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
      now('anomalous'),
      now('normal'),
    ],
    layout: uncheckedTickLabels({
      title: {
        text: escapeHtml(
          spread
            ? 'Family means that moved most since the baseline, relative to their spread'
            : 'Family means that moved most since the baseline',
        ),
        x: 0.01,
        xanchor: 'left',
      },
      height: 150 + 28 * Math.max(1, moves.length),
      margin: { l: 20, r: 20, t: 80, b: 50 },
      xaxis: {
        type: positive ? 'log' : 'linear',
        title: { text: 'mean over every (IP, window) value' },
        gridcolor: '#eeeeee',
      },
      yaxis: { automargin: true },
      legend: { orientation: 'h', x: 0, xanchor: 'left', y: 1, yanchor: 'bottom' },
      plot_bgcolor: '#ffffff',
      paper_bgcolor: '#ffffff',
    }),
  };
}
