/**
 * The plotly.js library as one inline `<script>` for notebook HTML: read once per process from
 * plotly.js-dist-min (4.8 MB, not the 10 MB unminified build), safe next to require.js, and
 * announcing itself to figures that are waiting for it.
 */
import * as fs from 'fs';

let cachedSource: string | undefined;
let cachedVersion: string | undefined;

/** Path of the minified plotly.js the figures are drawn with. */
export function plotlyPath(): string {
  return require.resolve('plotly.js-dist-min/plotly.min.js');
}

/** Version of the embedded plotly.js, e.g. `4.1.1`. */
export function plotlyVersion(): string {
  if (cachedVersion === undefined) {
    const pkg = JSON.parse(fs.readFileSync(require.resolve('plotly.js-dist-min/package.json'), 'utf8')) as { version: string };
    cachedVersion = pkg.version;
  }
  return cachedVersion;
}

/** The minified plotly.js source, read once per process. */
export function plotlySource(): string {
  if (cachedSource === undefined) cachedSource = fs.readFileSync(plotlyPath(), 'utf8');
  return cachedSource;
}

/**
 * Makes script text safe inside an HTML `<script>` element: `</script` would close the element
 * early, so it becomes `<\/script` (the same string or regex to JavaScript). `<!--` together
 * with `<script` would switch the HTML parser into a state that swallows the rest of the page;
 * it is refused rather than rewritten (rewriting can change regex meaning).
 */
export function scriptSafe(source: string): string {
  const safe = source.replace(/<\/(script)/gi, '<\\/$1');
  if (/<!--/.test(safe) && /<script/i.test(safe)) {
    throw new Error('script text holds both "<!--" and "<script": cannot embed it safely in HTML');
  }
  return safe;
}

/** Global the figures' scripts use to queue drawing until plotly.js has loaded. */
export const PLOTLY_WAITERS = '__anomalyEvalPlotlyWaiters';

/**
 * The library as one `<script>`: skipped when `window.Plotly` already exists; evaluated with
 * `define`, `module`, `exports` and `require` shadowed by undefined parameters, so an AMD loader
 * (require.js in nbconvert's lab template) or a CommonJS shim cannot capture Plotly instead of
 * `window.Plotly`; then it runs every figure queued in `window.__anomalyEvalPlotlyWaiters`.
 */
export function plotlyLibraryScript(): string {
  const flush =
    `var q=window.${PLOTLY_WAITERS}||[];window.${PLOTLY_WAITERS}=[];` +
    'for(var i=0;i<q.length;i++){try{q[i]()}catch(e){console.error(e)}}';
  return (
    '<script type="text/javascript">(function(){' +
    'if(!window.Plotly){' +
    '(function(define,module,exports,require){\n' +
    scriptSafe(plotlySource()) +
    '\n}).call(window,undefined,undefined,undefined,undefined);' +
    '}' +
    flush +
    '})();</script>'
  );
}
