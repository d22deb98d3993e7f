/**
 * Following an IP in a real browser, for the page's tests (tests/briefing.test.ts) and JupyterLab's
 * (tests/lab.test.ts): which figures' specs name a label, decoded here apart from the follow script's
 * own index, and driving figures: draw one, click a label's point, wait for the highlights.
 */
import * as assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { twinSpecs } from './twins';

/** The figure twins' divs. */
export const FIGURES = 'div[data-anomaly-eval-figure]';

const ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&#34;', "'": '&#39;' };
export const escaped = (label: string): string => label.replace(/[&<>"']/g, (ch) => ENTITIES[ch]);

/** Figure id → whether its spec names `label` (a trace, a point's text, a heatmap row): decoded here, apart from the page's index. */
export function figuresNaming(html: string, label: string): Map<string, boolean> {
  const out = new Map<string, boolean>();
  const wanted = escaped(label);
  for (const [id, spec] of decodedSpecs(html)) {
    const names = spec.data.some(
      (t) =>
        t.name === wanted ||
        (Array.isArray(t.text) && t.name !== 'max' && t.text.includes(wanted)) ||
        (Array.isArray(t.customdata) && t.customdata.some((row) => Array.isArray(row) && row[0] === wanted)),
    );
    out.set(id, (out.get(id) ?? false) || names);
  }
  return out;
}

interface DecodedSpec {
  // a density's max line names the loudest IP of each window, which the panel does not draw as such
  data: { name?: string; text?: unknown; customdata?: unknown }[];
  layout: { title?: string | { text?: string } };
}

let decoded: { html: string; specs: [string, DecodedSpec][] } | undefined;

/** The twins' specs of `html`, decoded once for the last page asked about (tests ask about many labels). */
function decodedSpecs(html: string): [string, DecodedSpec][] {
  if (decoded?.html !== html) decoded = { html, specs: twinSpecs(html) as unknown as [string, DecodedSpec][] };
  return decoded.specs;
}

/**
 * Scrolls figure `index` into the middle of the view and waits until it has drawn there. Again while
 * the page moves under it: JupyterLab attaches cells and learns their heights as they come near, so a
 * figure scrolled to may drift away and be freed before it settles, or not be there yet.
 */
export async function drawFigure(page: Page, index: number, scope = ''): Promise<void> {
  const selector = `${scope} ${FIGURES}`;
  const inView = ([sel, k]: readonly [string, number]): boolean => {
    const div = document.querySelectorAll(sel)[k] as Element | undefined;
    if (div?.getAttribute('data-state') !== 'drawn') return false;
    const box = (div as Element).getBoundingClientRect();
    return box.bottom > 0 && box.top < window.innerHeight;
  };
  const deadline = Date.now() + 60_000;
  for (;;) {
    // Not there yet (Lab has not attached its cell): the last figure that is, to bring more near.
    await page.evaluate(
      ([sel, k]) => {
        const all = document.querySelectorAll(sel);
        (all[k] ?? all[all.length - 1])?.scrollIntoView({ block: all[k] ? 'center' : 'end' });
      },
      [selector, index] as const,
    );
    const drawn = await page
      .waitForFunction(inView, [selector, index] as const, { timeout: 5_000, polling: 50 })
      .then(() => true)
      .catch(() => false);
    if (drawn) {
      await page.waitForTimeout(150);
      if (await page.evaluate(inView, [selector, index] as const)) return;
    }
    if (Date.now() > deadline) throw new Error(`figure ${index} did not draw in view within 60 s`);
  }
}

/** Waits for the follow script's queued restyles to settle (a figure's highlight is asynchronous). */
export async function settle(page: Page): Promise<void> {
  await page.waitForTimeout(300);
  await page.evaluate(async (sel) => {
    const divs = Array.from(document.querySelectorAll(sel)) as (HTMLElement & {
      aeQueue?: Promise<void>;
    })[];
    await Promise.all(divs.map((d) => d.aeQueue));
  }, FIGURES);
}

/** Clicks the point of a drawn figure (`figures`: our twins by default) where a trace holds `label`'s highest value (its line, or its heatmap row). */
export async function clickLabelIn(
  page: Page,
  index: number,
  label: string,
  scope = '',
  figures = FIGURES,
): Promise<void> {
  const selector = `${scope} ${figures}`;
  const where = await page.evaluate(
    ([sel, k, wanted]) => {
      type Axis = { _offset: number; c2p(v: number): number };
      const gd = document.querySelectorAll(sel as string)[k as number] as HTMLElement & {
        data: {
          type?: string;
          text?: unknown;
          x: ArrayLike<number>;
          y: ArrayLike<number>;
          xaxis?: string;
          yaxis?: string;
          customdata?: unknown[];
        }[];
        _fullLayout: Record<string, Axis>;
      };
      const axis = (name: string | undefined, letter: string): Axis =>
        gd._fullLayout[`${letter}axis${(name ?? letter).slice(1)}`];
      for (const trace of gd.data) {
        if (trace.type === 'heatmap' && Array.isArray(trace.customdata)) {
          const row = trace.customdata.findIndex((r) => Array.isArray(r) && r[0] === wanted);
          if (row < 0) continue;
          const xa = axis(trace.xaxis, 'x');
          const ya = axis(trace.yaxis, 'y');
          return { x: xa._offset + xa.c2p(0), y: ya._offset + ya.c2p(row) };
        }
      }
      // The point of the label farthest (in pixels) from every other IP's points on the same axes:
      // a click there can only mean this IP.
      let best: { x: number; y: number; d: number } | undefined;
      for (const trace of gd.data) {
        if (!Array.isArray(trace.text)) continue;
        const xa = axis(trace.xaxis, 'x');
        const ya = axis(trace.yaxis, 'y');
        const others: [number, number][] = [];
        for (const t of gd.data) {
          if (t.yaxis !== trace.yaxis || !Array.isArray(t.text)) continue;
          for (let p = 0; p < t.text.length; p++) {
            if (t.text[p] !== wanted && t.text[p] && Number.isFinite(t.y[p]))
              others.push([xa.c2p(t.x[p]), ya.c2p(t.y[p])]);
          }
        }
        for (let p = 0; p < trace.text.length; p++) {
          if (trace.text[p] !== wanted || !Number.isFinite(trace.y[p])) continue;
          const x = xa.c2p(trace.x[p]);
          const y = ya.c2p(trace.y[p]);
          let d = Infinity;
          for (const [ox, oy] of others) d = Math.min(d, Math.hypot(ox - x, oy - y));
          if (!best || d > best.d) best = { x: xa._offset + x, y: ya._offset + y, d };
        }
      }
      if (best) return { x: best.x, y: best.y };
      return undefined;
    },
    [selector, index, escaped(label)] as const,
  );
  assert.ok(where, `figure ${index} has a point of ${label}`);
  const box = await (await page.$$(selector))[index].boundingBox();
  assert.ok(box);
  await page.mouse.move(box.x + where.x, box.y + where.y);
  await page.waitForTimeout(100);
  await page.mouse.click(box.x + where.x, box.y + where.y);
}

/** The ids of the figure twins in `html`, in document order. */
export function figureIds(html: string): string[] {
  return [...html.matchAll(/<div class="anomaly-eval-figure" data-anomaly-eval-figure="([0-9a-f]+)"/g)].map(
    (m) => m[1],
  );
}

/** Figure id → its title (plain text of the spec's layout title), decoded from the twins' specs in `html`. */
export function figureTitles(html: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const [id, spec] of decodedSpecs(html)) {
    const title = spec.layout.title;
    out.set(id, (typeof title === 'string' ? title : (title?.text ?? '')).replace(/<[^>]*>/g, ' '));
  }
  return out;
}
