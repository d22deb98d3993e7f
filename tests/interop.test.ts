/** A frame read from a file, handed to arquero and danfojs-node. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { readTable } from '../lib/loaders';
import { toArquero, toDanfo } from '../lib/notebook/interop';
import type { Frame } from '../lib/table/frame';

const H = (family: string, minute: number) =>
  `('${family}', '${family.split('_')[0]}_2019-02-01 10:${String(minute).padStart(2, '0')}:00')`;

async function smallFrame(): Promise<Frame> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'interop-test-'));
  try {
    const file = path.join(dir, 't.tsv');
    // avg_X windows deliberately out of time order in the file.
    const lines = [
      ['', H('avg_X', 5), H('avg_X', 0), H('sum_X', 0), 'host0'],
      ['1.1.1.1source', '2.5', '1.5', '10', '1'],
      ['2.2.2.2dst', '', '0.0', '20', '0'],
      ['3.3.3.3dst', '4', '3', '30', '1'],
    ];
    fs.writeFileSync(file, `${lines.map((l) => l.join('\t')).join('\n')}\n`);
    return await readTable(file);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

test('toArquero: index, role, then Float64Array columns by header, or one family in time order', async () => {
  const frame = await smallFrame();
  const all = toArquero(frame);
  assert.deepEqual(all.columnNames(), ['index', 'role', ...frame.columns.map((k) => k.header)]);
  assert.equal(all.numRows(), 3);
  assert.ok(all.column(H('sum_X', 0))!.constructor === Float64Array);
  assert.deepEqual(all.array('index'), ['1.1.1.1source', '2.2.2.2dst', '3.3.3.3dst']);
  assert.deepEqual(Array.from(all.array(H('sum_X', 0)) as Float64Array), [10, 20, 30]);
  const family = toArquero(frame, { family: 'avg_X', head: 2 });
  assert.deepEqual(family.columnNames(), ['index', 'role', '2019-02-01 10:00:00', '2019-02-01 10:05:00']);
  assert.deepEqual(family.objects(), [
    { index: '1.1.1.1source', role: 'source', '2019-02-01 10:00:00': 1.5, '2019-02-01 10:05:00': 2.5 },
    { index: '2.2.2.2dst', role: 'dst', '2019-02-01 10:00:00': 0, '2019-02-01 10:05:00': NaN },
  ]);
  // Arquero verbs work on the result.
  const counts = all.groupby('role').count().orderby('role');
  assert.deepEqual(counts.objects(), [
    { role: 'dst', count: 2 },
    { role: 'source', count: 1 },
  ]);
});

test('toDanfo: a DataFrame with the row labels as index; large selections refused', async () => {
  const frame = await smallFrame();
  const df = toDanfo(frame, { family: 'avg_X' });
  assert.deepEqual(df.shape, [3, 2]);
  assert.deepEqual(df.index, frame.index);
  assert.deepEqual(df.columns, ['2019-02-01 10:00:00', '2019-02-01 10:05:00']);
  assert.deepEqual(df.values, [
    [1.5, 2.5],
    [0, NaN],
    [3, 4],
  ]);
  assert.deepEqual(toDanfo(frame, { head: 1 }).values, [[2.5, 1.5, 10, 1]]);
  assert.throws(() => toDanfo(frame, { maxCells: 5 }), /3 rows × 4 columns is more than 5 cells/);
});
