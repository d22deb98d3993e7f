/**
 * Per-IP lines merged into a few traces per panel, in JupyterLab's JSON or in the browser just
 * before drawing (see the function's comment).
 */
import type { PlotlyFigure } from './spec';

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
 * browser. Self-contained (nothing from outside its body but `atob` and `Date`) because the HTML
 * twin embeds its compiled source to group lines in the browser, keeping notebook and page small;
 * the ES2022 target of tsconfig.json leaves its syntax as written (no module-level helpers).
 */
export function groupLines(
  fig: PlotlyFigure,
  stride: number,
  encode: (values: Float64Array | Float32Array) => unknown,
): PlotlyFigure {
  type Json = Record<string, unknown>;
  const colorway = [
    '#1f77b4',
    '#ff7f0e',
    '#2ca02c',
    '#d62728',
    '#9467bd',
    '#8c564b',
    '#e377c2',
    '#7f7f7f',
    '#bcbd22',
    '#17becf',
  ];
  const numbers = (v: unknown): ArrayLike<number> | undefined => {
    if (Array.isArray(v)) return v.map((n) => (typeof n === 'number' ? n : NaN));
    if (ArrayBuffer.isView(v)) return v as unknown as ArrayLike<number>;
    const spec = v as Json | null;
    if (!spec || typeof spec.bdata !== 'string') return undefined;
    const C = (
      {
        f4: Float32Array,
        f8: Float64Array,
        i1: Int8Array,
        u1: Uint8Array,
        i2: Int16Array,
        u2: Uint16Array,
        i4: Int32Array,
        u4: Uint32Array,
      } as const
    )[String(spec.dtype) as 'f4'];
    if (!C) return undefined;
    const bin = atob(spec.bdata);
    const bytes = new Uint8Array(bin.length);
    for (let i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
    return new C(bytes.buffer, 0, Math.floor(bytes.length / C.BYTES_PER_ELEMENT));
  };
  const dateMs = (v: unknown): number =>
    typeof v === 'number'
      ? v
      : typeof v === 'string'
        ? Date.parse(v.trim().replace(' ', 'T') + (/[zZ]|[+-]\d\d:?\d\d$/.test(v) ? '' : 'Z'))
        : NaN;
  interface Member {
    name: string;
    x: ArrayLike<number> | undefined;
    x0: number;
    dx: number;
    y: ArrayLike<number>;
  }
  interface Group {
    trace: Json;
    members: Member[];
  }
  const step = Math.max(1, Math.floor(stride));
  const out: (Json | Group)[] = [];
  const groups = new Map<string, Group>();
  // Attributes a trace leaves to the figure's template (see lineTemplate) count as its own.
  const templateData = (fig.layout.template && (fig.layout.template as Json).data) as Json | undefined;
  const scatterTemplates = templateData && Array.isArray(templateData.scatter) ? (templateData.scatter as Json[]) : [];
  const shared: Json = scatterTemplates.length === 1 ? scatterTemplates[0] : {};
  fig.data.forEach((own, i) => {
    const t: Json =
      own.type === 'scatter'
        ? Object.assign({}, shared, own, {
            line: Object.assign({}, (shared.line || {}) as Json, (own.line || {}) as Json),
          })
        : own;
    const template = t.hovertemplate;
    const y = numbers(t.y);
    const line = (t.line || {}) as Json;
    const x = t.x === undefined ? undefined : numbers(t.x);
    const x0 = dateMs(t.x0 === undefined ? 0 : t.x0);
    const dx = typeof t.dx === 'number' ? t.dx : 1;
    const groupable =
      t.type === 'scatter' &&
      t.mode === 'lines' &&
      typeof template === 'string' &&
      template.includes('%{fullData.name}') &&
      t.text === undefined &&
      y !== undefined &&
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
          type: 'scatter',
          mode: 'lines',
          xaxis: t.xaxis,
          yaxis: t.yaxis,
          hovertemplate: template.split('%{fullData.name}').join('%{text}'),
          line: Object.assign({}, line, { color }),
          showlegend: false,
          connectgaps: false,
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
    return Object.assign({}, trace, {
      name: `${members.length} lines`,
      x: encode(xs.slice(0, at)),
      y: encode(ys.slice(0, at)),
      text,
    });
  });
  return Object.assign({}, fig, { data });
}
