/**
 * The benchmarks' command lines: `--help` prints the usage and exits 0 before any work (no data
 * generated, no browser, no child process), and an unknown option exits 2 with the usage.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';

const BENCH = path.resolve(__dirname, '..', 'bench');

for (const name of ['load', 'plots', 'report']) {
  test(`bench/${name}: --help prints the usage and exits 0; an unknown option exits 2`, () => {
    const script = path.join(BENCH, `${name}.js`);
    for (const flag of ['--help', '-h']) {
      const help = spawnSync(process.execPath, [script, flag], { encoding: 'utf8', timeout: 20_000 });
      assert.equal(help.status, 0, help.stderr);
      assert.match(help.stdout, new RegExp(`^usage: npm run bench:${name} `));
      assert.doesNotMatch(help.stdout + help.stderr, /generating|measured|\|---/);
    }
    const bad = spawnSync(process.execPath, [script, '--no-such-option'], { encoding: 'utf8', timeout: 20_000 });
    assert.equal(bad.status, 2);
    assert.match(bad.stderr, /no-such-option[\s\S]*usage: npm run bench:/);
  });
}
