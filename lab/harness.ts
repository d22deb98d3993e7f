/**
 * The JupyterLab harness from Node: install and build the front end in lab/ once (skipped while
 * its inputs are unchanged), find the Python that serves it, and start lab/server.py on 127.0.0.1
 * with the project's kernel. Used by `npm run lab`, the Lab tests and `npm run bench:lab`.
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as path from 'node:path';
import { ensureKernelSpec, kernelSpec, kernelProblems, projectJupyterDir } from '../lib/notebook/kernel';

/** `plotly`: Lab with jupyterlab-plotly's renderer (it draws figures stored with `plotlyJson: true`); `html`: Lab without it. */
export type LabVariant = 'plotly' | 'html';

/** Both variants, in the order the tests and the benchmark visit them. */
export const LAB_VARIANTS: readonly LabVariant[] = ['plotly', 'html'];

/** The harness folder of a checkout. */
export function labDir(projectRoot: string): string {
  return path.resolve(projectRoot, 'lab');
}

/** Files whose content decides the build: when none changed, the build is reused. */
const BUILD_INPUTS = ['package.json', 'package-lock.json', 'webpack.config.js', 'src/index.js', 'src/style.js'];

/** A hash of the build's inputs, written into lab/build/stamp after a successful build. */
export function labBuildStamp(projectRoot: string): string {
  const hash = createHash('sha256');
  for (const file of BUILD_INPUTS) {
    hash
      .update(file)
      .update('\0')
      .update(fs.readFileSync(path.join(labDir(projectRoot), file)))
      .update('\0');
  }
  return hash.digest('hex');
}

function stampFile(projectRoot: string): string {
  return path.join(labDir(projectRoot), 'build', 'stamp');
}

/** True when lab/build holds a build of the current inputs. */
export function labIsBuilt(projectRoot: string): boolean {
  try {
    return (
      fs.readFileSync(stampFile(projectRoot), 'utf8').trim() === labBuildStamp(projectRoot) &&
      fs.existsSync(path.join(labDir(projectRoot), 'build', 'bundle.js'))
    );
  } catch {
    return false;
  }
}

/** True when lab/node_modules was installed from the current lockfile (npm keeps a copy of it). */
function labIsInstalled(projectRoot: string): boolean {
  const dir = labDir(projectRoot);
  try {
    const installed = JSON.parse(fs.readFileSync(path.join(dir, 'node_modules', '.package-lock.json'), 'utf8')) as {
      packages?: Record<string, { version?: string }>;
    };
    const locked = JSON.parse(fs.readFileSync(path.join(dir, 'package-lock.json'), 'utf8')) as {
      packages?: Record<string, { version?: string }>;
    };
    for (const [key, entry] of Object.entries(locked.packages ?? {})) {
      if (key === '' || entry.version === undefined) continue;
      if (installed.packages?.[key]?.version !== entry.version) return false;
    }
    return true;
  } catch {
    return false;
  }
}

function run(command: string, args: readonly string[], cwd: string, log: (line: string) => void): void {
  log(`lab: ${path.basename(command)} ${args.join(' ')}  (in ${path.relative(process.cwd(), cwd) || '.'})`);
  const result = spawnSync(command, args, { cwd, stdio: ['ignore', 'inherit', 'inherit'] });
  if (result.status !== 0) {
    throw new Error(
      `lab: \`${path.basename(command)} ${args.join(' ')}\` failed in ${cwd} (exit ${result.status ?? result.signal})`,
    );
  }
}

/** Where the build keeps plotly.js 2.35 (what jupyterlab-plotly draws with), for the version tests. */
export function labPlotlyPath(projectRoot: string): string {
  return path.join(labDir(projectRoot), 'build', 'plotly-2.35.min.js');
}

/**
 * Makes sure lab/build holds a build of the current inputs: nothing to do when it does; else a
 * copy from the cache folder `cacheDir` (default `$ANOMALY_EVAL_LAB_CACHE`) when it holds one for
 * these inputs; else `npm ci` in lab/ (only when node_modules does not match the lockfile) and
 * webpack, and the result is copied into the cache. Returns what it did.
 */
export function ensureLabBuild(
  projectRoot: string,
  log: (line: string) => void = console.error,
  cacheDir: string | undefined = process.env.ANOMALY_EVAL_LAB_CACHE,
): { installed: boolean; built: boolean; fromCache: boolean } {
  const dir = labDir(projectRoot);
  const build = path.join(dir, 'build');
  if (labIsBuilt(projectRoot)) return { installed: false, built: false, fromCache: false };
  const stamp = labBuildStamp(projectRoot);
  const cached = cacheDir ? path.join(path.resolve(cacheDir), stamp) : undefined;
  if (cached && fs.existsSync(path.join(cached, 'stamp'))) {
    fs.rmSync(build, { recursive: true, force: true });
    fs.cpSync(cached, build, { recursive: true });
    log(`lab: build restored from ${cached}`);
    return { installed: false, built: false, fromCache: true };
  }
  let installed = false;
  if (!labIsInstalled(projectRoot)) {
    const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
    run(npm, ['ci', '--no-audit', '--no-fund'], dir, log);
    installed = true;
  }
  run(
    process.execPath,
    [path.join(dir, 'node_modules', 'webpack-cli', 'bin', 'cli.js'), '--config', 'webpack.config.js'],
    dir,
    log,
  );
  fs.copyFileSync(path.join(dir, 'node_modules', 'plotly.js-dist-min', 'plotly.min.js'), labPlotlyPath(projectRoot));
  fs.writeFileSync(stampFile(projectRoot), `${stamp}\n`);
  if (cached) {
    fs.rmSync(cached, { recursive: true, force: true });
    fs.mkdirSync(path.dirname(cached), { recursive: true });
    fs.cpSync(build, `${cached}.tmp-${process.pid}`, {
      recursive: true,
      filter: (src) => !src.startsWith(path.join(build, 'state')),
    });
    fs.renameSync(`${cached}.tmp-${process.pid}`, cached);
    log(`lab: build cached in ${cached}`);
  }
  return { installed, built: true, fromCache: false };
}

/**
 * A Python with jupyter_server and jupyterlab_server: `$JUPYTER_PYTHON` when set, else
 * /usr/bin/python3 (Debian's), else `python3` on PATH; undefined when none has them.
 */
export function findLabPython(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const candidates = env.JUPYTER_PYTHON ? [env.JUPYTER_PYTHON] : ['/usr/bin/python3', 'python3'];
  for (const python of candidates) {
    const probe = spawnSync(python, ['-c', 'import jupyter_server, jupyterlab_server'], {
      stdio: 'ignore',
      timeout: 30_000,
    });
    if (probe.status === 0) return python;
  }
  return undefined;
}

/** A free TCP port on 127.0.0.1. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const port = (server.address() as net.AddressInfo).port;
      server.close(() => resolve(port));
    });
  });
}

/** Options of {@link startLab}. */
export interface LabServerOptions {
  readonly projectRoot: string;
  readonly variant: LabVariant;
  /** Folder the server serves (Lab's file browser root). Default: the project root. */
  readonly rootDir?: string;
  /** Port on 127.0.0.1; default a free one. */
  readonly port?: number;
  /** Token; default a random one. */
  readonly token?: string;
  /** Where Lab keeps user settings and workspaces; default lab/build/state. */
  readonly stateDir?: string;
  /**
   * Lab user settings by plugin id (e.g. `{'@jupyterlab/docmanager-extension:plugin': {autosave: false}}`),
   * written into `stateDir` before the server starts, as Lab's Settings Editor would. Needs `stateDir`
   * (never written into the default one, which `npm run lab` users keep).
   */
  readonly userSettings?: Readonly<Record<string, Readonly<Record<string, unknown>>>>;
  /** Environment of the server and its kernels (JUPYTER_PATH is added for the project's kernel). */
  readonly env?: NodeJS.ProcessEnv;
  /** Python with jupyter_server; default {@link findLabPython}. */
  readonly python?: string;
  /** More jupyter_server options, e.g. `--ContentsManager.allow_hidden=True`. */
  readonly extraArgs?: readonly string[];
  /** Server output, line by line; default kept for error messages only. */
  readonly onOutput?: (text: string) => void;
}

/** A running harness server. */
export interface LabServer {
  readonly baseUrl: string;
  readonly token: string;
  readonly variant: LabVariant;
  readonly process: ChildProcess;
  /** URL that opens `relPath` (relative to the served root) in Lab, token included. */
  urlFor(relPath: string): string;
  /** The server's output so far (for error messages). */
  log(): string;
  /** Shuts every kernel down through the API, then stops the server (by its pid). */
  stop(): Promise<void>;
}

/** The file where Lab keeps the user settings of `pluginId` (`@scope/package:plugin`) under `stateDir`. */
export function userSettingsFile(stateDir: string, pluginId: string): string {
  const m = /^((?:@[^/:.][^/:]*\/)?[^/:.][^/:]*):([^/:.][^/:]*)$/.exec(pluginId);
  if (!m) throw new Error(`lab: "${pluginId}" is not a Lab plugin id (expected @scope/package:plugin)`);
  return path.join(path.resolve(stateDir), 'user_settings', ...m[1].split('/'), `${m[2]}.jupyterlab-settings`);
}

/**
 * Starts lab/server.py (the build must exist: {@link ensureLabBuild}) with the project's kernel
 * registered in build/jupyter (JUPYTER_PATH), and resolves once the server answers.
 */
export async function startLab(options: LabServerOptions): Promise<LabServer> {
  const root = options.projectRoot;
  const python = options.python ?? findLabPython(options.env ?? process.env);
  if (!python) {
    throw new Error(
      'lab: no Python with jupyter_server and jupyterlab_server (Debian: apt-get install python3-jupyter-server python3-jupyterlab-server; or set JUPYTER_PYTHON)',
    );
  }
  const spec = kernelSpec({ node: process.execPath, projectRoot: root });
  const problems = kernelProblems(spec);
  if (problems.length > 0) throw new Error(`lab: the project's kernel cannot start: ${problems.join('; ')}`);
  const jupyterDir = ensureKernelSpec(projectJupyterDir(root), spec).dataDir;
  if (options.userSettings) {
    if (!options.stateDir) throw new Error('lab: userSettings need a stateDir of their own');
    for (const [pluginId, settings] of Object.entries(options.userSettings)) {
      const file = userSettingsFile(options.stateDir, pluginId);
      fs.mkdirSync(path.dirname(file), { recursive: true });
      fs.writeFileSync(file, `${JSON.stringify(settings, null, 2)}\n`);
    }
  }
  const port = options.port ?? (await freePort());
  const token = options.token ?? randomBytes(16).toString('hex');
  const baseEnv = options.env ?? process.env;
  const env: NodeJS.ProcessEnv = {
    ...baseEnv,
    JUPYTER_PATH: [jupyterDir, baseEnv.JUPYTER_PATH].filter(Boolean).join(path.delimiter),
  };
  const args = [
    path.join(labDir(root), 'server.py'),
    `--AnomalyEvalLab.variant=${options.variant}`,
    `--ServerApp.root_dir=${path.resolve(options.rootDir ?? root)}`,
    '--ServerApp.ip=127.0.0.1',
    `--ServerApp.port=${port}`,
    '--ServerApp.port_retries=0',
    `--ServerApp.token=${token}`,
    '--ServerApp.open_browser=False',
    ...(options.stateDir ? [`--AnomalyEvalLab.state_dir=${path.resolve(options.stateDir)}`] : []),
    ...(process.getuid?.() === 0 ? ['--ServerApp.allow_root=True'] : []),
    ...(options.extraArgs ?? []),
  ];
  const child = spawn(python, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const collect = (chunk: Buffer): void => {
    const text = chunk.toString();
    output = (output + text).slice(-20_000);
    options.onOutput?.(text);
  };
  child.stdout?.on('data', collect);
  child.stderr?.on('data', collect);
  const baseUrl = `http://127.0.0.1:${port}`;
  const server: LabServer = {
    baseUrl,
    token,
    variant: options.variant,
    process: child,
    urlFor: (relPath) =>
      `${baseUrl}/lab/tree/${relPath.split(path.sep).map(encodeURIComponent).join('/')}?token=${token}`,
    log: () => output,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      try {
        const sessions = (await (await fetch(`${baseUrl}/api/sessions?token=${token}`)).json()) as { id: string }[];
        for (const s of sessions) await fetch(`${baseUrl}/api/sessions/${s.id}?token=${token}`, { method: 'DELETE' });
      } catch {
        // the server is already going
      }
      const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.exitCode === null && child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
    },
  };
  const t0 = Date.now();
  while (Date.now() - t0 < 60_000) {
    if (child.exitCode !== null) throw new Error(`lab: the server exited (${child.exitCode}):\n${output}`);
    try {
      const res = await fetch(`${baseUrl}/api/status?token=${token}`);
      if (res.ok) return server;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  await server.stop();
  throw new Error(`lab: the server did not answer within 60 s:\n${output}`);
}
