/**
 * Figures of the evaluation as plain Plotly specs (data, layout, config): no I/O, no browser.
 * Numbers travel as typed arrays (`{dtype, bdata, shape}`), which plotly.js 2.28+ decodes;
 * every string that comes from a file is HTML-escaped, because Plotly reads its text as
 * pseudo-HTML (it renders <b>, <br>, <a>...).
 */
import { FamilyEvidence, Role, formatNaiveTimestamp } from './types';
import { Frame } from './frame';
import { escapeHtml } from './html';
import { LabelledRun, exclusiveIntersections, uniqueToRun } from './overlap';
import { humanShare, quantileSorted, roleWord } from './evidence';

/** One Plotly trace (scatter, heatmap, bar...): a plain JSON object. */
export type PlotlyTrace = Record<string, unknown>;

/** A complete Plotly figure: what `Plotly.newPlot(div, data, layout, config)` takes. */
export interface PlotlyFigure {
  data: PlotlyTrace[];
  layout: Record<string, unknown>;
  config?: Record<string, unknown>;
}

/** Plotly's typed-array encoding: base64 bytes, element type and (for 2-D) a `"rows,cols"` shape. */
export interface TypedArraySpec {
  readonly dtype: 'f4' | 'f8' | 'u1' | 'u2' | 'u4' | 'i4';
  readonly bdata: string;
  /** A STRING `"rows,cols"`: plotly.js silently hides a heatmap whose shape is an array. */
  readonly shape?: string;
}

/** Encodes numbers as a Plotly typed-array spec (little-endian bytes in base64). */
export function typedArraySpec(
  values: Float32Array | Float64Array | Uint8Array | Uint16Array | Uint32Array | Int32Array,
  shape?: readonly [number, number],
): TypedArraySpec {
  const dtype: TypedArraySpec['dtype'] =
    values instanceof Float32Array ? 'f4'
      : values instanceof Float64Array ? 'f8'
        : values instanceof Uint8Array ? 'u1'
          : values instanceof Uint16Array ? 'u2'
            : values instanceof Uint32Array ? 'u4' : 'i4';
  const bdata = Buffer.from(values.buffer, values.byteOffset, values.byteLength).toString('base64');
  return shape ? { dtype, bdata, shape: `${shape[0]},${shape[1]}` } : { dtype, bdata };
}

/**
 * The smallest exact typed-array spec of a series: `u1`, `u2` or `i4` when every value is an integer
 * in range (counts, flags, most sums: 1–2 bytes a point instead of 4), else `f4` (gaps as NaN).
 * Plotly draws and hovers the same numbers either way.
 */
export function compactTypedArraySpec(values: ArrayLike<number>, shape?: readonly [number, number]): TypedArraySpec {
  let integers = true;
  let lo = Infinity;
  let hi = -Infinity;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (!Number.isInteger(v)) {
      integers = false;
      break;
    }
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  if (integers && values.length > 0) {
    if (lo >= 0 && hi <= 0xff) return typedArraySpec(Uint8Array.from(values), shape);
    if (lo >= 0 && hi <= 0xffff) return typedArraySpec(Uint16Array.from(values), shape);
    if (lo >= -0x80000000 && hi <= 0x7fffffff) return typedArraySpec(Int32Array.from(values), shape);
  }
  return typedArraySpec(Float32Array.from(values), shape);
}

/** Decodes a Plotly typed-array spec back to numbers (for tests and tools). */
export function decodeTypedArray(spec: TypedArraySpec): Float64Array {
  const bytes = Buffer.from(spec.bdata, 'base64');
  const buffer = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength);
  const Ctor = { f4: Float32Array, f8: Float64Array, u1: Uint8Array, u2: Uint16Array, u4: Uint32Array, i4: Int32Array }[spec.dtype];
  return Float64Array.from(new Ctor(buffer));
}

/** Options of {@link plotAllIps}. */
export interface AllIpsOptions {
  /** Y axis scale of every panel. Default `linear`; `log` drops values ≤ 0 (as any log plot must). */
  yScale?: 'linear' | 'log';
  /**
   * How normal panels draw: `lines` one line per IP always; `density` a heatmap of how many IPs
   * sit in each value bin per window, with median, p95 and max lines; `auto` (default) lines
   * up to `maxLines` IPs, density above.
   */
  normal?: 'auto' | 'lines' | 'density';
  /** Most lines a normal panel draws in `auto` mode. Default 500. */
  maxLines?: number;
  /** Value bins of a density panel. Default 60. */
  bins?: number;
  /**
   * How line panels hold their lines: `per-ip` (default) one trace per IP; `grouped` ten traces
   * per panel (one per colour), IPs separated by gaps, hover naming the IP through per-point text
   * ({@link groupLines}): about twice as fast to draw, but a Plotly JSON about three times bigger.
   * The HTML twin of `figureBundle` groups per-IP lines in the browser anyway, so `per-ip` gives
   * the small notebook and the fast page; `grouped` also speeds up JupyterLab's own renderer.
   */
  lineTraces?: 'per-ip' | 'grouped';
  /** Grouped lines only: see {@link groupLines}. Default 3: hover finds a point at most one window away. */
  hoverStride?: number;
  /** Figure height in px. Default 1000 (the seed's 15×10 inch figure). */
  height?: number;
  /** Figure title. Default `<family> along the timeline`. */
  title?: string;
}

/** The seed's panel title, in plain English: `Source IPs along the timeline for avg_Length — anomalous`. */
export function panelTitle(role: Role, group: 'anomalous' | 'normal', family: string, sampleSize?: number): string {
  const who = role === 'source' ? 'Source' : 'Destination';
  const what = group === 'anomalous' ? 'anomalous' : `normal (sample of ${(sampleSize ?? 0).toLocaleString('en-US')})`;
  return `${who} IPs along the timeline for ${family} — ${what}`;
}

const HOVER_TIME = '%{x|%Y-%m-%d %H:%M}';

/** Escapes text for a Plotly hovertemplate: HTML escaping plus `%`, so file strings cannot inject `%{...}`. */
function escapeTemplate(text: string): string {
  return escapeHtml(text).replace(/%/g, '&#37;');
}

/** Window positions of a family: `x0`/`dx` when evenly spaced, else explicit epoch-ms x values. */
function xEncoding(starts: Float64Array): Record<string, unknown> {
  if (starts.length === 0) return { x: [] };
  const dx = starts.length > 1 ? starts[1] - starts[0] : 300_000;
  let regular = true;
  for (let i = 2; i < starts.length; i++) if (starts[i] - starts[i - 1] !== dx) regular = false;
  return regular
    ? { x0: formatNaiveTimestamp(starts[0]), dx }
    : { x: typedArraySpec(Float64Array.from(starts)) };
}

interface Panel {
  readonly role: Role;
  readonly group: 'anomalous' | 'normal';
  readonly frame: Frame;
  readonly rows: Int32Array;
}

interface Axes { readonly x: string; readonly y: string }

/**
 * What every per-IP line of a family shares, kept once in the figure's template
 * (`layout.template.data.scatter`) instead of on each of its hundreds of traces: mode, width,
 * the hover naming IP and window, no legend, and the window grid when evenly spaced.
 */
function lineTemplate(family: string, x: Record<string, unknown>): PlotlyTrace {
  return {
    mode: 'lines', line: { width: 1 }, showlegend: false,
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
  return { ...shared, ...trace, line: { ...(shared.line as object | undefined), ...(trace.line as object | undefined) } };
}

/**
 * One line per IP, hover naming the IP and window: each trace holds only its name, axes and
 * values (smallest exact dtype); the rest comes from the figure's {@link lineTemplate}, or is
 * stated on the trace when this panel's windows differ from the template's.
 */
function lineTraces(panel: Panel, family: string, axes: Axes, log: boolean, template: PlotlyTrace): PlotlyTrace[] {
  const view = panel.frame.family(family);
  const x = xEncoding(view.starts);
  const own = x.x0 !== undefined && x.x0 === template.x0 && x.dx === template.dx ? {} : { ...x };
  const traces: PlotlyTrace[] = [];
  for (const row of panel.rows) {
    const series = Float64Array.from(view.series(row), (v) => (log && !(v > 0) ? NaN : v));
    traces.push({ type: 'scatter', xaxis: axes.x, yaxis: axes.y, name: escapeHtml(panel.frame.index[row]), ...own, y: compactTypedArraySpec(series) });
  }
  return traces;
}

/**
 * Merges a figure's one-trace-per-IP lines into a few traces: per panel and colour, the lines of
 * that colour one after another, separated by gaps (NaN), each point's `text` naming its IP and
 * the hover template reading `%{text}` where it read `%{fullData.name}`. Plotly's cost is mostly
 * per trace, so a panel of 200 lines draws about twice as fast with a third of the DOM nodes;
 * colours stay what Plotly's colorway gave each IP's trace. Points inside a flat run (equal to
 * both neighbours: the drawn line is unchanged without them) are dropped except every
 * `stride`-th window, so hovering anywhere along a run finds a point of the same value at most
 * `stride / 2` windows away; `stride` 1 keeps every point.
 *
 * Groups the traces that are scatter lines whose hover template names `%{fullData.name}` and that
 * carry no `text`; leaves every other trace as it is, in place. `encode` turns the merged x (epoch
 * ms) and y arrays into what the spec stores: `typedArraySpec` for JSON, the array itself in a
 * browser. Self-contained (no imports, only `atob` and `Date`; no syntax that a down-levelling
 * compiler turns into module-level helpers: no spread, `??` or for-of) because the HTML twin
 * embeds its source to group lines in the browser, keeping notebook and page small.
 */
export function groupLines(
  fig: PlotlyFigure, stride: number, encode: (values: Float64Array | Float32Array) => unknown,
): PlotlyFigure {
  type Json = Record<string, unknown>;
  const colorway = ['#1f77b4', '#ff7f0e', '#2ca02c', '#d62728', '#9467bd', '#8c564b', '#e377c2', '#7f7f7f', '#bcbd22', '#17becf'];
  const numbers = (v: unknown): ArrayLike<number> | undefined => {
    if (Array.isArray(v)) return v.map((n) => (typeof n === 'number' ? n : NaN));
    if (ArrayBuffer.isView(v)) return v as unknown as ArrayLike<number>;
    const spec = v as Json | null;
    if (!spec || typeof spec.bdata !== 'string') return undefined;
    const C = ({ f4: Float32Array, f8: Float64Array, i1: Int8Array, u1: Uint8Array, i2: Int16Array, u2: Uint16Array, i4: Int32Array, u4: Uint32Array } as const)[String(spec.dtype) as 'f4'];
    if (!C) return undefined;
    const bin = atob(spec.bdata);
    const bytes = new Uint8Array(bin.length);
    for (let i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
    return new C(bytes.buffer, 0, Math.floor(bytes.length / C.BYTES_PER_ELEMENT));
  };
  const dateMs = (v: unknown): number =>
    typeof v === 'number' ? v : typeof v === 'string' ? Date.parse(v.trim().replace(' ', 'T') + (/[zZ]|[+-]\d\d:?\d\d$/.test(v) ? '' : 'Z')) : NaN;
  interface Member { name: string; x: ArrayLike<number> | undefined; x0: number; dx: number; y: ArrayLike<number> }
  interface Group { trace: Json; members: Member[] }
  const step = Math.max(1, Math.floor(stride));
  const out: (Json | Group)[] = [];
  const groups = new Map<string, Group>();
  // Attributes a trace leaves to the figure's template (see lineTemplate) count as its own.
  const templateData = (fig.layout.template && (fig.layout.template as Json).data) as Json | undefined;
  const scatterTemplates = templateData && Array.isArray(templateData.scatter) ? (templateData.scatter as Json[]) : [];
  const shared: Json = scatterTemplates.length === 1 ? scatterTemplates[0] : {};
  fig.data.forEach((own, i) => {
    const t: Json = own.type === 'scatter'
      ? Object.assign({}, shared, own, { line: Object.assign({}, (shared.line || {}) as Json, (own.line || {}) as Json) })
      : own;
    const template = t.hovertemplate;
    const y = numbers(t.y);
    const line = (t.line || {}) as Json;
    const x = t.x === undefined ? undefined : numbers(t.x);
    const x0 = dateMs(t.x0 === undefined ? 0 : t.x0);
    const dx = typeof t.dx === 'number' ? t.dx : 1;
    const groupable = t.type === 'scatter' && t.mode === 'lines' && typeof template === 'string' &&
      template.includes('%{fullData.name}') && t.text === undefined && y !== undefined &&
      (t.x === undefined ? Number.isFinite(x0) : x !== undefined);
    if (!groupable) {
      out.push(own);
      return;
    }
    const color = typeof line.color === 'string' ? line.color : colorway[i % colorway.length];
    const key = [t.xaxis, t.yaxis, template, line.width, line.dash, color, t.opacity].join('|');
    let group = groups.get(key);
    if (!group) {
      group = {
        trace: {
          type: 'scatter', mode: 'lines', xaxis: t.xaxis, yaxis: t.yaxis,
          hovertemplate: template.split('%{fullData.name}').join('%{text}'),
          line: Object.assign({}, line, { color }), showlegend: false, connectgaps: false,
        },
        members: [],
      };
      if (t.opacity !== undefined) group.trace.opacity = t.opacity;
      groups.set(key, group);
      out.push(group);
    }
    group.members.push({ name: typeof t.name === 'string' ? t.name : '', x, x0, dx, y });
  });
  const data: Json[] = out.map((item) => {
    if (!('members' in item)) return item as Json;
    const { trace, members } = item as Group;
    let size = 0;
    for (let k = 0; k < members.length; k++) size += members[k].y.length + 1;
    const xs = new Float64Array(size);
    const ys = new Float32Array(size);
    const text: string[] = [];
    let at = 0;
    for (let k = 0; k < members.length; k++) {
      const m = members[k];
      const n = m.x ? Math.min(m.x.length, m.y.length) : m.y.length;
      for (let w = 0; w < n; w++) {
        const v = m.y[w];
        const flat = w > 0 && w < n - 1 && w % step !== 0 && v === m.y[w - 1] && v === m.y[w + 1];
        if (flat) continue;
        xs[at] = m.x ? m.x[w] : m.x0 + w * m.dx;
        ys[at++] = v;
        text.push(m.name);
      }
      xs[at] = NaN;
      ys[at++] = NaN;
      text.push('');
    }
    return Object.assign({}, trace, { name: `${members.length} lines`, x: encode(xs.slice(0, at)), y: encode(ys.slice(0, at)), text });
  });
  return Object.assign({}, fig, { data });
}

/**
 * The density colours over counts 0..`peak`: empty bins (0) transparent, then light to dark blue
 * from 1 IP to the peak. Counts stay integers (1–2 bytes a cell instead of a 4-byte float with NaN gaps).
 */
function densityColorscale(peak: number): [number, string][] {
  const at = (share: number): number => (1 + share * (peak - 1)) / peak;
  const empty = 0.5 / peak;
  return [[0, 'rgba(255,255,255,0)'], [empty, 'rgba(255,255,255,0)'], [empty, '#c6dbef'], [Math.max(empty, at(0.05)), '#6baed6'], [Math.max(empty, at(0.3)), '#2171b5'], [1, '#08306b']];
}

/**
 * A normal panel with too many lines to draw: a heatmap counting the IPs in each value bin per
 * window (bins span the actual minimum to maximum, so extremes stay visible), with the median,
 * 95th percentile and maximum per window as lines; the max line's hover names the IP.
 */
function densityTraces(panel: Panel, family: string, axes: Axes, log: boolean, nBins: number): PlotlyTrace[] {
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
      type: 'heatmap', ...common, y: typedArraySpec(edges), z: compactTypedArraySpec(counts, [nBins, nW]),
      zmin: 0, zmax: peak, colorscale: densityColorscale(peak),
      showscale: false, name: 'density',
      hovertemplate: `window ${HOVER_TIME}<br>${fam} ≈ %{y:.4g}<br>%{z} normal IPs in this bin<extra></extra>`,
    },
    {
      type: 'scatter', mode: 'lines', ...common, name: 'median', y: typedArraySpec(median),
      line: { width: 1.5, color: '#111111' },
      hovertemplate: `median<br>window ${HOVER_TIME}<br>${fam} = %{y:.6g}<extra></extra>`,
    },
    {
      type: 'scatter', mode: 'lines', ...common, name: 'p95', y: typedArraySpec(p95),
      line: { width: 1.2, color: '#e6550d', dash: 'dash' },
      hovertemplate: `95th percentile<br>window ${HOVER_TIME}<br>${fam} = %{y:.6g}<extra></extra>`,
    },
    {
      type: 'scatter', mode: 'lines', ...common, name: 'max', y: typedArraySpec(max), text: maxIp,
      line: { width: 1, color: '#a50f15', dash: 'dot' },
      hovertemplate: `max: <b>%{text}</b><br>window ${HOVER_TIME}<br>${fam} = %{y:.6g}<extra></extra>`,
    },
  ];
}

/**
 * The seed's `plot_all_ips` as an interactive figure: four stacked panels on a shared date axis —
 * anomalous source IPs, a normal sample of source IPs, anomalous destination IPs, normal
 * destination IPs — one line per IP (hover names the IP and window). Normal panels with more
 * than `maxLines` IPs draw as a density layer with median/p95/max lines unless `normal: 'lines'`.
 */
export function plotAllIps(anomalous: Frame, normalSample: Frame, family: string, options: AllIpsOptions = {}): PlotlyFigure {
  const log = options.yScale === 'log';
  const maxLines = options.maxLines ?? 500;
  const nBins = Math.max(2, Math.floor(options.bins ?? 60));
  const height = options.height ?? 1000;
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
    height, hovermode: 'closest', showlegend: false,
    margin: { l: 70, r: 20, t: 70, b: 40 },
    plot_bgcolor: '#ffffff', paper_bgcolor: '#ffffff',
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
    const density = panel.group === 'normal' && (options.normal === 'density' || ((options.normal ?? 'auto') === 'auto' && panel.rows.length > maxLines));
    const traces = density
      ? densityTraces(panel, family, axes, log, nBins)
      : lineTraces(panel, family, axes, log, lines);
    data.push(...traces);
    layout[`xaxis${suffix}`] = {
      type: 'date', anchor: axes.y, ...(n > 1 ? { matches: 'x' } : {}),
      showgrid: true, gridcolor: '#eeeeee', linecolor: '#888888', ticks: 'outside',
    };
    layout[`yaxis${suffix}`] = {
      type: log ? 'log' : 'linear', anchor: axes.x, domain, exponentformat: 'SI',
      showgrid: true, gridcolor: '#eeeeee', linecolor: '#888888', zeroline: false,
    };
    const title = panelTitle(panel.role, panel.group, family, panel.rows.length);
    annotations.push({
      text: `<b>${escapeHtml(title)}</b>`, xref: 'paper', yref: 'paper', x: 0, y: top,
      xanchor: 'left', yanchor: 'bottom', showarrow: false, font: { size: 13 },
    });
    const note = panel.rows.length === 0
      ? `no ${panel.group} ${roleWord(panel.role)} IPs`
      : density
        ? `${panel.rows.length.toLocaleString('en-US')} lines as density (blue: IPs per bin), median (black), p95 (dashed), max (dotted)`
        : '';
    if (note) {
      annotations.push({
        text: escapeHtml(note), xref: 'paper', yref: 'paper', x: 1, y: top,
        xanchor: 'right', yanchor: 'bottom', showarrow: false, font: { size: 10, color: '#555555' },
      });
    }
  });
  layout.annotations = annotations;
  const fig: PlotlyFigure = { data, layout, config: { responsive: true, displaylogo: false } };
  return options.lineTraces === 'grouped' ? groupLines(fig, options.hoverStride ?? 3, (v) => typedArraySpec(v)) : fig;
}

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
export function overlapFigure(runs: readonly LabelledRun[], options: { title?: string; height?: number } = {}): PlotlyFigure {
  const names = runs.map((r) => escapeHtml(r.name));
  const inter = exclusiveIntersections(runs);
  const sizes = runs.map((r) => new Set(r.labels).size);
  const cols = inter.map((_, i) => i);
  const words = inter.map((x) => escapeHtml(combinationWords(runs.map((r) => r.name), x.runs)));
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
    if (inside.length > 1) linkX.push(i, i, null), linkY.push(inside[0], inside[inside.length - 1], null);
  });
  const data: PlotlyTrace[] = [
    {
      type: 'bar', x: cols, y: inter.map((x) => x.labels.length), text: inter.map((x) => String(x.labels.length)),
      textposition: 'outside', cliponaxis: false, customdata: words, marker: { color: '#3b3b3b' }, xaxis: 'x', yaxis: 'y',
      hovertemplate: '%{customdata}: %{y} IPs<extra></extra>', name: 'intersection',
    },
    {
      type: 'scatter', mode: 'lines', x: linkX, y: linkY, xaxis: 'x', yaxis: 'y2',
      line: { color: '#3b3b3b', width: 3 }, hoverinfo: 'skip', name: 'links',
    },
    {
      type: 'scatter', mode: 'markers', x: otherX, y: otherY, xaxis: 'x', yaxis: 'y2',
      marker: { color: '#dddddd', size: 13 }, hoverinfo: 'skip', name: 'not in run',
    },
    {
      type: 'scatter', mode: 'markers', x: memberX, y: memberY, xaxis: 'x', yaxis: 'y2',
      marker: { color: '#3b3b3b', size: 13 }, hovertemplate: 'in %{y}<extra></extra>', name: 'in run',
    },
    {
      type: 'bar', orientation: 'h', x: sizes, y: names, xaxis: 'x2', yaxis: 'y2',
      marker: { color: '#6baed6' }, text: sizes.map(String), textposition: 'outside', cliponaxis: false,
      hovertemplate: '%{y}: %{x} IPs in total<extra></extra>', name: 'run size',
    },
  ];
  const layout: Record<string, unknown> = {
    title: { text: escapeHtml(options.title ?? 'Anomalies per run and their overlaps'), x: 0.01, xanchor: 'left' },
    height: options.height ?? 260 + 28 * runs.length,
    showlegend: false, bargap: 0.35, margin: { l: 20, r: 20, t: 60, b: 30 },
    plot_bgcolor: '#ffffff', paper_bgcolor: '#ffffff',
    xaxis: { domain: [0.3, 1], anchor: 'y2', showticklabels: false, range: [-0.6, inter.length - 0.4], zeroline: false, showgrid: false },
    yaxis: { domain: [0.45, 1], anchor: 'x', title: { text: 'IPs in exactly these runs' }, rangemode: 'tozero' },
    yaxis2: { domain: [0, 0.4], anchor: 'x', type: 'category', categoryorder: 'array', categoryarray: [...names].reverse(), automargin: true, showgrid: false },
    // Reversed, with room on the left for the labels of the longest bar.
    xaxis2: { domain: [0.03, 0.22], anchor: 'y2', range: [Math.max(1, ...sizes) * 1.3, 0], title: { text: 'IPs per run' }, showgrid: false },
  };
  return { data, layout, config: { responsive: true, displaylogo: false } };
}

/** Formats a statistic for hover and bar text: 4 significant digits, `n/a` when not a number. */
function stat(value: number): string {
  return Number.isNaN(value) ? 'n/a' : Number(value.toPrecision(4)).toLocaleString('en-US', { maximumFractionDigits: 10 });
}

/**
 * Per-family evidence: anomalous vs normal, source vs destination, side by side for the mean,
 * the median and the share of non-zero windows (hover adds IPs, p95 and max).
 */
export function evidenceFigure(evidence: FamilyEvidence, options: { height?: number; title?: string } = {}): PlotlyFigure {
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
    title: { text: escapeHtml(options.title ?? `${evidence.family}: anomalous vs normal IPs`), x: 0.01, xanchor: 'left' },
    height: options.height ?? 370, barmode: 'group', hovermode: 'closest',
    // Below the panels: above them it would cover the panel titles.
    legend: { orientation: 'h', x: 0.5, xanchor: 'center', y: -0.12, yanchor: 'top' },
    margin: { l: 50, r: 20, t: 80, b: 70 }, plot_bgcolor: '#ffffff', paper_bgcolor: '#ffffff',
  };
  const annotations: Record<string, unknown>[] = [];
  const width = 1 / metrics.length;
  metrics.forEach((metric, m) => {
    const suffix = m === 0 ? '' : String(m + 1);
    for (const { group, color } of groups) {
      const cells = roles.map((role) => evidence.cells.find((c) => c.group === group && c.role === role));
      const values = cells.map((c) => (c ? c[metric.key] : NaN));
      data.push({
        type: 'bar', name: group, legendgroup: group, showlegend: m === 0, marker: { color },
        x: roles.map(roleWord), y: values.map((v) => (Number.isFinite(v) ? v : null)),
        text: values.map(metric.key === 'nonzeroShare' ? humanShare : stat), textposition: 'outside', cliponaxis: false,
        customdata: cells.map((c) => (c ? [c.ips, stat(c.p95), stat(c.max), stat(c.mean), stat(c.median)] : [0, 'n/a', 'n/a', 'n/a', 'n/a'])),
        xaxis: `x${suffix}`, yaxis: `y${suffix}`,
        hovertemplate: `${group} %{x} IPs (%{customdata[0]})<br>${metric.label}: %{text}<br>p95 %{customdata[1]}, max %{customdata[2]}<extra></extra>`,
      });
    }
    layout[`xaxis${suffix}`] = { domain: [m * width + 0.04, (m + 1) * width - 0.04], anchor: `y${suffix}` };
    layout[`yaxis${suffix}`] = {
      anchor: `x${suffix}`, gridcolor: '#eeeeee',
      // A fixed range leaves rangemode unused (Plotly.validate says so): one or the other.
      ...(metric.key === 'nonzeroShare' ? { range: [0, 1.1], tickformat: '.0%' } : { rangemode: 'tozero' }),
    };
    annotations.push({
      text: `<b>${metric.label}</b>`, xref: 'paper', yref: 'paper', x: (m + 0.5) * width, y: 1,
      xanchor: 'center', yanchor: 'bottom', showarrow: false,
    });
  });
  layout.annotations = annotations;
  return { data, layout, config: { responsive: true, displaylogo: false } };
}
