/**
 * Post-processing of an executed notebook and of nbconvert's HTML, as pure string/data functions:
 * make the page self-contained (nbconvert's template loads require.js and MathJax from
 * `file:///usr/share/javascript/` on Debian, from CDNs elsewhere), fold or hide code cells, list
 * every URL a page references, find error outputs, and read the runner's progress lines.
 * The report command (cli/report.ts) does the I/O around them.
 */
import { escapeHtml, unescapeHtml } from '../html';
import type { AnomalousPanels } from './params';

/** How code cells appear in the HTML page. */
export type CodeDisplay = 'show' | 'fold' | 'hide';

/** A URL referenced by an attribute of a tag in an HTML page. */
export interface UrlReference {
  /** Lower-case tag name: `script`, `link`, `img`, `a`, ... */
  readonly tag: string;
  /** Lower-case attribute name: `src` or `href`. */
  readonly attr: string;
  readonly url: string;
}

// Tags with a src/href attribute, outside <script>/<style> bodies (whose text is not markup).
const TAG_RE = /<([a-zA-Z][a-zA-Z0-9-]*)((?:\s+[^\s"'>/=]+(?:\s*=\s*(?:"[^"]*"|'[^']*'|[^\s"'=<>`]+))?)*)\s*\/?>/g;
const ATTR_RE = /([^\s"'>/=]+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'=<>`]+)))?/g;

/** The markup of a page with the bodies of <script>, <style> and <textarea> blanked out (same length). */
function markupOnly(html: string): string {
  return html.replace(
    /(<(script|style|textarea)\b[^>]*>)([\s\S]*?)(<\/\2\s*>)/gi,
    (_m, open: string, _t: string, body: string, close: string) => open + ' '.repeat(body.length) + close,
  );
}

/**
 * Every `src` and `href` attribute of every tag in the page, in document order (script and
 * style bodies are not markup and are skipped). Use it to prove a page loads nothing from disk or
 * network.
 */
export function referencedUrls(html: string): UrlReference[] {
  const out: UrlReference[] = [];
  const markup = markupOnly(html);
  for (const tag of markup.matchAll(TAG_RE)) {
    const name = tag[1].toLowerCase();
    for (const attr of tag[2].matchAll(ATTR_RE)) {
      const attrName = attr[1].toLowerCase();
      if (attrName !== 'src' && attrName !== 'href') continue;
      const value = attr[2] ?? attr[3] ?? attr[4];
      if (value !== undefined) out.push({ tag: name, attr: attrName, url: unescapeHtml(value) });
    }
  }
  return out;
}

/** True when a URL loads something from outside the page: a file, a server, a CDN (data: and #anchors do not). */
export function isExternalUrl(url: string): boolean {
  const trimmed = url.trim().toLowerCase();
  if (
    trimmed === '' ||
    trimmed.startsWith('#') ||
    trimmed.startsWith('data:') ||
    trimmed.startsWith('javascript:') ||
    trimmed.startsWith('about:')
  ) {
    return false;
  }
  return true;
}

/**
 * References that would make the page depend on something outside it: scripts, stylesheets,
 * images, frames... with a non-`data:` URL. Plain links (`<a href>`) are navigation, not
 * dependencies, and are not listed.
 */
export function externalResources(html: string): UrlReference[] {
  return referencedUrls(html).filter((ref) => ref.tag !== 'a' && isExternalUrl(ref.url));
}

/**
 * nbconvert's page made self-contained and offline: drops the external `<script src>` tags
 * (require.js: the figures use a global Plotly and an anonymous AMD `define` would break
 * plotly.js; MathJax: the notebook has no LaTeX), the MathJax configuration block, and any
 * external stylesheet `<link>`. Inline scripts and styles (plotly.js itself, the theme CSS) stay.
 */
export function makeSelfContained(html: string): string {
  let out = html.replace(/[ \t]*<!-- Load mathjax -->[\s\S]*?<!-- End of mathjax configuration -->/g, '');
  out = out.replace(/<script\b([^>]*)>([\s\S]*?)<\/script\s*>/gi, (whole, attrs: string) =>
    loadsExternal(attrs, 'src') ? '' : whole,
  );
  out = out.replace(/<link\b[^>]*>/gi, (whole) => (loadsExternal(whole, 'href') ? '' : whole));
  return out;
}

/** True when the tag markup's first `attr` attribute holds an external URL (see {@link isExternalUrl}). */
function loadsExternal(markup: string, attr: 'src' | 'href'): boolean {
  const value = new RegExp(`\\b${attr}\\s*=\\s*(?:"([^"]*)"|'([^']*)'|([^\\s>]+))`, 'i').exec(markup);
  return value !== null && isExternalUrl(unescapeHtml(value[1] ?? value[2] ?? value[3]));
}

/** [start, end) of the `<div ...>` that opens at `start`, found by counting nested divs. */
function divExtent(html: string, start: number): number {
  const re = /<div\b|<\/div\s*>/gi;
  re.lastIndex = start;
  let depth = 0;
  for (let m = re.exec(html); m; m = re.exec(html)) {
    depth += m[0].startsWith('</') ? -1 : 1;
    if (depth === 0) return m.index + m[0].length;
  }
  throw new RangeError(`unbalanced <div> starting at offset ${start}`);
}

const FOLD_STYLE = `<style>
details.ae-code > summary { cursor: pointer; color: #616161; font: 12px/1.6 monospace; padding: 2px 0 2px 8px; }
details.ae-code[open] > summary { margin-bottom: 2px; }
</style>`;

/**
 * The page with the input area of every code cell folded into a closed `<details>` ("Code")
 * or removed, leaving markdown cells and all outputs as they were. `show` returns it unchanged.
 */
export function setCodeDisplay(html: string, mode: CodeDisplay): string {
  if (mode === 'show') return html;
  const parts: string[] = [];
  let pos = 0;
  const cellRe = /<div class="jp-Cell jp-CodeCell\b/g;
  for (let cell = cellRe.exec(html); cell; cell = cellRe.exec(html)) {
    const inputStart = html.indexOf('<div class="jp-Cell-inputWrapper"', cell.index);
    if (inputStart < 0) break;
    const inputEnd = divExtent(html, inputStart);
    parts.push(html.slice(pos, inputStart));
    if (mode === 'fold') {
      const prompt = /<div class="jp-InputPrompt[^"]*">([^<]*)<\/div>/.exec(html.slice(inputStart, inputEnd));
      const label = prompt && prompt[1].trim() !== '' ? `Code ${prompt[1].trim()}` : 'Code';
      parts.push(
        `<details class="ae-code"><summary>${label}</summary>`,
        html.slice(inputStart, inputEnd),
        '</details>',
      );
    }
    pos = inputEnd;
    cellRe.lastIndex = inputEnd;
  }
  parts.push(html.slice(pos));
  let out = parts.join('');
  if (mode === 'fold') out = out.replace(/<\/head>/i, `${FOLD_STYLE}\n</head>`);
  return out;
}

/** The page's `<title>` set to `title` (nbconvert writes "Notebook" when converting from memory). */
export function setTitle(html: string, title: string): string {
  const element = `<title>${escapeHtml(title)}</title>`;
  // Replacement functions, not strings: a `$&` in the title must stay literal.
  return /<title>[\s\S]*?<\/title>/i.test(html)
    ? html.replace(/<title>[\s\S]*?<\/title>/i, () => element)
    : html.replace(/<head>/i, () => `<head>${element}`);
}

/** The offline page the report writes: self-contained, titled, code cells as asked. */
export function finishHtml(html: string, options: { title: string; code: CodeDisplay }): string {
  return setCodeDisplay(setTitle(makeSelfContained(html), options.title), options.code);
}

/** The parts of an nbformat v4 notebook these functions read. */
export interface NotebookJson {
  readonly cells: readonly {
    readonly cell_type: string;
    readonly source: string | readonly string[];
    readonly metadata?: { readonly tags?: readonly string[] } & Record<string, unknown>;
    readonly outputs?: readonly Record<string, unknown>[];
  }[];
  readonly metadata?: Record<string, unknown>;
}

/** An output that signals a problem: an `error` output, or text the kernel wrote to stderr. */
export interface ProblemOutput {
  /** 0-based position of the cell in the notebook. */
  readonly cellIndex: number;
  readonly kind: 'error' | 'stderr';
  /** `ename: evalue` for errors, the text for stderr. */
  readonly text: string;
}

/** Cell source as one string (nbformat allows a list of lines). */
export function cellSource(cell: { readonly source: string | readonly string[] }): string {
  return typeof cell.source === 'string' ? cell.source : cell.source.join('');
}

/** The first non-blank line of a cell's source, trimmed: how a failure names its cell. */
export function firstSourceLine(cell: { readonly source: string | readonly string[] }): string {
  return (
    cellSource(cell)
      .split('\n')
      .map((line) => line.trim())
      .find((line) => line !== '') ?? ''
  );
}

/**
 * Every error output and stderr stream of an executed notebook. tslab reports a throwing cell as a
 * stderr stream (not an `error` output), so both count.
 */
export function findProblemOutputs(nb: NotebookJson): ProblemOutput[] {
  const problems: ProblemOutput[] = [];
  nb.cells.forEach((cell, cellIndex) => {
    for (const out of cell.outputs ?? []) {
      if (out.output_type === 'error') {
        problems.push({ cellIndex, kind: 'error', text: `${String(out.ename)}: ${String(out.evalue)}` });
      } else if (out.output_type === 'stream' && out.name === 'stderr') {
        const text = Array.isArray(out.text) ? out.text.join('') : String(out.text);
        problems.push({ cellIndex, kind: 'stderr', text });
      }
    }
  });
  return problems;
}

/** One progress line of scripts/run_notebook.py. */
export type RunnerEvent =
  | { readonly event: 'start'; readonly cells: number; readonly code: number }
  | {
      readonly event: 'cell';
      readonly index: number;
      readonly code: number;
      readonly first: string;
      readonly tags?: readonly string[];
    }
  /** `cpu`: the kernel's CPU seconds so far (Linux), null or absent where unknown. */
  | { readonly event: 'cell-done'; readonly index: number; readonly seconds: number; readonly cpu?: number | null }
  /** The kernel answered; `cpu`: its CPU seconds spent starting (Linux), null or absent where unknown. */
  | { readonly event: 'kernel'; readonly cpu?: number | null }
  | {
      readonly event: 'error';
      readonly index: number;
      readonly first: string;
      readonly ename: string;
      readonly evalue: string;
      readonly traceback: readonly string[];
    }
  | { readonly event: 'executed'; readonly seconds: number }
  /** nbconvert's HTML is written (the notebook is being signed and written). */
  | { readonly event: 'html'; readonly html: string }
  | { readonly event: 'written'; readonly notebook: string; readonly html: string }
  | { readonly event: 'missing'; readonly module: string };

const EVENT_NAMES = new Set([
  'start',
  'kernel',
  'cell',
  'cell-done',
  'error',
  'executed',
  'html',
  'written',
  'missing',
]);

/** A runner progress line parsed, or undefined for any other output (kernel logs, warnings). */
export function parseRunnerEvent(line: string): RunnerEvent | undefined {
  const text = line.trim();
  if (!text.startsWith('{')) return undefined;
  try {
    const value = JSON.parse(text) as { event?: unknown };
    return typeof value.event === 'string' && EVENT_NAMES.has(value.event) ? (value as RunnerEvent) : undefined;
  } catch {
    return undefined;
  }
}

/** ANSI colour codes (tslab and Node colour their stack traces) removed. */
export function stripAnsi(text: string): string {
  // eslint-disable-next-line no-control-regex
  // biome-ignore lint/suspicious/noControlCharactersInRegex: ESC starts the terminal colour codes this removes
  return text.replace(/\u001b\[[0-9;]*[A-Za-z]/g, '');
}

/**
 * Names of the errors a cell throws for a user's input: a table or baseline (InputError), a
 * parameter (ParamError), an option (OptionError), a choice the inputs cannot honour (ChoiceError).
 */
export const INPUT_ERROR_NAMES: readonly string[] = ['InputError', 'ParamError', 'OptionError', 'ChoiceError'];

/**
 * A failing cell's error as the one line a user needs when it is an input error (its message names
 * the file, line and column, what was found and what was expected); undefined for any other error,
 * whose stack a developer needs (`describeCellError`).
 */
export function inputErrorLine(event: Extract<RunnerEvent, { event: 'error' }>): string | undefined {
  if (event.ename) return INPUT_ERROR_NAMES.includes(event.ename) ? stripAnsi(event.evalue).trim() : undefined;
  // tslab sends a throwing cell's error as stderr text: the first error header line says which.
  for (const raw of event.traceback) {
    for (const line of stripAnsi(raw).split('\n')) {
      const header = /^\s*([A-Z]\w*(?:Error|Exception)|Error)(?:\s*\[[^\]]*\])?: (.*)$/.exec(line);
      if (header) return INPUT_ERROR_NAMES.includes(header[1]) ? header[2].trim() : undefined;
    }
  }
  return undefined;
}

/**
 * A failing cell's error as a few lines a user can act on: `ename: evalue` when the kernel gave
 * one, else the first lines of its traceback/stderr, without colour codes or tslab's own frames.
 */
export function describeCellError(event: Extract<RunnerEvent, { event: 'error' }>, maxLines = 6): string {
  const lines: string[] = [];
  if (event.ename || event.evalue)
    lines.push(stripAnsi(`${event.ename}${event.ename && event.evalue ? ': ' : ''}${event.evalue}`));
  for (const raw of event.traceback) {
    for (const line of stripAnsi(raw).split('\n')) {
      if (line.trim() === '' || /node_modules[\\/]tslab[\\/]/.test(line) || lines.includes(line)) continue;
      lines.push(line);
    }
  }
  // Node prints the source line and a caret before the message: lead with the message.
  const message = lines.findIndex((line) => /^\s*([A-Z]\w*(Error|Exception)|Error)\b/.test(line));
  if (message > 0) lines.unshift(...lines.splice(message, 1));
  return lines.slice(0, maxLines).join('\n');
}

/** Notebook size above which the report says `--anomalous lines` made it heavy: issue 27's target for Lab. */
export const LAB_HEAVY_BYTES = 8_000_000;

/**
 * The line the report prints when `--anomalous lines` made its notebook heavy for JupyterLab (which
 * loads and renders every output when a notebook opens, whatever it shows): what the default would
 * change. Undefined when there is nothing to suggest (the default `auto` already draws large
 * anomalous panels as a density).
 */
export function labWeightHint(notebookBytes: number, anomalousPanels: AnomalousPanels | undefined): string | undefined {
  if (notebookBytes <= LAB_HEAVY_BYTES || anomalousPanels !== 'lines') return undefined;
  const mb = (notebookBytes / 1e6).toFixed(1);
  return (
    `report: the notebook is ${mb} MB; JupyterLab loads and renders all of it when it opens, and each timeline ` +
    'draws every line as you reach it, which at this size is slow and memory-hungry. Without --anomalous lines, ' +
    'panels of more than 30 anomalous IPs draw as a density with the standout IPs as lines (a seed-scale notebook: ' +
    '7.4 MB → 3.7 MB); see README, "In JupyterLab".'
  );
}
