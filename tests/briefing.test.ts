/**
 * The report page as a briefing and a workspace, in a real browser: the first screen of a real report
 * on demo data (the tally equal to summary.json, the contents linking every section), following one
 * IP (its button, its line, its triage row, its heatmap row, the search box, a `#ip=` link) into every
 * figure that holds it, Escape, the layout of every figure's text at four widths, and hostile labels
 * typed into the search box or put in the address.
 */
import { after, before, describe, test } from 'node:test';
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Page } from 'playwright-core';
import { findProjectRoot } from '../lib/notebook/kernel';
import { findJupyterPython } from '../cli/report';
import { figureBundle, plotlyLibraryBundle } from '../lib/notebook/display';
import { plotAllIps } from '../lib/figures/timeline';
import { addBriefing } from '../lib/notebook/report-page';
import { followBundle } from '../lib/notebook/follow-output';
import { hasChromium, openOffline, windowListeners } from './browser-harness';
import { HOSTILE, HOSTILE_TWO, hostileFrames, hostileSummary, htmlOf, pageOf } from './plot-fixtures';
import { clickLabelIn, drawFigure, figuresNaming, settle } from './follow-page';

const root = findProjectRoot(__dirname);
const REPORT = path.join(root, 'dist', 'cli', 'report.js');
const GENERATOR = path.join(root, 'dist', 'data', 'generate.js');
const RUNS = ['models_2019_06_01_21_21', 'models_2019_06_01_21_44', 'models_2019_06_01_22_11'];
const canRun = findJupyterPython() !== undefined && fs.existsSync(GENERATOR) && hasChromium();

interface SummaryJson {
  reference: string;
  runs: { name: string; rows: number }[];
  findings: { id: string; verdict: string }[];
  anomalies: { label: string; role: string; score: number; runs: string[] }[];
}

/** The label chosen on the page, read from its address. */
async function chosenLabel(page: Page): Promise<string | undefined> {
  const hash = await page.evaluate(() => location.hash);
  return hash.startsWith('#ip=') ? decodeURIComponent(hash.slice(4)) : undefined;
}

describe('the report page: first screen and following one IP', {
  skip: !canRun && 'needs Jupyter (nbclient), the built data generator and /usr/bin/chromium',
}, () => {
  let work = '';
  let html = '';
  let summary: SummaryJson;
  let file = '';

  before(() => {
    work = fs.mkdtempSync(path.join(os.tmpdir(), 'briefing-test-'));
    const data = path.join(work, 'data');
    const gen = spawnSync(process.execPath, [GENERATOR, '--scale', 'demo', '--out', data], { encoding: 'utf8' });
    assert.equal(gen.status, 0, gen.stderr);
    const out = path.join(work, 'out');
    const run = spawnSync(
      process.execPath,
      [
        REPORT,
        '--models',
        ...RUNS.map((r) => path.join(data, 'models', r)),
        '--full',
        path.join(data, 'final', 'final_dataset_5T.csv'),
        '--out',
        out,
        '--fold-code',
      ],
      { encoding: 'utf8', timeout: 600_000 },
    );
    assert.equal(run.status, 0, run.stderr);
    file = path.join(out, 'evaluation_5T.html');
    html = fs.readFileSync(file, 'utf8');
    summary = JSON.parse(fs.readFileSync(path.join(out, 'summary.json'), 'utf8')) as SummaryJson;
  });

  after(() => {
    if (work) fs.rmSync(work, { recursive: true, force: true });
  });

  test('the first screen holds the tally (equal to summary.json), the anomalies, the runs, the warning and the contents', async () => {
    const page = await openOffline(html, { viewport: { width: 1280, height: 900 } });
    try {
      // the first figure, below the first screen, draws without the reader scrolling to it; the next ones wait
      await page.page.waitForFunction(
        () => document.querySelector('div[data-anomaly-eval-figure]')?.getAttribute('data-state') === 'drawn',
        undefined,
        { timeout: 60_000 },
      );
      const figures = await page.page.$$eval('div[data-anomaly-eval-figure]', (divs) =>
        divs.map((d) => ({ state: d.getAttribute('data-state'), top: d.getBoundingClientRect().top })),
      );
      assert.ok(figures[0].top > 900, `the first figure is below the first screen (top ${figures[0].top} px)`);
      assert.equal(await page.page.evaluate(() => window.scrollY), 0);
      assert.equal(
        figures.filter((f) => f.state === 'drawn').length,
        1,
        'only the first draws before the reader scrolls',
      );
      const tally = await page.page.$$eval('.ae-briefing [data-verdict]', (items) =>
        items.map((item) => {
          const box = item.getBoundingClientRect();
          return {
            verdict: item.getAttribute('data-verdict') ?? '',
            count: Number(item.querySelector('[data-count]')?.textContent?.replace(/,/g, '')),
            mark: item.querySelector('.ae-mark')?.textContent ?? '',
            bottom: box.bottom,
          };
        }),
      );
      const expected = new Map<string, number>();
      for (const f of summary.findings) expected.set(f.verdict, (expected.get(f.verdict) ?? 0) + 1);
      assert.deepEqual(
        tally.map((t) => [t.mark, t.verdict, t.count]),
        [
          ['✔', 'holds', expected.get('holds') ?? 0],
          ['✘', 'does not hold', expected.get('does not hold') ?? 0],
          ['~', 'inconclusive', expected.get('inconclusive') ?? 0],
          ['ℹ', 'descriptive', expected.get('descriptive') ?? 0],
          ['·', 'not checkable', expected.get('not checkable') ?? 0],
        ],
      );
      assert.ok(
        tally.every((t) => t.bottom <= 900),
        'the tally is on the first screen (1280×900)',
      );
      const text = await page.page.$eval('.ae-briefing', (b) => b.textContent ?? '');
      const reference = summary.runs.find((r) => r.name === summary.reference);
      assert.ok(reference);
      assert.match(text, new RegExp(`${reference.rows} anomalous IPs`));
      for (const run of summary.runs) assert.match(text, new RegExp(`${run.name} ${run.rows}`));
      assert.match(text, /Generated data/, 'demo inputs carry the generator mark');
      // The contents link every section heading of the page, in order.
      const { headings, links } = await page.page.evaluate(() => ({
        headings: Array.from(document.querySelectorAll('h2[id], h3[id]'))
          .filter((h) => !h.closest('.ae-briefing'))
          .map((h) => h.id),
        links: Array.from(document.querySelectorAll('.ae-contents a')).map((a) =>
          decodeURIComponent((a.getAttribute('href') ?? '').slice(1)),
        ),
      }));
      assert.ok(headings.length > 20);
      assert.deepEqual(links, headings);
      // The method comes after: the briefing sits above the page's first paragraph of text.
      const order = await page.page.evaluate(() => {
        const briefing = document.querySelector('.ae-briefing') as Element;
        const code = document.querySelector('.jp-CodeCell') as Element;
        return briefing.compareDocumentPosition(code) & Node.DOCUMENT_POSITION_FOLLOWING;
      });
      assert.ok(order, 'code cells come after the first screen');
      assert.deepEqual(page.errors, []);
    } finally {
      await page.close();
    }
  });

  test('an IP chosen by its button, its line, its triage row or its heatmap row opens its panel; Escape clears', async () => {
    const page = await openOffline(html, { viewport: { width: 1440, height: 900 } });
    try {
      const byScore = [...summary.anomalies].sort((a, b) => b.score - a.score);
      // Its button on the first screen.
      await page.page.click(`.ae-briefing button.ae-ip >> nth=0`);
      assert.equal(await chosenLabel(page.page), byScore[0].label);
      assert.equal(await page.page.$eval('.ae-follow-panel', (p) => (p as HTMLElement).hidden), false);
      assert.equal(await page.page.$eval('.ae-follow-label', (p) => p.textContent), byScore[0].label);
      await page.page.keyboard.press('Escape');
      assert.equal(await chosenLabel(page.page), undefined);
      assert.equal(await page.page.$eval('.ae-follow-panel', (p) => (p as HTMLElement).hidden), true);
      // Its triage row: the triage table lists IPs by descending score.
      const triage = page.page.locator('table:has(th:text-is("reason 1")) tbody tr').nth(1);
      await triage.click();
      assert.equal(await chosenLabel(page.page), byScore[1].label);
      const rows = await page.page.$$eval('tr.ae-chosen-row', (r) => r.length);
      assert.ok(rows >= 1, 'its row is highlighted');
      await page.page.keyboard.press('Escape');
      // Its line in the first timeline that holds it.
      const label = byScore[2].label;
      const naming = figuresNaming(html, label);
      const ids = await page.page.$$eval('div[data-anomaly-eval-figure]', (d) =>
        d.map((x) => x.getAttribute('data-anomaly-eval-figure') ?? ''),
      );
      const titles = await page.page.$$eval('div[data-anomaly-eval-figure]', (d) => d.map((x) => x.textContent ?? ''));
      const timeline = ids.findIndex((id, i) => naming.get(id) && titles[i].includes('along the timeline'));
      assert.ok(timeline >= 0);
      await drawFigure(page.page, timeline);
      await clickLabelIn(page.page, timeline, label);
      assert.equal(await chosenLabel(page.page), label);
      await page.page.keyboard.press('Escape');
      // Its heatmap row in the campaigns figure.
      const campaigns = titles.findIndex((t) => t.includes('Campaigns'));
      assert.ok(campaigns >= 0);
      await drawFigure(page.page, campaigns);
      const other = byScore[3].label;
      await clickLabelIn(page.page, campaigns, other);
      assert.equal(await chosenLabel(page.page), other);
      await settle(page.page);
      assert.equal(await page.page.$eval('div[data-anomaly-eval-figure]:nth-of-type(1)', () => true), true);
      // Each IP's panel draws its profile; a replaced profile is not kept alive by a window listener.
      const orphans = await windowListeners(page.page, 'resize', 'orphans');
      for (const ip of byScore.slice(4, 7)) {
        await page.page.fill('.ae-follow-search', ip.label);
        await page.page.press('.ae-follow-search', 'Enter');
        await page.page.waitForFunction(
          (label) =>
            document.querySelector('.ae-follow-label')?.textContent === label &&
            document.querySelector('.ae-follow-profile .main-svg') !== null,
          ip.label,
          { timeout: 30_000 },
        );
      }
      assert.equal(
        await windowListeners(page.page, 'resize', 'orphans'),
        orphans,
        'three profiles later, no resize listener of a figure gone from the page',
      );
      assert.deepEqual(page.errors, []);
    } finally {
      await page.close();
    }
  });

  test('typed into the search box or opened by #ip=, an IP is highlighted in every figure that holds it and no other', async () => {
    // The IP drawn in the most figures (panels above the adaptive default draw most IPs as a density).
    const held = (candidate: string): number => [...figuresNaming(html, candidate).values()].filter(Boolean).length;
    const label = [...summary.anomalies].sort((a, b) => held(b.label) - held(a.label) || b.score - a.score)[0].label;
    const naming = figuresNaming(html, label);
    assert.ok([...naming.values()].filter(Boolean).length >= 5, 'the IP is in several figures');
    const page = await openOffline(html, { viewport: { width: 1440, height: 900 } });
    try {
      // Completion offers it; typing part of it and Enter picks the one match.
      const options = await page.page.$$eval('#ae-follow-ips option', (o) =>
        o.map((x) => (x as HTMLOptionElement).value),
      );
      assert.deepEqual([...options].sort(), summary.anomalies.map((a) => a.label).sort());
      await page.page.fill('.ae-follow-search', label.slice(0, -2));
      await page.page.press('.ae-follow-search', 'Enter');
      assert.equal(await chosenLabel(page.page), label);
      await page.page.keyboard.press('Escape');
      await page.page.fill('.ae-follow-search', 'no.such.ip');
      await page.page.press('.ae-follow-search', 'Enter');
      assert.equal(await chosenLabel(page.page), undefined);
      assert.match(await page.page.$eval('.ae-follow-status', (s) => s.textContent ?? ''), /no such IP/);
    } finally {
      await page.close();
    }
    const linked = await openOffline(html, { viewport: { width: 1440, height: 900 } });
    try {
      await linked.page.goto(`file://${linked.file}#ip=${encodeURIComponent(label)}`);
      await linked.page.waitForFunction(() => !(document.querySelector('.ae-follow-panel') as HTMLElement).hidden);
      const ids = await linked.page.$$eval('div[data-anomaly-eval-figure]', (d) =>
        d.map((x) => x.getAttribute('data-anomaly-eval-figure') ?? ''),
      );
      const wrong: string[] = [];
      for (let i = 0; i < ids.length; i++) {
        await drawFigure(linked.page, i);
        await settle(linked.page);
        const state = await linked.page.evaluate((k) => {
          const gd = document.querySelectorAll('div[data-anomaly-eval-figure]')[k] as HTMLElement & {
            data: { name?: string }[];
          };
          return {
            chosen: gd.hasAttribute('data-ae-chosen'),
            overlays: gd.data.filter((t) => t.name === 'chosen IP').length,
          };
        }, i);
        if (state.chosen !== (naming.get(ids[i]) ?? false))
          wrong.push(`${i}: chosen ${state.chosen}, holds ${naming.get(ids[i])}`);
      }
      assert.deepEqual(wrong, [], 'highlighted exactly in the figures whose spec names the IP');
      assert.deepEqual(linked.errors, []);
    } finally {
      await linked.close();
    }
  });

  test("no figure's title, notes and legend overlap at 1,024, 1,280, 1,600 and 1,920 px", async () => {
    const page = await openOffline(html, { viewport: { width: 1024, height: 900 } });
    try {
      const count = await page.page.$$eval('div[data-anomaly-eval-figure]', (d) => d.length);
      const overlaps: string[] = [];
      for (const width of [1024, 1280, 1600, 1920]) {
        await page.page.setViewportSize({ width, height: 900 });
        for (let i = 0; i < count; i++) {
          await drawFigure(page.page, i);
          await page.page.evaluate(() => window.dispatchEvent(new Event('resize')));
          await page.page.waitForTimeout(120);
          const found = await page.page.evaluate((k) => {
            const gd = document.querySelectorAll('div[data-anomaly-eval-figure]')[k];
            const boxes = Array.from(
              gd.querySelectorAll('.infolayer .annotation-text-g, .infolayer .g-gtitle, .infolayer .legend .bg'),
            )
              .map((e) => ({
                what: (e.textContent || e.getAttribute('class') || '').slice(0, 40),
                r: e.getBoundingClientRect(),
              }))
              .filter((b) => b.r.width > 0 && b.r.height > 0);
            const out: string[] = [];
            for (let a = 0; a < boxes.length; a++)
              for (let b = a + 1; b < boxes.length; b++) {
                const p = boxes[a].r;
                const q = boxes[b].r;
                const w = Math.min(p.right, q.right) - Math.max(p.left, q.left);
                const h = Math.min(p.bottom, q.bottom) - Math.max(p.top, q.top);
                if (w > 1 && h > 1) out.push(`"${boxes[a].what}" × "${boxes[b].what}"`);
              }
            return out;
          }, i);
          for (const f of found) overlaps.push(`${width}px, figure ${i}: ${f}`);
        }
      }
      assert.deepEqual(overlaps, []);
    } finally {
      await page.close();
    }
  });
});

test("a page whose summary.json is not an evaluation's (another notebook's) is left as it is", () => {
  const page = '<html><head></head><body><h1>Other</h1><p>x</p></body></html>';
  assert.equal(addBriefing(page, { sample: 9 }), page);
  assert.equal(addBriefing(page, null), page);
  assert.equal(addBriefing(page, { reference: '5T', runs: 'no', overlaps: [] }), page);
  const briefed = addBriefing(page, { reference: '5T', runs: [{ name: '5T', rows: 3 }], overlaps: [], findings: [] });
  assert.match(briefed, /<h1>Other<\/h1><section class="ae-briefing"/);
});

test("a notebook's follow output is dropped from the page, whose first screen has the search box and the one follow script", () => {
  const summary = {
    reference: '5T',
    runs: [{ name: '5T', rows: 1 }],
    overlaps: [],
    findings: [],
    anomalies: [{ label: '10.0.0.1source', role: 'source', runs: ['5T'], score: 3, reasons: [] }],
  };
  const follow = htmlOf(followBundle(summary));
  const page = pageOf(['<h1 id="t">Report</h1>', '<p>before</p>', follow, '<p>after</p>', follow]);
  assert.equal(page.split('class="ae-follow-output"').length, 3);
  const briefed = addBriefing(page, summary);
  assert.equal(briefed.includes('class="ae-follow-output"'), false, 'no follow output left');
  assert.ok(briefed.includes('<p>before</p>') && briefed.includes('<p>after</p>'), 'the rest of the page stays');
  assert.equal(briefed.split('__anomalyEvalFollow = true').length, 2, 'one follow script');
  const { anomalous, normal } = hostileFrames();
  const fig = plotAllIps(anomalous, normal, 'avg_Length');
  const twins = [1, 2].map((i) =>
    htmlOf(figureBundle({ ...fig, layout: { ...fig.layout, title: { text: `figure ${i}` } } })),
  );
  const drawn = addBriefing(pageOf([follow, ...twins]), summary);
  const ids = Array.from(drawn.matchAll(/<div([^>]*) data-anomaly-eval-figure="([0-9a-f]+)"/g), (m) => [m[2], m[1]]);
  assert.equal(ids.length, 2);
  assert.deepEqual(
    ids.map(([, attributes]) => attributes.includes('data-draw-at-once')),
    [true, false],
    'the first figure, and only it, draws at once',
  );
  assert.match(briefed, /<div id="ae-follow"><\/div>/);
});

describe('hostile labels', { skip: !hasChromium() && 'needs /usr/bin/chromium' }, () => {
  test('typed into the search box or put in the address, a hostile label is followed as text and runs nothing', async () => {
    const { anomalous, normal } = hostileFrames();
    const page0 = pageOf([
      htmlOf(plotlyLibraryBundle()),
      '<h1 id="t">Report</h1><h2 id="s">Section</h2>',
      htmlOf(figureBundle(plotAllIps(anomalous, normal, 'avg_Length'))),
    ]);
    const summary = {
      reference: '5T',
      runs: [{ name: '5T', rows: anomalous.nRows }],
      overlaps: [],
      findings: [{ id: 'x.y', verdict: 'holds' }],
      ...hostileSummary(anomalous),
    };
    const page = await openOffline(addBriefing(page0, summary));
    try {
      for (const label of [HOSTILE, HOSTILE_TWO]) {
        await page.page.fill('.ae-follow-search', label);
        await page.page.press('.ae-follow-search', 'Enter');
        assert.equal(await chosenLabel(page.page), label);
        assert.equal(await page.page.$eval('.ae-follow-label', (p) => p.textContent), label);
        await drawFigure(page.page, 0);
        await settle(page.page);
        assert.equal(
          await page.page.$eval('div[data-anomaly-eval-figure]', (d) => d.hasAttribute('data-ae-chosen')),
          true,
          'its line is highlighted',
        );
        await page.page.keyboard.press('Escape');
      }
      await page.page.goto(`file://${page.file}#ip=${encodeURIComponent(HOSTILE_TWO)}`);
      await page.page.waitForFunction(() => !(document.querySelector('.ae-follow-panel') as HTMLElement).hidden);
      assert.equal(await chosenLabel(page.page), HOSTILE_TWO);
      await page.page.goto(`file://${page.file}#ip=%E0%A4%A`);
      const injected = await page.page.evaluate(() => ({
        xss: (window as unknown as { __xss?: number }).__xss,
        imgs: document.querySelectorAll('img').length,
        svgOnload: document.querySelectorAll('svg[onload]').length,
      }));
      assert.deepEqual(injected, { xss: undefined, imgs: 0, svgOnload: 0 });
      assert.deepEqual(page.errors, []);
    } finally {
      await page.close();
    }
  });
});
