import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { evaluateFrame } from '../lib/summary/evaluate';
import { evaluateFull, readTable } from '../lib/loaders';

const TINY = path.join(__dirname, '..', '..', 'tests', 'fixtures', 'tiny');
const FULL = path.join(TINY, 'final', 'final_dataset_5T.csv');
const ANOMALIES = path.join(TINY, 'models', 'models_2019_06_01_22_11', 'detected_anomalies.csv');

test('evaluateFrame on a whole table gives what the streaming evaluation gives', async () => {
  const anomalous = await readTable(ANOMALIES);
  const options = { exclude: new Set(anomalous.index), sampleSize: 2, seed: 42 };
  const streamed = await evaluateFull(FULL, options);
  const whole = evaluateFrame(await readTable(FULL), options);
  assert.equal(whole.path, FULL);
  for (const key of ['rows', 'valueColumns', 'normalRows', 'excludedFound'] as const)
    assert.equal(whole[key], streamed[key], key);
  assert.deepEqual(whole.columns, streamed.columns);
  assert.deepEqual(whole.grid, streamed.grid);
  assert.equal(whole.rows, 6);
  assert.equal(whole.normalRows, 3);
  assert.deepEqual(whole.sample.index, streamed.sample.index);
  assert.equal(whole.sample.nRows, 2);
  assert.deepEqual(whole.sample.values, streamed.sample.values);
  assert.deepEqual([...whole.normalStats.keys()], [...streamed.normalStats.keys()]);
  for (const [family, byRole] of streamed.normalStats) {
    for (const role of ['source', 'dst'] as const) {
      const a = whole.normalStats.get(family)![role];
      const b = byRole[role];
      assert.equal(a.ips, b.ips, `${family} ${role} ips`);
      assert.equal(a.values, b.values, `${family} ${role} values`);
      for (const stat of ['mean', 'max', 'nonzeroShare'] as const) {
        assert.ok(
          Object.is(a[stat], b[stat]) || Math.abs(a[stat] - b[stat]) <= 1e-12 * Math.abs(b[stat]),
          `${family} ${role} ${stat}: ${a[stat]} vs ${b[stat]}`,
        );
      }
    }
  }
  // none of the sampled rows is anomalous
  for (const label of whole.sample.index) assert.ok(!options.exclude.has(label), label);
});
