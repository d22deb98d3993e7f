/**
 * A panel with too many IPs to draw as lines: a density of IPs per value bin and window,
 * with median, p95 and max lines.
 */
import { type PlotlyTrace, compactTypedArraySpec, typedArraySpec } from './spec';
import { type Axes, HOVER_TIME, type Panel, escapeTemplate, xEncoding } from './windows';
import { escapeHtml } from '../html';
import { quantileSorted } from '../evaluation/evidence';

/**
 * The density colours over counts 0..`peak`: empty bins (0) transparent, then light to dark blue
 * from 1 IP to the peak. Counts stay integers (1–2 bytes a cell instead of a 4-byte float with NaN gaps).
 */
function densityColorscale(peak: number): [number, string][] {
  const at = (share: number): number => (1 + share * (peak - 1)) / peak;
  const empty = 0.5 / peak;
  return [
    [0, 'rgba(255,255,255,0)'],
    [empty, 'rgba(255,255,255,0)'],
    [empty, '#c6dbef'],
    [Math.max(empty, at(0.05)), '#6baed6'],
    [Math.max(empty, at(0.3)), '#2171b5'],
    [1, '#08306b'],
  ];
}

/**
 * A panel with too many lines to draw: a heatmap counting the IPs in each value bin per
 * window (bins span the actual minimum to maximum, so extremes stay visible), with the median,
 * 95th percentile and maximum per window as lines; the max line's hover names the IP.
 */
export function densityTraces(panel: Panel, family: string, axes: Axes, log: boolean, nBins: number): PlotlyTrace[] {
  const view = panel.frame.family(family);
  const nW = view.starts.length;
  const rows = panel.rows;
  let lo = Infinity;
  let hi = -Infinity;
  const columnValues: Float64Array[] = [];
  for (let w = 0; w < nW; w++) {
    const values = new Float64Array(rows.length);
    let n = 0;
    for (const row of rows) {
      const v = view.value(row, w);
      if (Number.isFinite(v) && (!log || v > 0)) {
        values[n++] = v;
        if (v < lo) lo = v;
        if (v > hi) hi = v;
      }
    }
    columnValues.push(values.subarray(0, n).sort());
  }
  if (!(lo <= hi)) return [];
  const toAxis = log ? Math.log10 : (v: number) => v;
  const fromAxis = log ? (v: number) => 10 ** v : (v: number) => v;
  let a = toAxis(lo);
  let b = toAxis(hi);
  if (a === b) {
    a -= 0.5;
    b += 0.5;
  }
  const width = (b - a) / nBins;
  const edges = Float64Array.from({ length: nBins + 1 }, (_, i) => fromAxis(a + i * width));
  const counts = new Uint32Array(nBins * nW);
  const median = new Float32Array(nW);
  const p95 = new Float32Array(nW);
  const max = new Float32Array(nW);
  const maxIp: string[] = [];
  for (let w = 0; w < nW; w++) {
    const sorted = columnValues[w];
    for (const v of sorted) {
      const bin = Math.min(nBins - 1, Math.max(0, Math.floor((toAxis(v) - a) / width)));
      const at = bin * nW + w;
      counts[at]++;
    }
    median[w] = quantileSorted(sorted, 0.5);
    p95[w] = quantileSorted(sorted, 0.95);
    max[w] = sorted.length ? sorted[sorted.length - 1] : NaN;
    let who = '';
    if (sorted.length) {
      for (const row of rows) {
        if (view.value(row, w) === max[w] || Math.fround(view.value(row, w)) === max[w]) {
          who = panel.frame.index[row];
          break;
        }
      }
    }
    maxIp.push(escapeHtml(who));
  }
  let peak = 1;
  for (let i = 0; i < counts.length; i++) if (counts[i] > peak) peak = counts[i];
  const x = xEncoding(view.starts);
  const fam = escapeTemplate(family);
  const common = { xaxis: axes.x, yaxis: axes.y, showlegend: false, ...x };
  return [
    {
      type: 'heatmap',
      ...common,
      y: typedArraySpec(edges),
      z: compactTypedArraySpec(counts, [nBins, nW]),
      zmin: 0,
      zmax: peak,
      colorscale: densityColorscale(peak),
      showscale: false,
      name: 'density',
      hovertemplate: `window ${HOVER_TIME}<br>${fam} ≈ %{y:.4g}<br>%{z} ${panel.group} IPs in this bin<extra></extra>`,
    },
    {
      type: 'scatter',
      mode: 'lines',
      ...common,
      name: 'median',
      y: typedArraySpec(median),
      line: { width: 1.5, color: '#111111' },
      hovertemplate: `median<br>window ${HOVER_TIME}<br>${fam} = %{y:.6g}<extra></extra>`,
    },
    {
      type: 'scatter',
      mode: 'lines',
      ...common,
      name: 'p95',
      y: typedArraySpec(p95),
      line: { width: 1.2, color: '#e6550d', dash: 'dash' },
      hovertemplate: `95th percentile<br>window ${HOVER_TIME}<br>${fam} = %{y:.6g}<extra></extra>`,
    },
    {
      type: 'scatter',
      mode: 'lines',
      ...common,
      name: 'max',
      y: typedArraySpec(max),
      text: maxIp,
      line: { width: 1, color: '#a50f15', dash: 'dot' },
      hovertemplate: `max: <b>%{text}</b><br>window ${HOVER_TIME}<br>${fam} = %{y:.6g}<extra></extra>`,
    },
  ];
}

/** The note of a line panel some of whose IPs have nothing to draw: how many, and why. */
