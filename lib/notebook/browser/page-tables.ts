/**
 * The script of a query table's HTML output (lib/notebook/data-table.ts), as real TypeScript: {@link pageTables}
 * runs in the browser from its own compiled source, embedded as text after each table (as
 * draw-figures.ts is for figures). Its body may use nothing from outside it but browser globals and
 * its argument. It makes the static first page interactive: click a header to sort every row (again
 * to reverse), page through the rest. Cells are written as text (`textContent`), never as HTML:
 * their values come from attacker-written files.
 */

/** What a table embeds for its script (a JSON `<script>` inside the table's box). */
export interface TableRows {
  /** Rows a page. */
  readonly pageSize: number;
  /** Rows of the table, embedded or not (`text.length` may be fewer). */
  readonly total: number;
  /** Per embedded row, per column: the cell as shown. */
  readonly text: readonly (readonly string[])[];
  /**
   * Per column: the values to sort by when the column holds numbers (null for a missing value,
   * `'Infinity'` / `'-Infinity'` for infinities), or null to sort by the text.
   */
  readonly keys: readonly (readonly (number | string | null)[] | null)[];
}

/**
 * Makes every box carrying table id `id` (`data-anomaly-eval-table`) that is not yet ready sortable
 * and paged. Boxes may not be in the document yet when the script runs (front ends insert outputs
 * at their own pace): it looks again for a few seconds. States on the box: `ready`, `error`.
 */
export function pageTables(id: string): void {
  const selector = `[data-anomaly-eval-table="${id}"]`;

  function sortKey(value: number | string | null): number {
    return value === 'Infinity' ? Infinity : value === '-Infinity' ? -Infinity : (value as number);
  }

  function setUp(box: HTMLElement): void {
    const data = JSON.parse(box.querySelector('script[data-table-rows]')?.textContent ?? 'null') as TableRows;
    const body = box.querySelector('tbody');
    const headers = Array.from(box.querySelectorAll<HTMLElement>('thead th[data-column]'));
    const status = box.querySelector<HTMLElement>('[data-table-status]');
    const pager = box.querySelector<HTMLElement>('[data-table-pager]');
    if (!data || !body || !status || !pager) throw new Error('table parts missing');
    const rows = data.text.length;
    const pages = Math.max(1, Math.ceil(rows / data.pageSize));
    const collator = new Intl.Collator(undefined, { numeric: true });
    let order = Array.from({ length: rows }, (_, i) => i);
    let sortedBy = -1;
    let ascending = true;
    let page = 0;

    function compare(column: number): (a: number, b: number) => number {
      const keys = data.keys[column];
      return (a, b) => {
        let cmp: number;
        if (keys) {
          const x = keys[a];
          const y = keys[b];
          // Missing values last, whichever the direction.
          if (x === null || y === null) return x === y ? a - b : x === null ? 1 : -1;
          cmp = sortKey(x) - sortKey(y);
          if (Number.isNaN(cmp)) cmp = 0;
        } else {
          const x = data.text[a][column];
          const y = data.text[b][column];
          if (x === '' || y === '') return x === y ? a - b : x === '' ? 1 : -1;
          cmp = collator.compare(x, y);
        }
        return (ascending ? cmp : -cmp) || a - b;
      };
    }

    function render(): void {
      const from = page * data.pageSize;
      const to = Math.min(rows, from + data.pageSize);
      const fragment = document.createDocumentFragment();
      for (let i = from; i < to; i++) {
        const tr = document.createElement('tr');
        data.text[order[i]].forEach((cell, column) => {
          const td = document.createElement('td');
          td.textContent = cell;
          td.style.textAlign = data.keys[column] ? 'right' : 'left';
          tr.appendChild(td);
        });
        fragment.appendChild(tr);
      }
      (body as HTMLElement).replaceChildren(fragment);
      const of = rows < data.total ? `the first ${rows} of ${data.total}` : `${rows}`;
      (status as HTMLElement).textContent = rows === 0 ? 'no rows' : `rows ${from + 1}–${to} of ${of}`;
      headers.forEach((th, column) => {
        const mark = th.querySelector('[data-sort-mark]');
        if (mark) mark.textContent = column === sortedBy ? (ascending ? ' ▲' : ' ▼') : '';
        th.setAttribute('aria-sort', column === sortedBy ? (ascending ? 'ascending' : 'descending') : 'none');
      });
      for (const button of Array.from((pager as HTMLElement).querySelectorAll('button'))) {
        const step = button.getAttribute('data-step');
        button.disabled = step === 'first' || step === 'previous' ? page === 0 : page === pages - 1;
      }
    }

    headers.forEach((th, column) => {
      th.style.cursor = 'pointer';
      th.title = 'Sort by this column (click again to reverse)';
      const mark = document.createElement('span');
      mark.setAttribute('data-sort-mark', '');
      th.appendChild(mark);
      th.addEventListener('click', () => {
        ascending = sortedBy === column ? !ascending : true;
        sortedBy = column;
        order = Array.from({ length: rows }, (_, i) => i).sort(compare(column));
        page = 0;
        render();
      });
    });
    if (pages > 1) {
      const steps: [string, string, () => number][] = [
        ['first', '«', () => 0],
        ['previous', '‹ previous', () => Math.max(0, page - 1)],
        ['next', 'next ›', () => Math.min(pages - 1, page + 1)],
        ['last', '»', () => pages - 1],
      ];
      for (const [step, label, target] of steps) {
        const button = document.createElement('button');
        button.type = 'button';
        button.textContent = label;
        button.setAttribute('data-step', step);
        button.style.margin = '0 2px';
        button.addEventListener('click', () => {
          page = target();
          render();
        });
        pager.appendChild(button);
      }
      pager.hidden = false;
    }
    box.querySelector('[data-table-note]')?.remove();
    render();
    box.setAttribute('data-state', 'ready');
  }

  function start(): boolean {
    const boxes = Array.from(document.querySelectorAll<HTMLElement>(`${selector}:not([data-state])`));
    for (const box of boxes) {
      try {
        setUp(box);
      } catch (error) {
        box.setAttribute('data-state', 'error');
        console.error(`table ${id}: ${error}`);
      }
    }
    return boxes.length > 0;
  }

  if (start()) return;
  let tries = 0;
  const timer = setInterval(() => {
    if (start() || ++tries > 50) clearInterval(timer);
  }, 100);
}
