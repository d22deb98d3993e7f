/**
 * Options checked where they enter: unknown words and names are errors naming the allowed ones,
 * bad numbers are refused (not clamped), and the defaults the docs state are the ones declared in
 * lib/defaults.ts.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { OptionError, keyword, wholeNumber, positiveNumber, checkOptions, type OptionCheckers } from '../lib/options';
import { checkAllIpsOptions } from '../lib/figures/timeline-options';
import { checkFigureBundleOptions } from '../lib/notebook/figure-options';
import { DEFAULT_CELL_TIMEOUT_SECONDS, DEFAULT_SAMPLE, DEFAULT_SEED } from '../lib/defaults';
import { ParamError, parseIpList, resolveParams } from '../lib/notebook/params';
import { frameTableHtml } from '../lib/notebook/frame-table';
import { timelineFrame } from './frames';

const root = path.resolve(__dirname, '..', '..');
const refusedWith = (pattern: RegExp) => (error: unknown) =>
  error instanceof OptionError && pattern.test(error.message);

describe('keyword, wholeNumber, positiveNumber', () => {
  test('return the value when allowed, undefined when absent', () => {
    assert.equal(keyword('log', 'yScale', ['linear', 'log']), 'log');
    assert.equal(keyword(undefined, 'yScale', ['linear', 'log']), undefined);
    assert.equal(wholeNumber(0, 'maxLines'), 0);
    assert.equal(wholeNumber(7, 'bins', 2, 10), 7);
    assert.equal(positiveNumber(0.5, 'height'), 0.5);
  });

  test('refuse, naming the option, the value and what is allowed', () => {
    assert.throws(
      () => keyword('Log', 'yScale', ['linear', 'log']),
      refusedWith(/^invalid yScale "Log"; expected one of "linear", "log"$/),
    );
    assert.throws(() => keyword(1, 'yScale', ['linear', 'log']), refusedWith(/^invalid yScale 1; expected one of/));
    assert.throws(
      () => wholeNumber(11, 'bins', 2, 10),
      refusedWith(/^invalid bins 11; expected a whole number from 2 to 10$/),
    );
    assert.throws(() => wholeNumber('3', 'bins', 2), refusedWith(/^invalid bins "3"; expected a whole number ≥ 2$/));
    assert.throws(() => wholeNumber(Number.NaN, 'bins', 2), refusedWith(/^invalid bins null/));
    assert.throws(() => positiveNumber(-1, 'height'), refusedWith(/^invalid height -1; expected a number > 0$/));
    assert.throws(
      () => positiveNumber(Infinity, 'height'),
      refusedWith(/^invalid height null; expected a number > 0$/),
    );
  });

  test('checkOptions refuses unknown names and non-objects', () => {
    const checkers: OptionCheckers<{ a?: number; b?: 'x' | 'y' }> = {
      a: (v, n) => wholeNumber(v, n),
      b: (v, n) => keyword(v, n, ['x', 'y']),
    };
    assert.deepEqual(checkOptions({ a: 1, b: 'y' }, checkers, 'f'), { a: 1, b: 'y' });
    assert.deepEqual(checkOptions(undefined, checkers, 'f'), {});
    assert.throws(
      () => checkOptions({ c: 1 } as never, checkers, 'f'),
      refusedWith(/^f: unknown option "c"; expected one of a, b$/),
    );
    assert.throws(
      () => checkOptions('a' as never, checkers, 'f'),
      refusedWith(/^f: invalid options "a"; expected an object$/),
    );
  });
});

describe('figure options', () => {
  test('plotAllIps: every documented option passes, words and ranges are checked', () => {
    const ok = {
      yScale: 'log',
      normal: 'density',
      maxLines: 0,
      bins: 2,
      lineTraces: 'grouped',
      hoverStride: 1,
      height: 600,
      title: 't',
    } as const;
    assert.deepEqual(checkAllIpsOptions(ok), ok);
    assert.throws(
      () => checkAllIpsOptions({ normal: 'line' } as never),
      refusedWith(/^plotAllIps: invalid normal "line"; expected one of "auto", "lines", "density"$/),
    );
    assert.throws(() => checkAllIpsOptions({ bins: 60.5 }), refusedWith(/^plotAllIps: invalid bins 60.5/));
  });

  test('showFigure: lines, release, hoverStride and plotlyJson are checked, release false allowed', () => {
    assert.deepEqual(checkFigureBundleOptions({ lines: 'as-built', release: false, lazy: true }), {
      lines: 'as-built',
      release: false,
      lazy: true,
    });
    assert.throws(
      () => checkFigureBundleOptions({ lines: 'grouped-ish' } as never),
      refusedWith(/^showFigure: invalid lines "grouped-ish"; expected one of "grouped", "as-built"$/),
    );
    assert.throws(
      () => checkFigureBundleOptions({ release: -5 }),
      refusedWith(/^showFigure: invalid release -5; expected a whole number ≥ 0$/),
    );
    assert.throws(
      () => checkFigureBundleOptions({ hoverStride: 2.5 }),
      refusedWith(/^showFigure: invalid hoverStride 2.5/),
    );
    assert.throws(
      () => checkFigureBundleOptions({ plotlyJson: 1 } as never),
      refusedWith(/^showFigure: invalid plotlyJson 1; expected true or false$/),
    );
    assert.throws(
      () => checkFigureBundleOptions({ lineTraces: 'grouped' } as never),
      refusedWith(
        /^showFigure: unknown option "lineTraces"; expected one of lazy, description, compress, lines, hoverStride, release, plotlyJson$/,
      ),
    );
  });
});

describe('table options', () => {
  test('rows, maxColumns and decimals out of range are refused, not clamped; more rows than the frame has show them all', () => {
    const frame = timelineFrame({
      '1.2.3.4source': { avg_Length: [1, 2, 3] },
      '5.6.7.8dst': { avg_Length: [4, 5, 6] },
    });
    assert.match(frameTableHtml(frame, { rows: 10 }), /<p>2 rows × 3 columns<\/p>/);
    assert.throws(
      () => frameTableHtml(frame, { rows: -1 }),
      refusedWith(/^showTable: invalid rows -1; expected a whole number ≥ 0$/),
    );
    assert.throws(() => frameTableHtml(frame, { rows: 1.5 }), refusedWith(/^showTable: invalid rows 1.5/));
    assert.throws(
      () => frameTableHtml(frame, { maxColumns: 1 }),
      refusedWith(/^showTable: invalid maxColumns 1; expected a whole number ≥ 2$/),
    );
    assert.throws(
      () => frameTableHtml(frame, { decimals: 101 }),
      refusedWith(/^showTable: invalid decimals 101; expected a whole number from 0 to 100$/),
    );
    assert.throws(
      () => frameTableHtml(frame, { head: 3 } as never),
      refusedWith(/^showTable: unknown option "head"; expected one of rows, maxColumns, decimals$/),
    );
  });
});

describe('IP lists', () => {
  test('commas, spaces or a JSON array, as EVAL_FOCUS and --focus take them', () => {
    assert.deepEqual(parseIpList('--focus', '1.2.3.4, 5.6.7.8dst  fe80::1'), ['1.2.3.4', '5.6.7.8dst', 'fe80::1']);
    assert.deepEqual(parseIpList('--focus', '["1.2.3.4", " 9.9.9.9 "]'), ['1.2.3.4', '9.9.9.9']);
    assert.throws(
      () => parseIpList('--focus', '[1.2.3.4'),
      (e: unknown) =>
        e instanceof ParamError &&
        /^--focus: expected a JSON array of IPs or row labels, found invalid JSON/.test(e.message),
    );
    assert.deepEqual(
      resolveParams({ models: ['m'], full: 'f', sampleSize: 1, seed: 1 }, { EVAL_FOCUS: '1.2.3.4,5.6.7.8' }, '/')
        .focusIps,
      ['1.2.3.4', '5.6.7.8'],
    );
    assert.throws(
      () => resolveParams({ models: ['m'], full: 'f', sampleSize: 1, seed: 1 }, { EVAL_MODELS: '[x' }, '/'),
      /EVAL_MODELS: expected a JSON array of run folders, found invalid JSON/,
    );
  });

  test('npm run report -- --focus with broken JSON is a usage error, before any work', () => {
    const out = fs.mkdtempSync(path.join(os.tmpdir(), 'focus-'));
    try {
      const run = spawnSync(
        process.execPath,
        [path.join(root, 'dist', 'cli', 'report.js'), '--focus', '["1.2.3.4"', '--out', out],
        { encoding: 'utf8' },
      );
      assert.equal(run.status, 2, run.stderr);
      assert.match(
        run.stderr,
        /^report: --focus: expected a JSON array of IPs or row labels, found invalid JSON .*\nusage: npm run report -- /,
      );
      assert.deepEqual(fs.readdirSync(out), []);
    } finally {
      fs.rmSync(out, { recursive: true, force: true });
    }
  });
});

describe('defaults, declared once', () => {
  test('the README states the defaults of lib/defaults.ts', () => {
    const readme = fs.readFileSync(path.join(root, 'README.md'), 'utf8');
    assert.ok(
      readme.includes(
        `| \`--sample N\`, \`--seed N\` | normal rows sampled for the figures, and the sample's seed | ${DEFAULT_SAMPLE}, ${DEFAULT_SEED} |`,
      ),
      'sample and seed row',
    );
    assert.ok(
      readme.includes(`| \`--timeout S\` | seconds a single notebook cell may run | ${DEFAULT_CELL_TIMEOUT_SECONDS} |`),
      'timeout row',
    );
  });

  test("report --help and the notebook's parameters cell show them", () => {
    const help = spawnSync(process.execPath, [path.join(root, 'dist', 'cli', 'report.js'), '--help'], {
      encoding: 'utf8',
    }).stdout;
    assert.match(help, new RegExp(`--sample N +normal rows sampled for the figures \\(default ${DEFAULT_SAMPLE}\\)`));
    assert.match(help, new RegExp(`--seed N +seed of the sample \\(default ${DEFAULT_SEED}\\)`));
    assert.match(
      help,
      new RegExp(`--timeout S +seconds a single cell may run \\(default ${DEFAULT_CELL_TIMEOUT_SECONDS}\\)`),
    );
    const notebook = fs.readFileSync(path.join(root, 'notebooks', 'evaluation_5T.ipynb'), 'utf8');
    assert.ok(
      notebook.includes(`const sampleSize = ${DEFAULT_SAMPLE};`) &&
        notebook.includes(`const randomSeed = ${DEFAULT_SEED};`),
    );
  });
});
