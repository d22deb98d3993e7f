/**
 * The project's own Jupyter kernel: a kernel spec that starts this checkout's tslab with this
 * node, so the notebook runs against the same TypeScript, libraries and compiled `dist/lib` as the
 * tests. The spec lives in a project-local Jupyter data dir (found through `JUPYTER_PATH`), and can
 * also be copied into the user's own Jupyter data dir for JupyterLab.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

/** Kernel name: the notebook's `metadata.kernelspec.name` names the same one. */
export const KERNEL_NAME = 'tslab-anomaly-eval';

/** Name shown in Jupyter's kernel picker. */
export const KERNEL_DISPLAY_NAME = 'TypeScript (anomaly-eval)';

/** The kernel.json of a Jupyter kernel spec, as `tslab install` writes it plus absolute paths. */
export interface KernelSpec {
  readonly argv: readonly string[];
  readonly display_name: string;
  readonly language: string;
}

/** Absolute paths a kernel spec is built from. */
export interface KernelPaths {
  /** The node executable that runs tslab (usually `process.execPath`). */
  readonly node: string;
  /** The project root: the folder holding `node_modules/tslab`. */
  readonly projectRoot: string;
}

/**
 * The kernel spec for this project: like `tslab install` (argv `tslab kernel --config-path
 * {connection_file}`, language `typescript`) but with absolute paths to this node and this
 * project's tslab, so no global tslab or PATH entry is needed.
 */
export function kernelSpec(paths: KernelPaths): KernelSpec {
  return {
    argv: [
      path.resolve(paths.node),
      path.join(path.resolve(paths.projectRoot), 'node_modules', 'tslab', 'bin', 'tslab'),
      'kernel',
      '--config-path',
      '{connection_file}',
    ],
    display_name: KERNEL_DISPLAY_NAME,
    language: 'typescript',
  };
}

/** The project-local Jupyter data dir (gitignored build product); point `JUPYTER_PATH` at it. */
export function projectJupyterDir(projectRoot: string): string {
  return path.join(path.resolve(projectRoot), 'build', 'jupyter');
}

/**
 * The user's Jupyter data dir, where JupyterLab looks for `kernels/`: `$JUPYTER_DATA_DIR`, else
 * the platform default Jupyter uses (`~/.local/share/jupyter` honouring `$XDG_DATA_HOME` on Linux,
 * `~/Library/Jupyter` on macOS, `%APPDATA%\jupyter` on Windows).
 */
export function userJupyterDataDir(
  env: NodeJS.ProcessEnv = process.env,
  platform: NodeJS.Platform = process.platform,
): string {
  if (env.JUPYTER_DATA_DIR) return path.resolve(env.JUPYTER_DATA_DIR);
  const home = env.HOME ?? os.homedir();
  if (platform === 'darwin') return path.join(home, 'Library', 'Jupyter');
  if (platform === 'win32') return path.join(env.APPDATA ?? path.join(home, 'AppData', 'Roaming'), 'jupyter');
  const xdg =
    env.XDG_DATA_HOME && env.XDG_DATA_HOME.length > 0 ? env.XDG_DATA_HOME : path.join(home, '.local', 'share');
  return path.join(xdg, 'jupyter');
}

/** What `ensureKernelSpec` did. */
export interface KernelInstall {
  /** The Jupyter data dir the spec is in (the value for `JUPYTER_PATH`). */
  readonly dataDir: string;
  /** Path of the kernel.json. */
  readonly specFile: string;
  /** `created`: it was absent; `updated`: it was stale; `current`: left as it was. */
  readonly action: 'created' | 'updated' | 'current';
}

/**
 * Makes sure `<dataDir>/kernels/<KERNEL_NAME>/kernel.json` holds `spec`, writing it (to a temp
 * name, then renamed) only when absent or different, so repeated reports do not touch it.
 */
export function ensureKernelSpec(dataDir: string, spec: KernelSpec): KernelInstall {
  const kernelDir = path.join(dataDir, 'kernels', KERNEL_NAME);
  const specFile = path.join(kernelDir, 'kernel.json');
  const text = `${JSON.stringify(spec, null, 1)}\n`;
  let existing: string | undefined;
  try {
    existing = fs.readFileSync(specFile, 'utf8');
  } catch {
    existing = undefined;
  }
  if (existing === text) return { dataDir, specFile, action: 'current' };
  fs.mkdirSync(kernelDir, { recursive: true });
  const tmp = `${specFile}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, text);
  fs.renameSync(tmp, specFile);
  return { dataDir, specFile, action: existing === undefined ? 'created' : 'updated' };
}

/**
 * Problems that would stop the kernel from starting (missing tslab or node), as sentences a
 * user can act on; empty when the spec can run.
 */
export function kernelProblems(spec: KernelSpec): string[] {
  const problems: string[] = [];
  const [node, tslab] = spec.argv;
  if (!fs.existsSync(node)) problems.push(`node not found at ${node}`);
  if (!fs.existsSync(tslab)) problems.push(`tslab not found at ${tslab}: run \`npm install\` in the project first`);
  return problems;
}

/** The project root of this checkout, found from a compiled file's folder (`dist/lib`, `dist/cli`...). */
export function findProjectRoot(start: string = __dirname): string {
  let dir = path.resolve(start);
  for (;;) {
    if (fs.existsSync(path.join(dir, 'package.json')) && fs.existsSync(path.join(dir, 'tsconfig.json'))) return dir;
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error(`no project root (package.json + tsconfig.json) above ${start}`);
    dir = parent;
  }
}
