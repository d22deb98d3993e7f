/**
 * `npm run lab [-- --variant plotly|html] [--port N] [--notebook PATH] [--build-only]`: JupyterLab for users who
 * have none. Builds the harness in lab/ once (npm ci + webpack, skipped while unchanged), registers
 * the project's kernel, serves the project on 127.0.0.1 and prints the URL that opens the notebook
 * (default notebooks/evaluation_5T.ipynb). Runs until Ctrl-C, then shuts its kernels down.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { findProjectRoot } from '../lib/notebook/kernel';
import {
  HELP,
  type OptionTable,
  UsageError,
  helpText,
  integer,
  parseOptions,
  runCommand,
  single,
  synopsis,
  wantsHelp,
} from './args';
import { type LabVariant, ensureLabBuild, startLab } from '../lab/harness';

const COMMAND = 'npm run lab --';
const OPTIONS: OptionTable = {
  variant: {
    kind: 'value',
    value: 'plotly|html',
    help: "plotly: with jupyterlab-plotly's renderer; html: without it",
    default: 'plotly',
  },
  port: { kind: 'value', value: 'N', help: 'port on 127.0.0.1, from 1 to 65535', default: 'a free one' },
  notebook: {
    kind: 'value',
    value: 'PATH',
    help: 'notebook to open, relative to the project',
    default: 'notebooks/evaluation_5T.ipynb',
  },
  'build-only': { kind: 'boolean', help: 'install and build lab/ if needed, then exit (what CI runs)' },
  ...HELP,
};
const ABOUT =
  "Serves JupyterLab (built once into lab/) on 127.0.0.1 with the project's kernel and prints the URL of the notebook.";
const NOTES = 'Runs until Ctrl-C. Needs Python\'s jupyter_server and jupyterlab_server (README, "In JupyterLab").';

async function main(argv: readonly string[]): Promise<number> {
  const parsed = parseOptions(argv, OPTIONS);
  if (wantsHelp(parsed)) {
    process.stdout.write(helpText(COMMAND, ABOUT, OPTIONS, { notes: NOTES }));
    return 0;
  }
  const variant = single(parsed, 'variant', 'plotly');
  if (variant !== 'plotly' && variant !== 'html')
    throw new UsageError(`--variant expects plotly or html, got ${JSON.stringify(variant)}`);
  const args: { variant: LabVariant; buildOnly: boolean; port?: number; notebook: string } = {
    variant,
    buildOnly: parsed.has('build-only'),
    port: parsed.has('port') ? integer(parsed, 'port', 0, { min: 1, max: 65535 }) : undefined,
    notebook: single(parsed, 'notebook', path.join('notebooks', 'evaluation_5T.ipynb')) as string,
  };
  const root = findProjectRoot(__dirname);
  const notebook = path.relative(root, path.resolve(root, args.notebook));
  if (notebook.startsWith('..') || !fs.existsSync(path.join(root, notebook))) {
    throw new UsageError(`no notebook ${args.notebook} inside the project`);
  }
  const t0 = Date.now();
  const did = ensureLabBuild(root);
  if (args.buildOnly) {
    const what = did.built ? 'built' : did.fromCache ? 'restored from the cache' : 'already built';
    console.log(`lab: ${what} (${((Date.now() - t0) / 1000).toFixed(1)} s)`);
    return 0;
  }
  const server = await startLab({ projectRoot: root, variant: args.variant, port: args.port });
  const url = server.urlFor(notebook);
  console.log(`JupyterLab (${args.variant === 'plotly' ? 'with' : 'without'} the Plotly extension) serves ${root}`);
  console.log(`Open: ${url}`);
  console.log('Ctrl-C stops it.');
  await new Promise<void>((resolve) => {
    let stopping = false;
    const stop = (): void => {
      if (stopping) return;
      stopping = true;
      void server.stop().then(resolve);
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
    server.process.once('exit', () => resolve());
  });
  return 0;
}

runCommand(main, { name: 'lab', usage: synopsis(COMMAND, OPTIONS) });
