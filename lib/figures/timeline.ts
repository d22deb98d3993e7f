/**
 * The seed's `plot_all_ips` as one interactive figure: four stacked panels (anomalous and normal,
 * source and destination IPs) on a shared date axis.
 */
import type { Role } from '../types';
import type { Frame } from '../table/frame';
import { escapeHtml } from '../html';
import { roleWord } from '../evaluation/evidence';
import { type PlotlyFigure, type PlotlyTrace, typedArraySpec, uncheckedTickLabels } from './spec';
import { type Axes, type Panel, xEncoding } from './windows';
import { lineTemplate, lineTraces } from './lines';
import { densityTraces } from './density';
import { groupLines } from './group-lines';
import { type AllIpsOptions, checkAllIpsOptions } from './timeline-options';
import { standoutIps } from '../triage/standouts';

/**
 * Most anomalous IPs a panel draws as lines by default (`anomalous: 'auto'`). A reader tells lines
 * apart by colour and follows one by eye: Plotly's colorway has 10 colours, so at 30 lines each
 * colour is worn by at most three IPs, still told apart by where they run and named on hover; in a
 * panel ~200 px high, more lines than that merge into a band whose shape a density shows better,
 * and cost every reader (JupyterLab's Plotly renderer draws every line of every figure when a
 * notebook opens: ~9,000 at seed scale, bench/README.md).
 */
export const MAX_ANOMALOUS_LINES = 30;

/**
 * What {@link plotAllIps} does unless told otherwise: the seed's figure size, normal lines up to 500
 * IPs, anomalous lines up to {@link MAX_ANOMALOUS_LINES} IPs, and over an anomalous density the
 * lines of at most 10 standout IPs per role.
 */
export const TIMELINE_DEFAULTS = {
  maxLines: 500,
  maxAnomalousLines: MAX_ANOMALOUS_LINES,
  bins: 60,
  height: 1000,
  hoverStride: 3,
  standoutLines: 10,
} as const;

/** The seed's panel title, in plain English: `Source IPs along the timeline for avg_Length — anomalous`. */
export function panelTitle(role: Role, group: 'anomalous' | 'normal', family: string, sampleSize?: number): string {
  const who = role === 'source' ? 'Source' : 'Destination';
  const what = group === 'anomalous' ? 'anomalous' : `normal (sample of ${(sampleSize ?? 0).toLocaleString('en-US')})`;
  return `${who} IPs along the timeline for ${family} — ${what}`;
}

/** The IPs of `role` that stand out in `family`: all of them (`found`), and the rows of the first `limit`, highest score first. */
function standoutRows(
  frame: Frame,
  family: string,
  role: 'source' | 'dst',
  limit: number,
): { found: number; rows: Int32Array } {
  const found = standoutIps(frame, family, { roles: [role] });
  return { found: found.length, rows: Int32Array.from(found.slice(0, limit), (s) => frame.rowOf(s.label)) };
}

const count = (n: number): string => n.toLocaleString('en-US');

/**
 * The note of a density panel (one line under the panel's title): how many IPs the density counts
 * and what its lines are; over anomalous IPs, which IPs are drawn as lines on top (`found` stood
 * out, `drawn` of them have a line) and the option that draws every IP.
 */
function densityNote(panel: Panel, found: number, drawn: number): string {
  const ips = `${count(panel.rows.length)} IPs as density (blue: IPs per bin), median (black), p95 (dashed), max (dotted)`;
  if (panel.group === 'normal') return ips;
  const lines =
    found === 0
      ? 'none stands out'
      : drawn === 0
        ? `${count(found)} stand${found === 1 ? 's' : ''} out, none drawn as a line`
        : drawn === found
          ? `the ${count(drawn)} that stand${drawn === 1 ? 's' : ''} out as ${drawn === 1 ? 'a line' : 'lines'}`
          : `the ${count(drawn)} that stand out most as lines (${count(found)} stand out)`;
  return `${ips}; ${lines}; { anomalous: 'lines' } draws all`;
}

function flatNote(flat: number, ips: number, log: boolean): string {
  if (flat === 0) return '';
  const what = log ? 'no value above 0' : '0 in every window';
  return `${flat.toLocaleString('en-US')} of ${ips.toLocaleString('en-US')} IPs ${what}: no line drawn`;
}

/**
 * The seed's `plot_all_ips` as an interactive figure: four stacked panels on a shared date axis —
 * anomalous source IPs, a normal sample of source IPs, anomalous destination IPs, normal
 * destination IPs — one line per IP (hover names the IP and window). Normal panels with more
 * than `maxLines` IPs draw as a density layer with median/p95/max lines unless `normal: 'lines'`;
 * with `anomalous: 'density'` anomalous panels do too, with the lines of their standout IPs on top.
 */
export function plotAllIps(
  anomalous: Frame,
  normalSample: Frame,
  family: string,
  given: AllIpsOptions = {},
): PlotlyFigure {
  const options = checkAllIpsOptions(given);
  const log = options.yScale === 'log';
  const maxLines = options.maxLines ?? TIMELINE_DEFAULTS.maxLines;
  const maxAnomalousLines = options.maxAnomalousLines ?? TIMELINE_DEFAULTS.maxAnomalousLines;
  const nBins = options.bins ?? TIMELINE_DEFAULTS.bins;
  const height = options.height ?? TIMELINE_DEFAULTS.height;
  const panels: Panel[] = [];
  for (const role of ['source', 'dst'] as const) {
    panels.push({ role, group: 'anomalous', frame: anomalous, rows: anomalous.rowsWithRole(role) });
    panels.push({ role, group: 'normal', frame: normalSample, rows: normalSample.rowsWithRole(role) });
  }
  const gap = 0.075;
  const panelHeight = (1 - gap * (panels.length - 1)) / panels.length;
  const data: PlotlyTrace[] = [];
  const layout: Record<string, unknown> = {
    title: { text: escapeHtml(options.title ?? `${family} along the timeline`), x: 0.01, xanchor: 'left' },
    height,
    hovermode: 'closest',
    showlegend: false,
    margin: { l: 70, r: 20, t: 90, b: 40 },
    plot_bgcolor: '#ffffff',
    paper_bgcolor: '#ffffff',
  };
  const lines = lineTemplate(family, xEncoding(anomalous.family(family).starts));
  layout.template = { data: { scatter: [lines] } };
  const annotations: Record<string, unknown>[] = [];
  panels.forEach((panel, i) => {
    const n = i + 1;
    const suffix = n === 1 ? '' : String(n);
    const axes: Axes = { x: `x${suffix}`, y: `y${suffix}` };
    const top = 1 - i * (panelHeight + gap);
    const domain = [Math.max(0, top - panelHeight), top];
    const mode = panel.group === 'normal' ? (options.normal ?? 'auto') : (options.anomalous ?? 'auto');
    const density =
      mode === 'density' ||
      (mode === 'auto' && panel.rows.length > (panel.group === 'normal' ? maxLines : maxAnomalousLines));
    const standouts =
      density && panel.group === 'anomalous'
        ? standoutRows(panel.frame, family, panel.role, options.standoutLines ?? TIMELINE_DEFAULTS.standoutLines)
        : { found: 0, rows: new Int32Array(0) };
    const drawn = lineTraces(density ? { ...panel, rows: standouts.rows } : panel, family, axes, log, lines);
    if (density) data.push(...densityTraces(panel, family, axes, log, nBins));
    data.push(...drawn.traces);
    layout[`xaxis${suffix}`] = {
      type: 'date',
      anchor: axes.y,
      ...(n > 1 ? { matches: 'x' } : {}),
      // The day under the hours only on the lowest panel: the gap above each panel holds its title and note.
      ...(n < panels.length ? { tickformat: '%H:%M' } : {}),
      showgrid: true,
      gridcolor: '#eeeeee',
      linecolor: '#888888',
      ticks: 'outside',
    };
    layout[`yaxis${suffix}`] = {
      type: log ? 'log' : 'linear',
      anchor: axes.x,
      domain,
      exponentformat: 'SI',
      showgrid: true,
      gridcolor: '#eeeeee',
      linecolor: '#888888',
      zeroline: false,
    };
    const title = panelTitle(panel.role, panel.group, family, panel.rows.length);
    annotations.push({
      text: `<b>${escapeHtml(title)}</b>`,
      xref: 'paper',
      yref: 'paper',
      x: 0,
      y: top,
      xanchor: 'left',
      yanchor: 'bottom',
      // Above the note's line: title and note never share a line, so they cannot overprint at any width.
      yshift: 14,
      showarrow: false,
      font: { size: 13 },
    });
    const note =
      panel.rows.length === 0
        ? `no ${panel.group} ${roleWord(panel.role)} IPs`
        : density
          ? densityNote(panel, standouts.found, standouts.rows.length - drawn.flat)
          : flatNote(drawn.flat, panel.rows.length, log);
    if (note) {
      annotations.push({
        // Our words and counts only (no label or family name): nothing to escape.
        text: note,
        xref: 'paper',
        yref: 'paper',
        x: 0,
        y: top,
        xanchor: 'left',
        yanchor: 'bottom',
        showarrow: false,
        font: { size: 10, color: '#555555' },
      });
    }
  });
  layout.annotations = annotations;
  uncheckedTickLabels(layout);
  const fig: PlotlyFigure = { data, layout, config: { responsive: true, displaylogo: false } };
  return options.lineTraces === 'grouped'
    ? groupLines(fig, options.hoverStride ?? TIMELINE_DEFAULTS.hoverStride, (v) => typedArraySpec(v))
    : fig;
}
