/** Column keys and window grids: the tuple headers pandas writes, and everything else rejected. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { freqAlias, inferGrid, parseColumnKey, parseHeaderFields, parsePythonPair } from '../lib/table/columns';
import { InputError, type ValueKey } from '../lib/types';

const at = { file: 'f.tsv', line: 1, column: 7 };

function value(header: string): ValueKey {
  const key = parseColumnKey(header, at);
  assert.equal(key.kind, 'value', header);
  return key as ValueKey;
}

test('a pandas tuple header gives family, stat, feature, window and start', () => {
  const key = value("('avg_IP1_IP2_time_diff_per_value', 'avg_2019-02-01 09:35:00')");
  assert.equal(key.family, 'avg_IP1_IP2_time_diff_per_value');
  assert.equal(key.stat, 'avg');
  assert.equal(key.feature, 'IP1_IP2_time_diff_per_value');
  assert.equal(key.window, 'avg_2019-02-01 09:35:00');
  assert.equal(key.start, Date.UTC(2019, 1, 1, 9, 35, 0));
});

test('double quotes, escaped quotes and backslashes as Python repr writes them', () => {
  assert.equal(value(`("it's_x", 'avg_2019-02-01 09:35:00')`).family, "it's_x");
  assert.equal(value(`('it\\'s_x', "avg_2019-02-01 09:35:00")`).family, "it's_x");
  assert.equal(value(`('a_b\\\\c', 'avg_2019-02-01 09:35:00')`).feature, 'b\\c');
  assert.equal(value(`('a_\\x41\\u00e9', 'avg_2019-02-01 09:35:00')`).feature, 'Aé');
  assert.equal(value(`( 'avg_Length' ,'avg_2019-02-01 09:35:00', )`).family, 'avg_Length');
  assert.deepEqual(parsePythonPair(`("say \\"hi\\"", 'x')`), ['say "hi"', 'x']);
});

test('plain names are metadata columns', () => {
  for (const name of ['host0', 'host7', 'is_src', 'is_anomaly', 'something_else']) {
    assert.deepEqual(parseColumnKey(name), { kind: 'meta', header: name, name });
  }
});

test('malformed tuples are rejected with position and the expected shape', () => {
  const bad = [
    "('avg_Length' 'avg_2019-02-01 09:35:00')", // no comma
    "('avg_Length', 'avg_2019-02-01 09:35:00'", // no closing parenthesis
    "('avg_Length', 'avg_2019-02-01 09:35:00', 'x')", // three elements
    "('avg_Length',)", // one element
    '(avg_Length, avg_2019-02-01 09:35:00)', // unquoted
    "('avgLength', 'avg_2019-02-01 09:35:00')", // family without '_'
    "('avg_Length', 'avg_2019-02-01')", // no time of day
    "('avg_Length', '2019-02-01 09:35:00')", // no stat prefix
    "('avg_Length', 'avg_2019-02-30 09:35:00')", // not a date
    "('avg_Length', 'avg_2019-02-01 25:35:00')", // not a time
    "('avg_Length', 'avg_2019-02-01 09:35:00') x", // trailing text
    "('a\\qb_c', 'avg_2019-02-01 09:35:00')", // unknown escape
    "('avg_Length', 'avg_2019-02-01 09:35:00)", // unterminated string
  ];
  for (const header of bad) {
    assert.throws(
      () => parseColumnKey(header, at),
      (error: unknown) => {
        assert.ok(error instanceof InputError, header);
        assert.deepEqual(error.position, at);
        assert.match(error.message, /^f\.tsv:1:7: header /);
        assert.ok(error.message.includes(JSON.stringify(header)), error.message);
        assert.match(error.message, /expected a tuple like \('avg_Length', 'avg_2019-02-01 09:35:00'\)/);
        return true;
      },
    );
  }
});

test('freqAlias names window lengths as pandas offset aliases', () => {
  assert.equal(freqAlias(5 * 60_000), '5T');
  assert.equal(freqAlias(10 * 60_000), '10T');
  assert.equal(freqAlias(30 * 60_000), '30T');
  assert.equal(freqAlias(60 * 60_000), '1H');
  assert.equal(freqAlias(90 * 60_000), '90T');
  assert.equal(freqAlias(86_400_000), '1D');
  assert.equal(freqAlias(30_000), '30S');
  assert.throws(() => freqAlias(0), RangeError);
});

function keysEvery(minutes: number, count: number, family = 'avg_Length'): ValueKey[] {
  return Array.from({ length: count }, (_, i) => {
    const start = Date.UTC(2019, 1, 1, 9, 30) + i * minutes * 60_000;
    const stamp = new Date(start).toISOString().slice(0, 19).replace('T', ' ');
    return value(`('${family}', '${family.split('_')[0]}_${stamp}')`);
  });
}

test('inferGrid finds the window length and sorted starts, whatever the column order', () => {
  for (const minutes of [5, 10, 30, 60]) {
    const keys = [...keysEvery(minutes, 6), ...keysEvery(minutes, 6, 'sum_Length')].reverse();
    const grid = inferGrid(keys, 'f.tsv');
    assert.equal(grid.stepMs, minutes * 60_000);
    assert.equal(grid.freq, freqAlias(minutes * 60_000));
    assert.deepEqual(
      Array.from(grid.starts),
      keysEvery(minutes, 6).map((k) => k.start),
    );
  }
  assert.equal(inferGrid(keysEvery(5, 1), 'f.tsv').freq, 'unknown');
});

test('inferGrid rejects irregular spacing, naming the file and the windows', () => {
  const keys = keysEvery(5, 6).filter((_, i) => i !== 3);
  assert.throws(
    () => inferGrid(keys, 'runs/x.csv'),
    (error: unknown) => {
      assert.ok(error instanceof InputError);
      assert.equal(error.position.file, 'runs/x.csv');
      assert.match(error.message, /irregular window spacing/);
      assert.match(
        error.message,
        /2019-02-01 09:40:00 and 2019-02-01 09:50:00 \(windows 3 and 4 of 5\) are 10 min apart/,
      );
      return true;
    },
  );
});

test('parseHeaderFields checks the header shape', () => {
  const v1 = "('avg_Length', 'avg_2019-02-01 09:35:00')";
  const v2 = "('avg_Length', 'avg_2019-02-01 09:40:00')";
  assert.equal(parseHeaderFields(['', v1, v2, 'host0'], 'f').length, 3);
  assert.equal(parseHeaderFields(['ip', v1], 'f').length, 1);
  const cases: Array<[string[], RegExp]> = [
    [['a,b,c'], /header has 1 field.*tab-separated/],
    [[v1, v2], /f:1:1: first header field .*expected the index column's header/],
    [['', v1, v1], /f:1:3: duplicate header .*also column 2/],
    [['', v1, `("avg_Length", "avg_2019-02-01 09:35:00")`], /f:1:3: .*same family and window as column 2/],
    [['', 'host0', 'is_src'], /no value column/],
  ];
  for (const [fields, pattern] of cases) {
    assert.throws(
      () => parseHeaderFields(fields, 'f'),
      (error: unknown) => error instanceof InputError && pattern.test(error.message),
    );
  }
});
