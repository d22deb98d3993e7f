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
    ],
  ],
  [
    'summary',
    [path.join(root, 'dist', 'cli', 'summary.js')],
    ['--models', '--full', '--reference', '--sample', '--seed', '--out'],
  ],
  ['data', [path.join(root, 'dist', 'data', 'generate.js')], ['--scale', '--seed', '--out', '--tiny-fixture']],
  // What `npm run kernel:install -- --help` runs: --help wins over --user, and nothing is registered.
  ['kernel:install', [path.join(root, 'dist', 'cli', 'kernel.js'), '--user'], ['--user']],
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
        assert.match(run.stdout, /^usage: /);
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
