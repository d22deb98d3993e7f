/**
 * `npm run lab [-- --variant plotly|html] [--port N] [--notebook PATH]`: JupyterLab for users who
 * have none. Builds the harness in lab/ once (npm ci + webpack, skipped while unchanged), registers
 * the project's kernel, serves the project on 127.0.0.1 and prints the URL that opens the notebook
 * (default notebooks/evaluation_5T.ipynb). Runs until Ctrl-C, then shuts its kernels down.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { findProjectRoot } from '../lib/notebook/kernel';
import { runCommand } from './args';
import { type LabVariant, ensureLabBuild, startLab } from '../lab/harness';

const USAGE = `usage: npm run lab [-- --variant plotly|html] [--port N] [--notebook PATH] [--build-only]
  --variant   plotly (default): with jupyterlab-plotly's renderer; html: without it
  --port      port on 127.0.0.1 (default: a free one)
  --notebook  notebook to open, relative to the project (default notebooks/evaluation_5T.ipynb)
  --build-only  install and build lab/ if needed, then exit (what CI runs)`;

interface LabArgs {
  variant: LabVariant;
  buildOnly: boolean;
  port?: number;
  notebook: string;
}

function parseArgs(argv: readonly string[]): LabArgs | string {
  const args: LabArgs = {
    variant: 'plotly',
    buildOnly: false,
    notebook: path.join('notebooks', 'evaluation_5T.ipynb'),
  };
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i];
    const value = argv[i + 1];
    if (flag === '--help' || flag === '-h') return USAGE;
    if (flag === '--build-only') {
      args.buildOnly = true;
      continue;
    }
    if (value === undefined) return `lab: ${flag} needs a value\n${USAGE}`;
    if (flag === '--variant') {
      if (value !== 'plotly' && value !== 'html') return `lab: --variant must be plotly or html, not "${value}"`;
      args.variant = value;
    } else if (flag === '--port') {
      const port = Number(value);
      if (!Number.isInteger(port) || port <= 0 || port > 65535)
        return `lab: --port must be a port number, not "${value}"`;
      args.port = port;
    } else if (flag === '--notebook') {
      args.notebook = value;
    } else {
      return `lab: unknown option ${flag}\n${USAGE}`;
    }
    i++;
  }
  return args;
}

async function main(argv: readonly string[]): Promise<number> {
  const args = parseArgs(argv);
  if (typeof args === 'string') {
    console.error(args);
    return args === USAGE ? 0 : 2;
  }
  const root = findProjectRoot(__dirname);
  const notebook = path.relative(root, path.resolve(root, args.notebook));
  if (notebook.startsWith('..') || !fs.existsSync(path.join(root, notebook))) {
    console.error(`lab: no notebook ${args.notebook} inside the project`);
    return 2;
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

runCommand(main);
