/** The overlap of runs as an UpSet-style figure, and the words and rows that go with it. */
import { escapeHtml } from '../html';
import { type LabelledRun, exclusiveIntersections, uniqueToRun } from '../evaluation/overlap';
import { type PlotlyFigure, type PlotlyTrace, uncheckedTickLabels } from './spec';

/** Rows of the IPs unique to each run (the seed's "special cases must be looked at"), run order. */
export function uniqueToRunRows(runs: readonly LabelledRun[]): { run: string; labels: string[] }[] {
  const unique = uniqueToRun(runs);
  return runs.map((run) => ({ run: run.name, labels: unique.get(run.name) ?? [] }));
}

/** Names the runs of a combination in words: `5T and 10T only`, `all of 30T, 10T, 5T`. */
export function combinationWords(names: readonly string[], inside: readonly string[]): string {
  if (inside.length === names.length && names.length > 1) return `all of ${inside.join(', ')}`;
  if (inside.length === 1) return `${inside[0]} only`;
  return `${inside.slice(0, -1).join(', ')} and ${inside[inside.length - 1]} only`;
}

/**
 * UpSet-style overlap figure: bars of exclusive intersection sizes over a dot matrix saying
 * which runs each bar combines, and each run's total on the left.
 */
export function overlapFigure(
  runs: readonly LabelledRun[],
  options: { title?: string; height?: number } = {},
): PlotlyFigure {
  const names = runs.map((r) => escapeHtml(r.name));
  const inter = exclusiveIntersections(runs);
  const sizes = runs.map((r) => new Set(r.labels).size);
  const cols = inter.map((_, i) => i);
  const words = inter.map((x) =>
    escapeHtml(
      combinationWords(
        runs.map((r) => r.name),
        x.runs,
      ),
    ),
  );
  const memberX: number[] = [];
  const memberY: string[] = [];
  const otherX: number[] = [];
  const otherY: string[] = [];
  const linkX: (number | null)[] = [];
  const linkY: (string | null)[] = [];
  inter.forEach((x, i) => {
    const inside: string[] = [];
    runs.forEach((run, j) => {
      const m = x.runs.includes(run.name);
      (m ? memberX : otherX).push(i);
      (m ? memberY : otherY).push(names[j]);
      if (m) inside.push(names[j]);
    });
    if (inside.length > 1) {
      linkX.push(i, i, null);
      linkY.push(inside[0], inside[inside.length - 1], null);
    }
  });
  const data: PlotlyTrace[] = [
    {
      type: 'bar',
      x: cols,
      y: inter.map((x) => x.labels.length),
      text: inter.map((x) => String(x.labels.length)),
      textposition: 'outside',
      cliponaxis: false,
      customdata: words,
      marker: { color: '#3b3b3b' },
      xaxis: 'x',
      yaxis: 'y',
      hovertemplate: '%{customdata}: %{y} IPs<extra></extra>',
      name: 'intersection',
    },
    {
      type: 'scatter',
      mode: 'lines',
      x: linkX,
      y: linkY,
      xaxis: 'x',
      yaxis: 'y2',
      line: { color: '#3b3b3b', width: 3 },
      hoverinfo: 'skip',
      name: 'links',
    },
    {
      type: 'scatter',
      mode: 'markers',
      x: otherX,
      y: otherY,
      xaxis: 'x',
      yaxis: 'y2',
      marker: { color: '#dddddd', size: 13 },
      hoverinfo: 'skip',
      name: 'not in run',
    },
    {
      type: 'scatter',
      mode: 'markers',
      x: memberX,
      y: memberY,
      xaxis: 'x',
      yaxis: 'y2',
      marker: { color: '#3b3b3b', size: 13 },
      hovertemplate: 'in %{y}<extra></extra>',
      name: 'in run',
    },
    {
      type: 'bar',
      orientation: 'h',
      x: sizes,
      y: names,
      xaxis: 'x2',
      yaxis: 'y2',
      marker: { color: '#6baed6' },
      text: sizes.map(String),
      textposition: 'outside',
      cliponaxis: false,
      hovertemplate: '%{y}: %{x} IPs in total<extra></extra>',
      name: 'run size',
    },
  ];
  const layout: Record<string, unknown> = {
    title: { text: escapeHtml(options.title ?? 'Anomalies per run and their overlaps'), x: 0.01, xanchor: 'left' },
    height: options.height ?? 260 + 28 * runs.length,
    showlegend: false,
    bargap: 0.35,
    margin: { l: 20, r: 20, t: 60, b: 30 },
    plot_bgcolor: '#ffffff',
    paper_bgcolor: '#ffffff',
    xaxis: {
      domain: [0.3, 1],
      anchor: 'y2',
      showticklabels: false,
      range: [-0.6, inter.length - 0.4],
      zeroline: false,
      showgrid: false,
    },
    yaxis: { domain: [0.45, 1], anchor: 'x', title: { text: 'IPs in exactly these runs' }, rangemode: 'tozero' },
    yaxis2: {
      domain: [0, 0.4],
      anchor: 'x',
      type: 'category',
      categoryorder: 'array',
      categoryarray: [...names].reverse(),
      automargin: true,
      showgrid: false,
    },
    // Reversed, with room on the left for the labels of the longest bar.
    xaxis2: {
      domain: [0.03, 0.22],
      anchor: 'y2',
      range: [Math.max(1, ...sizes) * 1.3, 0],
      title: { text: 'IPs per run' },
      showgrid: false,
    },
  };
  return { data, layout: uncheckedTickLabels(layout), config: { responsive: true, displaylogo: false } };
}
