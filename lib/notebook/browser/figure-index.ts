/**
 * Which figure holds which IP, read from the figures' own specs: one implementation for both hosts
 * of the follow script. The report page runs {@link indexFigure} in Node once, when it is built
 * (report-page.ts); a notebook in JupyterLab runs the same compiled source in the browser through
 * {@link readFigureIndex}, over the specs its figure twins embed. Both functions are embedded as
 * text, so their bodies use nothing from outside them but browser globals and their arguments.
 */

/** A figure as the follow script knows it: its id, title, family when a timeline, the labels it holds. */
export interface IndexedFigure {
  readonly id: string;
  readonly title: string;
  readonly family?: string;
  readonly labels: readonly string[];
}

/** The part of a Plotly spec the index reads. */
export interface IndexedSpec {
  readonly data: readonly Record<string, unknown>[];
  readonly layout: Record<string, unknown>;
}

/**
 * The labels a figure spec holds (per-IP trace names, per-point text of grouped lines, heatmap
 * rows), those `isKnown` accepts, decoded from the escaped form the specs hold; its title as plain
 * text and, for a timeline ("avg_Length along the timeline"), its family. A density's `max` line is
 * not counted: its text names the loudest IP of each window, which the panel draws only as part of
 * the density (unless it stands out, and then it has a line of its own).
 */
export function indexFigure(id: string, spec: IndexedSpec, isKnown: (label: string) => boolean): IndexedFigure {
  const decoded: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', '#34': '"', '#39': "'", '#37': '%' };
  const unescaped = (text: string): string =>
    text.replace(/&(amp|lt|gt|quot|#34|#39|#37);/g, (_m, name: string) => decoded[name]);
  const found = new Set<string>();
  const take = (value: unknown): void => {
    if (typeof value !== 'string' || value === '') return;
    const label = unescaped(value);
    if (isKnown(label)) found.add(label);
  };
  for (const trace of spec.data) {
    take(trace.name);
    if (Array.isArray(trace.text) && trace.type !== 'heatmap' && trace.name !== 'max')
      for (const t of trace.text) take(t);
    if (trace.type === 'heatmap' && Array.isArray(trace.customdata))
      for (const row of trace.customdata) if (Array.isArray(row)) take(row[0]);
  }
  const raw = spec.layout.title;
  const text = typeof raw === 'string' ? raw : (raw as { text?: unknown } | undefined)?.text;
  const title = typeof text === 'string' ? unescaped(text.replace(/<br>[\s\S]*$/, '').replace(/<[^>]*>/g, '')) : '';
  const family = /^(.+) along the timeline$/.exec(title)?.[1];
  return { id, title, ...(family ? { family } : {}), labels: [...found] };
}

/**
 * The index of every figure whose spec is embedded under `root` (the twins' `data-anomaly-eval-spec`
 * scripts, inflated as draw-figures.ts does), in document order, one entry per figure id; specs
 * already in `cache` are not read again (a notebook's figures may be added as its cells run).
 */
export async function readFigureIndex(
  root: ParentNode,
  isKnown: (label: string) => boolean,
  index: typeof indexFigure,
  cache: Map<string, IndexedFigure>,
): Promise<IndexedFigure[]> {
  async function specOf(script: Element): Promise<IndexedSpec> {
    const text = script.textContent ?? '';
    if (script.getAttribute('data-encoding') !== 'gzip-base64') return JSON.parse(text);
    const binary = atob(text.trim());
    const bytes = new Uint8Array(binary.length);
    for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
    const inflated = new Blob([bytes]).stream().pipeThrough(new DecompressionStream('gzip'));
    return JSON.parse(await new Response(inflated).text());
  }
  const out: IndexedFigure[] = [];
  const seen = new Set<string>();
  for (const script of Array.from(root.querySelectorAll('script[data-anomaly-eval-spec]'))) {
    const id = script.getAttribute('data-anomaly-eval-spec') ?? '';
    if (seen.has(id)) continue;
    seen.add(id);
    let entry = cache.get(id);
    if (!entry) {
      try {
        entry = index(id, await specOf(script), isKnown);
      } catch (error) {
        console.error(`figure ${id}: ${error}`);
        continue;
      }
      cache.set(id, entry);
    }
    out.push(entry);
  }
  return out;
}
