/**
 * The row reader keeps its parse state to itself: two readers interleaved read their own lines, and
 * a problem handed out is a copy (nothing mutable is shared or exported).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRowReader } from '../lib/row-reader';

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
