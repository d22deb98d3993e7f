/**
 * How the follow script (follow-ip.ts) marks the chosen IP in a drawn figure, as real TypeScript
 * embedded in the page from its compiled source: nothing from outside its body but browser globals
 * and its arguments.
 */

/** What {@link figureHighlighter} gives the follow script. */
export interface FigureHighlighter {
  /** Marks `label` in the drawn figure `gd` (after clearing any earlier mark); undefined only clears. */
  highlight(gd: HTMLElement, label: string | undefined): Promise<void>;
  /** Clears the mark of `gd`, restoring what it dimmed. */
  unhighlight(gd: HTMLElement): Promise<void>;
  /** Forgets the mark of a figure drawn afresh from its spec (nothing of the mark is left to restore). */
  forget(gd: HTMLElement): void;
  /** The label a Plotly click point names: a grouped line's per-point text, a trace's name, a heatmap row. */
  clickedLabel(point: unknown): string | undefined;
}

/**
 * The highlighter: in a figure holding the label, a dark overlay line over each of its lines with
 * the other traces dimmed, or a frame around its heatmap row with the other rows veiled; a figure of
 * that IP alone (its profile) is only marked. The div gets `data-ae-chosen` while marked. `isKnown`
 * tells the labels of the page's IPs from other trace names (median, p95...).
 */
export function figureHighlighter(isKnown: (label: string) => boolean): FigureHighlighter {
  type Json = Record<string, unknown>;
  interface Trace extends Json {
    type?: string;
    name?: string;
    text?: unknown;
    customdata?: unknown;
    x?: ArrayLike<number>;
    y?: ArrayLike<number>;
    opacity?: number;
    xaxis?: string;
    yaxis?: string;
    hovertemplate?: string;
  }
  interface PlotPoint {
    readonly data?: Trace;
    readonly pointIndex?: number;
    readonly pointNumber?: number | number[];
    readonly y?: unknown;
  }
  interface GraphDiv extends HTMLElement {
    data?: Trace[];
    layout?: Json;
    aeState?: { label: string; overlays: number; dimmed: [number, number | null][]; shapes: number };
  }
  interface PlotlyApi {
    addTraces(div: HTMLElement, traces: Json[]): Promise<unknown>;
    deleteTraces(div: HTMLElement, indices: number[]): Promise<unknown>;
    restyle(div: HTMLElement, update: Json, indices: number[]): Promise<unknown>;
    relayout(div: HTMLElement, update: Json): Promise<unknown>;
  }
  const page = window as unknown as { Plotly?: PlotlyApi };
  const entities: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&#34;', "'": '&#39;' };
  /** A label as the figures' specs hold it (escaped: Plotly reads trace text as pseudo-HTML). */
  const escaped = (label: string): string => label.replace(/[&<>"']/g, (ch) => entities[ch]);
  const decoded: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', '#34': '"', '#39': "'" };
  const unescaped = (text: string): string =>
    text.replace(/&(amp|lt|gt|quot|#34|#39);/g, (_m, name: string) => decoded[name]);

  /** Where the chosen IP sits in a drawn figure: overlays to add, traces to dim, heatmap rows to frame. */
  function locate(gd: GraphDiv, label: string): { overlays: Json[]; others: number[]; rows: number[]; any: boolean } {
    const wanted = escaped(label);
    const overlays: Json[] = [];
    const others: number[] = [];
    const rows: number[] = [];
    let labelled = 0;
    let theirs = 0;
    (gd.data ?? []).forEach((trace, i) => {
      if (trace.type === 'heatmap') {
        const custom = trace.customdata;
        if (Array.isArray(custom)) {
          custom.forEach((row, r) => {
            if (Array.isArray(row) && row[0] === wanted) rows.push(r);
          });
        }
        others.push(i);
        return;
      }
      if (trace.type !== undefined && trace.type !== 'scatter') return;
      const text = trace.text;
      if (Array.isArray(text) && trace.x && trace.y) {
        const xs: number[] = [];
        const ys: number[] = [];
        const names: string[] = [];
        let last = -2;
        for (let p = 0; p < text.length; p++) {
          if (text[p] !== wanted) continue;
          if (p !== last + 1 && xs.length > 0) {
            xs.push(NaN);
            ys.push(NaN);
            names.push('');
          }
          xs.push(Number(trace.x[p]));
          ys.push(Number(trace.y[p]));
          names.push(wanted);
          last = p;
        }
        if (xs.length > 0) {
          labelled++;
          overlays.push({
            type: 'scatter',
            mode: 'lines',
            x: xs,
            y: ys,
            text: names,
            xaxis: trace.xaxis,
            yaxis: trace.yaxis,
            hovertemplate: trace.hovertemplate,
            line: { color: '#111111', width: 2.5 },
            showlegend: false,
            name: 'chosen IP',
          });
        }
        others.push(i);
        return;
      }
      if (typeof trace.name === 'string' && trace.name !== '') {
        if (trace.name === wanted) {
          labelled++;
          overlays.push(
            Object.assign({}, trace, {
              line: { color: '#111111', width: 2.5 },
              opacity: 1,
              showlegend: false,
              name: 'chosen IP',
              fill: 'none',
            }),
          );
        } else if (isKnown(unescaped(trace.name))) theirs++;
      }
      others.push(i);
    });
    // A figure of this IP alone (its profile): nothing to dim, the frame says it is the one.
    if (labelled > 0 && theirs === 0 && overlays.every((o) => !Array.isArray(o.text))) {
      return { overlays: [], others: [], rows, any: true };
    }
    return { overlays, others, rows, any: overlays.length > 0 || rows.length > 0 };
  }

  async function highlight(gd: GraphDiv, label: string | undefined): Promise<void> {
    const plotly = page.Plotly;
    if (!plotly || gd.getAttribute('data-state') !== 'drawn') return;
    await unhighlight(gd);
    if (label === undefined) return;
    const where = locate(gd, label);
    if (!where.any) {
      gd.removeAttribute('data-ae-chosen');
      return;
    }
    gd.setAttribute('data-ae-chosen', 'yes');
    const state = { label, overlays: 0, dimmed: [] as [number, number | null][], shapes: 0 };
    gd.aeState = state;
    if (where.overlays.length > 0) {
      const traces = gd.data ?? [];
      state.dimmed = where.others.map((i) => [
        i,
        typeof traces[i].opacity === 'number' ? (traces[i].opacity as number) : null,
      ]);
      await plotly.restyle(
        gd,
        { opacity: state.dimmed.map(([i]) => (traces[i].type === 'heatmap' ? 0.35 : 0.25)) },
        state.dimmed.map(([i]) => i),
      );
      await plotly.addTraces(gd, where.overlays);
      state.overlays = where.overlays.length;
    }
    if (where.rows.length > 0) {
      const shapes = ((gd.layout?.shapes as Json[] | undefined) ?? []).slice();
      const first = where.rows[0];
      const n = ((gd.data ?? []).find((t) => t.type === 'heatmap')?.customdata as unknown[] | undefined)?.length ?? 0;
      const veil = {
        type: 'rect',
        xref: 'paper',
        x0: 0,
        x1: 1,
        yref: 'y',
        fillcolor: 'rgba(255,255,255,0.6)',
        line: { width: 0 },
      };
      const added: Json[] = [
        Object.assign({}, veil, { y0: -0.5, y1: first - 0.5 }),
        Object.assign({}, veil, { y0: first + 0.5, y1: n - 0.5 }),
        {
          type: 'rect',
          xref: 'paper',
          x0: 0,
          x1: 1,
          yref: 'y',
          y0: first - 0.5,
          y1: first + 0.5,
          line: { color: '#111111', width: 2 },
        },
      ];
      state.shapes = added.length;
      await plotly.relayout(gd, { shapes: shapes.concat(added) });
    }
  }

  async function unhighlight(gd: GraphDiv): Promise<void> {
    const plotly = page.Plotly;
    const state = gd.aeState;
    gd.aeState = undefined;
    gd.removeAttribute('data-ae-chosen');
    if (!plotly || !state || gd.getAttribute('data-state') !== 'drawn') return;
    const n = gd.data?.length ?? 0;
    if (state.overlays > 0) {
      await plotly.deleteTraces(
        gd,
        Array.from({ length: state.overlays }, (_, k) => n - state.overlays + k),
      );
    }
    if (state.dimmed.length > 0) {
      await plotly.restyle(
        gd,
        { opacity: state.dimmed.map(([, o]) => o) },
        state.dimmed.map(([i]) => i),
      );
    }
    if (state.shapes > 0) {
      const shapes = ((gd.layout?.shapes as Json[] | undefined) ?? []).slice(0, -state.shapes);
      await plotly.relayout(gd, { shapes });
    }
  }

  /** The label a click on a drawn figure points at: a line's per-point text or name, a heatmap row. */
  function clickedLabel(point: PlotPoint): string | undefined {
    const trace = point.data;
    if (!trace) return undefined;
    const at = typeof point.pointIndex === 'number' ? point.pointIndex : undefined;
    if (trace.type === 'heatmap') {
      const row = Array.isArray(point.pointNumber) ? point.pointNumber[0] : Number(point.y);
      const custom = trace.customdata as unknown[] | undefined;
      const entry = Array.isArray(custom) ? custom[row] : undefined;
      return Array.isArray(entry) && typeof entry[0] === 'string' ? unescaped(entry[0]) : undefined;
    }
    if (Array.isArray(trace.text) && at !== undefined && typeof trace.text[at] === 'string')
      return unescaped(trace.text[at] as string);
    return typeof trace.name === 'string' ? unescaped(trace.name) : undefined;
  }

  return {
    highlight: (gd, label) => highlight(gd as GraphDiv, label),
    unhighlight: (gd) => unhighlight(gd as GraphDiv),
    forget: (gd) => {
      (gd as GraphDiv).aeState = undefined;
      gd.removeAttribute('data-ae-chosen');
    },
    clickedLabel: (point) => clickedLabel(point as PlotPoint),
  };
}
