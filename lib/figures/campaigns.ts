/**
 * The campaigns heatmap: anomalous IPs (rows, in dendrogram order, groups contiguous) × families,
 * coloured by signed deviation score (red high, blue low), with each group's name beside its
 * block. A pure Plotly spec; labels are attacker-written and escaped.
 */
import type { Campaigns } from '../triage/campaigns';
import { escapeHtml } from '../html';
import { type PlotlyFigure, typedArraySpec, uncheckedTickLabels } from './spec';

/** Options of {@link campaignsFigure}. */
export interface CampaignsFigureOptions {
  readonly title?: string;
  /** Pixels per IP row. Default 4 (IP names on the axis up to 60 rows, in the hover always). */
  readonly rowHeight?: number;
}

/** Plotly's RdBu, reversed: blue for low, white at 0, red for high. */
const DIVERGING = [
  [0, '#2166ac'],
  [0.25, '#92c5de'],
  [0.5, '#f7f7f7'],
  [0.75, '#f4a582'],
  [1, '#b2182b'],
];

/** The heatmap of a campaigns result. */
export function campaignsFigure(campaigns: Campaigns, options: CampaignsFigureOptions = {}): PlotlyFigure {
  const { matrix, order, groups, groupOf } = campaigns;
  const nf = matrix.families.length;
  const z = new Float32Array(order.length * nf);
  order.forEach((r, i) => z.set(matrix.values.subarray(r * nf, (r + 1) * nf), i * nf));
  let top = 0;
  for (const v of z) top = Math.max(top, Math.abs(v));
  const labels = order.map((r) => escapeHtml(matrix.labels[r]));
  const rowHeight = options.rowHeight ?? 4;
  const showNames = order.length <= 60;
  const height = Math.max(360, 140 + order.length * (showNames ? Math.max(rowHeight, 16) : rowHeight));
  // Group blocks: a line under each, its name at its middle (rows run top to bottom).
  const shapes: Record<string, unknown>[] = [];
  const annotations: Record<string, unknown>[] = [];
  let start = 0;
  const blocks = [
    ...groups.map((g) => ({
      name: g.id,
      size: g.size,
      note: g.defining.length > 0 ? `${g.defining[0].direction} ${g.defining[0].family}` : '',
    })),
    ...(order.length > start + groups.reduce((sum, g) => sum + g.size, 0)
      ? [{ name: 'in no campaign', size: order.length - groups.reduce((sum, g) => sum + g.size, 0), note: '' }]
      : []),
  ];
  blocks.forEach((group) => {
    const end = start + group.size;
    if (end < order.length) {
      shapes.push({
        type: 'line',
        xref: 'paper',
        x0: 0,
        x1: 1,
        yref: 'y',
        y0: end - 0.5,
        y1: end - 0.5,
        line: { color: '#222222', width: 1 },
      });
    }
    annotations.push({
      xref: 'paper',
      x: 1.01,
      xanchor: 'left',
      yref: 'y',
      y: (start + end - 1) / 2,
      yanchor: 'middle',
      showarrow: false,
      align: 'left',
      // One line, so that small neighbouring groups stay readable; the list under the figure has every family.
      text: `<b>${escapeHtml(group.name)}</b> · ${group.size} IP${group.size === 1 ? '' : 's'}${group.note ? ` · ${escapeHtml(group.note)}` : ''}`,
      font: { size: 10 },
    });
    start = end;
  });
  const groupNames = order.map((r) => (groupOf[r] >= 0 ? escapeHtml(groups[groupOf[r]].id) : 'none'));
  return {
    data: [
      {
        type: 'heatmap',
        z: typedArraySpec(z, [order.length, nf]),
        x: matrix.families.map(escapeHtml),
        y: order.map((_, i) => i),
        customdata: labels.map((label, i) => [label, groupNames[i]]),
        // No colour bar: plotly.js 2.35 (JupyterLab's renderer) fails to draw a horizontal one into a cell
        // that is not laid out yet, and a vertical one would cover the group names; the title says the scale.
        colorscale: DIVERGING,
        zmin: -Math.max(top, 1),
        zmax: Math.max(top, 1),
        showscale: false,
        hovertemplate: '%{customdata[0]} (campaign %{customdata[1]})<br>%{x}: %{z:.1f}<extra></extra>',
      },
    ],
    layout: uncheckedTickLabels({
      title: {
        text: escapeHtml(
          options.title ??
            `Campaigns: ${order.length} flagged IPs × ${nf} families, ${groups.length} campaign${groups.length === 1 ? '' : 's'} (red: high, blue: low or silent; score ±${Math.round(Math.max(top, 1))})`,
        ),
        x: 0.01,
        xanchor: 'left',
      },
      height,
      margin: { l: showNames ? 170 : 40, r: 260, t: 110, b: 150 },
      xaxis: { tickangle: -60, tickfont: { size: 9 }, side: 'bottom' },
      yaxis: {
        autorange: 'reversed',
        showgrid: false,
        zeroline: false,
        ...(showNames
          ? {
              tickmode: 'array',
              tickvals: order.map((_, i) => i),
              // `labels` are escaped once already: escaping again would show `&amp;lt;` for a `<`.
              ticktext: labels,
              tickfont: { size: 11 },
            }
          : { showticklabels: false, title: { text: 'anomalous IPs (similar ones together)' } }),
      },
      shapes,
      annotations,
      plot_bgcolor: '#ffffff',
      paper_bgcolor: '#ffffff',
    }),
    config: { responsive: true, displaylogo: false },
  };
}
