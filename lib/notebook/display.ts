/**
 * Jupyter display bundles for figures, tables, HTML and markdown, and the only code that talks to
 * the tslab kernel. Bundle builders are pure; `show` is the one I/O function.
 *
 * A figure's bundle carries the same figure in two representations, three on request:
 * - `text/html`, the twin every front end draws (JupyterLab with or without its Plotly extension,
 *   the classic Notebook, nbconvert HTML, reopened notebooks):
 *   a div, the spec as inert data (gzip+base64 or JSON), and a script (`drawFigures` of
 *   lib/notebook/browser/draw-figures.ts, compiled TypeScript embedded as text) that waits for plotly.js
 *   (embedded once per document by {@link plotlyLibraryBundle}), draws the figure when it nears the
 *   viewport (merging per-IP lines into a few colour traces first, see `groupLines`) and frees it
 *   when it drifts far away, so a long notebook stays fast and its memory bounded;
 * - `text/plain`, a one-line description;
 * - with `plotlyJson: true` only, `application/vnd.plotly.v1+json`, a JSON object that JupyterLab's
 *   Plotly extension and VS Code draw themselves, also untrusted. Off by default: where the
 *   extension is installed, Lab prefers that JSON, and the extension draws every figure of the
 *   notebook before the first paint, while the twins draw as the reader scrolls.
 */
import { createHash } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import type { ColumnTable } from 'arquero';
import type { Frame } from '../table/frame';
import { type DataTableOptions, dataTableHtml, dataTablePlain, isColumnTable } from './data-table';
import { escapeHtml, jsonForScript, unescapeHtml } from '../html';
import { type FrameTableOptions, frameTableHtml } from './frame-table';
import type { PlotlyFigure } from '../figures/spec';
import { groupLines } from '../figures/group-lines';
import { type DrawSettings, drawFigures } from './browser/draw-figures';
import { TIMELINE_DEFAULTS } from '../figures/timeline';
import { type FigureBundleOptions, checkFigureBundleOptions } from './figure-options';

/** How far (px) a drawn figure may drift from the viewport before its twin frees it. */
const DEFAULT_RELEASE_PX = 2000;
import { PLOTLY_WAITERS, type PlotlyBuild, plotlyLibraryScript, plotlyVersion, scriptSafe } from './plotly-bundle';

/** A Jupyter display bundle: mime type → content, plus per-mime metadata. */
export interface MimeBundle {
  data: Record<string, unknown>;
  metadata: Record<string, unknown>;
}

/** The Plotly mime type JupyterLab's Plotly renderer reads (a JSON object, not a string). */
export const PLOTLY_MIME = 'application/vnd.plotly.v1+json';

/** Plain text of a Plotly title: tags dropped, entities decoded with {@link unescapeHtml}. */
export function plotlyTextToPlain(text: string): string {
  return unescapeHtml(text.replace(/<[^>]*>/g, ''));
}

function figureTitle(fig: PlotlyFigure): string {
  const title = fig.layout.title;
  const text = typeof title === 'string' ? title : (title as { text?: unknown } | undefined)?.text;
  return typeof text === 'string' ? plotlyTextToPlain(text) : 'untitled';
}

function figureHeight(fig: PlotlyFigure): number {
  const h = fig.layout.height;
  return typeof h === 'number' && h > 0 ? h : 450;
}

/** Browser source of {@link groupLines}, embedded in twins that group lines (compiled JS, no imports). */
const GROUP_LINES_SOURCE = scriptSafe(groupLines.toString());

/** Browser source of {@link drawFigures}, embedded in every twin (compiled JS, no imports). */
const DRAW_FIGURES_SOURCE = scriptSafe(drawFigures.toString());

/** The script of a twin: {@link drawFigures} called with the figure's id and settings. */
function drawScript(id: string, settings: DrawSettings): string {
  const group = settings.groupStride > 0 ? GROUP_LINES_SOURCE : 'null';
  return `<script type="text/javascript">(${DRAW_FIGURES_SOURCE})(${JSON.stringify(id)},${jsonForScript(settings)},${group});</script>`;
}

/**
 * The HTML twin of a figure: a sized div (with a note shown until the figure draws), the spec as
 * inert data (gzip+base64 by default, else escaped JSON), and the drawing script. Needs plotly.js once in the document
 * ({@link plotlyLibraryBundle}), before or after; never `require`.
 */
export function figureHtml(fig: PlotlyFigure, given: FigureBundleOptions = {}): string {
  const options = checkFigureBundleOptions(given);
  const json = jsonForScript({ data: fig.data, layout: fig.layout, config: fig.config ?? {} });
  const id = createHash('sha256').update(json).digest('hex').slice(0, 16);
  const compress = options.compress ?? true;
  const spec = compress
    ? `<script type="application/octet-stream" data-encoding="gzip-base64" data-anomaly-eval-spec="${id}">${gzipSync(json, { level: 6 }).toString('base64')}</script>`
    : `<script type="application/json" data-anomaly-eval-spec="${id}">${json}</script>`;
  const height = figureHeight(fig);
  const title = escapeHtml(figureTitle(fig));
  return (
    `<div class="anomaly-eval-figure" data-anomaly-eval-figure="${id}" style="width:100%;min-height:${height}px;">` +
    `<div style="font:13px sans-serif;color:#777;padding:8px">Figure “${title}” draws here. ` +
    'If this text stays, the notebook is not trusted (Jupyter runs no script of an untrusted notebook) or plotly.js is missing ' +
    '(an earlier output embeds it: loadPlotly()). To trust the notebook: in JupyterLab run “Trust Notebook” from the command palette ' +
    '(Ctrl+Shift+C), in the classic Notebook File → Trust Notebook, or in a shell <code>jupyter trust FILE.ipynb</code>; then reopen it.</div></div>' +
    spec +
    drawScript(id, {
      lazy: options.lazy ?? true,
      groupStride:
        (options.lines ?? 'grouped') === 'grouped' ? (options.hoverStride ?? TIMELINE_DEFAULTS.hoverStride) : 0,
      release: options.release === false ? 0 : (options.release ?? DEFAULT_RELEASE_PX),
      waiters: PLOTLY_WAITERS,
    })
  );
}

/**
 * One display bundle per figure: the HTML twin, which every front end and nbconvert draw, a
 * text/plain description, and with `plotlyJson: true` the Plotly JSON object for JupyterLab's Plotly
 * extension (see {@link FigureBundleOptions.plotlyJson}).
 */
export function figureBundle(fig: PlotlyFigure, given: FigureBundleOptions = {}): MimeBundle {
  const options = checkFigureBundleOptions(given);
  const description = options.description ?? `Plotly figure: ${figureTitle(fig)} (${fig.data.length} traces)`;
  const plotly = options.plotlyJson
    ? { [PLOTLY_MIME]: { data: fig.data, layout: fig.layout, config: fig.config ?? {} } }
    : {};
  return {
    data: { ...plotly, 'text/html': figureHtml(fig, options), 'text/plain': description },
    metadata: {},
  };
}

/**
 * plotly.js, inline, once per document: show it in an early cell; figures shown before or after
 * draw once it has run. Safe next to require.js (AMD `define` cannot capture it). The cartesian
 * build (default) draws every figure lib/figures makes; ask for `full` to draw other trace types
 * (3-D, maps, tables...) in the HTML twins.
 */
export function plotlyLibraryBundle(options: { build?: PlotlyBuild } = {}): MimeBundle {
  const build = options.build ?? 'cartesian';
  const version = escapeHtml(plotlyVersion(build));
  const name = build === 'full' ? 'plotly.js' : `plotly.js (${build} build)`;
  return {
    data: {
      'text/html':
        plotlyLibraryScript(build) +
        `<div style="font:12px sans-serif;color:#777">${name} ${version} is embedded here once for the figures of this notebook.</div>`,
      'text/plain': `${name} ${version} (embedded for the HTML figures)`,
    },
    metadata: {},
  };
}

/**
 * A table's display bundle. A frame: a pandas-like HTML table of its first rows, with a text/plain
 * shape line. An arquero table (a query result): its first page of rows with the row and column
 * counts, sortable and paged in the browser (data-table.ts).
 */
export function tableBundle(table: Frame, options?: FrameTableOptions): MimeBundle;
export function tableBundle(table: ColumnTable, options?: DataTableOptions): MimeBundle;
export function tableBundle(
  table: Frame | ColumnTable,
  options: FrameTableOptions | DataTableOptions = {},
): MimeBundle {
  if (isColumnTable(table)) {
    const html = dataTableHtml(table, options as DataTableOptions);
    return { data: { 'text/html': html, 'text/plain': dataTablePlain(table) }, metadata: {} };
  }
  const frameOptions = options as FrameTableOptions;
  const rows = Math.min(frameOptions.rows ?? 5, table.nRows);
  return {
    data: {
      'text/html': frameTableHtml(table, frameOptions),
      'text/plain': `${rows} rows × ${table.nCols} columns (frame of ${table.nRows} rows)`,
    },
    metadata: {},
  };
}

/** A bundle of trusted HTML (the caller escapes any file strings, e.g. with `escapeHtml`). */
export function htmlBundle(html: string, plain = '[HTML]'): MimeBundle {
  return { data: { 'text/html': html, 'text/plain': plain }, metadata: {} };
}

/** A bundle of markdown (the caller escapes any file strings with `escapeMarkdown`). */
export function markdownBundle(markdown: string): MimeBundle {
  return { data: { 'text/markdown': markdown, 'text/plain': markdown }, metadata: {} };
}

/** What tslab's kernel module exposes: the current cell's display writer (null between cells). */
interface TslabJupyterModule {
  lastWriteDisplayData:
    | ((
        content: {
          data: Record<string, unknown>;
          metadata: Record<string, unknown>;
          transient: Record<string, unknown>;
        },
        update: boolean,
      ) => void)
    | null;
}

const JUPYTER_MODULE = /[\\/]tslab[\\/]dist[\\/]jupyter\.js$/;

/**
 * The display writer of the running tslab kernel's current cell, found in `require.cache` (the
 * kernel's own `tslab/dist/jupyter.js`, whichever install it runs from), or undefined outside a kernel.
 */
export function kernelDisplayWriter(): TslabJupyterModule['lastWriteDisplayData'] | undefined {
  for (const [key, mod] of Object.entries(require.cache)) {
    if (!mod || !JUPYTER_MODULE.test(key)) continue;
    const writer = (mod.exports as Partial<TslabJupyterModule>).lastWriteDisplayData;
    if (typeof writer === 'function') return writer;
  }
  return undefined;
}

/** Thrown by {@link show} outside a tslab kernel. */
export class NoKernelError extends Error {
  constructor() {
    super(
      'show(): no running tslab kernel in this process (no tslab/dist/jupyter.js with a display writer ' +
        'in require.cache). Run this in a Jupyter notebook with the tslab kernel, or outside Jupyter use ' +
        'figureBundle()/tableBundle() and write the bundle into a notebook yourself.',
    );
    this.name = 'NoKernelError';
  }
}

/**
 * Sends one multi-mime display bundle to the current cell. The writer is taken when `show` is
 * called, and the message is handed to the kernel's socket synchronously; the promise resolves
 * one event-loop turn later, so `await show(...)` keeps outputs in order and in their cell.
 * Outside a kernel it throws {@link NoKernelError} (a silent no-op would hide lost figures).
 */
export async function show(bundle: MimeBundle): Promise<void> {
  const writer = kernelDisplayWriter();
  if (!writer) throw new NoKernelError();
  writer({ data: bundle.data, metadata: bundle.metadata, transient: {} }, false);
  await new Promise<void>((resolve) => setImmediate(resolve));
}

/** Shows a figure: its HTML twin and a text line (and the Plotly JSON with `plotlyJson: true`). */
export function showFigure(fig: PlotlyFigure, options: FigureBundleOptions = {}): Promise<void> {
  return show(figureBundle(fig, options));
}

/**
 * Shows a table: a frame's first rows (like pandas `head()`), or an arquero table, such as a query
 * on the evaluation's tables, paged and sortable: `await showTable(tables.reasons.filter((d) => d.role === 'dst'))`.
 */
export function showTable(table: Frame, options?: FrameTableOptions): Promise<void>;
export function showTable(table: ColumnTable, options?: DataTableOptions): Promise<void>;
export function showTable(
  table: Frame | ColumnTable,
  options: FrameTableOptions | DataTableOptions = {},
): Promise<void> {
  return show(
    isColumnTable(table)
      ? tableBundle(table, options as DataTableOptions)
      : tableBundle(table, options as FrameTableOptions),
  );
}

/** Shows markdown (escape file strings with `escapeMarkdown`). */
export function showMarkdown(markdown: string): Promise<void> {
  return show(markdownBundle(markdown));
}

/** Shows HTML (escape file strings with `escapeHtml`). */
export function showHtml(html: string): Promise<void> {
  return show(htmlBundle(html));
}

/** Embeds plotly.js in this cell's output: call once, in an early cell, before or after figures. */
export function loadPlotly(options: { build?: PlotlyBuild } = {}): Promise<void> {
  return show(plotlyLibraryBundle(options));
}
