import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import type { Frame } from '../lib/table/frame';
import { prng, timelineFrame } from './frames';
import type { FamilyStats } from '../lib/types';
import {
  evidenceCell,
  evidenceTableMarkdown,
  familyEvidence,
  humanNumber,
  humanShare,
  quantiles,
  quantileSorted,
} from '../lib/evaluation/evidence';

const frameOf = (rows: Record<string, Record<string, readonly number[]>>): Frame => timelineFrame(rows);
const rng = prng;

/** Independent quantile: the textbook definition (rank h = (n−1)q, interpolate), plain arrays. */
function textbookQuantile(values: number[], q: number): number {
  const xs = values.filter((v) => !Number.isNaN(v)).sort((a, b) => a - b);
  if (xs.length === 0) return NaN;
  const h = (xs.length - 1) * q;
  const below = xs[Math.floor(h)];
  const above = xs[Math.ceil(h)];
  return below + (h - Math.floor(h)) * (above - below);
}

/** Independent median: middle value, or the mean of the two middle values. */
function textbookMedian(values: number[]): number {
  const xs = values.filter((v) => !Number.isNaN(v)).sort((a, b) => a - b);
  const mid = xs.length >> 1;
  return xs.length % 2 === 1 ? xs[mid] : (xs[mid - 1] + xs[mid]) / 2;
}

function randomFrame(seed: number, nSource: number, nDst: number, nw: number, scale: number): Frame {
  const r = rng(seed);
  const rows: Record<string, Record<string, number[]>> = {};
  const make = (): number[] =>
    Array.from({ length: nw }, () => {
      const u = r();
      if (u < 0.05) return NaN;
      if (u < 0.45) return 0;
      return Math.round(r() * scale * 100) / 100;
    });
  for (let i = 0; i < nSource; i++) rows[`10.0.0.${i}source`] = { avg_Length: make() };
  for (let i = 0; i < nDst; i++) rows[`10.0.1.${i}dst`] = { avg_Length: make() };
  return frameOf(rows);
}

test('quantileSorted interpolates linearly between ranks and gives NaN when empty', () => {
  assert.equal(quantileSorted([1, 2, 3, 4], 0.5), 2.5);
  assert.equal(quantileSorted([10], 0.95), 10);
  assert.ok(Number.isNaN(quantileSorted([], 0.5)));
  assert.ok(Math.abs(quantileSorted([0, 10, 20, 30, 40], 0.95) - 38) < 1e-12);
});

test('familyEvidence: every statistic matches an independent computation over (row, window) values, NaN skipped', () => {
  const anomalous = randomFrame(1, 7, 5, 40, 150);
  const normal = randomFrame(2, 31, 17, 40, 60);
  const ev = familyEvidence('avg_Length', anomalous, normal);
  assert.deepEqual(
    ev.cells.map((c) => `${c.group}/${c.role}`),
    ['anomalous/source', 'anomalous/dst', 'normal/source', 'normal/dst'],
  );
  for (const cell of ev.cells) {
    const frame = cell.group === 'anomalous' ? anomalous : normal;
    const all: number[] = [];
    frame.index.forEach((label, r) => {
      if (!label.endsWith(cell.role)) return;
      for (let c = 0; c < frame.nCols; c++) all.push(frame.get(r, c));
    });
    const present = all.filter((v) => !Number.isNaN(v));
    assert.ok(present.length < all.length, 'the fixture has missing values');
    assert.equal(cell.values, present.length);
    assert.equal(cell.ips, frame.index.filter((l) => l.endsWith(cell.role)).length);
    assert.ok(Math.abs(cell.median - textbookMedian(all)) < 1e-9, `${cell.group} ${cell.role} median`);
    assert.ok(Math.abs(cell.p95 - textbookQuantile(all, 0.95)) < 1e-9, `${cell.group} ${cell.role} p95`);
    assert.ok(Math.abs(cell.mean - present.reduce((a, b) => a + b, 0) / present.length) < 1e-9);
    assert.equal(cell.max, Math.max(...present));
    assert.equal(cell.nonzeroShare, present.filter((v) => v !== 0).length / present.length);
    assert.equal(cell.summaryFrom, 'rows shown');
  }
});

test('familyEvidence quantiles agree with numpy when Debian python with numpy is present', (t) => {
  const python = '/usr/bin/python3';
  if (!existsSync(python)) return t.skip('no /usr/bin/python3');
  const anomalous = randomFrame(3, 9, 4, 25, 500);
  const ev = familyEvidence('avg_Length', anomalous, anomalous);
  const sources: number[] = [];
  anomalous.index.forEach((label, r) => {
    if (label.endsWith('source')) for (let c = 0; c < anomalous.nCols; c++) sources.push(anomalous.get(r, c));
  });
  const script =
    'import json,sys,numpy as np; a=np.array(json.load(sys.stdin),dtype=float); print(json.dumps([float(np.nanmedian(a)), float(np.nanpercentile(a,95))]))';
  let out: string;
  try {
    out = execFileSync(python, ['-c', script], {
      input: JSON.stringify(sources.map((v) => (Number.isNaN(v) ? null : v))),
    }).toString();
  } catch {
    return t.skip('numpy not importable');
  }
  const [median, p95] = JSON.parse(out) as [number, number];
  const cell = evidenceCell(ev, 'anomalous', 'source');
  assert.ok(Math.abs(cell.median - median) < 1e-9, `${cell.median} vs numpy ${median}`);
  assert.ok(Math.abs(cell.p95 - p95) < 1e-9, `${cell.p95} vs numpy ${p95}`);
});

test('normal mean, max and non-zero share come from the statistics of all normal rows when given; quantiles from the sample', () => {
  const anomalous = randomFrame(4, 3, 3, 10, 100);
  const sample = randomFrame(5, 6, 6, 10, 10);
  const stats: FamilyStats = new Map([
    [
      'avg_Length',
      {
        source: { ips: 4000, values: 40000, mean: 3.25, max: 999, nonzeroShare: 0.125 },
        dst: { ips: 3000, values: 30000, mean: 1.5, max: 77, nonzeroShare: 0.0625 },
      },
    ],
  ]);
  const ev = familyEvidence('avg_Length', anomalous, sample, stats);
  const withoutStats = familyEvidence('avg_Length', anomalous, sample);
  const normalSource = evidenceCell(ev, 'normal', 'source');
  assert.equal(normalSource.mean, 3.25);
  assert.equal(normalSource.max, 999);
  assert.equal(normalSource.nonzeroShare, 0.125);
  assert.equal(normalSource.summaryFrom, 'all normal rows');
  assert.equal(normalSource.summaryIps, 4000);
  assert.equal(normalSource.ips, 6);
  assert.equal(normalSource.median, evidenceCell(withoutStats, 'normal', 'source').median);
  assert.equal(normalSource.activeMean, 3.25 / 0.125);
  // Anomalous cells never take the normal statistics.
  assert.deepEqual(evidenceCell(ev, 'anomalous', 'dst'), evidenceCell(withoutStats, 'anomalous', 'dst'));
  const table = evidenceTableMarkdown(ev);
  assert.match(table, /\| normal source \| 4,000 \(sample 6\) \| 3\.25 \|/);
  assert.match(table, /all normal rows/);
  assert.doesNotMatch(evidenceTableMarkdown(withoutStats), /all normal rows/);
});

test('an empty group gives NaN statistics, shown as a dash', () => {
  const onlySources = frameOf({
    'a.b.c.dsource': { avg_Length: [1, 2, NaN] },
    'e.f.g.hsource': { avg_Length: [0, 0, 4] },
  });
  const ev = familyEvidence('avg_Length', onlySources, onlySources);
  const dst = evidenceCell(ev, 'anomalous', 'dst');
  assert.equal(dst.ips, 0);
  for (const x of [dst.mean, dst.median, dst.p95, dst.max, dst.nonzeroShare]) assert.ok(Number.isNaN(x));
  assert.match(evidenceTableMarkdown(ev), /\| anomalous destination \| 0 \| – \| – \| – \| – \| – \|/);
  assert.throws(() => familyEvidence('sum_Length', onlySources, onlySources), /No family "sum_Length"/);
});

test('evidenceTableMarkdown escapes a hostile family name', () => {
  const hostile = 'avg_<img src=x onerror=alert(1)>';
  const frame = frameOf({ 'x<b>source': { [hostile]: [1, 2] }, ydst: { [hostile]: [3, 4] } });
  const table = evidenceTableMarkdown(familyEvidence(hostile, frame, frame));
  assert.doesNotMatch(table, /<img/);
  assert.match(table, /&lt;img src=x onerror=alert\\\(1\\\)&gt;/);
});

test('humanNumber and humanShare format for readers', () => {
  assert.equal(humanNumber(61.2345), '61.2');
  assert.equal(humanNumber(44), '44');
  assert.equal(humanNumber(12345.6), '12,346');
  assert.equal(humanNumber(0.012345), '0.0123');
  assert.equal(humanNumber(0.00001234), '1.23e-5');
  assert.equal(humanNumber(0), '0');
  assert.equal(humanNumber(Infinity), '∞');
  assert.equal(humanNumber(NaN), '–');
  assert.equal(humanShare(0.912), '91%');
  assert.equal(humanShare(0.004), '0.4%');
  assert.equal(humanShare(0.0000001), '<0.1%');
  assert.equal(humanShare(0.9995), '100%');
  assert.equal(humanShare(0.995), '99.5%');
});

test("humanNumber groups thousands as toLocaleString('en-US') does (without loading the locale data)", () => {
  const r = rng(23);
  const values = [1000, -1000, 999_999.5, -999_999.5, 1_000_000, 999_999_999.4, -999_999_999.4, 123_456.49];
  for (let i = 0; i < 2000; i++) values.push((r() < 0.5 ? -1 : 1) * 10 ** (3 + r() * 6));
  for (const x of values) assert.equal(humanNumber(x), Math.round(x).toLocaleString('en-US'), String(x));
});

test('quantiles (linear-time selection) equal the sorted-array quantiles, duplicates and extremes included', () => {
  const r = rng(17);
  for (const n of [1, 2, 3, 10, 101, 5000]) {
    const values = Float64Array.from({ length: n }, () => (r() < 0.6 ? 0 : Math.floor(r() * 50) - 10));
    const before = values.slice();
    const qs = [0.95, 0, 0.5, 1, 0.25, 0.5, 0.999];
    const got = quantiles(values, qs);
    const sorted = Array.from(values).sort((a, b) => a - b);
    qs.forEach((q, i) => assert.equal(got[i], textbookQuantile(sorted, q), `n=${n} q=${q}`));
    assert.deepEqual(values, before, 'input unchanged');
  }
  assert.ok(Number.isNaN(quantiles(new Float64Array(0), [0.5])[0]));
});
