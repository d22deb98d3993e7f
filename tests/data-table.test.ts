/**
 * The query-table display (lib/data-table.ts and its browser script lib/browser/page-tables.ts):
 * the static first page with its counts, every cell and name escaped, options refused where they
 * enter; in headless Chromium, a header click sorts every row (numbers as numbers, missing values
 * last), the pager walks the pages, hostile labels stay text, two copies of a table both work.
 */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as aq from 'arquero';
import { type TableRows, pageTables } from '../lib/notebook/browser/page-tables';
import { dataTableHtml, dataTablePlain, formatValue, isColumnTable } from '../lib/notebook/data-table';
import { tableBundle } from '../lib/notebook/display';
import { OptionError } from '../lib/options';
import { hasChromium, openOffline } from './browser-harness';
import { pageOf, syntheticFrame } from './plot-fixtures';

const HOSTILE = '<img src=x onerror="window.__xss=1">source';
const CLOSER = '</script><script>window.__xss=2</script>dst';

/** 23 rows: a text, a number with gaps and infinities, a hostile label among them. */
function sample() {
  const labels = Array.from({ length: 23 }, (_, i) => `10.0.0.${i}source`);
  labels[4] = HOSTILE;
  labels[9] = CLOSER;
  const score = labels.map((_, i) => (i === 3 ? null : i === 5 ? NaN : i === 6 ? Infinity : (i * 7) % 23));
  return aq.table({ label: labels, score, '<b>role</b>': labels.map((_, i) => (i % 2 ? 'dst' : 'source')) });
}

/** The JSON rows embedded in a table's HTML. */
function embedded(html: string): TableRows {
  const json = /<script type="application\/json" data-table-rows>([\s\S]*?)<\/script>/.exec(html);
  assert.ok(json, 'the rows are embedded');
  return JSON.parse(json[1]) as TableRows;
}

test('formatValue: integers whole, decimals compact, missing empty, non-finite named, lists as JSON', () => {
  assert.deepEqual(
    [42, -3, 9.77640386, 0.0123456, 36398.6689, 1e-7, 2.5e16, NaN, Infinity, -Infinity, null, undefined].map(
      formatValue,
    ),
    ['42', '-3', '9.776', '0.01235', '36398.7', '1.000e-7', '2.500e+16', 'NaN', 'inf', '-inf', '', ''],
  );
  assert.equal(formatValue('a<b'), 'a<b', 'text as it is (escaped where it enters HTML)');
  assert.equal(formatValue(['x', 1]), '["x",1]');
  assert.equal(formatValue(new Date(Date.UTC(2019, 1, 1, 9, 35))), '2019-02-01T09:35:00.000Z');
  assert.equal(formatValue(true), 'true');
});

test('the static table: first page, counts, escaped names and cells, JSON that cannot close its script', () => {
  const table = sample();
  const html = dataTableHtml(table, { rows: 5, caption: '<i>flagged</i>' });
  assert.equal((html.match(/<tr>/g) ?? []).length, 1 + 5, 'the header and the first page');
  assert.ok(html.includes('rows 1–5 of 23</span> · 23 rows × 3 columns'));
  assert.ok(html.includes('the other 18 rows'), 'what is not on the page is said');
  assert.ok(html.includes('&lt;b&gt;role&lt;/b&gt;') && !html.includes('<b>role'), 'column names escaped');
  assert.ok(html.includes('&lt;img src=x onerror=&#34;window.__xss=1&#34;&gt;source'), 'cells escaped');
  assert.ok(!html.includes('<img') && !html.includes('<i>'), 'no markup from the data');
  assert.equal((html.match(/<\/script>/g) ?? []).length, 2, 'only the rows and the script close a script');
  assert.ok(html.includes(`(${pageTables.toString()})(`), 'the script, as compiled, is embedded');
  const rows = embedded(html);
  assert.equal(rows.total, 23);
  assert.equal(rows.pageSize, 5);
  assert.equal(rows.text.length, 23);
  assert.deepEqual(rows.text[4], [HOSTILE, '5', 'source'], 'the text as shown, unescaped inside JSON');
  assert.equal(rows.keys[0], null, 'text sorts as text');
  assert.deepEqual(rows.keys[1]?.slice(2, 7), [14, null, 5, null, 'Infinity'], 'numbers sort as numbers');
  // A table that fits one page has no note; an empty one says so.
  const small = dataTableHtml(table.slice(0, 3));
  assert.ok(small.includes('rows 1–3 of 3</span> · 3 rows × 3 columns') && !small.includes('<span data-table-note>'));
  assert.ok(dataTableHtml(table.slice(0, 0)).includes('no rows</span> · 0 rows × 3 columns'));
});

test('a table beyond maxRows: the rows left out of the page are counted, not dropped silently', () => {
  const html = dataTableHtml(sample(), { rows: 5, maxRows: 12 });
  assert.equal(embedded(html).text.length, 12);
  assert.equal(embedded(html).total, 23);
  assert.ok(html.includes('rows 1–5 of the first 12 of 23'));
  assert.ok(html.includes('11 rows beyond the first 12 are not in this page'));
});

test('options are checked where they enter', () => {
  const table = sample();
  for (const [options, message] of [
    [{ rows: 0 }, /invalid rows 0; expected a whole number ≥ 1/],
    [{ rows: 2.5 }, /invalid rows 2.5/],
    [{ caption: 3 }, /invalid caption 3; expected a string/],
    [{ pages: 2 }, /pages/],
  ] as const)
    assert.throws(
      () => dataTableHtml(table, options as never),
      (e: unknown) => e instanceof OptionError && message.test(String(e)),
    );
});

test('tableBundle: an arquero table gets the query display, a frame its pandas-like head', () => {
  const table = sample();
  assert.ok(isColumnTable(table));
  const bundle = tableBundle(table, { rows: 4 });
  assert.equal(bundle.data['text/html'], dataTableHtml(table, { rows: 4 }));
  assert.equal(bundle.data['text/plain'], dataTablePlain(table));
  assert.equal(dataTablePlain(table), 'Table: 23 rows × 3 columns (label, score, <b>role</b>)');
  const frame = syntheticFrame({ sources: 2, destinations: 1, windows: 3, anomalous: true });
  assert.ok(!isColumnTable(frame));
  assert.match(String(tableBundle(frame).data['text/plain']), /rows × \d+ columns \(frame of 3 rows\)/);
});

test('in a browser: sort by a header (numbers as numbers, missing last, again to reverse), page, stay text', {
  skip: hasChromium() ? false : 'no /usr/bin/chromium',
  timeout: 120_000,
}, async () => {
  const table = sample();
  const html = dataTableHtml(table, { rows: 5 });
  // The same table twice (ids are content hashes): both copies work.
  const p = await openOffline(pageOf([html, '<p>between</p>', html]));
  try {
    const boxes = p.page.locator('[data-anomaly-eval-table]');
    await p.page.waitForFunction(() =>
      Array.from(document.querySelectorAll('[data-anomaly-eval-table]')).every(
        (b) => b.getAttribute('data-state') === 'ready',
      ),
    );
    assert.equal(await boxes.count(), 2);
    const box = boxes.nth(1);
    const column = (k: number) => box.locator(`tbody tr td:nth-child(${k})`).allTextContents();
    const status = () => box.locator('[data-table-status]').textContent();
    assert.equal(await status(), 'rows 1–5 of 23');
    assert.equal(await box.locator('[data-table-note]').count(), 0, 'the note for script-less pages is gone');

    await box.locator('th', { hasText: 'score' }).click();
    assert.deepEqual(await column(2), ['0', '1', '2', '3', '4'], 'ascending, as numbers');
    assert.equal(await box.locator('th[aria-sort="ascending"]').textContent(), 'score ▲');
    await box.locator('button[data-step="last"]').click();
    assert.equal(await status(), 'rows 21–23 of 23');
    assert.deepEqual(await column(2), ['inf', '', 'NaN'], 'infinity above every number, missing values last');
    await box.locator('th', { hasText: 'score' }).click();
    assert.equal(await status(), 'rows 1–5 of 23', 'a new order starts at the first page');
    assert.deepEqual(
      await column(2),
      ['inf', '22', '20', '18', '17'],
      'descending (21, 19 and 12 are the missing and infinite ones)',
    );
    await box.locator('button[data-step="next"]').click();
    assert.equal(await status(), 'rows 6–10 of 23');
    assert.equal(await box.locator('button[data-step="next"]').isDisabled(), false);
    await box.locator('button[data-step="previous"]').click();
    assert.equal(await box.locator('button[data-step="previous"]').isDisabled(), true);

    await box.locator('th', { hasText: 'label' }).click();
    const labels = await column(1);
    assert.deepEqual(labels.slice(0, 3), [CLOSER, HOSTILE, '10.0.0.0source'], 'text order, labels as text');
    await box.locator('button[data-step="last"]').click();
    assert.deepEqual(
      await column(1),
      ['10.0.0.20source', '10.0.0.21source', '10.0.0.22source'],
      'numbers in text in numeric order',
    );
    // The first copy kept its own state.
    assert.equal(await boxes.nth(0).locator('[data-table-status]').textContent(), 'rows 1–5 of 23');
    assert.equal(await p.page.locator('img').count(), 0);
    assert.equal(await p.page.evaluate(() => (window as unknown as { __xss?: number }).__xss), undefined);
    assert.deepEqual(p.errors, []);
    assert.deepEqual(p.blocked, []);
  } finally {
    await p.close();
  }
});
