/**
 * The project's tslab kernel: `node dist/cli/kernel.js [--user]` writes a kernel spec Jupyter
 * finds, and a notebook run through Jupyter with it can import the compiled library, load the
 * ESM-only arquero and send multi-mime display bundles.
 */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { KERNEL_NAME, findProjectRoot, projectJupyterDir } from '../lib/notebook/kernel';
import { findJupyterPython } from '../cli/report';
import { DEFAULT_CELL_TIMEOUT_SECONDS } from '../lib/defaults';
import { parseRunnerEvent, type RunnerEvent } from '../lib/notebook/report';

const root = findProjectRoot(__dirname);
const kernelCli = path.join(root, 'dist', 'cli', 'kernel.js');
const python = findJupyterPython();

function cleanEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (!k.startsWith('JUPYTER') && k !== 'XDG_DATA_HOME') env[k] = v;
  }
  return { ...env, ...extra };
}

test('kernel --user registers a spec that Jupyter finds, pointing at this node and this tslab', {
  skip: !python && 'no Python with Jupyter',
}, () => {
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'kernel-home-'));
  try {
    const env = cleanEnv({ HOME: home });
    const first = spawnSync(process.execPath, [kernelCli, '--user'], { env, encoding: 'utf8' });
    assert.equal(first.status, 0, first.stderr);
    const userSpec = path.join(home, '.local', 'share', 'jupyter', 'kernels', KERNEL_NAME, 'kernel.json');
    const spec = JSON.parse(fs.readFileSync(userSpec, 'utf8')) as {
      argv: string[];
      language: string;
      display_name: string;
    };
    assert.equal(spec.argv[0], process.execPath);
    assert.equal(spec.argv[1], path.join(root, 'node_modules', 'tslab', 'bin', 'tslab'));
    assert.ok(fs.existsSync(spec.argv[1]));
    assert.deepEqual(spec.argv.slice(2), ['kernel', '--config-path', '{connection_file}']);
    assert.equal(spec.language, 'typescript');
    // The project-local copy is identical.
    const local = path.join(projectJupyterDir(root), 'kernels', KERNEL_NAME, 'kernel.json');
    assert.equal(fs.readFileSync(local, 'utf8'), fs.readFileSync(userSpec, 'utf8'));

    // Jupyter itself lists it from the user's data dir.
    const listed = spawnSync(
      python!,
      [
        '-c',
        'import json; from jupyter_client.kernelspec import KernelSpecManager; print(json.dumps(KernelSpecManager().find_kernel_specs()))',
      ],
      { env, encoding: 'utf8' },
    );
    assert.equal(listed.status, 0, listed.stderr);
    const specs = JSON.parse(listed.stdout) as Record<string, string>;
    assert.equal(specs[KERNEL_NAME], path.dirname(userSpec));

    // A second run leaves the spec alone.
    const before = fs.statSync(userSpec).mtimeMs;
    const second = spawnSync(process.execPath, [kernelCli, '--user'], { env, encoding: 'utf8' });
    assert.equal(second.status, 0, second.stderr);
    assert.match(second.stdout, /current/);
    assert.equal(fs.statSync(userSpec).mtimeMs, before);
  } finally {
    fs.rmSync(home, { recursive: true, force: true });
  }
});

test('a notebook next to notebooks/ imports dist/lib, loads arquero and shows a multi-mime bundle through Jupyter', {
  skip: !python && 'no Python with Jupyter',
}, () => {
  assert.equal(spawnSync(process.execPath, [kernelCli], { encoding: 'utf8' }).status, 0);
  // A sibling of notebooks/, so '../dist/lib/...' resolves exactly as in the real notebook.
  const dir = fs.mkdtempSync(path.join(root, '.kernel-test-'));
  try {
    const cell = (source: string) => ({ cell_type: 'code', metadata: {}, execution_count: null, outputs: [], source });
    const nb = {
      nbformat: 4,
      nbformat_minor: 4,
      metadata: { kernelspec: { name: KERNEL_NAME, display_name: 'TypeScript', language: 'typescript' } },
      cells: [
        cell(
          "import * as display from '../dist/lib/notebook/display';\nimport * as params from '../dist/lib/notebook/params';\nconsole.log(process.cwd());",
        ),
        cell(
          "const aq = await import('arquero');\nconst t = aq.table({ x: [1, 2, 3] });\nconsole.log('arquero rows', t.numRows());",
        ),
        cell(
          "await display.show({ data: { 'application/vnd.plotly.v1+json': { data: [{ y: [1, 2] }], layout: {} }, 'text/html': '<b>twin</b>', 'text/plain': 'plain twin' }, metadata: {} });",
        ),
        cell("console.log(params.resolveParams({ models: ['a'], full: 'f', sampleSize: 1, seed: 2 }).sampleSize);"),
      ],
    };
    const input = path.join(dir, 'probe.ipynb');
    fs.writeFileSync(input, JSON.stringify(nb));
    const run = spawnSync(
      python!,
      [
        path.join(root, 'scripts', 'run_notebook.py'),
        input,
        '--out-notebook',
        path.join(dir, 'out.ipynb'),
        '--out-html',
        path.join(dir, 'out.html'),
        '--kernel',
        KERNEL_NAME,
        '--cwd',
        dir,
        '--timeout',
        String(DEFAULT_CELL_TIMEOUT_SECONDS),
      ],
      {
        env: { ...cleanEnv({ JUPYTER_PATH: projectJupyterDir(root) }), EVAL_SAMPLE: '7' },
        encoding: 'utf8',
        timeout: 120_000,
      },
    );
    const events = run.stdout
      .split('\n')
      .map(parseRunnerEvent)
      .filter((e): e is RunnerEvent => e !== undefined);
    assert.equal(run.status, 0, `${run.stdout}\n${run.stderr}`);
    assert.deepEqual(
      events.filter((e) => e.event === 'cell').map((e) => (e.event === 'cell' ? e.index : -1)),
      [0, 1, 2, 3],
    );
    const out = JSON.parse(fs.readFileSync(path.join(dir, 'out.ipynb'), 'utf8')) as {
      cells: { outputs: Record<string, unknown>[] }[];
    };
    const stdout = (i: number) =>
      out.cells[i].outputs
        .filter((o) => o.name === 'stdout')
        .map((o) => String(o.text))
        .join('');
    assert.equal(fs.realpathSync(stdout(0).trim()), fs.realpathSync(dir), 'the kernel runs in the notebook folder');
    assert.equal(stdout(1).trim(), 'arquero rows 3');
    const shown = out.cells[2].outputs.find((o) => o.output_type === 'display_data') as
      | { data: Record<string, unknown> }
      | undefined;
    assert.ok(shown, 'the bundle arrives as display_data in its own cell');
    assert.deepEqual(Object.keys(shown.data).sort(), ['application/vnd.plotly.v1+json', 'text/html', 'text/plain']);
    assert.deepEqual(shown.data['application/vnd.plotly.v1+json'], { data: [{ y: [1, 2] }], layout: {} });
    assert.equal(stdout(3).trim(), '7', 'EVAL_* variables reach the kernel');
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
