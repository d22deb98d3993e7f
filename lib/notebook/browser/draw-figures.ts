/**
 * The script of a figure's HTML twin, as real TypeScript: {@link drawFigures} runs in the browser
 * from its own compiled source, which lib/notebook/display.ts embeds in every twin (as plotly.js itself is
 * embedded, as text). So its body may use nothing from outside it but browser globals and its
 * arguments; tests run the embedded source in an empty context to hold it to that.
 */
import type { PlotlyFigure } from '../../figures/spec';

/**
 * Attribute that makes a figure's div draw as soon as plotly.js has run, wherever it is, and stay
 * drawn (the report page puts it on its first figure: a reader coming down from the briefing meets
 * it drawn). Every other figure draws lazily, as its settings say. {@link drawFigures} spells the
 * name out (its body may use nothing from outside it); tests/browser.test.ts holds the two together.
 */
export const DRAW_AT_ONCE = 'data-draw-at-once';

/** How a twin draws, as {@link drawFigures} receives it. */
export interface DrawSettings {
  /** Draw when the figure comes within 200 px of the viewport (else at once). */
  readonly lazy: boolean;
  /** Thinning stride of the grouped lines (see groupLines); 0: draw the spec as built. */
  readonly groupStride: number;
  /** Free a drawn figure that drifts this many px away (drawn again when near); 0: never. */
  readonly release: number;
  /** The global array the plotly.js script flushes once it has run (PLOTLY_WAITERS). */
  readonly waiters: string;
}

/** groupLines as the twin passes it: the figure, the stride, and an encoder of merged arrays. */
export type GroupLines = (
  fig: PlotlyFigure,
  stride: number,
  encode: (values: Float64Array | Float32Array) => unknown,
) => PlotlyFigure;

/**
 * Draws every not-yet-drawn div carrying figure id `id`: waits for `window.Plotly` (queued in the
 * waiters list the library script flushes, polled as a fallback), then draws when the div comes
 * within 200 px of the viewport (or at once when not lazy, or when the div carries
 * {@link DRAW_AT_ONCE}), grouping per-IP lines first when `groupLines` is given, and frees figures
 * that drift `release` px away (not one drawn at once: it is drawn ahead of the reader). States on the div:
 * waiting, drawing, drawn, released (freed, drawn again when near), error; `data-drawn-ms` is the
 * page clock at the first draw, `data-draws` how often it drew.
 */
export function drawFigures(id: string, settings: DrawSettings, groupLines: GroupLines | null): void {
  interface PlotlyApi {
    newPlot(div: HTMLElement, data: unknown, layout: unknown, config: unknown): Promise<unknown>;
    purge(div: HTMLElement): void;
  }
  type FigureDiv = HTMLElement & { anomalyEvalNote?: string };
  const page = window as unknown as Record<string, unknown> & { Plotly?: PlotlyApi };
  const selector = `[data-anomaly-eval-figure="${id}"]`;

  function specOf(script: Element): Promise<PlotlyFigure> {
    const text = script.textContent ?? '';
    if (script.getAttribute('data-encoding') !== 'gzip-base64')
      return Promise.resolve(JSON.parse(text) as PlotlyFigure);
    if (typeof DecompressionStream === 'undefined') {
      return Promise.reject(new Error('this browser cannot inflate the figure (no DecompressionStream)'));
    }
    const binary = atob(text.trim());
    const bytes = new Uint8Array(binary.length);
    for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
    const inflated = new Blob([bytes]).stream().pipeThrough(new DecompressionStream('gzip'));
    return new Response(inflated).text().then((json) => JSON.parse(json) as PlotlyFigure);
  }

  function fail(div: FigureDiv, error: unknown): void {
    div.setAttribute('data-state', 'error');
    div.textContent = `This figure could not be drawn: ${error}`;
    console.error(error);
  }

  function draw(div: FigureDiv): void {
    const script = document.querySelector(`script[data-anomaly-eval-spec="${id}"]`);
    const plotly = page.Plotly;
    if (!script || !plotly) return;
    div.setAttribute('data-state', 'drawing');
    specOf(script)
      .then((built) => {
        const spec = groupLines ? groupLines(built, settings.groupStride, (values) => values) : built;
        div.innerHTML = '';
        return plotly.newPlot(div, spec.data, spec.layout, spec.config ?? {}).then(() => {
          if (!div.hasAttribute('data-drawn-ms'))
            div.setAttribute('data-drawn-ms', String(Math.round(performance.now())));
          div.setAttribute('data-draws', String(Number(div.getAttribute('data-draws') ?? 0) + 1));
          div.setAttribute('data-state', 'drawn');
          keepWhileNear(div, plotly);
        });
      })
      .catch((error: unknown) => fail(div, error));
  }

  function watch(div: FigureDiv, state: string): void {
    div.setAttribute('data-state', state);
    if (!settings.lazy || div.hasAttribute('data-draw-at-once') || typeof IntersectionObserver === 'undefined') {
      draw(div);
      return;
    }
    const observer = new IntersectionObserver(
      (entries) => {
        if (!entries.some((entry) => entry.isIntersecting)) return;
        observer.disconnect();
        draw(div);
      },
      { rootMargin: '200px 0px' },
    );
    observer.observe(div);
  }

  function keepWhileNear(div: FigureDiv, plotly: PlotlyApi): void {
    const kept = !settings.lazy || !settings.release || div.hasAttribute('data-draw-at-once');
    if (kept || typeof IntersectionObserver === 'undefined') return;
    const observer = new IntersectionObserver(
      (entries) => {
        if (entries[entries.length - 1].isIntersecting || div.getAttribute('data-state') !== 'drawn') return;
        observer.disconnect();
        plotly.purge(div);
        div.innerHTML = div.anomalyEvalNote ?? '';
        watch(div, 'released');
      },
      { rootMargin: `${settings.release}px 0px` },
    );
    observer.observe(div);
  }

  function start(): void {
    const divs = document.querySelectorAll<FigureDiv>(`div${selector}:not([data-state])`);
    for (const div of Array.from(divs)) {
      div.anomalyEvalNote = div.innerHTML;
      watch(div, 'waiting');
    }
  }

  if (page.Plotly) {
    start();
    return;
  }
  const queue = (page[settings.waiters] as (() => void)[] | undefined) ?? [];
  page[settings.waiters] = queue;
  queue.push(start);
  let polls = 0;
  const timer = setInterval(() => {
    if (page.Plotly) {
      clearInterval(timer);
      start();
    } else if (++polls > 600) {
      clearInterval(timer);
    }
  }, 500);
}
