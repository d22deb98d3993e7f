/** Seeded bottom-k sampling by label: reproducible, order-independent, uniform. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { labelHash, sampleFrame, sampleRows } from '../lib/table/sample';
import { readTable } from '../lib/loaders';

const labels = Array.from({ length: 5000 }, (_, i) => `192.0.${i >> 8}.${i & 255}${i % 2 ? 'dst' : 'source'}`);

test('labelHash is a deterministic 53-bit integer that depends on label and seed', () => {
  const h = labelHash('104.192.1.15source', 42);
  assert.ok(Number.isSafeInteger(h) && h >= 0 && h < 2 ** 53);
  assert.equal(labelHash('104.192.1.15source', 42), h);
  assert.notEqual(labelHash('104.192.1.15source', 43), h);
  assert.notEqual(labelHash('104.192.1.15dst', 42), h);
  assert.notEqual(labelHash('104.192.1.15source', 42 + 2 ** 32), h);
  assert.throws(() => labelHash('x', 1.5), RangeError);
});

test('labelHash spreads similar labels evenly (chi-square over 64 buckets, top and bottom bits)', () => {
  for (const [name, bucket] of [
    ['top', (h: number) => Math.floor(h / 2 ** 47)],
    ['bottom', (h: number) => h % 64],
  ] as const) {
    const counts = new Array(64).fill(0);
    for (const label of labels) counts[bucket(labelHash(label, 7))]++;
    const mean = labels.length / 64;
    const chi2 = counts.reduce((s, c) => s + (c - mean) ** 2 / mean, 0);
    assert.ok(chi2 < 120, `${name} bits: chi-square ${chi2.toFixed(1)} with 63 degrees of freedom`);
  }
});

test('sampleRows: n rows in ascending order, the same set whatever the label order', () => {
  const rows = sampleRows(labels, 400, 42);
  assert.equal(rows.length, 400);
  for (let i = 1; i < rows.length; i++) assert.ok(rows[i] > rows[i - 1]);
  const picked = new Set(Array.from(rows, (r) => labels[r]));
  const reversed = [...labels].reverse();
  const again = new Set(Array.from(sampleRows(reversed, 400, 42), (r) => reversed[r]));
  assert.deepEqual(again, picked);
  // They are the 400 smallest hashes.
  const threshold = Math.max(...Array.from(picked, (l) => labelHash(l, 42)));
  assert.equal(labels.filter((l) => labelHash(l, 42) <= threshold).length, 400);
  assert.deepEqual(Array.from(sampleRows(labels.slice(0, 10), 50, 1)), [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  assert.equal(sampleRows(labels, 0, 1).length, 0);
});

test('sampleRows is uniform: over 200 seeds every row is picked about n/N of the time', () => {
  const small = labels.slice(0, 200);
  const hits = new Array(small.length).fill(0);
  const seeds = 400;
  for (let seed = 0; seed < seeds; seed++) for (const r of sampleRows(small, 50, seed)) hits[r]++;
  const expected = (seeds * 50) / small.length; // 100
  const chi2 = hits.reduce((s, h) => s + (h - expected) ** 2 / expected, 0);
  assert.ok(chi2 < 300, `chi-square ${chi2.toFixed(1)} with 199 degrees of freedom`);
  const firstHalf = hits.slice(0, 100).reduce((a, b) => a + b, 0);
  assert.ok(Math.abs(firstHalf / (seeds * 50) - 0.5) < 0.03, `first half share ${firstHalf / (seeds * 50)}`);
});

test('sampleFrame picks the sampleRows rows of a frame read from a file', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sample-test-'));
  try {
    const file = path.join(dir, 't.tsv');
    const head = ['', "('avg_Length', 'avg_2019-02-01 09:35:00')", "('avg_Length', 'avg_2019-02-01 09:40:00')"];
    fs.writeFileSync(
      file,
      `${[head.join('\t'), ...labels.slice(0, 300).map((l, i) => `${l}\t${i}.0\t${i * 2}`)].join('\n')}\n`,
    );
    const frame = await readTable(file);
    const sample = sampleFrame(frame, 30, 9);
    const rows = sampleRows(frame.index, 30, 9);
    assert.deepEqual(
      sample.index,
      Array.from(rows, (r) => labels[r]),
    );
    rows.forEach((r, i) => assert.deepEqual(Array.from(sample.row(i)), [r, 2 * r]));
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
