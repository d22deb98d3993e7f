import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  commonCount,
  describeOverlaps,
  exclusiveIntersections,
  referenceOverlaps,
  uniqueToRun,
} from '../lib/evaluation/overlap';

const runs = [
  { name: '30T', labels: ['a source', 'b dst', 'c source', 'x source'].map((s) => s.replace(' ', '')) },
  { name: '10T', labels: ['asource', 'bdst', 'csource', 'ysource', 'bsource'] },
  { name: '5T', labels: ['asource', 'bdst', 'ysource', 'zdst', 'bsource'] },
];

test('commonCount counts labels present in every run, role suffix included', () => {
  assert.equal(commonCount([runs[0], runs[2]]), 2); // asource, bdst
  assert.equal(commonCount([runs[1], runs[2]]), 4); // asource, bdst, ysource, bsource
  assert.equal(commonCount(runs), 2);
  assert.equal(
    commonCount([
      { name: 'p', labels: ['1.2.3.4dst'] },
      { name: 'q', labels: ['1.2.3.4source'] },
    ]),
    0,
  );
  assert.equal(commonCount([]), 0);
});

test('referenceOverlaps lists pairs with the reference, then all runs, in run order', () => {
  assert.deepEqual(referenceOverlaps(runs, '5T'), [
    { runs: ['30T', '5T'], common: 2 },
    { runs: ['10T', '5T'], common: 4 },
    { runs: ['30T', '10T', '5T'], common: 2 },
  ]);
  assert.deepEqual(referenceOverlaps(runs.slice(1), '5T'), [{ runs: ['10T', '5T'], common: 4 }]);
  assert.deepEqual(
    referenceOverlaps(runs, '30T').map((o) => o.runs),
    [
      ['30T', '10T'],
      ['30T', '5T'],
      ['30T', '10T', '5T'],
    ],
  );
  assert.throws(() => referenceOverlaps(runs, '1H'), /1H.*30T, 10T, 5T/);
});

test('uniqueToRun finds the special cases of each run', () => {
  const unique = uniqueToRun(runs);
  assert.deepEqual(unique.get('30T'), ['xsource']);
  assert.deepEqual(unique.get('10T'), []);
  assert.deepEqual(unique.get('5T'), ['zdst']);
});

test('exclusiveIntersections count every label once, largest first', () => {
  const sets = exclusiveIntersections(runs);
  const total = sets.reduce((n, s) => n + s.labels.length, 0);
  assert.equal(total, new Set(runs.flatMap((r) => r.labels)).size);
  assert.deepEqual(sets[0], { runs: ['30T', '10T', '5T'], labels: ['asource', 'bdst'] });
  const tenAndFive = sets.find((s) => s.runs.join() === '10T,5T');
  assert.deepEqual(tenAndFive?.labels, ['bsource', 'ysource']);
  for (let i = 1; i < sets.length; i++) assert.ok(sets[i - 1].labels.length >= sets[i].labels.length);
});

test('describeOverlaps prints the seed sentences', () => {
  assert.deepEqual(describeOverlaps(referenceOverlaps(runs, '5T'), 3), [
    'Number of common anomalies between 30T and 5T is 2',
    'Number of common anomalies between 10T and 5T is 4',
    'Number of common anomalies between all three is 2',
  ]);
});
