/**
 * Per-IP lines of a timeline panel: one trace per IP over the windows it is not silent in, what
 * every line shares stated once in the figure's template.
 */
import { type PlotlyFigure, type PlotlyTrace, compactTypedArraySpec, typedArraySpec } from './spec';
import { type Axes, HOVER_TIME, type Panel, escapeTemplate, xEncoding } from './windows';
import { escapeHtml } from '../html';
import { formatNaiveTimestamp } from '../types';

/**
 * What every per-IP line of a family shares, kept once in the figure's template
 * (`layout.template.data.scatter`) instead of on each of its hundreds of traces: mode, width,
 * the hover naming IP and window, no legend, and the window grid when evenly spaced.
 */
export function lineTemplate(family: string, x: Record<string, unknown>): PlotlyTrace {
  return {
    mode: 'lines',
    line: { width: 1 },
    showlegend: false,
    hovertemplate: `<b>%{fullData.name}</b><br>window ${HOVER_TIME}<br>${escapeTemplate(family)} = %{y:.6g}<extra></extra>`,
    ...(x.x0 !== undefined ? { x0: x.x0, dx: x.dx } : {}),
  };
}

/**
 * A trace with what it leaves to its figure's scatter template ({@link lineTemplate}) filled in:
 * the attributes plotly.js draws it with (for tests and tools that read specs).
 */
export function traceWithTemplate(fig: PlotlyFigure, trace: PlotlyTrace): PlotlyTrace {
  const template = fig.layout.template as { data?: { scatter?: PlotlyTrace[] } } | undefined;
  const shared = template?.data?.scatter?.length === 1 ? template.data.scatter[0] : undefined;
  if (!shared || (trace.type ?? 'scatter') !== 'scatter') return trace;
  return {
    ...shared,
    ...trace,
    line: { ...(shared.line as object | undefined), ...(trace.line as object | undefined) },
  };
}

/**
 * The windows of a series worth drawing: from the window before its first value other than 0 to
 * the window after its last (so the line still rises from 0 and falls back to it), or undefined
 * when no value is other than 0 (a line flat at 0 along the axis, hidden under every other).
 * Missing values count as 0 here; inside the span they stay gaps.
 */
export function drawnSpan(series: ArrayLike<number>): { from: number; to: number } | undefined {
  let first = -1;
  let last = -1;
  for (let w = 0; w < series.length; w++) {
    const v = series[w];
    if (v !== 0 && v === v) {
      if (first < 0) first = w;
      last = w;
    }
  }
  return first < 0 ? undefined : { from: Math.max(0, first - 1), to: Math.min(series.length - 1, last + 1) };
}

/** Lines of a panel, and how many of its IPs had nothing but 0 to draw. */
export interface PanelLines {
  readonly traces: PlotlyTrace[];
  readonly flat: number;
}

/**
 * One line per IP, hover naming the IP and window: each trace holds only its name, axes and
 * values (smallest exact dtype) over its {@link drawnSpan}; the rest comes from the figure's
 * {@link lineTemplate}, or is stated on the trace when its first window is not the template's.
 * About a third of an anomalous IP's windows are leading or trailing silence at seed scale: not
 * storing them keeps the notebook and JupyterLab's memory that much smaller.
 */
export function lineTraces(panel: Panel, family: string, axes: Axes, log: boolean, template: PlotlyTrace): PanelLines {
  const view = panel.frame.family(family);
  const starts = view.starts;
  const grid = xEncoding(starts);
  const regular = grid.x0 !== undefined;
  const sameDx = grid.dx === template.dx;
  const traces: PlotlyTrace[] = [];
  let flat = 0;
  for (const row of panel.rows) {
    const series = Float64Array.from(view.series(row), (v) => (log && !(v > 0) ? NaN : v));
    const span = drawnSpan(series);
    if (!span) {
      flat++;
      continue;
    }
    const x0 = formatNaiveTimestamp(starts[span.from]);
    const own = !regular
      ? { x: typedArraySpec(starts.slice(span.from, span.to + 1)) }
      : x0 === template.x0 && sameDx
        ? {}
        : sameDx
          ? { x0 }
          : { x0, dx: grid.dx };
    const y = compactTypedArraySpec(series.subarray(span.from, span.to + 1));
    traces.push({ type: 'scatter', xaxis: axes.x, yaxis: axes.y, name: escapeHtml(panel.frame.index[row]), ...own, y });
  }
  return { traces, flat };
}
