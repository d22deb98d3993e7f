/**
 * The report page's "follow one IP" script, as real TypeScript: {@link followIp} runs in the browser
 * from its own compiled source, which the report embeds once in the page (as draw-figures.ts is
 * embedded in every figure twin). So its body may use nothing from outside it but browser globals and
 * its arguments; tests run the embedded source in an empty context to hold it to that.
 *
 * Choosing an IP (its line or its heatmap row in a figure, a table row naming it, the search box, or
 * `#ip=LABEL` in the address) highlights it in every figure that holds it (a dark overlay line, the
 * other lines dimmed; a frame around its heatmap row) and every table row naming it, and opens a
 * panel with its reasons, its campaign, a small profile (its values in its main families against the
 * normal sample's median and p95) and links to each figure that holds it. Escape clears. Figures
 * draw lazily and are freed far from the viewport (draw-figures.ts): a figure that draws while an IP
 * is chosen is highlighted as it draws. Labels are attacker-written: they only ever reach the page as
 * text (`textContent`, `value`), never as markup or selectors.
 */
import type { FollowData, FollowFigure, FollowIpEntry } from './follow-data';
import type { figureHighlighter } from './highlight-ip';
import type { drawIpProfile } from './ip-profile';

export type { FollowData, FollowFigure, FollowIpEntry, FollowReason } from './follow-data';

/** The profile drawer the page passes in (ip-profile.ts). */
export type DrawIpProfile = typeof drawIpProfile;

/** The highlighter's maker the page passes in (highlight-ip.ts). */
export type MakeHighlighter = typeof figureHighlighter;

/**
 * Sets up IP following on the page: the search box (into `#ae-follow` when the page has it, else a
 * bar fixed at the top right), the panel, the click handlers and the address. Idempotent per page.
 */
export function followIp(data: FollowData, makeHighlighter: MakeHighlighter, drawProfile: DrawIpProfile): void {
  interface GraphDiv extends HTMLElement {
    on?: (event: string, handler: (event: { points?: unknown[] }) => void) => void;
    aeClick?: boolean;
    aeQueue?: Promise<void>;
  }
  const page = window as unknown as { __anomalyEvalFollow?: boolean };
  if (page.__anomalyEvalFollow) return;
  page.__anomalyEvalFollow = true;

  const byLabel = new Map<string, number>();
  data.ips.forEach((ip, i) => byLabel.set(ip.label, i));
  const highlighter = makeHighlighter((label) => byLabel.has(label));
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
  const figureDivs = (): GraphDiv[] => Array.from(document.querySelectorAll<GraphDiv>('div[data-anomaly-eval-figure]'));
  let chosen: string | undefined;

  // ---- the search box and the panel -------------------------------------------------------------
  const bar = el('div', 'ae-follow-bar');
  const search = el('input', 'ae-follow-search');
  search.type = 'search';
  search.placeholder = 'Follow an IP…';
  search.setAttribute('aria-label', 'Follow an IP: type an IP or row label');
  search.autocomplete = 'off';
  const listId = 'ae-follow-ips';
  search.setAttribute('list', listId);
  const list = el('datalist');
  list.id = listId;
  for (const ip of data.ips) {
    const option = el('option');
    option.value = ip.label;
    option.label = ip.reasons[0] ? `${ip.role}: ${ip.reasons[0].family} ${ip.reasons[0].direction}` : ip.role;
    list.append(option);
  }
  const status = el('span', 'ae-follow-status');
  status.setAttribute('role', 'status');
  bar.append(search, list, status);
  const slot = document.getElementById('ae-follow');
  if (slot) slot.append(bar);
  else {
    bar.classList.add('ae-follow-floating');
    document.body.append(bar);
  }
  const panel = el('aside', 'ae-follow-panel');
  panel.setAttribute('aria-label', 'The chosen IP');
  panel.hidden = true;
  document.body.append(panel);

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
  const number = (v: number | null | undefined, digits = 1): string =>
    typeof v === 'number' && Number.isFinite(v) ? v.toFixed(digits) : '–';
  const time = (iso: string): string => iso.slice(11, 16);

  function fillPanel(ip: FollowIpEntry): void {
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
        const figure = data.figures.find((f) => f.family === reason.family);
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
    drawProfile(ip, data.figures, profile, () => chosen === ip.label).catch((error: unknown) => console.error(error));
    const index = byLabel.get(ip.label) ?? -1;
    const holding = data.figures.filter((f) => f.ips.includes(index));
    if (holding.length === 0) panel.append(el('p', 'ae-follow-facts', 'In no figure of this page.'));
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
    const link = el('a', 'ae-follow-link', 'Link to this IP');
    link.href = `#ip=${encodeURIComponent(ip.label)}`;
    share.append(link, document.createTextNode(' (copy it to share; Escape clears)'));
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

  // A figure (re)drawn by draw-figures.ts: listen for clicks, highlight the chosen IP.
  const observer = new MutationObserver((records) => {
    for (const record of records) {
      const target = record.target as GraphDiv;
      if (target.hasAttribute('data-anomaly-eval-figure')) {
        if (target.getAttribute('data-state') === 'drawn') watchFigure(target);
        else target.aeClick = false;
      }
    }
  });
  observer.observe(document.body, { attributes: true, subtree: true, attributeFilter: ['data-state'] });
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
    for (const row of Array.from(document.querySelectorAll<HTMLTableRowElement>('tr.ae-chosen-row, tr.ae-dimmed-row')))
      row.classList.remove('ae-chosen-row', 'ae-dimmed-row');
    if (chosen === undefined) return;
    for (const table of Array.from(document.querySelectorAll('table'))) {
      if (panel.contains(table)) continue;
      const rows = Array.from(table.querySelectorAll<HTMLTableRowElement>('tbody tr'));
      const hits = rows.filter((row) => rowLabel(row) === chosen);
      if (hits.length === 0) continue;
      for (const row of rows) row.classList.add(hits.includes(row) ? 'ae-chosen-row' : 'ae-dimmed-row');
    }
  }

  document.addEventListener('click', (event) => {
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
    if (!row || row.closest('.ae-follow-panel')) return;
    const label = rowLabel(row as HTMLTableRowElement);
    if (label !== undefined) choose(label);
  });

  // ---- choosing and clearing --------------------------------------------------------------------------
  function choose(label: string): void {
    const index = byLabel.get(label);
    if (index === undefined) return;
    chosen = label;
    search.value = label;
    status.textContent = '';
    document.body.classList.add('ae-following');
    const hash = `#ip=${encodeURIComponent(label)}`;
    if (location.hash !== hash) history.replaceState(null, '', hash);
    fillPanel(data.ips[index]);
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
    document.body.classList.remove('ae-following');
    window.dispatchEvent(new Event('resize'));
    if (location.hash.startsWith('#ip=')) history.replaceState(null, '', location.pathname + location.search);
    markTables();
    for (const gd of figureDivs()) queue(gd, (div) => highlighter.unhighlight(div));
  }

  document.addEventListener('keydown', (event) => {
    if (event.key === 'Escape' && chosen !== undefined) clear();
  });

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
  window.addEventListener('hashchange', fromAddress);
  fromAddress();
}
