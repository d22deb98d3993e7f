/**
 * The plotly.js library as one inline `<script>` for notebook HTML: read once per process, safe
 * next to require.js, and announcing itself to figures that are waiting for it.
 *
 * By default the cartesian partial build (plotly.js-cartesian-dist-min, 1.5 MB: scatter, bar,
 * heatmap, histogram, box, contour, pie...: every trace type lib/figures makes) rather than the full
 * minified build (plotly.js-dist-min, 4.8 MB, adds 3-D, maps, WebGL...): a 27-figure page is a
 * third smaller, parses 0.6 s sooner and its renderer holds ~50 MB less. Both are the same
 * plotly.js version.
 */
import * as fs from 'node:fs';

/** Which plotly.js build to embed: `cartesian` (default, 1.5 MB) or `full` (4.8 MB, every trace type). */
export type PlotlyBuild = 'cartesian' | 'full';

const BUILDS: Readonly<Record<PlotlyBuild, { pkg: string; file: string }>> = {
  cartesian: { pkg: 'plotly.js-cartesian-dist-min', file: 'plotly-cartesian.min.js' },
  full: { pkg: 'plotly.js-dist-min', file: 'plotly.min.js' },
};

const cachedSource = new Map<PlotlyBuild, string>();
const cachedVersion = new Map<PlotlyBuild, string>();

/** Path of the minified plotly.js the figures are drawn with. */
export function plotlyPath(build: PlotlyBuild = 'cartesian'): string {
  return require.resolve(`${BUILDS[build].pkg}/${BUILDS[build].file}`);
}

/** Version of the embedded plotly.js, e.g. `4.1.1`. */
export function plotlyVersion(build: PlotlyBuild = 'cartesian'): string {
  let version = cachedVersion.get(build);
  if (version === undefined) {
    version = (
      JSON.parse(fs.readFileSync(require.resolve(`${BUILDS[build].pkg}/package.json`), 'utf8')) as { version: string }
    ).version;
    cachedVersion.set(build, version);
  }
  return version;
}

/** The minified plotly.js source, read once per process. */
export function plotlySource(build: PlotlyBuild = 'cartesian'): string {
  let source = cachedSource.get(build);
  if (source === undefined) {
    source = fs.readFileSync(plotlyPath(build), 'utf8');
    cachedSource.set(build, source);
  }
  return source;
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
export function plotlyLibraryScript(build: PlotlyBuild = 'cartesian'): string {
  const flush =
    `var q=window.${PLOTLY_WAITERS}||[];window.${PLOTLY_WAITERS}=[];` +
    'for(var i=0;i<q.length;i++){try{q[i]()}catch(e){console.error(e)}}';
  return (
    '<script type="text/javascript">(function(){' +
    'if(!window.Plotly){' +
    '(function(define,module,exports,require){\n' +
    scriptSafe(plotlySource(build)) +
    '\n}).call(window,undefined,undefined,undefined,undefined);' +
    '}' +
    flush +
    '})();</script>'
  );
}
