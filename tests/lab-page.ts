/**
 * Driving the harness's JupyterLab page in headless Chromium (for tests/lab.test.ts and
 * bench/lab.ts): wait for the app, open and close notebooks through Lab's own commands, Run All,
 * and find the figure outputs and whether each has drawn, whoever draws it:
 * - our HTML twin (`div[data-anomaly-eval-figure]`), drawn once it has `data-drawn-ms` (every
 *   figure by default, in both variants);
 * - jupyterlab-plotly's renderer (`.jp-RenderedPlotly`, a figure stored with its Plotly JSON where
 *   the extension is installed), drawn when it holds plotly's SVG.
 */
import type { Page } from 'playwright-core';

/** The app object src/index.js puts on `window` once Lab is restored. */
interface LabWindow {
  anomalyEvalLab?: {
    restoredMs: number;
    app: {
      commands: { execute(id: string, args?: unknown): Promise<unknown> };
      shell: { currentWidget: unknown };
    };
  };
}

/** What the tests read of a notebook panel's kernel session. */
interface SessionWidget {
  node: HTMLElement;
  context?: { path: string; isReady: boolean };
  sessionContext?: { isReady: boolean; session?: { kernel?: { status: string } | null } | null };
}

/** Selector of a figure output's host: jupyterlab-plotly's output node, or our twin. */
export const FIGURE_HOSTS = '.jp-RenderedPlotly, .jp-OutputArea-output div[data-anomaly-eval-figure]';

/** The figure hosts of the notebook in view. */
const SHOWN_FIGURE_HOSTS = FIGURE_HOSTS.split(', ')
  .map((host) => `.jp-NotebookPanel:not(.lm-mod-hidden) ${host}`)
  .join(', ');

/** Loads Lab at `url` and waits until it is restored; returns the page clock (ms) at that point. */
export async function openLabPage(page: Page, url: string, timeoutMs = 90_000): Promise<number> {
  await page.goto(url, { waitUntil: 'load', timeout: timeoutMs });
  await page.waitForFunction(() => (window as unknown as LabWindow).anomalyEvalLab !== undefined, undefined, {
    timeout: timeoutMs,
    polling: 100,
  });
  return page.evaluate(() => (window as unknown as LabWindow).anomalyEvalLab!.restoredMs);
}

/** Runs a Lab command (what a menu item or shortcut does). */
export async function labCommand(page: Page, id: string, args?: Record<string, unknown>): Promise<void> {
  // The command's result (often a widget) stays in the page: it cannot be serialized.
  await page.evaluate(
    async ([command, commandArgs]) => {
      await (window as unknown as LabWindow).anomalyEvalLab!.app.commands.execute(command as string, commandArgs);
    },
    [id, args ?? {}] as const,
  );
}

/** Waits until the current notebook panel shows `path` with every cell attached and its kernel idle (or no kernel). */
export async function waitForNotebook(
  page: Page,
  path: string,
  options: { kernel: boolean; timeoutMs?: number },
): Promise<void> {
  await page.waitForFunction(
    ([wanted, needKernel]) => {
      const lab = (window as unknown as LabWindow).anomalyEvalLab;
      if (!lab) return false;
      const widget = lab.app.shell.currentWidget as SessionWidget | null;
      if (!widget || widget.context?.path !== wanted || widget.context.isReady !== true) return false;
      if (!widget.node.querySelector('.jp-Cell')) return false;
      if (!needKernel) return true;
      return widget.sessionContext?.isReady === true && widget.sessionContext.session?.kernel?.status === 'idle';
    },
    [path, options.kernel] as const,
    { timeout: options.timeoutMs ?? 90_000, polling: 200 },
  );
}

/** Opens `path` (relative to the served root) in Lab, as the file browser does. */
export async function openNotebook(page: Page, path: string, options: { kernel: boolean }): Promise<void> {
  await labCommand(page, 'docmanager:open', { path });
  await waitForNotebook(page, path, options);
}

/** Execution counts of the current notebook's code cells (null: never run). */
export async function executionCounts(page: Page): Promise<(number | null)[]> {
  return page.$$eval('.jp-NotebookPanel:not(.lm-mod-hidden) .jp-CodeCell .jp-InputPrompt', (prompts) =>
    prompts.map((p) => {
      const m = /\[(\d+)\]/.exec(p.textContent ?? '');
      return m ? Number(m[1]) : null;
    }),
  );
}

/** Run → Run All Cells, then waits until every code cell has run and the kernel is idle again. */
export async function runAll(page: Page, timeoutMs = 240_000): Promise<void> {
  await labCommand(page, 'notebook:run-all-cells');
  await page.waitForFunction(
    () => {
      const prompts = Array.from(
        document.querySelectorAll('.jp-NotebookPanel:not(.lm-mod-hidden) .jp-CodeCell .jp-InputPrompt'),
      );
      const widget = (window as unknown as LabWindow).anomalyEvalLab!.app.shell.currentWidget as SessionWidget | null;
      return (
        prompts.length > 0 &&
        prompts.every((p) => /\[\d+\]/.test(p.textContent ?? '')) &&
        widget?.sessionContext?.session?.kernel?.status === 'idle'
      );
    },
    undefined,
    { timeout: timeoutMs, polling: 500 },
  );
}

/** Text of every error or stderr output in the current notebook (each cut to 300 characters). */
export async function errorOutputs(page: Page): Promise<string[]> {
  return page.$$eval(
    '.jp-NotebookPanel:not(.lm-mod-hidden) .jp-OutputArea-output[data-mime-type="application/vnd.jupyter.stderr"], .jp-NotebookPanel:not(.lm-mod-hidden) .jp-RenderedText[data-mime-type="application/vnd.jupyter.error"]',
    (els) => els.map((e) => (e.textContent ?? '').slice(0, 300)),
  );
}

/** How many outputs of the current notebook hold a figure (a twin or a Plotly JSON, in the notebook model). */
export async function figureOutputCount(page: Page): Promise<number> {
  return page.evaluate(() => {
    const widget = (window as unknown as LabWindow).anomalyEvalLab!.app.shell.currentWidget as {
      content?: {
        model?: {
          cells: {
            length: number;
            get(i: number): {
              type: string;
              outputs?: { length: number; get(j: number): { data: Record<string, unknown> } };
            };
          };
        };
      };
    };
    const cells = widget.content?.model?.cells;
    if (!cells) return -1;
    let n = 0;
    for (let i = 0; i < cells.length; i++) {
      const outputs = cells.get(i).outputs;
      if (!outputs) continue;
      for (let j = 0; j < outputs.length; j++) {
        const data = outputs.get(j).data;
        const html = data['text/html'];
        const twin = (Array.isArray(html) ? html.join('') : String(html ?? '')).includes('data-anomaly-eval-figure=');
        if (twin || 'application/vnd.plotly.v1+json' in data) n++;
      }
    }
    return n;
  });
}

/** One figure output as the page shows it. */
export interface FigureState {
  /**
   * Drawn at least once. plotly: its SVG is there, or the PNG copy jupyterlab-plotly saved into the
   * notebook is shown (it draws the interactive figure on hover); html: it stamped `data-drawn-ms`.
   */
  readonly drawn: boolean;
  /** Page clock (ms) of the first draw when known (html twins stamp it; plotly figures are stamped by {@link watchPlotlyDraws}). */
  readonly drawnMs?: number;
  /** Start of the visible text (a note instead of a figure, an error...). */
  readonly text: string;
}

/**
 * Stamps each jupyterlab-plotly figure with the page clock when its SVG first appears (a
 * MutationObserver), so the benchmark can say when figures drew. Call before the notebook opens.
 */
export async function watchPlotlyDraws(page: Page): Promise<void> {
  await page.addInitScript(() => {
    const stamp = (): void => {
      for (const host of Array.from(document.querySelectorAll('.jp-RenderedPlotly:not([data-drawn-ms])'))) {
        if (host.querySelector('.main-svg')) host.setAttribute('data-drawn-ms', String(Math.round(performance.now())));
      }
    };
    const start = (): void => {
      new MutationObserver(stamp).observe(document.body, { childList: true, subtree: true });
    };
    if (document.body) start();
    else document.addEventListener('DOMContentLoaded', start);
  });
}

/** The figure outputs of the current notebook, in order. */
export async function figureStatesIn(page: Page): Promise<FigureState[]> {
  return page.$$eval(SHOWN_FIGURE_HOSTS, (hosts) =>
    hosts.map((h) => {
      const ms = h.getAttribute('data-drawn-ms');
      const png = h.querySelector('img.plot-img') as HTMLImageElement | null;
      const shownPng =
        png !== null && png.style.display !== 'none' && png.src.startsWith('data:image/png') && png.naturalWidth > 0;
      const drawn = h.classList.contains('jp-RenderedPlotly')
        ? h.querySelector('.main-svg') !== null || shownPng
        : ms !== null && h.getAttribute('data-state') !== 'error';
      return { drawn, drawnMs: ms === null ? undefined : Number(ms), text: (h.textContent ?? '').slice(0, 200) };
    }),
  );
}

/**
 * Scrolls the current notebook like a reader, a screen at a time from the top (Lab attaches
 * cells and renders their outputs as they come near), and at each stop waits until every figure
 * in view has drawn (up to `perFigureMs`); returns the states of all figure outputs after the pass.
 */
export async function scrollThroughFigures(
  page: Page,
  perFigureMs = 30_000,
  onStep?: () => void,
  expected?: number,
): Promise<FigureState[]> {
  // Lab may still be attaching cells of a big notebook: read on (up to 3 passes) until every
  // expected figure output is there and drawn.
  for (let pass = 0; pass < 3; pass++) {
    const states = await readerPass(page, perFigureMs, onStep);
    if (expected === undefined || (states.length >= expected && states.every((s) => s.drawn))) return states;
    await page.waitForTimeout(2000);
  }
  return figureStatesIn(page);
}

/** One pass of {@link scrollThroughFigures}, top to bottom. */
async function readerPass(page: Page, perFigureMs: number, onStep?: () => void): Promise<FigureState[]> {
  const scroller = '.jp-NotebookPanel:not(.lm-mod-hidden) .jp-WindowedPanel-outer';
  await page.evaluate((sel) => document.querySelector(sel)?.scrollTo({ top: 0 }), scroller);
  for (let step = 0; step < 2000; step++) {
    await page
      .waitForFunction(
        (sel) => {
          const view = window.innerHeight;
          return Array.from(document.querySelectorAll(sel)).every((host) => {
            const box = host.getBoundingClientRect();
            if (box.bottom < 0 || box.top > view) return true;
            const png = host.querySelector('img.plot-img') as HTMLImageElement | null;
            const shownPng =
              png !== null &&
              png.style.display !== 'none' &&
              png.src.startsWith('data:image/png') &&
              png.naturalWidth > 0;
            return host.classList.contains('jp-RenderedPlotly')
              ? host.querySelector('.main-svg') !== null || shownPng
              : host.hasAttribute('data-drawn-ms') || host.getAttribute('data-state') === 'error';
          });
        },
        SHOWN_FIGURE_HOSTS,
        { timeout: perFigureMs, polling: 50 },
      )
      .catch(() => undefined);
    onStep?.();
    const atEnd = await page.evaluate((sel) => {
      const outer = document.querySelector(sel);
      if (!outer) return true;
      const before = outer.scrollTop;
      outer.scrollTop = before + outer.clientHeight * 0.8;
      return outer.scrollTop === before;
    }, scroller);
    if (atEnd) break;
    await page.waitForTimeout(50);
  }
  return figureStatesIn(page);
}

/**
 * The notes shown where the twins of an untrusted notebook would draw, read after
 * scrolling through the notebook (up to 3 passes, until `expected` notes are there).
 */
export async function untrustedFigureNotes(page: Page, expected: number): Promise<string[]> {
  const read = () =>
    page.$$eval('.jp-NotebookPanel:not(.lm-mod-hidden) .jp-OutputArea-output[data-mime-type="text/html"]', (outputs) =>
      outputs.map((o) => (o.textContent ?? '').trim()).filter((t) => t.startsWith('Figure “')),
    );
  let notes: string[] = [];
  for (let pass = 0; pass < 3 && notes.length < expected; pass++) {
    await readerPass(page, 5_000);
    notes = await read();
  }
  return notes;
}
