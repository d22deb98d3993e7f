/**
 * The row reader keeps its parse state to itself: two readers interleaved read their own lines, and
 * a problem handed out is a copy (nothing mutable is shared or exported).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRowReader } from '../lib/reader/row-reader';

function line(text: string): Buffer {
  return Buffer.from(`${text}\n`, 'utf8');
}

test('two readers interleaved keep their own label, values and problem', () => {
  const a = createRowReader();
  const b = createRowReader();
  const good = line('1.2.3.4source\t0.0\t0.022977126507556064\t-0.0\t1e-05');
  const bad = line('5.6.7.8dst\t1.5\tx1');
  const out = new Float64Array(4);
  assert.equal(a.parseRow(good, 0, good.length - 1, 4, out, 0), true);
  assert.equal(b.parseRow(bad, 0, bad.length - 1, 2, new Float64Array(2), 0), false);
  assert.equal(a.label, '1.2.3.4source');
  assert.equal(b.label, '5.6.7.8dst');
  assert.deepEqual(
    [...out].map((v) => (Object.is(v, -0) ? '-0' : String(v))),
    ['0', '0.022977126507556064', '-0', '0.00001'],
  );
  assert.deepEqual(b.problem, { kind: 'number', column: 3, fields: 0, text: 'x1' });
  // A later good line on `a` does not touch `b`'s problem; the problem given out is a copy.
  const problem = b.problem;
  problem.text = 'changed';
  assert.equal(a.parseRow(good, 0, good.length - 1, 4, out, 0), true);
  assert.equal(b.problem.text, 'x1');
});

test('few and many fields name the column and the fields found', () => {
  const reader = createRowReader();
  const few = line('1.2.3.4source\t1\t2');
  assert.equal(reader.parseRow(few, 0, few.length - 1, 3, new Float64Array(3), 0), false);
  assert.deepEqual(reader.problem, { kind: 'few', column: 3, fields: 3, text: '' });
  const many = line('"1.2.3.4\tsource"\t1\t2\t3');
  assert.equal(reader.parseRow(many, 0, many.length - 1, 2, new Float64Array(2), 0), false);
  assert.deepEqual(reader.problem, { kind: 'many', column: 4, fields: 4, text: '' });
  assert.equal(reader.label, '1.2.3.4\tsource');
});

test('cells the WebAssembly leaves to the reader (not plain decimals, or not exact there) read as pandas reads them, in any position', () => {
  // Each left cell in first, middle and last position, between plain decimals and "0.0" cells.
  const left: Array<[string, number]> = [
    ['nan', NaN],
    ['-inf', -Infinity],
    ['"1.5"', 1.5],
    ['NULL', NaN],
    // Decimals it does not convert itself: equal to Number(text).
    ...[
      '123456789012345678901234567',
      '4.9406564584124654e-324',
      '2.2250738585072011e-308',
      '1e400',
      `0.${'0'.repeat(400)}1`,
    ].map((text): [string, number] => [text, Number(text)]),
  ];
  const reader = createRowReader();
  for (const [text, expected] of left) {
    for (const position of [0, 2, 4]) {
      const cells = ['0.0', '0.022977126507556064', '0.0', '-7.5e-3', '0.0'];
      cells[position] = text;
      const row = line(`1.2.3.4source\t${cells.join('\t')}`);
      const out = new Float64Array(5);
      assert.equal(reader.parseRow(row, 0, row.length - 1, 5, out, 0), true, `${text} at ${position}`);
      const want = cells.map((cell, c) => (c === position ? expected : Number(cell)));
      assert.deepEqual([...out], want, `${text} at ${position}`);
    }
  }
  // A bad cell after a left one is still the problem reported, at its own column; so is a miscount after it.
  const bad = line('1.2.3.4source\tnan\t1.5\t1,5\t2');
  assert.equal(reader.parseRow(bad, 0, bad.length - 1, 4, new Float64Array(4), 0), false);
  assert.deepEqual(reader.problem, { kind: 'number', column: 4, fields: 0, text: '1,5' });
  const few = line('1.2.3.4source\tinf\t1.5');
  assert.equal(reader.parseRow(few, 0, few.length - 1, 3, new Float64Array(3), 0), false);
  assert.deepEqual(reader.problem, { kind: 'few', column: 3, fields: 3, text: '' });
});
