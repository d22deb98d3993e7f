/**
 * The two hosts of the follow script (follow-ip.ts): the report page, and a notebook's follow output
 * in JupyterLab (or any front end that runs a trusted notebook's scripts). Real TypeScript embedded
 * from its compiled source: nothing from outside a function's body but browser globals and its
 * arguments.
 */
import type { FollowData } from './follow-data';
import type { FollowParts, followIp } from './follow-ip';

/**
 * The report page: follows under the body, its search box in the first screen's `#ae-follow` (else a
 * bar fixed at the top right), the choice kept in the address. Once per page.
 */
export function followOnPage(data: FollowData, follow: typeof followIp, parts: FollowParts): void {
  const page = window as unknown as { __anomalyEvalFollow?: boolean };
  if (page.__anomalyEvalFollow) return;
  page.__anomalyEvalFollow = true;
  let bar = document.getElementById('ae-follow');
  if (!bar) {
    bar = document.createElement('div');
    bar.className = 'ae-follow-floating';
    document.body.append(bar);
  }
  follow(data, parts, { root: document.body, bar, panelHost: document.body, listId: 'ae-follow-ips', address: true });
}

/**
 * A notebook's follow output (id `id`, its IPs in an inert JSON script inside it): follows under the
 * notebook panel that shows it (JupyterLab: each open notebook its own choice; no address, which all
 * notebooks share), the search box in the output, the panel beside the notebook, the style added to
 * the document once. Rendered again (its cell run again, the notebook reopened), the output replaces
 * the earlier instance of its panel. Outside Lab (an nbconvert page of the notebook) it follows under
 * the body and keeps the address; a report page that has its own follow script is left to it.
 */
export function followInNotebook(id: string, follow: typeof followIp, parts: FollowParts, style: string): void {
  type Root = HTMLElement & { aeFollow?: () => void };
  type ExtensionFigure = HTMLElement & {
    on?: (event: string, handler: (event: { points?: unknown[] }) => void) => void;
    aeClick?: boolean;
  };
  let made = 0;

  /**
   * jupyterlab-plotly's figures (drawn by its own plotly.js, which this script leaves alone: they are
   * not highlighted): a click on a line or a heatmap row chooses the IP, once the figure is drawn.
   */
  function clicksOfExtensionFigures(root: HTMLElement, choose: (label: string) => void): () => void {
    const labels = parts.makeHighlighter(() => true);
    let pending = 0;
    const watch = (): void => {
      pending = 0;
      for (const gd of Array.from(root.querySelectorAll<ExtensionFigure>('.jp-RenderedPlotly'))) {
        if (gd.aeClick || typeof gd.on !== 'function') continue;
        gd.aeClick = true;
        gd.on('plotly_click', (event) => {
          const label = event.points?.[0] ? labels.clickedLabel(event.points[0]) : undefined;
          if (label !== undefined) choose(label);
        });
      }
    };
    const observer = new MutationObserver(() => {
      if (pending === 0) pending = requestAnimationFrame(watch);
    });
    observer.observe(root, { childList: true, subtree: true });
    watch();
    return () => observer.disconnect();
  }

  function setUp(slot: HTMLElement): void {
    slot.setAttribute('data-state', 'ready');
    const data = JSON.parse(slot.querySelector('script[data-ae-follow-data]')?.textContent ?? 'null') as FollowData;
    const panel = slot.closest<HTMLElement>('.jp-NotebookPanel');
    const root = (panel ?? document.body) as Root;
    if (
      !panel &&
      (document.getElementById('ae-follow') || (window as { __anomalyEvalFollow?: boolean }).__anomalyEvalFollow)
    )
      return;
    if (!document.getElementById('ae-follow-style')) {
      const sheet = document.createElement('style');
      sheet.id = 'ae-follow-style';
      sheet.textContent = style;
      document.head.append(sheet);
    }
    slot.querySelector('[data-ae-follow-note]')?.remove();
    root.aeFollow?.();
    if (panel) panel.classList.add('ae-follow-root');
    const instance = follow(data, parts, {
      root,
      bar: slot,
      panelHost: root,
      listId: `ae-follow-ips-${id}-${++made}-${Math.random().toString(36).slice(2, 8)}`,
      address: !panel,
    });
    const stopClicks = panel ? clicksOfExtensionFigures(root, instance.choose) : () => undefined;
    const stopWatch = panel ? whenClosed(panel, () => root.aeFollow?.()) : () => undefined;
    root.aeFollow = () => {
      root.aeFollow = undefined;
      stopWatch();
      stopClicks();
      instance.dispose();
    };
  }

  /**
   * Calls `closed` once `panel` has left the page for good. JupyterLab tells an output nothing when
   * its notebook closes, and the follow script listens on the window (Escape), which would keep the
   * closed notebook alive: a panel found out of the page at two looks 5 s apart is closed (a tab moved
   * between dock areas is back in the page at once). Returns the stop of the watch.
   */
  function whenClosed(panel: HTMLElement, closed: () => void): () => void {
    let away = 0;
    const timer = setInterval(() => {
      away = panel.isConnected ? 0 : away + 1;
      if (away < 2) return;
      clearInterval(timer);
      closed();
    }, 5000);
    return () => clearInterval(timer);
  }

  function start(): boolean {
    const slots = Array.from(document.querySelectorAll<HTMLElement>(`div[data-ae-follow="${id}"]:not([data-state])`));
    for (const slot of slots) {
      try {
        setUp(slot);
      } catch (error) {
        slot.setAttribute('data-state', 'error');
        console.error(`follow ${id}: ${error}`);
      }
    }
    return slots.length > 0;
  }

  // Front ends insert an output when they please: look again for a few seconds.
  if (start()) return;
  let tries = 0;
  const timer = setInterval(() => {
    if (start() || ++tries > 50) clearInterval(timer);
  }, 100);
}
