import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { spawnSync } from 'node:child_process';
import { gunzipSync } from 'node:zlib';
import {
  type MimeBundle,
  NoKernelError,
  PLOTLY_MIME,
  figureBundle,
  kernelDisplayWriter,
  markdownBundle,
  plotlyLibraryBundle,
  plotlyTextToPlain,
  show,
  tableBundle,
} from '../lib/notebook/display';
import { escapeHtml, jsonForScript, escapeMarkdown, unescapeHtml } from '../lib/html';
import { frameTableHtml } from '../lib/notebook/frame-table';
import { PLOTLY_WAITERS, plotlyPath, plotlySource, plotlyVersion, scriptSafe } from '../lib/notebook/plotly-bundle';
import { drawFigures } from '../lib/notebook/browser/draw-figures';
import type { PlotlyFigure } from '../lib/figures/spec';
import { groupLines } from '../lib/figures/group-lines';
import { plotAllIps } from '../lib/figures/timeline';
import { traceWithTemplate } from '../lib/figures/lines';
import { syntheticFrame, tempDir } from './plot-fixtures';

const HOSTILE = '<img src=x onerror=alert(1)>source';
const ROOT = path.resolve(__dirname, '..', '..');

function hostileFigure() {
  const a = syntheticFrame({
    sources: 3,
    destinations: 2,
    windows: 6,
    anomalous: true,
    extraLabels: [HOSTILE, '</script><script>window.__xss=1</script>dst'],
  });
  return plotAllIps(a, a, 'avg_Length');
}

test('a figure bundle carries an HTML twin and a text/plain line; with plotlyJson also the Plotly JSON, as an object', () => {
  const fig = hostileFigure();
  const light = figureBundle(fig);
  assert.deepEqual(Object.keys(light.data).sort(), ['text/html', 'text/plain']);
  const bundle = figureBundle(fig, { plotlyJson: true });
  assert.deepEqual(Object.keys(bundle.data).sort(), [PLOTLY_MIME, 'text/html', 'text/plain'].sort());
  assert.equal(bundle.data['text/html'], light.data['text/html'], 'the same twin either way');
  assert.throws(
    () => figureBundle(fig, { plotlyJson: 'yes' as unknown as boolean }),
    /invalid plotlyJson "yes"; expected true or false/,
  );
  const plotly = bundle.data[PLOTLY_MIME] as { data: unknown[]; layout: unknown };
  assert.equal(typeof plotly, 'object', 'JupyterLab wants an object, not a JSON string');
  assert.equal(plotly.data.length, fig.data.length);
  assert.deepEqual(plotly.layout, fig.layout);
  assert.match(String(bundle.data['text/plain']), /^Plotly figure: avg_Length along the timeline \(\d+ traces\)$/);
  // the bundle survives the JSON round trip an .ipynb file makes
  assert.deepEqual(JSON.parse(JSON.stringify(bundle)), bundle);
});

test('the HTML twin needs no require, embeds no library, and no data string can close its script', () => {
  const html = String(figureBundle(hostileFigure()).data['text/html']);
  assert.ok(!/\brequire\s*\(/.test(html), 'no require(): nbconvert pages offline have no working require.js');
  assert.ok(html.length < 200_000, 'plotly.js is not embedded per figure');
  assert.equal((html.match(/<script/g) ?? []).length, 2, 'the spec and the drawing script only');
  assert.equal((html.match(/<\/script>/g) ?? []).length, 2);
  assert.ok(!html.includes('<img'));
  const packed =
    /<script type="application\/octet-stream" data-encoding="gzip-base64"[^>]*>([A-Za-z0-9+/=]+)<\/script>/.exec(
      html,
    )![1];
  const parsed = JSON.parse(gunzipSync(Buffer.from(packed, 'base64')).toString('utf8')) as {
    data: { name?: string }[];
  };
  assert.ok(
    parsed.data.some((t) => t.name === escapeHtml(HOSTILE)),
    'the label survives as escaped text',
  );
  // uncompressed twins carry escaped JSON instead
  const plain = String(figureBundle(hostileFigure(), { compress: false }).data['text/html']);
  const json = /<script type="application\/json"[^>]*>([\s\S]*?)<\/script>/.exec(plain)![1];
  assert.deepEqual(JSON.parse(json), parsed);
  assert.ok(!plain.includes('<img') && packed.length < json.length / 2);
});

test('jsonForScript round-trips and hides <, >, & and line separators', () => {
  const value = { a: '</script><!-- & \u2028', b: [1, 2.5, null] };
  const text = jsonForScript(value);
  assert.ok(!/[<>&\u2028]/.test(text));
  assert.deepEqual(JSON.parse(text), value);
});

test('the twin groups per-IP lines in the browser and releases far figures; the Plotly JSON stays per IP', () => {
  const fig = hostileFigure();
  const perIp = (f: PlotlyFigure) =>
    f.data.filter((t) => String(traceWithTemplate(f, t).hovertemplate).includes('%{fullData.name}')).length;
  const perIpTraces = perIp(fig);
  assert.ok(perIpTraces >= 7);
  const grouped = figureBundle(fig, { plotlyJson: true });
  const plotly = grouped.data[PLOTLY_MIME] as PlotlyFigure;
  assert.equal(perIp(plotly), perIpTraces, 'the notebook keeps one small trace per IP');
  const html = String(grouped.data['text/html']);
  assert.ok(html.includes(`(${drawFigures.toString()})(`), 'the drawing code, as compiled, is embedded');
  assert.ok(html.includes(`,${groupLines.toString()});</script>`), 'the grouping code, as compiled, is embedded');
  const settings = (twin: string) =>
    JSON.parse(/\)\("[0-9a-f]{16}",(\{[^}]*\}),/.exec(twin)![1]) as Record<string, unknown>;
  assert.deepEqual(
    settings(html),
    { lazy: true, groupStride: 3, release: 2000, waiters: PLOTLY_WAITERS },
    'lazy, stride 3, released beyond 2000 px',
  );
  const asBuilt = String(figureBundle(fig, { lines: 'as-built', release: false, hoverStride: 5 }).data['text/html']);
  assert.ok(asBuilt.endsWith(',null);</script>') && !asBuilt.includes('function groupLines'));
  assert.deepEqual(settings(asBuilt), { lazy: true, groupStride: 0, release: 0, waiters: PLOTLY_WAITERS });
  assert.deepEqual(
    settings(String(figureBundle(fig, { hoverStride: 5, release: 900, lazy: false }).data['text/html'])),
    {
      lazy: false,
      groupStride: 5,
      release: 900,
      waiters: PLOTLY_WAITERS,
    },
  );
  // the embedded code cannot close the script element, and still counts exactly two scripts
  assert.equal((html.match(/<\/script>/g) ?? []).length, 2);
});

test('the same figure twice gets the same id (deterministic notebooks) and the twin draws every copy', () => {
  const fig = hostileFigure();
  const a = String(figureBundle(fig).data['text/html']);
  const b = String(figureBundle(fig).data['text/html']);
  assert.equal(a, b);
  assert.match(a, /:not\(\[data-state\]\)/, 'the script claims every undrawn copy, not only the first');
});

test('the library bundle is the minified cartesian plotly.js by default, once, with AMD and CommonJS names shadowed', () => {
  assert.match(plotlyPath(), /plotly\.js-cartesian-dist-min[\\/]plotly-cartesian\.min\.js$/);
  assert.match(plotlyPath('full'), /plotly\.js-dist-min[\\/]plotly\.min\.js$/);
  assert.equal(plotlyVersion(), plotlyVersion('full'), 'both builds are the same plotly.js version');
  const html = String(plotlyLibraryBundle().data['text/html']);
  const source = plotlySource();
  assert.ok(
    source.length < plotlySource('full').length / 2,
    'the cartesian build is well under half the full minified one',
  );
  assert.ok(html.length > source.length && html.length < source.length + 5_000);
  assert.equal(html.split('plotly.js v').length - 1, source.split('plotly.js v').length - 1, 'embedded once');
  assert.match(html, /\(function\(define,module,exports,require\)\{/);
  assert.match(html, /\.call\(window,undefined,undefined,undefined,undefined\)/);
  assert.match(html, /if\(!window\.Plotly\)/, 'a second copy in the same page does not re-run');
  assert.match(String(plotlyLibraryBundle().data['text/plain']), /^plotly\.js \(cartesian build\) \d+\.\d+\.\d+ /);
  const full = String(plotlyLibraryBundle({ build: 'full' }).data['text/html']);
  assert.ok(full.length > plotlySource('full').length && full.length < plotlySource('full').length + 5_000);
  // every trace type the figures use is registered in the cartesian build
  for (const type of ['scatter', 'bar', 'heatmap'])
    assert.ok(source.includes(`name:"${type}"`) || source.includes(`name: "${type}"`), type);
});

test('scriptSafe keeps inline scripts from closing early', () => {
  assert.equal(scriptSafe('var s="</script>";'), 'var s="<\\/script>";');
  assert.equal(scriptSafe('a</SCRIPT'), 'a<\\/SCRIPT');
  assert.throws(() => scriptSafe('/*<!--*/ "<script"'), /cannot embed/);
});

test('frame table: like pandas head, bold index, elided middle columns, escaped labels and headers', () => {
  const frame = syntheticFrame({ sources: 6, destinations: 2, windows: 30, extraLabels: [HOSTILE] });
  const html = frameTableHtml(frame, { rows: 5, maxColumns: 6 });
  assert.match(html, /<p>5 rows × 30 columns \(first 5 of 9 rows\)<\/p>/);
  assert.equal((html.match(/<tr><th>/g) ?? []).length, 5, 'row labels are header cells (bold)');
  assert.ok(html.includes(`<th>${escapeHtml(HOSTILE)}</th>`));
  assert.ok(!html.includes('<img'));
  assert.equal((html.match(/<th>\.\.\.<\/th>/g) ?? []).length, 1);
  assert.ok(html.includes(escapeHtml("('avg_Length', 'avg_2019-02-01 09:35:00')")));
  assert.ok(html.includes(escapeHtml("('avg_Length', 'avg_2019-02-01 12:00:00')")), 'last column shown');
  assert.equal((html.match(/<td>/g) ?? []).length, 5 * 7);
  const bundle = tableBundle(frame, { rows: 2 });
  assert.equal(bundle.data['text/plain'], '2 rows × 30 columns (frame of 9 rows)');
});

test('unescapeHtml inverts escapeHtml in one pass; figure titles and page attributes share it', () => {
  for (const text of [HOSTILE, `a & b "q" 'r' 50% &lt; literal`, '&amp;lt;'])
    assert.equal(unescapeHtml(escapeHtml(text)), text);
  assert.equal(unescapeHtml('&amp;lt; &quot;x&quot; &#37;{y} &nbsp;'), '&lt; "x" %{y} &nbsp;');
  assert.equal(plotlyTextToPlain(`<b>${escapeHtml(HOSTILE)}</b> &#37;`), `${HOSTILE} %`);
});

test('markdown escaping: labels render as literal text and cannot add structure', () => {
  assert.equal(escapeMarkdown('1.2.3.4source'), '1\\.2\\.3\\.4source');
  assert.equal(escapeMarkdown(HOSTILE), '&lt;img src=x onerror=alert\\(1\\)&gt;source');
  assert.equal(escapeMarkdown('a\n# b | c'), 'a \\# b \\| c');
  assert.equal(escapeMarkdown('*$x$*_[l](u)'), '\\*\\$x\\$\\*\\_\\[l\\]\\(u\\)');
  assert.deepEqual(Object.keys(markdownBundle('x').data), ['text/markdown', 'text/plain']);
});

test('show() outside a kernel throws a clear error', async () => {
  assert.equal(kernelDisplayWriter(), undefined);
  await assert.rejects(
    show(markdownBundle('x')),
    (err: unknown) => err instanceof NoKernelError && /tslab kernel/.test(String(err)),
  );
});

test("show() hands one multi-mime message to tslab's own display writer", async () => {
  // tslab's kernel module: the kernel assigns the current cell's writer here before each execution.
  const jupyter = require('tslab/dist/jupyter') as { lastWriteDisplayData: unknown };
  const sent: { content: { data: Record<string, unknown>; metadata: unknown; transient: unknown }; update: boolean }[] =
    [];
  jupyter.lastWriteDisplayData = (content: (typeof sent)[number]['content'], update: boolean) =>
    sent.push({ content, update });
  try {
    const bundle: MimeBundle = figureBundle(hostileFigure(), { plotlyJson: true });
    await show(bundle);
    assert.equal(sent.length, 1);
    assert.equal(sent[0].update, false);
    assert.deepEqual(sent[0].content, { data: bundle.data, metadata: {}, transient: {} });
    assert.equal(typeof sent[0].content.data[PLOTLY_MIME], 'object');
  } finally {
    jupyter.lastWriteDisplayData = null;
  }
});

test('in a real tslab kernel, awaited show() outputs land in their own cells, in order', (t) => {
  const python = '/usr/bin/python3';
  const probe = spawnSync(python, ['-c', 'import nbclient, nbformat'], { encoding: 'utf8' });
  if (probe.status !== 0) {
    t.skip(`needs ${python} with nbclient and nbformat`);
    return;
  }
  const dir = tempDir('anomaly-eval-kernel-');
  try {
    const kernelDir = path.join(dir, 'kernels', 'tslab-plots-test');
    fs.mkdirSync(kernelDir, { recursive: true });
    fs.writeFileSync(
      path.join(kernelDir, 'kernel.json'),
      JSON.stringify({
        argv: [
          process.execPath,
          path.join(ROOT, 'node_modules', 'tslab', 'bin', 'tslab'),
          'kernel',
          '--config-path',
          '{connection_file}',
        ],
        display_name: 'tslab (plots test)',
        language: 'typescript',
      }),
    );
    const display = JSON.stringify(path.join(ROOT, 'dist', 'lib', 'notebook', 'display.js'));
    const cells = [
      `const d = require(${display});\nawait d.showMarkdown('first *cell*');\nawait d.showHtml('<b>second</b>');`,
      `const slow = async () => { await new Promise((r) => setTimeout(r, 300)); await d.showMarkdown('after a wait'); };\nawait slow();`,
      `await d.showFigure({ data: [{ type: 'bar', x: [1, 2], y: [3, 4] }], layout: { title: { text: 'bars' } } }, { plotlyJson: true });\nawait d.showFigure({ data: [], layout: {} });`,
    ];
    const script = `
import json, sys, nbformat
from nbclient import NotebookClient
nb = nbformat.v4.new_notebook()
nb.cells = [nbformat.v4.new_code_cell(src) for src in json.loads(sys.argv[1])]
NotebookClient(nb, kernel_name='tslab-plots-test', timeout=120).execute()
print(json.dumps([[{k: v for k, v in o.items() if k in ('output_type', 'data', 'text', 'ename', 'evalue')} for o in c.outputs] for c in nb.cells]))
`;
    const run = spawnSync(python, ['-c', script, JSON.stringify(cells)], {
      encoding: 'utf8',
      env: { ...process.env, JUPYTER_PATH: dir },
      timeout: 240_000,
      maxBuffer: 64 << 20,
    });
    assert.equal(run.status, 0, run.stderr);
    const outputs = JSON.parse(run.stdout.trim().split('\n').pop()!) as {
      output_type: string;
      data?: Record<string, unknown>;
    }[][];
    assert.deepEqual(
      outputs[0].map((o) => o.data?.['text/markdown'] ?? o.data?.['text/html']),
      ['first *cell*', '<b>second</b>'],
    );
    assert.deepEqual(
      outputs[1].map((o) => o.data?.['text/markdown']),
      ['after a wait'],
    );
    assert.equal(outputs[2].length, 2);
    assert.deepEqual(Object.keys(outputs[2][1].data!).sort(), ['text/html', 'text/plain'], 'by default the twin alone');
    const data = outputs[2][0].data!;
    assert.equal(outputs[2][0].output_type, 'display_data');
    assert.deepEqual(Object.keys(data).sort(), [PLOTLY_MIME, 'text/html', 'text/plain'].sort());
    assert.deepEqual(
      (data[PLOTLY_MIME] as { data: unknown }).data,
      [{ type: 'bar', x: [1, 2], y: [3, 4] }],
      'a JSON object in the notebook, not a string',
    );
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
