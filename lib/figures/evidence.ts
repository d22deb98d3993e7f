/** Per-family evidence (anomalous vs normal, source vs destination) as grouped bars. */
import type { FamilyEvidence, Role } from '../types';
import { escapeHtml } from '../html';
import { humanShare, roleWord } from '../evaluation/evidence';
import { type PlotlyFigure, type PlotlyTrace, uncheckedTickLabels } from './spec';

/** Formats a statistic for hover and bar text: 4 significant digits, `n/a` when not a number. */
function stat(value: number): string {
  return Number.isNaN(value)
    ? 'n/a'
    : Number(value.toPrecision(4)).toLocaleString('en-US', { maximumFractionDigits: 10 });
}

/**
 * Per-family evidence: anomalous vs normal, source vs destination, side by side for the mean,
 * the median and the share of non-zero windows (hover adds IPs, p95 and max).
 */
export function evidenceFigure(
  evidence: FamilyEvidence,
  options: { height?: number; title?: string } = {},
): PlotlyFigure {
  const metrics = [
    { key: 'mean', label: 'mean' },
    { key: 'median', label: 'median' },
    { key: 'nonzeroShare', label: 'share of non-zero windows' },
  ] as const;
  const groups = [
    { group: 'anomalous', color: '#d62728' },
    { group: 'normal', color: '#1f77b4' },
  ] as const;
  const roles: Role[] = ['source', 'dst'];
  const data: PlotlyTrace[] = [];
  const layout: Record<string, unknown> = {
    title: {
      text: escapeHtml(options.title ?? `${evidence.family}: anomalous vs normal IPs`),
      x: 0.01,
      xanchor: 'left',
    },
    height: options.height ?? 370,
    barmode: 'group',
    hovermode: 'closest',
    // Below the panels: above them it would cover the panel titles.
    legend: { orientation: 'h', x: 0.5, xanchor: 'center', y: -0.12, yanchor: 'top' },
    margin: { l: 50, r: 20, t: 80, b: 70 },
    plot_bgcolor: '#ffffff',
    paper_bgcolor: '#ffffff',
  };
  const annotations: Record<string, unknown>[] = [];
  const width = 1 / metrics.length;
  metrics.forEach((metric, m) => {
    const suffix = m === 0 ? '' : String(m + 1);
    for (const { group, color } of groups) {
      const cells = roles.map((role) => evidence.cells.find((c) => c.group === group && c.role === role));
      const values = cells.map((c) => (c ? c[metric.key] : NaN));
      data.push({
        type: 'bar',
        name: group,
        legendgroup: group,
        showlegend: m === 0,
        marker: { color },
        x: roles.map(roleWord),
        y: values.map((v) => (Number.isFinite(v) ? v : null)),
        text: values.map(metric.key === 'nonzeroShare' ? humanShare : stat),
        textposition: 'outside',
        cliponaxis: false,
        customdata: cells.map((c) =>
          c ? [c.ips, stat(c.p95), stat(c.max), stat(c.mean), stat(c.median)] : [0, 'n/a', 'n/a', 'n/a', 'n/a'],
        ),
        xaxis: `x${suffix}`,
        yaxis: `y${suffix}`,
        hovertemplate: `${group} %{x} IPs (%{customdata[0]})<br>${metric.label}: %{text}<br>p95 %{customdata[1]}, max %{customdata[2]}<extra></extra>`,
      });
    }
    layout[`xaxis${suffix}`] = { domain: [m * width + 0.04, (m + 1) * width - 0.04], anchor: `y${suffix}` };
    layout[`yaxis${suffix}`] = {
      anchor: `x${suffix}`,
      gridcolor: '#eeeeee',
      // A fixed range leaves rangemode unused (Plotly.validate says so): one or the other.
      ...(metric.key === 'nonzeroShare' ? { range: [0, 1.1], tickformat: '.0%' } : { rangemode: 'tozero' }),
    };
    annotations.push({
      text: `<b>${metric.label}</b>`,
      xref: 'paper',
      yref: 'paper',
      x: (m + 0.5) * width,
      y: 1,
      xanchor: 'center',
      yanchor: 'bottom',
      showarrow: false,
    });
  });
  layout.annotations = annotations;
  return { data, layout: uncheckedTickLabels(layout), config: { responsive: true, displaylogo: false } };
}
