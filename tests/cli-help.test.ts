/**
 * Every command answers `-h`/`--help` with its usage on stdout and exit 0, before doing anything;
 * the shared option parser keeps its behaviour (lists, `--name=value`, usage errors naming the argument).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import {
  DEFAULT_SAMPLE,
  DEFAULT_SEED,
  HELP,
  type OptionTable,
  UsageError,
  helpText,
  integer,
  parseOptions,
  single,
} from '../cli/args';

const root = path.resolve(__dirname, '..', '..');
const COMMANDS: Array<[string, string[], string[]]> = [
  [
    'report',
    [path.join(root, 'dist', 'cli', 'report.js')],
    [
      '--models',
      '--full',
      '--reference',
      '--sample',
      '--seed',
      '--whole',
      '--out',
      '--hide-code',
      '--fold-code',
      '--notebook',
      '--timeout',
      '--baseline',
      '--focus',
      '--anomalous',
      '--allow-missing',
    ],
  ],
  [
    'summary',
    [path.join(root, 'dist', 'cli', 'summary.js')],
    ['--models', '--full', '--reference', '--sample', '--seed', '--baseline', '--allow-missing', '--out'],
  ],
  [
    'data',
    [path.join(root, 'dist', 'data', 'generate.js')],
    ['--scale', '--seed', '--out', '--tiny-fixture', '--dense', '--rows'],
  ],
  // What `npm run kernel:install -- --help` runs: --help wins over --user, and nothing is registered.
  ['kernel:install', [path.join(root, 'dist', 'cli', 'kernel.js'), '--user'], ['--user']],
  // What `npm run lab -- --help` runs: nothing is built or served.
  ['lab', [path.join(root, 'dist', 'cli', 'lab.js')], ['--variant', '--port', '--notebook', '--build-only']],
];

for (const [name, command, options] of COMMANDS) {
  test(`${name}: -h and --help print the usage on stdout and exit 0, doing nothing else`, () => {
    const home = fs.mkdtempSync(path.join(os.tmpdir(), 'help-home-'));
    try {
      for (const flag of ['-h', '--help']) {
        const run = spawnSync(process.execPath, [...command, flag], {
          encoding: 'utf8',
          cwd: home,
          env: { ...process.env, HOME: home, XDG_DATA_HOME: path.join(home, 'xdg') },
        });
        assert.equal(run.status, 0, run.stderr);
        assert.equal(run.stderr, '');
        // The npm form (what a user types), then a one-line description.
        assert.ok(run.stdout.startsWith(`usage: npm run ${name} -- `), `${name} ${flag}:\n${run.stdout}`);
        const lines = run.stdout.split('\n');
        assert.equal(lines[1], '', `${name}: a blank line after the usage`);
        assert.ok(lines[2].length > 20 && lines[3] === '', `${name}: a one-line description:\n${run.stdout}`);
        assert.doesNotMatch(run.stdout, /node dist\//, `${name}: no node dist/ form`);
        for (const option of [...options, '-h, --help'])
          assert.ok(run.stdout.includes(option), `${name} ${flag} lists ${option}:\n${run.stdout}`);
      }
      assert.deepEqual(fs.readdirSync(home), [], 'nothing written');
      const bad = spawnSync(process.execPath, [...command, '--no-such-option'], {
        encoding: 'utf8',
        cwd: home,
        env: { ...process.env, HOME: home },
      });
      assert.equal(bad.status, 2, bad.stderr);
      assert.match(bad.stderr, /unknown argument "--no-such-option"\nusage: /);
      assert.equal(bad.stdout, '');
    } finally {
      fs.rmSync(home, { recursive: true, force: true });
    }
  });
}

const TABLE: OptionTable = {
  models: { kind: 'list', value: 'DIR', help: 'runs' },
  full: { kind: 'value', value: 'FILE', help: 'table' },
  seed: { kind: 'value', value: 'N', help: 'seed', default: DEFAULT_SEED },
  whole: { kind: 'boolean', help: 'whole' },
  ...HELP,
};

test('parseOptions: lists, repeated lists, --name=value, booleans and -h', () => {
  const args = parseOptions(
    ['--models', 'a', 'b', '--full=x.csv', '--models', 'c', '--whole', '--seed', '7', '-h'],
    TABLE,
  );
  assert.deepEqual(args.get('models'), ['a', 'b', 'c']);
  assert.equal(single(args, 'full'), 'x.csv');
  assert.equal(integer(args, 'seed', DEFAULT_SEED), 7);
  assert.equal(integer(args, 'sample', DEFAULT_SAMPLE), 4000);
  assert.ok(args.has('whole') && args.has('help'));
  assert.deepEqual([...parseOptions([], TABLE).keys()], []);
});

test('parseOptions: usage errors name the argument', () => {
  const cases: Array<[string[], RegExp]> = [
    [['--bogus'], /^unknown argument "--bogus"$/],
    [['--bogus=1'], /^unknown argument "--bogus"$/],
    [['stray'], /^unknown argument "stray"$/],
    [['--whole', 'stray'], /^unknown argument "stray"$/],
    [['-x'], /^unknown argument "-x"$/],
    [['-hx'], /^unknown argument "-hx"$/],
    [['--models'], /^--models needs at least one value$/],
    [['--models', '--full', 'x'], /^--models needs at least one value$/],
    [['--full'], /^--full needs a value$/],
    [['--full', '--whole'], /^--full needs a value$/],
    [['--whole=yes'], /^--whole takes no value$/],
    [['--', 'x'], /^unknown argument "--"$/],
  ];
  for (const [argv, pattern] of cases) {
    assert.throws(
      () => parseOptions(argv, TABLE),
      (error: unknown) => error instanceof UsageError && pattern.test(error.message),
      argv.join(' '),
    );
  }
  assert.throws(() => single(parseOptions(['--full', 'a', '--full', 'b'], TABLE), 'full'), /--full given 2 times/);
  assert.throws(
    () => integer(parseOptions(['--seed', '-1'], TABLE), 'seed', 0),
    /--seed expects a whole number .* got "-1"/,
  );
  assert.throws(
    () => integer(parseOptions(['--seed', '99999999999999999999'], TABLE), 'seed', 0),
    /got "99999999999999999999"/,
  );
});

test('integer: a range refuses values that make no sense, naming the option and the range', () => {
  const parse = (value: string) => parseOptions(['--seed', value], TABLE);
  assert.equal(integer(parse('1'), 'seed', 0, { min: 1 }), 1);
  assert.equal(integer(parse('65535'), 'seed', 0, { min: 1, max: 65535 }), 65535);
  for (const [value, range] of [
    ['0', { min: 1 }],
    ['65536', { min: 1, max: 65535 }],
    ['1.5', {}],
    ['1e3', {}],
    ['', {}],
  ] as const) {
    assert.throws(
      () => integer(parse(value), 'seed', 0, range),
      (error: unknown) =>
        error instanceof UsageError &&
        error.message ===
          `--seed expects a whole number from ${range.min ?? 0} to ${'max' in range ? range.max : Number.MAX_SAFE_INTEGER}, got ${JSON.stringify(value)}`,
      value,
    );
  }
});

test('numeric options of the commands refuse nonsense before any work: exit 2 naming the option and the range', () => {
  const cases: Array<[string, string[], RegExp]> = [
    ['summary.js', ['--models', 'm', '--full', 'f.csv', '--sample', '0'], /--sample expects a whole number from 1 to/],
    ['summary.js', ['--models', 'm', '--full', 'f.csv', '--seed', '-3'], /--seed expects a whole number from 0 to/],
    ['report.js', ['--sample', '0'], /--sample expects a whole number from 1 to/],
    ['report.js', ['--timeout', '0'], /--timeout expects a whole number from 1 to/],
    ['report.js', ['--seed', '2.5'], /--seed expects a whole number from 0 to/],
    ['lab.js', ['--port', '70000'], /--port expects a whole number from 1 to 65535, got "70000"/],
  ];
  for (const [script, argv, pattern] of cases) {
    const run = spawnSync(process.execPath, [path.join(root, 'dist', 'cli', script), ...argv], { encoding: 'utf8' });
    assert.equal(run.status, 2, `${script} ${argv.join(' ')}: ${run.stderr}`);
    assert.match(run.stderr, pattern);
    assert.doesNotMatch(run.stderr, /^\s+at /m);
  }
  const data = spawnSync(process.execPath, [path.join(root, 'dist', 'data', 'generate.js'), '--seed', '1.5'], {
    encoding: 'utf8',
  });
  assert.equal(data.status, 2, data.stderr);
  assert.match(data.stderr, /--seed expects a whole number from 0 to/);
});

test('helpText lists every option with its default, required ones marked', () => {
  const text = helpText('cmd --', 'Does a thing.', TABLE, { required: ['full'] });
  assert.match(
    text,
    /^usage: cmd -- --full FILE \[--models DIR \[DIR \.\.\.\]\] \[--seed N\] \[--whole\]\n\nDoes a thing\.\n/,
  );
  assert.match(text, /--full FILE +table \(required\)\n/);
  assert.match(text, /--seed N +seed \(default 42\)\n/);
  assert.match(text, /-h, --help +print this help and exit\n$/);
});
