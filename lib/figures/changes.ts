/**
 * The figure of "What changed since the last evaluation": the family means that moved most, as a
 * dumbbell from the baseline's mean to today's. Pure: from summary.json `changes` to a Plotly spec.
 */
import { type FamilyMove, largestMoves } from '../summary/changes';
import type { Changes } from '../summary/schema';
import { escapeHtml } from '../html';
import { humanNumber } from '../evaluation/evidence';
import type { PlotlyFigure } from './spec';

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
