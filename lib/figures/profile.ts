/**
 * One IP's profile: small multiples, one per family, of its value along the timeline against the
 * normal band of its role (median, p5–p95, over ALL normal rows: lib/evaluation/baseline.ts). A pure Plotly
 * spec; the label is attacker-written and escaped.
 */
import { type NormalBaseline, baselineColumn, baselineIndex } from '../evaluation/baseline';
import type { Frame } from '../table/frame';
import { escapeHtml } from '../html';
import { type PlotlyFigure, type PlotlyTrace, compactTypedArraySpec, uncheckedTickLabels } from './spec';
import { xEncoding } from './windows';
import type { Reason } from '../triage/reasons';

/** Options of {@link profileFigure}. */
export interface ProfileOptions {
  /** Families shown, in order. Default: the row's reasons (or its first families). */
  readonly families?: readonly string[];
  /** Panels per row of the grid. Default 2. */
  readonly columns?: number;
  readonly title?: string;
  /** Why the IP is shown (e.g. `only the 30T run flagged it`), under the title. */
  readonly note?: string;
}

/** The profile of row `row` of `frame` (any run or the full table, same window grid as the baseline). */
export function profileFigure(
  frame: Frame,
  row: number,
  baseline: NormalBaseline,
  reasons: readonly Pick<Reason, 'family' | 'families' | 'kind' | 'direction' | 'score' | 'windows'>[],
  options: ProfileOptions = {},
): PlotlyFigure {
  const label = frame.index[row];
  const role = frame.roles[row];
  const index = baselineIndex(baseline);
  const inBaseline = new Set(baseline.columns.map((key) => key.family));
  const known = frame.families().filter((f) => inBaseline.has(f));
  const families = (options.families ?? (reasons.length > 0 ? reasons.map((r) => r.family) : known.slice(0, 4))).filter(
    (f) => known.includes(f),
  );
  const cols = Math.max(1, Math.min(options.columns ?? 2, families.length));
  const rows = Math.max(1, Math.ceil(families.length / cols));
  const data: PlotlyTrace[] = [];
  const layout: Record<string, unknown> = {
    title: {
      text: `${escapeHtml(options.title ?? `${label}: its values against normal ${role === 'source' ? 'sources' : 'destinations'}`)}${options.note ? `<br><sup>${escapeHtml(options.note)}</sup>` : ''}`,
      x: 0.01,
      xanchor: 'left',
    },
    height: 120 + 230 * rows,
    showlegend: true,
    hovermode: 'x unified',
    legend: { orientation: 'h', x: 0.5, xanchor: 'center', y: -0.06, yanchor: 'top' },
    margin: { l: 55, r: 20, t: 90, b: 60 },
    plot_bgcolor: '#ffffff',
    paper_bgcolor: '#ffffff',
  };
  const annotations: Record<string, unknown>[] = [];
  const gap = 0.08;
  families.forEach((family, k) => {
    const view = frame.family(family);
    const at = Array.from(view.starts, (s) => baselineColumn(index, family, s));
    const pick = (arr: Float64Array): Float64Array => Float64Array.from(at, (j) => (j < 0 ? NaN : arr[j]));
    // The window grid once per trace as x0/dx (explicit x only when uneven), values in their smallest
    // exact dtype: a profile's traces share one grid, so explicit x would repeat it 4× a family.
    const x = xEncoding(view.starts);
    const axis = k === 0 ? '' : String(k + 1);
    const first = k === 0;
    const reason = reasons.find((r) => r.family === family || r.families.includes(family));
    const series = view.series(row);
    const p95 = pick(baseline.p95[role]);
    let top = 0;
    for (const v of series) if (v > top) top = v;
    for (const v of p95) if (v > top) top = v;
    data.push(
      {
        type: 'scatter',
        mode: 'lines',
        ...x,
        y: compactTypedArraySpec(pick(baseline.p5[role])),
        xaxis: `x${axis}`,
        yaxis: `y${axis}`,
        line: { width: 0 },
        hoverinfo: 'skip',
        showlegend: false,
        legendgroup: 'band',
      },
      {
        type: 'scatter',
        mode: 'lines',
        ...x,
        y: compactTypedArraySpec(p95),
        xaxis: `x${axis}`,
        yaxis: `y${axis}`,
        // An edge line: where most normal IPs are silent the band is flat at 0, and must still show.
        line: { width: 1, color: 'rgba(31,119,180,0.55)' },
        fill: 'tonexty',
        fillcolor: 'rgba(31,119,180,0.18)',
        name: 'normal p5–p95 (all normal IPs of its role)',
        legendgroup: 'band',
        showlegend: first,
        hovertemplate: 'normal p95 %{y:.4g}<extra></extra>',
      },
      {
        type: 'scatter',
        mode: 'lines',
        ...x,
        y: compactTypedArraySpec(pick(baseline.median[role])),
        xaxis: `x${axis}`,
        yaxis: `y${axis}`,
        line: { color: '#08519c', width: 1.5, dash: 'dot' },
        name: 'normal median',
        legendgroup: 'median',
        showlegend: first,
        hovertemplate: 'normal median %{y:.4g}<extra></extra>',
      },
      {
        type: 'scatter',
        mode: 'lines',
        ...x,
        y: compactTypedArraySpec(series),
        xaxis: `x${axis}`,
        yaxis: `y${axis}`,
        line: { color: '#d62728', width: 1.5 },
        name: escapeHtml(label),
        legendgroup: 'ip',
        showlegend: first,
        hovertemplate: `${escapeHtml(label)} %{y:.4g}<extra></extra>`,
      },
    );
    const c = k % cols;
    const r = Math.floor(k / cols);
    const x0 = c / cols + (c > 0 ? gap / 2 : 0);
    const x1 = (c + 1) / cols - (c < cols - 1 ? gap / 2 : 0);
    const y1 = 1 - r / rows - (r > 0 ? gap / 2 : 0);
    const y0 = 1 - (r + 1) / rows + (r < rows - 1 ? gap / 2 : 0);
    layout[`xaxis${axis}`] = { domain: [x0, x1], anchor: `y${axis}`, type: 'date', showgrid: false };
    // 0 lifted off the axis line, so that a band or median flat at 0 stays visible.
    const span = top > 0 ? top : 1;
    layout[`yaxis${axis}`] = {
      domain: [y0, y1],
      anchor: `x${axis}`,
      gridcolor: '#eeeeee',
      range: [-0.06 * span, 1.06 * span],
      zeroline: false,
    };
    if (reason) {
      layout.shapes ??= [] as unknown[];
      (layout.shapes as unknown[]).push({
        type: 'rect',
        xref: `x${axis}`,
        yref: `y${axis} domain`,
        x0: reason.windows.from,
        x1: reason.windows.to + frame.grid().stepMs,
        y0: 0,
        y1: 1,
        fillcolor: 'rgba(214,39,40,0.08)',
        line: { width: 0 },
        layer: 'below',
      });
    }
    const why = reason
      ? ` (${reason.kind === 'vs-normal' ? `${reason.direction} vs normal` : reason.direction === 'high' ? 'high vs own history' : 'silent vs own history'} ${reason.score.toFixed(1)})`
      : '';
    annotations.push({
      text: `<b>${escapeHtml(family)}</b>${why}`,
      xref: 'paper',
      yref: 'paper',
      x: (x0 + x1) / 2,
      y: y1,
      xanchor: 'center',
      yanchor: 'bottom',
      showarrow: false,
      font: { size: 11 },
    });
  });
  if (layout.shapes) {
    // The shaded windows in the legend: a trace with no point, drawn as a square of the shade's colour.
    data.push({
      type: 'scatter',
      mode: 'markers',
      x: [null],
      y: [null],
      marker: { symbol: 'square', size: 12, color: 'rgba(214,39,40,0.25)' },
      name: 'windows of a reason',
      hoverinfo: 'skip',
      showlegend: true,
    });
  }
  layout.annotations = annotations;
  return { data, layout: uncheckedTickLabels(layout), config: { responsive: true, displaylogo: false } };
}
