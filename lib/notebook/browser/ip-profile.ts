/**
 * The small profile of the follow panel (follow-ip.ts), as real TypeScript embedded in the page from
 * its compiled source: nothing from outside its body but browser globals and its arguments.
 */
import type { FollowFigure, FollowIpEntry } from './follow-data';

/**
 * Draws into `into` the IP's values in (up to) its first three reasons' families, taken from the
 * timelines' own specs in the page, against the normal sample's median and p95 of its role (when the
 * timeline draws its normal panel as a density), the reasons' windows shaded. Draws nothing when the
 * page has none of those timelines, or when `stillChosen()` says the reader moved on meanwhile.
 */
export async function drawIpProfile(
  ip: FollowIpEntry,
  figures: readonly FollowFigure[],
  into: HTMLElement,
  stillChosen: () => boolean,
): Promise<void> {
  type Json = Record<string, unknown>;
  interface Trace extends Json {
    name?: string;
    yaxis?: string;
  }
  interface PlotlyApi {
    newPlot(div: HTMLElement, data: unknown, layout: unknown, config: unknown): Promise<unknown>;
  }
  const page = window as unknown as { Plotly?: PlotlyApi };
  const entities: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&#34;', "'": '&#39;' };
  const escaped = (label: string): string => label.replace(/[&<>"']/g, (ch) => entities[ch]);

  /** The spec of a figure, inflated from the page (as draw-figures.ts reads it). */
  async function specOf(id: string): Promise<{ data: Trace[]; layout: Json } | undefined> {
    const script = Array.from(document.querySelectorAll('script[data-anomaly-eval-spec]')).find(
      (s) => s.getAttribute('data-anomaly-eval-spec') === id,
    );
    if (!script) return undefined;
    const text = script.textContent ?? '';
    if (script.getAttribute('data-encoding') !== 'gzip-base64') return JSON.parse(text);
    if (typeof DecompressionStream === 'undefined') return undefined;
    const binary = atob(text.trim());
    const bytes = new Uint8Array(binary.length);
    for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
    const inflated = new Blob([bytes]).stream().pipeThrough(new DecompressionStream('gzip'));
    return JSON.parse(await new Response(inflated).text());
  }

  /**
   * A small profile in the panel: the IP's values in (up to) its first three reasons' families, from
   * the timelines' own specs, against the normal sample's median and p95 of its role when the
   * timeline draws the normal panel as a density; the reasons' windows shaded.
   */
  async function draw(): Promise<void> {
    const plotly = page.Plotly;
    if (!plotly) return;
    const wanted = escaped(ip.label);
    const traces: Json[] = [];
    const shapes: Json[] = [];
    const panels: string[] = [];
    let k = 0;
    for (const reason of ip.reasons) {
      if (k === 3) break;
      const figure = figures.find((f) => f.family === reason.family);
      if (!figure) continue;
      const spec = await specOf(figure.id).catch(() => undefined);
      if (!spec) continue;
      const template = ((spec.layout.template as Json | undefined)?.data as Json | undefined)?.scatter as
        | Json[]
        | undefined;
      const shared = template && template.length === 1 ? template[0] : {};
      const own = spec.data.find((t) => t.name === wanted);
      if (!own) continue;
      const axis = k === 0 ? '' : String(k + 1);
      const line = Object.assign({}, shared, own) as Json;
      traces.push(
        Object.assign(line, {
          xaxis: `x${axis}`,
          yaxis: `y${axis}`,
          line: { color: '#d62728', width: 1.5 },
          name: ip.label,
          text: undefined,
          hovertemplate: `${reason.family} %{y:.4g}<extra></extra>`,
          showlegend: false,
        }),
      );
      // The normal panel of its role: axes 2 (source) or 4 (destination) of the timeline.
      const normalAxis = ip.role === 'dst' ? 'y4' : 'y2';
      for (const t of spec.data) {
        if (t.yaxis !== normalAxis || (t.name !== 'median' && t.name !== 'p95')) continue;
        traces.push(
          Object.assign({}, t, {
            xaxis: `x${axis}`,
            yaxis: `y${axis}`,
            showlegend: false,
            hovertemplate: `normal ${t.name} %{y:.4g}<extra></extra>`,
            line: {
              color: t.name === 'median' ? '#1f77b4' : '#9ecae1',
              width: 1,
              dash: t.name === 'p95' ? 'dash' : 'dot',
            },
          }),
        );
      }
      if (reason.windows) {
        shapes.push({
          type: 'rect',
          xref: `x${axis}`,
          yref: `y${axis} domain`,
          x0: reason.windows.from.replace('T', ' '),
          x1: reason.windows.to.replace('T', ' '),
          y0: 0,
          y1: 1,
          fillcolor: 'rgba(214,39,40,0.12)',
          line: { width: 0 },
          layer: 'below',
        });
      }
      panels.push(reason.family);
      k++;
    }
    if (!stillChosen() || k === 0) return;
    const layout: Json = {
      height: 50 + 110 * k,
      margin: { l: 40, r: 8, t: 16, b: 24 },
      showlegend: false,
      shapes,
      font: { size: 10 },
      plot_bgcolor: '#ffffff',
      paper_bgcolor: '#ffffff',
      annotations: [] as Json[],
    };
    panels.forEach((family, i) => {
      const axis = i === 0 ? '' : String(i + 1);
      const top = 1 - i / k;
      layout[`xaxis${axis}`] = {
        type: 'date',
        anchor: `y${axis}`,
        showticklabels: i === k - 1,
        ...(i > 0 ? { matches: 'x' } : {}),
      };
      layout[`yaxis${axis}`] = {
        domain: [top - 1 / k + 0.12 / k, top - 0.08 / k],
        anchor: `x${axis}`,
        gridcolor: '#eeeeee',
        nticks: 3,
      };
      (layout.annotations as Json[]).push({
        text: escaped(family),
        xref: 'paper',
        yref: 'paper',
        x: 0,
        y: top - 0.08 / k,
        xanchor: 'left',
        yanchor: 'bottom',
        showarrow: false,
        font: { size: 10 },
      });
    });
    into.textContent = '';
    // Not responsive: the panel's width is fixed, and plotly.js would keep every profile ever drawn
    // alive through its resize listener on the window (nothing purges a replaced profile).
    await plotly.newPlot(into, traces, layout, { displayModeBar: false });
  }

  await draw();
}
