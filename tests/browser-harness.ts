/**
 * Headless Chromium for the browser test and the plot benchmark: Debian's /usr/bin/chromium driven
 * by playwright-core (never a downloaded browser), a new empty profile, every non-local request
 * blocked, console errors and page errors collected.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { CHROMIUM, CHROMIUM_ARGS, tempDir } from './plot-fixtures';

/** A page opened offline, with what it logged. */
export interface OfflinePage {
  readonly context: BrowserContext;
  readonly page: Page;
  /** Console messages of type error, and uncaught page errors. */
  readonly errors: string[];
  /** Requests that were blocked because they were not local. */
  readonly blocked: string[];
  close(): Promise<void>;
}

/** True when Debian's Chromium is installed. */
export function hasChromium(): boolean {
  return fs.existsSync(CHROMIUM);
}

/** Requests allowed offline: files and data URLs. */
export function isLocal(url: string): boolean {
  return url.startsWith('file:') || url.startsWith('data:') || url.startsWith('blob:') || url === 'about:blank';
}

/**
 * A fresh headless Chromium profile in `profileDir` whose requests are aborted unless `allowed`
 * says otherwise; console errors (with where they came from) and page errors are collected.
 */
export async function launchOffline(
  profileDir: string,
  allowed: (url: string) => boolean,
  viewport = { width: 1280, height: 900 },
): Promise<Omit<OfflinePage, 'close'>> {
  const context = await chromium.launchPersistentContext(profileDir, {
    executablePath: CHROMIUM,
    args: [...CHROMIUM_ARGS],
    headless: true,
    viewport,
  });
  const errors: string[] = [];
  const blocked: string[] = [];
  await context.route('**/*', (route) => {
    const url = route.request().url();
    if (allowed(url)) return route.continue();
    blocked.push(url);
    return route.abort();
  });
  const page = context.pages()[0] ?? (await context.newPage());
  page.on('console', (msg) => {
    if (msg.type() === 'error') errors.push(`${msg.text()} @ ${msg.location().url}`);
  });
  page.on('pageerror', (err) => errors.push(String(err)));
  return { context, page, errors, blocked };
}

/**
 * Writes `html` to a temp file and opens it via file:// in a fresh headless Chromium profile,
 * blocking every non-local request. `viewport` defaults to 1280×900.
 */
export async function openOffline(
  html: string,
  options: { viewport?: { width: number; height: number } } = {},
): Promise<OfflinePage & { file: string }> {
  const dir = tempDir('anomaly-eval-browser-');
  const file = path.join(dir, 'page.html');
  fs.writeFileSync(file, html);
  const { context, page, errors, blocked } = await launchOffline(path.join(dir, 'profile'), isLocal, options.viewport);
  await page.goto(`file://${file}`, { waitUntil: 'load', timeout: 120_000 });
  return {
    context,
    page,
    errors,
    blocked,
    file,
    async close() {
      await context.close();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** States of every figure div on the page (`drawn`, `waiting`, `error`, or `none`). */
export async function figureStates(page: Page): Promise<string[]> {
  return page.$$eval('div[data-anomaly-eval-figure]', (divs) =>
    divs.map((d) => d.getAttribute('data-state') ?? 'none'),
  );
}

/** Scrolls each figure into view in turn and waits until all have drawn; returns ms taken. */
export async function scrollUntilAllDrawn(page: Page, timeoutMs = 120_000): Promise<number> {
  const t0 = Date.now();
  const count = await page.$$eval('div[data-anomaly-eval-figure]', (divs) => divs.length);
  for (let i = 0; i < count; i++) {
    await page.evaluate((k) => document.querySelectorAll('div[data-anomaly-eval-figure]')[k].scrollIntoView(), i);
    await page.waitForFunction(
      (k) => document.querySelectorAll('div[data-anomaly-eval-figure]')[k].getAttribute('data-state') === 'drawn',
      i,
      { timeout: timeoutMs, polling: 20 },
    );
  }
  return Date.now() - t0;
}

/**
 * How many `type` listeners the window holds (DevTools' getEventListeners, through CDP), to see what
 * a script leaves behind: all of them, those whose function is named `name`, or `orphans`: those
 * that are not the resize handler of a plotly.js figure still in the page (a figure that was
 * replaced without a purge keeps one, and with it the figure).
 */
export async function windowListeners(
  page: Page,
  type: string,
  which: 'all' | 'orphans' | { name: string },
): Promise<number> {
  const cdp = await page.context().newCDPSession(page);
  const keep =
    which === 'all'
      ? '() => true'
      : which === 'orphans'
        ? `(l) => !new Set(Array.from(document.querySelectorAll('.js-plotly-plot'), (gd) => gd._responsiveChartHandler)).has(l.listener)`
        : `(l) => l.listener.name === ${JSON.stringify(which.name)}`;
  try {
    const { result } = await cdp.send('Runtime.evaluate', {
      expression: `(getEventListeners(window)[${JSON.stringify(type)}] ?? []).filter(${keep}).length`,
      includeCommandLineAPI: true,
      returnByValue: true,
    });
    return result.value as number;
  } finally {
    await cdp.detach();
  }
}
