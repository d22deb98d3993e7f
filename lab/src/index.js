/**
 * The JupyterLab front end of the harness: the application plugins listed in package.json
 * (`jupyterlab.extensions`) plus, in the `plotly` variant, the jupyterlab-plotly renderer (the one
 * most Lab users have). The server (lab/server.py) says which variant this page is through the page
 * config option `anomalyEvalVariant`; the renderer is a separate chunk, fetched only when asked for.
 */
import { JupyterLab } from '@jupyterlab/application';
import { PageConfig } from '@jupyterlab/coreutils';

// Assets (CSS, fonts, chunks) load from wherever the server put the static folder.
// eslint-disable-next-line no-undef
__webpack_public_path__ = `${PageConfig.getOption('fullStaticUrl')}/`;

const styles = import('./style.js');

/** Plugins of a module, whatever way it exports them. */
function pluginsOf(module, keep = () => true) {
  const exported = module && module.__esModule !== false && 'default' in module ? module.default : module;
  return (Array.isArray(exported) ? exported : [exported]).filter(keep);
}

/** The language-server plugins need a server extension this harness does not run. */
const noLanguageServer = (plugin) => !plugin.id.includes(':language-server');

const applicationModules = [
  import('@jupyterlab/application-extension'),
  import('@jupyterlab/apputils-extension'),
  import('@jupyterlab/codemirror-extension'),
  import('@jupyterlab/completer-extension'),
  import('@jupyterlab/docmanager-extension'),
  import('@jupyterlab/documentsearch-extension'),
  import('@jupyterlab/filebrowser-extension'),
  import('@jupyterlab/fileeditor-extension').then((m) => pluginsOf(m, noLanguageServer)),
  import('@jupyterlab/launcher-extension'),
  import('@jupyterlab/mainmenu-extension'),
  import('@jupyterlab/markedparser-extension'),
  import('@jupyterlab/mathjax-extension'),
  import('@jupyterlab/metadataform-extension'),
  import('@jupyterlab/notebook-extension').then((m) => pluginsOf(m, noLanguageServer)),
  import('@jupyterlab/rendermime-extension'),
  import('@jupyterlab/running-extension'),
  import('@jupyterlab/services-extension'),
  import('@jupyterlab/shortcuts-extension'),
  import('@jupyterlab/statusbar-extension'),
  import('@jupyterlab/theme-light-extension'),
  import('@jupyterlab/toc-extension'),
  import('@jupyterlab/translation-extension'),
  import('@jupyterlab/ui-components-extension'),
];

/** Mime renderers of the variant: `plotly` adds jupyterlab-plotly's, `html` adds none. */
async function mimeExtensions(variant) {
  if (variant === 'html') return [];
  if (variant !== 'plotly') throw new Error(`unknown harness variant "${variant}" (expected plotly or html)`);
  return [await import('jupyterlab-plotly/lib/plotly-renderer')];
}

window.addEventListener('load', async () => {
  await styles;
  const variant = PageConfig.getOption('anomalyEvalVariant') || 'plotly';
  const lab = new JupyterLab({ mimeExtensions: await mimeExtensions(variant) });
  const plugins = (await Promise.all(applicationModules)).flatMap((m) => (Array.isArray(m) ? m : pluginsOf(m)));
  lab.registerPlugins(plugins);
  await lab.start();
  await lab.restored;
  // For the tests and the benchmark: the app, and when it was ready (page clock).
  window.anomalyEvalLab = { app: lab, variant, restoredMs: performance.now() };
  document.body.setAttribute('data-anomaly-eval-lab', variant);
});
