/**
 * The "follow one IP" script, as real TypeScript: {@link followIp} runs in the browser from its own
 * compiled source, embedded once in the report page and once in a notebook's follow output (its two
 * hosts, follow-hosts.ts), as draw-figures.ts is embedded in every figure twin. So its body may use
 * nothing from outside it but browser globals and its arguments.
 *
 * Everything it does stays under one root element: the page's body, or one notebook panel in
 * JupyterLab (several notebooks open at once each follow their own IP). Choosing an IP (its line or
 * its heatmap row in a figure, a table row naming it, the search box, or `#ip=LABEL` in the page's
 * address) highlights it in every figure under the root that holds it (a dark overlay line, the
 * other lines dimmed; a frame around its heatmap row) and every table row naming it, and opens a
 * panel with its reasons, its campaign, a small profile (its values in its main families against the
 * normal sample's median and p95) and links to each figure that holds it. Escape clears. Figures
 * draw lazily and are freed far from the viewport (draw-figures.ts): a figure that draws while an IP
 * is chosen is highlighted as it draws. Labels are attacker-written: they only ever reach the page as
 * text (`textContent`, `value`), never as markup or selectors.
 */
import type { FollowData, FollowFigure, FollowInstance, FollowIpEntry, FollowPlace } from './follow-data';
import type { FollowParts } from './follow-parts';

export type { FollowData, FollowFigure, FollowInstance, FollowIpEntry, FollowPlace, FollowReason } from './follow-data';
export type { FollowParts } from './follow-parts';

/**
 * Sets up IP following under `place.root`: the search box, the panel, the click handlers and, when
 * `place.address`, the address. Returns `choose` (for figures it does not draw) and what undoes it
 * (a notebook's follow output rendered again replaces its instance).
 */
export function followIp(data: FollowData, parts: FollowParts, place: FollowPlace): FollowInstance {
  interface GraphDiv extends HTMLElement {
    on?: (event: string, handler: (event: { points?: unknown[] }) => void) => void;
    aeClick?: boolean;
    aeQueue?: Promise<void>;
  }
  const { root, address } = place;
  const byLabel = new Map<string, number>();
  data.ips.forEach((ip, i) => byLabel.set(ip.label, i));
  const isKnown = (label: string): boolean => byLabel.has(label);
  const highlighter = parts.makeHighlighter(isKnown);
  const drawProfile = parts.drawProfile;
  const indexCache: Parameters<NonNullable<FollowParts['readFigures']>>[3] = new Map();
  /** The figures under the root and the IPs they hold: the page's index, else read from the specs. */
  async function figureIndex(): Promise<readonly FollowFigure[]> {
    if (data.figures) return data.figures;
    if (!parts.readFigures || !parts.indexFigure) return [];
    const read = await parts.readFigures(root, isKnown, parts.indexFigure, indexCache);
    return read.map((f) => ({
      id: f.id,
      title: f.title,
      ...(f.family ? { family: f.family } : {}),
      ips: f.labels.map((label) => byLabel.get(label) as number).sort((a, b) => a - b),
    }));
  }
  const el = <K extends keyof HTMLElementTagNameMap>(
    tag: K,
    className?: string,
    text?: string,
  ): HTMLElementTagNameMap[K] => {
    const node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined) node.textContent = text;
    return node;
  };
  const figureDivs = (): GraphDiv[] => Array.from(root.querySelectorAll<GraphDiv>('div[data-anomaly-eval-figure]'));
  let chosen: string | undefined;

  // ---- the search box and the panel -------------------------------------------------------------
  const bar = el('div', 'ae-follow-bar');
  const search = el('input', 'ae-follow-search');
  search.type = 'search';
  search.placeholder = 'Follow an IP…';
  search.setAttribute('aria-label', 'Follow an IP: type an IP or row label');
  search.autocomplete = 'off';
  search.setAttribute('list', place.listId);
  const list = el('datalist');
  list.id = place.listId;
  for (const ip of data.ips) {
    const option = el('option');
    option.value = ip.label;
    option.label = ip.reasons[0] ? `${ip.role}: ${ip.reasons[0].family} ${ip.reasons[0].direction}` : ip.role;
    list.append(option);
  }
  const status = el('span', 'ae-follow-status');
  status.setAttribute('role', 'status');
  bar.append(search, list, status);
  place.bar.append(bar);
  const panel = el('aside', 'ae-follow-panel');
  panel.setAttribute('aria-label', 'The chosen IP');
  panel.hidden = true;
  place.panelHost.append(panel);

  const matches = (text: string): string[] => {
    const wanted = text.trim().toLowerCase();
    if (wanted === '') return [];
    const exact = data.ips.filter((ip) => ip.label.toLowerCase() === wanted);
    if (exact.length > 0) return exact.map((ip) => ip.label);
    return data.ips.filter((ip) => ip.label.toLowerCase().includes(wanted)).map((ip) => ip.label);
  };
  const pick = (text: string, final: boolean): void => {
    const found = matches(text);
    if (found.length === 1 || (final && found.length > 0 && found[0].toLowerCase() === text.trim().toLowerCase())) {
      choose(found[0]);
    } else if (final || found.length > 0) {
      status.textContent =
        text.trim() === ''
          ? ''
          : found.length === 0
            ? 'no such IP among the anomalies'
            : `${found.length} IPs match: keep typing or pick one`;
    }
  };
  search.addEventListener('change', () => pick(search.value, true));
  search.addEventListener('input', () => {
    // A pick from the completion list fires `input` with the whole label.
    if (byLabel.has(search.value)) choose(search.value);
    else pick(search.value, false);
  });
  search.addEventListener('keydown', (event) => {
    if (event.key === 'Enter') pick(search.value, true);
  });

  // ---- the panel ----------------------------------------------------------------------------------
  const figureLink = (figure: FollowFigure, text: string): HTMLAnchorElement => {
    const link = el('a', 'ae-follow-link', text);
    link.href = '#';
    link.addEventListener('click', (event) => {
      event.preventDefault();
      const div = figureDivs().find((d) => d.getAttribute('data-anomaly-eval-figure') === figure.id);
      div?.scrollIntoView({ block: 'start' });
    });
    return link;
  };
  const number = (v: number | string | null | undefined, digits = 1): string =>
    typeof v === 'number' && Number.isFinite(v) ? v.toFixed(digits) : '–';
  const time = (iso: string): string => iso.slice(11, 16);

  /** Fills the panel; the parts that need the figure index wait for `figures` (undefined: not read yet). */
  function fillPanel(ip: FollowIpEntry, figures: readonly FollowFigure[] | undefined): void {
    panel.textContent = '';
    const head = el('div', 'ae-follow-head');
    head.append(el('strong', 'ae-follow-label', ip.label));
    const close = el('button', 'ae-follow-close', '×');
    close.title = 'Clear (Escape)';
    close.addEventListener('click', () => clear());
    head.append(close);
    panel.append(head);
    const facts = [
      ip.role === 'dst' ? 'destination' : ip.role,
      ip.runs.length > 0 ? `flagged by ${ip.runs.join(', ')}` : 'flagged by no run',
      `score ${number(ip.score)}`,
    ];
    if (ip.explained === false) facts.push('not explained: no reason rarer than normal IPs reach');
    panel.append(el('p', 'ae-follow-facts', facts.join(' · ')));
    if (ip.campaign) panel.append(el('p', 'ae-follow-facts', `campaign: ${ip.campaign}`));
    if (ip.reasons.length > 0) {
      const table = el('table', 'ae-follow-reasons');
      const header = el('tr');
      for (const h of ['family', '', 'score', 'windows']) header.append(el('th', undefined, h));
      table.append(header);
      for (const reason of ip.reasons) {
        const row = el('tr');
        const family = el('td');
        const figure = figures?.find((f) => f.family === reason.family);
        family.append(figure ? figureLink(figure, reason.family) : document.createTextNode(reason.family));
        row.append(family);
        row.append(
          el('td', undefined, `${reason.direction}${reason.kind === 'vs-own-history' ? ' (own history)' : ''}`),
        );
        row.append(el('td', 'ae-num', number(reason.score)));
        row.append(
          el('td', undefined, reason.windows ? `${time(reason.windows.from)}–${time(reason.windows.to)}` : ''),
        );
        table.append(row);
      }
      panel.append(table);
    } else panel.append(el('p', 'ae-follow-facts', 'No reason recorded for this IP.'));
    const profile = el('div', 'ae-follow-profile');
    panel.append(
      el(
        'p',
        'ae-follow-legend',
        'Its values (red) in its main families; normal sample of its role: median (dotted), p95 (dashed); shaded: the windows of each reason.',
      ),
      profile,
    );
    if (figures)
      drawProfile(ip, figures, profile, () => chosen === ip.label).catch((error: unknown) => console.error(error));
    const index = byLabel.get(ip.label) ?? -1;
    const holding = (figures ?? []).filter((f) => f.ips.includes(index));
    if (!figures) panel.append(el('p', 'ae-follow-facts', 'Finding the figures that hold it…'));
    else if (holding.length === 0)
      panel.append(
        el(
          'p',
          'ae-follow-facts',
          figures.length > 0 || address
            ? `In no figure of this ${address ? 'page' : 'notebook'}.`
            : "No figure here is drawn by the notebook's own script (JupyterLab's Plotly extension draws them): figures are not highlighted.",
        ),
      );
    else {
      const where = el('details', 'ae-follow-figures');
      where.append(
        el('summary', undefined, `In ${holding.length} figure${holding.length === 1 ? '' : 's'} (highlighted there)`),
      );
      const items = el('ul');
      for (const figure of holding) {
        const item = el('li');
        item.append(figureLink(figure, figure.family ?? figure.title));
        items.append(item);
      }
      where.append(items);
      panel.append(where);
    }
    const share = el('p', 'ae-follow-facts');
    if (address) {
      const link = el('a', 'ae-follow-link', 'Link to this IP');
      link.href = `#ip=${encodeURIComponent(ip.label)}`;
      share.append(link, document.createTextNode(' (copy it to share; Escape clears)'));
    } else share.textContent = 'Escape clears.';
    panel.append(share);
    panel.hidden = false;
  }

  // ---- highlighting figures ------------------------------------------------------------------------
  /** Runs `work` on a figure after the work queued on it before: restyles must not interleave. */
  function queue(gd: GraphDiv, work: (gd: GraphDiv) => Promise<void>): void {
    gd.aeQueue = (gd.aeQueue ?? Promise.resolve()).then(() => work(gd)).catch((error: unknown) => console.error(error));
  }

  function watchFigure(gd: GraphDiv): void {
    if (gd.getAttribute('data-state') !== 'drawn') return;
    if (!gd.aeClick && typeof gd.on === 'function') {
      gd.aeClick = true;
      gd.on('plotly_click', (event) => {
        const point = event.points?.[0];
        const label = point ? highlighter.clickedLabel(point) : undefined;
        if (label !== undefined && byLabel.has(label)) choose(label);
      });
    }
    highlighter.forget(gd);
    if (chosen !== undefined) queue(gd, (div) => highlighter.highlight(div, chosen));
  }

  // A figure (re)drawn by draw-figures.ts: listen for clicks, highlight the chosen IP. A table whose
  // rows were drawn again (paged, sorted, or its output rendered again in a notebook): mark it again.
  let marking = 0;
  const observer = new MutationObserver((records) => {
    let tables = false;
    let specs = false;
    for (const record of records) {
      const target = record.target as GraphDiv;
      if (record.type === 'attributes') {
        if (target.getAttribute('data-state') === 'drawn') watchFigure(target);
        else target.aeClick = false;
      } else if (chosen !== undefined) {
        tables ||= target.nodeName === 'TBODY';
        for (const node of Array.from(record.addedNodes)) {
          if (!(node instanceof Element)) continue;
          tables ||= node.matches('table') || node.querySelector('table') !== null;
          specs ||= node.querySelector('script[data-anomaly-eval-spec]') !== null;
        }
      }
    }
    if (specs) fillFigures();
    if (tables && marking === 0)
      marking = requestAnimationFrame(() => {
        marking = 0;
        markTables();
      });
  });
  observer.observe(root, { attributes: true, childList: true, subtree: true, attributeFilter: ['data-state'] });
  figureDivs().forEach(watchFigure);

  // ---- tables ---------------------------------------------------------------------------------------
  /** The label a table row names: a cell equal to a label, or an IP cell next to its role's cell. */
  function rowLabel(row: HTMLTableRowElement): string | undefined {
    const own = row.getAttribute('data-ip');
    if (own !== null) return byLabel.has(own) ? own : undefined;
    const cells = Array.from(row.cells).map((c) => (c.textContent ?? '').trim());
    for (const text of cells) if (byLabel.has(text)) return text;
    for (const role of ['source', 'dst']) {
      if (!cells.includes(role)) continue;
      for (const text of cells) if (byLabel.has(text + role)) return text + role;
    }
    return undefined;
  }

  function markTables(): void {
    for (const row of Array.from(root.querySelectorAll<HTMLTableRowElement>('tr.ae-chosen-row, tr.ae-dimmed-row')))
      row.classList.remove('ae-chosen-row', 'ae-dimmed-row');
    if (chosen === undefined) return;
    for (const table of Array.from(root.querySelectorAll('table'))) {
      if (panel.contains(table)) continue;
      const rows = Array.from(table.querySelectorAll<HTMLTableRowElement>('tbody tr'));
      const hits = rows.filter((row) => rowLabel(row) === chosen);
      if (hits.length === 0) continue;
      for (const row of rows) row.classList.add(hits.includes(row) ? 'ae-chosen-row' : 'ae-dimmed-row');
    }
  }

  function onClick(event: MouseEvent): void {
    const target = event.target as Element | null;
    if (!target || panel.contains(target)) return;
    const named = target.closest('[data-ip]');
    if (named && !named.closest('tr')) {
      const label = named.getAttribute('data-ip') ?? '';
      if (byLabel.has(label)) choose(label);
      return;
    }
    if (target.closest('a, button, input, summary')) return;
    const row = target.closest('tr');
    if (!row) return;
    const label = rowLabel(row as HTMLTableRowElement);
    if (label !== undefined) choose(label);
  }
  root.addEventListener('click', onClick);

  // ---- choosing and clearing --------------------------------------------------------------------------
  /** In a notebook: the panel again once the figures are read, and when Lab attaches cells with more. */
  let figuresRead = -1;
  function fillFigures(): void {
    const label = chosen;
    if (data.figures || label === undefined) return;
    figureIndex()
      .then((figures) => {
        if (chosen !== label || figures.length === figuresRead) return;
        figuresRead = figures.length;
        fillPanel(data.ips[byLabel.get(label) as number], figures);
      })
      .catch((error: unknown) => console.error(error));
  }
  function choose(label: string): void {
    const index = byLabel.get(label);
    if (index === undefined) return;
    chosen = label;
    search.value = label;
    status.textContent = '';
    root.classList.add('ae-following');
    const hash = `#ip=${encodeURIComponent(label)}`;
    if (address && location.hash !== hash) history.replaceState(null, '', hash);
    const ip = data.ips[index];
    fillPanel(ip, data.figures);
    figuresRead = -1;
    fillFigures();
    window.dispatchEvent(new Event('resize'));
    markTables();
    for (const gd of figureDivs()) queue(gd, (div) => highlighter.highlight(div, chosen));
  }

  function clear(): void {
    chosen = undefined;
    search.value = '';
    status.textContent = '';
    panel.hidden = true;
    panel.textContent = '';
    root.classList.remove('ae-following');
    window.dispatchEvent(new Event('resize'));
    if (address && location.hash.startsWith('#ip='))
      history.replaceState(null, '', location.pathname + location.search);
    markTables();
    for (const gd of figureDivs()) queue(gd, (div) => highlighter.unhighlight(div));
  }

  // Escape clears the IP of the root in view (JupyterLab shows one notebook of a dock area at a time,
  // and hides the others). Listened to first, on the window: Lab's own shortcuts stop Escape's way up.
  function onKey(event: KeyboardEvent): void {
    if (event.key === 'Escape' && chosen !== undefined && root.isConnected && root.getClientRects().length > 0) clear();
  }
  window.addEventListener('keydown', onKey, true);

  function fromAddress(): void {
    if (!location.hash.startsWith('#ip=')) return;
    let label: string;
    try {
      label = decodeURIComponent(location.hash.slice(4));
    } catch {
      status.textContent = 'the address names no IP of this report';
      return;
    }
    if (label === chosen) return;
    if (byLabel.has(label)) choose(label);
    else status.textContent = 'the address names no IP of this report';
  }
  if (address) {
    window.addEventListener('hashchange', fromAddress);
    fromAddress();
  }

  const dispose = (): void => {
    if (chosen !== undefined) clear();
    observer.disconnect();
    root.removeEventListener('click', onClick);
    window.removeEventListener('keydown', onKey, true);
    window.removeEventListener('hashchange', fromAddress);
    bar.remove();
    panel.remove();
  };
  return { choose, dispose };
}
