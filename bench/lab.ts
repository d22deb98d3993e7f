/**
 * `npm run bench:lab -- --notebook FILE [--variant plotly|html] [--untrusted] [--json OUT]`: how a
 * notebook reads in the harness's JupyterLab (lab/, built by `npm run lab`). FILE is copied into a
 * temp folder served on 127.0.0.1 and (unless --untrusted) signed with a temp Jupyter secret the
 * server trusts; headless Chromium opens it straight from the URL, then scrolls like a reader,
 * figure by figure, waiting at each until it has drawn. Prints a table; --json writes
 * {notebookMB, firstFigureMs, allFiguresMs, figures, drawn, heapMB, rendererRssMB, consoleErrors}.
 *
 * Times are the page's clock (ms since navigation start): when each figure first drew
 * (jupyterlab-plotly's figures are stamped by a MutationObserver when their SVG appears, our HTML
 * twins stamp themselves). heapMB: JS heap used (CDP) at the end; rendererRssMB: peak VmRSS of the
 * page's renderer process (/proc), sampled after each figure.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { chromium } from 'playwright-core';
import { findProjectRoot } from '../lib/notebook/kernel';
import { runCommand } from '../cli/args';
import { type LabVariant, findLabPython, labIsBuilt, startLab } from '../lab/harness';
import { figureOutputCount, scrollThroughFigures, waitForNotebook, watchPlotlyDraws } from '../tests/lab-page';
import { CHROMIUM, CHROMIUM_ARGS } from '../tests/plot-fixtures';

/** What --json writes. */
export interface LabBenchResult {
  notebookMB: number;
  firstFigureMs: number;
  allFiguresMs: number;
  figures: number;
  drawn: number;
  heapMB: number;
  rendererRssMB: number;
  consoleErrors: number;
}

const USAGE = 'usage: npm run bench:lab -- --notebook FILE [--variant plotly|html] [--untrusted] [--json OUT]';

function option(argv: readonly string[], name: string): string | undefined {
  const i = argv.indexOf(`--${name}`);
  return i >= 0 ? argv[i + 1] : undefined;
}

/** Peak resident MB of the largest renderer of the profile (the page's; the WebUI renderer is left out). */
function rendererRss(profile: string): number {
  let best = 0;
  for (const pid of fs.readdirSync('/proc').filter((d) => /^\d+$/.test(d))) {
    try {
      const cmd = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8');
      if (!cmd.includes('--type=renderer') || !cmd.includes(profile) || cmd.includes('--top-chrome-webui')) continue;
      const kb = /VmRSS:\s+(\d+)/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
      if (kb) best = Math.max(best, Number(kb[1]) / 1024);
    } catch {
      // the process ended meanwhile
    }
  }
  return best;
}

async function bench(file: string, variant: LabVariant, trusted: boolean): Promise<LabBenchResult> {
  const root = findProjectRoot(__dirname);
  if (!labIsBuilt(root))
    throw new Error('bench:lab: lab/ is not built: run `npm run lab` once (it builds, then serves)');
  const python = findLabPython();
  if (!python) throw new Error('bench:lab: no Python with jupyter_server and jupyterlab_server');
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-lab-'));
  const served = path.join(work, 'served');
  fs.mkdirSync(served);
  const name = path.basename(file);
  fs.copyFileSync(file, path.join(served, name));
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    JUPYTER_CONFIG_DIR: path.join(work, 'config'),
    JUPYTER_DATA_DIR: path.join(work, 'jupyter-data'),
    JUPYTER_RUNTIME_DIR: path.join(work, 'runtime'),
  };
  if (trusted) {
    const sign = spawnSync(python, ['-m', 'nbformat.sign', path.join(served, name)], { env, encoding: 'utf8' });
    if (sign.status !== 0) throw new Error(`bench:lab: could not sign ${name}: ${sign.stderr}`);
  }
  const server = await startLab({
    projectRoot: root,
    variant,
    env,
    rootDir: served,
    stateDir: path.join(work, 'state'),
  });
  const profile = path.join(work, 'profile');
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    args: [...CHROMIUM_ARGS],
    headless: true,
    viewport: { width: 1280, height: 900 },
  });
  const errors: string[] = [];
  try {
    await context.route('**/*', (route) => {
      const url = route.request().url();
      return url.startsWith(`${server.baseUrl}/`) || url.startsWith('data:') || url.startsWith('blob:')
        ? route.continue()
        : route.abort();
    });
    const page = context.pages()[0] ?? (await context.newPage());
    page.on('console', (msg) => msg.type() === 'error' && errors.push(msg.text()));
    page.on('pageerror', (err) => errors.push(String(err)));
    await watchPlotlyDraws(page);
    let rss = 0;
    await page.goto(server.urlFor(name), { waitUntil: 'load', timeout: 120_000 });
    await waitForNotebook(page, name, { kernel: false, timeoutMs: 120_000 });
    rss = Math.max(rss, rendererRss(profile));
    const figures = await figureOutputCount(page);
    const states = await scrollThroughFigures(
      page,
      variant,
      60_000,
      () => (rss = Math.max(rss, rendererRss(profile))),
      figures,
    );
    const times = states.map((s) => s.drawnMs).filter((t): t is number => t !== undefined);
    const cdp = await context.newCDPSession(page);
    await cdp.send('Performance.enable');
    const metrics = (await cdp.send('Performance.getMetrics')).metrics;
    const heap = (metrics.find((m) => m.name === 'JSHeapUsedSize')?.value ?? NaN) / 2 ** 20;
    return {
      notebookMB: fs.statSync(file).size / 1e6,
      firstFigureMs: times.length ? Math.min(...times) : NaN,
      allFiguresMs: times.length === figures && figures > 0 ? Math.max(...times) : NaN,
      figures,
      drawn: states.filter((s) => s.drawn).length,
      heapMB: heap,
      rendererRssMB: rss,
      consoleErrors: errors.length,
    };
  } finally {
    await context.close().catch(() => undefined);
    await server.stop();
    fs.rmSync(work, { recursive: true, force: true });
  }
}

async function main(argv: readonly string[]): Promise<number> {
  const file = option(argv, 'notebook');
  const variant = option(argv, 'variant') ?? 'plotly';
  const json = option(argv, 'json');
  if (!file || (variant !== 'plotly' && variant !== 'html') || argv.includes('--help')) {
    console.error(USAGE);
    return argv.includes('--help') ? 0 : 2;
  }
  if (!fs.existsSync(file)) {
    console.error(`bench:lab: no notebook ${file}`);
    return 2;
  }
  const trusted = !argv.includes('--untrusted');
  const r = await bench(path.resolve(file), variant, trusted);
  const fmt = (v: number, digits = 1) => (Number.isFinite(v) ? v.toFixed(digits) : 'n/a');
  console.log(
    `bench:lab ${path.basename(file)}, Lab ${variant === 'plotly' ? 'with' : 'without'} jupyterlab-plotly, ${trusted ? 'trusted' : 'untrusted'}; Chromium headless; load average ${os
      .loadavg()
      .map((l) => l.toFixed(1))
      .join(' ')}`,
  );
  console.log(
    '| notebook MB | first figure s | all drawn s | figures | drawn | JS heap MB | renderer RSS MB | console errors |',
  );
  console.log('|---:|---:|---:|---:|---:|---:|---:|---:|');
  console.log(
    `| ${fmt(r.notebookMB)} | ${fmt(r.firstFigureMs / 1000, 2)} | ${fmt(r.allFiguresMs / 1000, 2)} | ${r.figures} | ${r.drawn} | ${fmt(r.heapMB, 0)} | ${fmt(r.rendererRssMB, 0)} | ${r.consoleErrors} |`,
  );
  if (json) fs.writeFileSync(json, `${JSON.stringify(r, null, 1)}\n`);
  return 0;
}

runCommand(main);
