/**
 * `npm run lab [-- --variant plotly|html] [--port N] [--notebook PATH] [--fresh] [--build-only]`:
 * JupyterLab for users who have none. Builds the harness in lab/ once (npm ci + webpack, skipped
 * while unchanged), registers the project's kernel, serves the project on 127.0.0.1 and prints the
 * URL that opens the notebook: by default a working copy of notebooks/evaluation_5T.ipynb
 * (lab/working-copy.ts), so using Lab changes no tracked file. Runs until Ctrl-C, then shuts its
 * kernels down.
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
import { labWorkingCopy } from '../lab/working-copy';

const DEFAULT_NOTEBOOK = path.join('notebooks', 'evaluation_5T.ipynb');

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
    help: 'notebook to open as it is, relative to the project',
    default: 'notebooks/evaluation_5T.lab.ipynb, a git-ignored working copy of notebooks/evaluation_5T.ipynb',
  },
  fresh: {
    kind: 'boolean',
    help: 'make the working copy again from notebooks/evaluation_5T.ipynb (its outputs and edits are lost)',
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
  const args: { variant: LabVariant; buildOnly: boolean; fresh: boolean; port?: number; notebook?: string } = {
    variant,
    buildOnly: parsed.has('build-only'),
    fresh: parsed.has('fresh'),
    port: parsed.has('port') ? integer(parsed, 'port', 0, { min: 1, max: 65535 }) : undefined,
    // Undefined: the working copy of the default notebook.
    notebook: parsed.has('notebook') ? (single(parsed, 'notebook', DEFAULT_NOTEBOOK) as string) : undefined,
  };
  if (args.fresh && args.notebook !== undefined)
    throw new UsageError(
      '--fresh makes the working copy of the default notebook again; --notebook opens a notebook as it is',
    );
  const root = findProjectRoot(__dirname);
  const given = args.notebook ?? DEFAULT_NOTEBOOK;
  let notebook = path.relative(root, path.resolve(root, given));
  if (notebook.startsWith('..') || !fs.existsSync(path.join(root, notebook))) {
    throw new UsageError(`no notebook ${given} inside the project`);
  }
  const t0 = Date.now();
  const did = ensureLabBuild(root);
  if (args.buildOnly) {
    const what = did.built ? 'built' : did.fromCache ? 'restored from the cache' : 'already built';
    console.log(`lab: ${what} (${((Date.now() - t0) / 1000).toFixed(1)} s)`);
    return 0;
  }
  if (args.notebook === undefined) {
    const copy = labWorkingCopy(path.join(root, notebook), { fresh: args.fresh });
    const name = path.relative(root, copy.path);
    console.log(
      copy.created
        ? `lab: your working copy is ${name}, made from ${notebook} (git-ignored: run, edit and save freely)`
        : `lab: your working copy is ${name} (git-ignored)`,
    );
    if (copy.stale)
      console.log(
        `lab: ${notebook} has changed since your copy was made: \`npm run lab -- --fresh\` makes it again (its outputs and edits are lost)`,
      );
    notebook = name;
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
