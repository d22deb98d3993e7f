/**
 * A family's levels as the findings compare them: per group and role, the mean over IPs of each
 * IP's mean over its active windows, beside how busy the group is (share of windows active). The
 * figure under each section's summary, so what a reader sees is what the verdicts measured, not a
 * mean over silent windows that mostly counts activity. A pure Plotly spec.
 */
import { humanNumber, humanShare, roleWord } from '../evaluation/evidence';
import type { FindingContext } from '../findings';
import { meanAt } from '../findings/measures';
import { escapeHtml } from '../html';
import { type PlotlyFigure, type PlotlyTrace, uncheckedTickLabels } from './spec';
import { type Group, ROLES } from '../types';

const GROUP_COLOURS: Readonly<Record<Group, string>> = { anomalous: '#d62728', normal: '#1f77b4' };

/** The levels figure of `family` on the findings' data (anomalous rows and the normal sample). */
export function levelsFigure(ctx: FindingContext, family: string, options: { height?: number } = {}): PlotlyFigure {
  const panels = [
    {
      title: `${family}: mean over active windows`,
      value: (g: Group, r: (typeof ROLES)[number]) => meanAt(ctx.perIp(g, r, family, 'activeMean')),
      text: humanNumber,
    },
    {
      title: 'share of windows active',
      value: (g: Group, r: (typeof ROLES)[number]) => meanAt(ctx.activity(g, r)),
      text: humanShare,
    },
  ];
  const data: PlotlyTrace[] = [];
  const layout: Record<string, unknown> = {
    height: options.height ?? 340,
    barmode: 'group',
    hovermode: 'closest',
    legend: { orientation: 'h', x: 0.5, xanchor: 'center', y: -0.15, yanchor: 'top' },
    margin: { l: 50, r: 20, t: 60, b: 70 },
    plot_bgcolor: '#ffffff',
    paper_bgcolor: '#ffffff',
    annotations: panels.map((panel, p) => ({
      text: `<b>${escapeHtml(panel.title)}</b>`,
      xref: 'paper',
      yref: 'paper',
      x: (p + 0.5) / panels.length,
      y: 1.02,
      xanchor: 'center',
      yanchor: 'bottom',
      showarrow: false,
    })),
  };
  panels.forEach((panel, p) => {
    const suffix = p === 0 ? '' : String(p + 1);
    for (const group of ['anomalous', 'normal'] as const) {
      const values = ROLES.map((role) => panel.value(group, role));
      data.push({
        type: 'bar',
        name: group,
        legendgroup: group,
        showlegend: p === 0,
        marker: { color: GROUP_COLOURS[group] },
        x: ROLES.map(roleWord),
        y: values.map((v) => (Number.isFinite(v) ? v : null)),
        text: values.map(panel.text),
        textposition: 'outside',
        cliponaxis: false,
        xaxis: `x${suffix}`,
        yaxis: `y${suffix}`,
        hovertemplate: `${group} %{x}: %{text}<extra></extra>`,
      });
    }
    layout[`xaxis${suffix}`] = {
      domain: [p / panels.length + 0.04, (p + 1) / panels.length - 0.04],
      anchor: `y${suffix}`,
    };
    // The share panel has a fixed range (0 to 110 %); a rangemode beside it is unused (Plotly.validate says so).
    layout[`yaxis${suffix}`] = {
      anchor: `x${suffix}`,
      gridcolor: '#eeeeee',
      ...(p === 1 ? { range: [0, 1.1], tickformat: '.0%' } : { rangemode: 'tozero' }),
    };
  });
  return { data, layout: uncheckedTickLabels(layout), config: { responsive: true, displaylogo: false } };
}
