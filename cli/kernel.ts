/**
 * `npm run kernel:install` (`node dist/cli/kernel.js --user`): registers the project's tslab kernel.
 * Without options it writes the project-local spec (build/jupyter, used by `npm run report` via
 * JUPYTER_PATH); with `--user` (`npm run kernel:install`) it also copies it into the user's own
 * Jupyter data dir so JupyterLab / Notebook list it. No Python or global tslab is needed.
 */
import {
  KERNEL_NAME,
  ensureKernelSpec,
  findProjectRoot,
  kernelProblems,
  kernelSpec,
  projectJupyterDir,
  userJupyterDataDir,
} from '../lib/notebook/kernel';
import { HELP, type OptionTable, helpText, parseOptions, runCommand, synopsis, wantsHelp } from './args';

const COMMAND = 'npm run kernel:install --';
const OPTIONS: OptionTable = {
  user: {
    kind: 'boolean',
    help: 'register it for your own Jupyter too (npm run kernel:install passes it; without it, only under build/jupyter/)',
  },
  ...HELP,
};
const ABOUT = `Registers the project's tslab kernel "${KERNEL_NAME}" for your JupyterLab and for \`npm run report\`.`;

async function main(argv: readonly string[]): Promise<number> {
  const args = parseOptions(argv, OPTIONS);
  if (wantsHelp(args)) {
    process.stdout.write(helpText(COMMAND, ABOUT, OPTIONS));
    return 0;
  }
  const root = findProjectRoot(__dirname);
  const spec = kernelSpec({ node: process.execPath, projectRoot: root });
  const problems = kernelProblems(spec);
  if (problems.length > 0) {
    for (const problem of problems) console.error(`kernel: ${problem}`);
    return 1;
  }
  const local = ensureKernelSpec(projectJupyterDir(root), spec);
  console.log(`kernel ${KERNEL_NAME}: ${local.action} ${local.specFile}`);
  if (args.has('user')) {
    const user = ensureKernelSpec(userJupyterDataDir(), spec);
    console.log(`kernel ${KERNEL_NAME}: ${user.action} ${user.specFile}`);
    console.log(`Open notebooks/evaluation_5T.ipynb in JupyterLab and pick "${spec.display_name}".`);
  } else {
    console.log(`Use it with: JUPYTER_PATH=${local.dataDir} jupyter lab   (or run \`npm run kernel:install\`)`);
  }
  return 0;
}

runCommand(main, { name: 'kernel', usage: synopsis(COMMAND, OPTIONS) });
