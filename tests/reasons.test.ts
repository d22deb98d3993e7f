/**
 * The triage's parts against straightforward computations: tail probabilities against the normal
 * rows, the best run of windows, the own-history measures, families equal on every row, the
 * calibrated line. (The planted behaviours end to end: tests/triage-planted.test.ts.)
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Frame } from '../lib/table/frame';
import { parseColumnKey } from '../lib/table/columns';
import { ValueSketch } from '../lib/table/sketch';
import { baselineOf } from '../lib/evaluation/baseline';
import { MIN_NONZERO, NormalTails } from '../lib/triage/tails';
import { CELL_TAIL, largestRun, log10Choose, runDeviations } from '../lib/triage/deviations';
import { familyGroups } from '../lib/triage/groups';
import { explainRows } from '../lib/triage/reasons';
import { prng as random } from './frames';

const W = 12;
const STARTS = Array.from({ length: W }, (_, w) => `2019-02-01 10:${String(5 * w).padStart(2, '0')}:00`);

/** A frame of the given families over W windows; values(label index, family, window). */
function frameOf(labels: string[], families: string[], values: (r: number, f: string, w: number) => number): Frame {
  const columns = families.flatMap((f) => STARTS.map((s) => parseColumnKey(`('${f}', '${f.split('_')[0]}_${s}')`)));
  const data = new Float64Array(labels.length * columns.length);
  labels.forEach((_, r) =>
    families.forEach((f, k) => {
      for (let w = 0; w < W; w++) data[r * columns.length + k * W + w] = values(r, f, w);
    }),
  );
  return new Frame({ index: labels, columns, values: data });
}

function baselineFrom(frame: Frame) {
  const sketch = new ValueSketch(frame.columns);
  for (let r = 0; r < frame.nRows; r++) sketch.addRow(frame.roles[r], frame.row(r));
  return baselineOf(sketch);
}

test('the best run is the largest rectangle under the heights: a brute-force search agrees', () => {
  const rnd = random(3);
  for (let trial = 0; trial < 200; trial++) {
    const n = 1 + Math.floor(rnd() * 20);
    const h = Array.from({ length: n }, () => (rnd() < 0.3 ? 0 : Math.floor(rnd() * 4)));
    let best = 0;
    for (let a = 0; a < n; a++)
      for (let b = a; b < n; b++) best = Math.max(best, (b - a + 1) * Math.min(...h.slice(a, b + 1)));
    const run = largestRun(h, n);
    assert.equal(run.area, best, `heights ${h}`);
    if (best > 0) assert.equal((run.to - run.from + 1) * Math.min(...h.slice(run.from, run.to + 1)), best);
  }
  // a plateau gives its whole span, not its first window
  assert.deepEqual(largestRun([0, 2, 2, 2, 2, 0], 6), { area: 8, from: 1, to: 4 });
});

test('tail probabilities count the normal values at or beyond, in the window or in the family pool', () => {
  // 200 normal sources: avg_Length active (non-zero) in window 0 for every row, in window 1 for 10;
  // sum_is_sh non-zero for 3 rows only (a family normal IPs hardly use).
  const labels = Array.from({ length: 200 }, (_, i) => `10.0.${i >> 8}.${i & 255}source`);
  const normal = frameOf(labels, ['avg_Length', 'sum_is_sh'], (r, f, w) => {
    if (f === 'sum_is_sh') return w === 0 && r < 3 ? 1 : 0;
    if (w === 0) return 1 + (r % 50);
    return w === 1 && r < 10 ? 100 * (r + 1) : 0;
  });
  const baseline = baselineFrom(normal);
  const tails = new NormalTails(baseline);
  const column = (family: string, w: number) =>
    baseline.columns.findIndex((k) => k.family === family && k.start === Date.parse(`${STARTS[w].replace(' ', 'T')}Z`));
  // window 0 has 200 non-zero values (at least MIN_NONZERO): its own reference
  assert.ok(200 >= MIN_NONZERO);
  const ge = (x: number) => labels.filter((_, r) => 1 + (r % 50) >= x).length;
  assert.equal(tails.tail(0, column('avg_Length', 0), 49.5, true), (ge(49.5) + 1) / 201);
  assert.equal(
    tails.tail(0, column('avg_Length', 0), 2, false),
    (labels.filter((_, r) => 1 + (r % 50) <= 2).length + 1) / 201,
  );
  // window 1 has 10 non-zero values: the family's pool over its windows (210 non-zero values) is its reference
  const pooled = [...labels.map((_, r) => 1 + (r % 50)), ...Array.from({ length: 10 }, (_, r) => 100 * (r + 1))];
  assert.equal(
    tails.tail(0, column('avg_Length', 1), 550, true),
    (pooled.filter((v) => v >= 550).length + 1) / (pooled.length + 1),
  );
  // sum_is_sh: 3 non-zero values in all; against every normal value, zeros included (200 × 12)
  assert.equal(tails.tail(0, column('sum_is_sh', 5), 1, true), (3 + 1) / (200 * W + 1));
  // a zero is no evidence either way
  assert.equal(tails.tail(0, column('avg_Length', 0), 0, true), 1);
});

test('own history: a silence measures C(n−L, k)/C(n, k), a lasting rise C(g, L)/C(n, L); vs normal: the weakest window to the run length', () => {
  const active = new Uint8Array(20).fill(1);
  // active in every window, silent in the family over windows 8..13 (6 of 20): k = 14 active
  const silent = Float64Array.from({ length: 20 }, (_, w) => (w >= 8 && w <= 13 ? 0 : 5 + (w % 3)));
  const s = runDeviations({ values: silent, active, isActivity: false, tail: () => 1 }).find(
    (d) => d.kind === 'vs-own-history' && d.direction === 'low',
  );
  assert.ok(s);
  assert.deepEqual([s.from, s.to, s.length, s.active, s.considered], [8, 13, 6, 14, 20]);
  assert.ok(Math.abs(s.rarity - (log10Choose(20, 14) - log10Choose(14, 14))) < 1e-9);
  // a rise: windows 4..7 hold the 4 highest of 20 values: C(4,4)/C(20,4)
  const rise = Float64Array.from({ length: 20 }, (_, w) => (w >= 4 && w <= 7 ? 50 + w : 10 + (w % 5)));
  const r = runDeviations({ values: rise, active, isActivity: false, tail: () => 1 }).find(
    (d) => d.kind === 'vs-own-history' && d.direction === 'high',
  );
  assert.ok(r);
  assert.deepEqual([r.from, r.to, r.length], [4, 7, 4]);
  assert.ok(Math.abs(r.rarity - log10Choose(20, 4)) < 1e-9);
  // vs normal: tail 1e-3 in windows 2..4, 1e-4 in window 3; inactive window 5 breaks nothing (skipped)
  const tailAt = [1, 1, 1e-3, 1e-4, 1e-3, 1, 1e-3, 1];
  const act = Uint8Array.from([1, 1, 1, 1, 1, 0, 1, 1]);
  const v = runDeviations({
    values: Float64Array.from(tailAt, (_, w) => w + 1),
    active: act,
    isActivity: false,
    tail: (w, _x, high) => (high ? tailAt[w] : 1),
    ownHistory: false,
  }).find((d) => d.kind === 'vs-normal' && d.direction === 'high');
  assert.ok(v);
  // the run 2..6 over the active windows 2, 3, 4, 6: 4 windows, weakest 1e-3
  assert.deepEqual([v.from, v.to, v.length], [2, 6, 4]);
  assert.ok(Math.abs(v.rarity - 12) < 1e-9);
  // a window above CELL_TAIL adds nothing to a run
  const weak = runDeviations({
    values: [1, 1],
    active: Uint8Array.from([1, 1]),
    isActivity: false,
    tail: () => CELL_TAIL * 2,
    ownHistory: false,
  });
  assert.deepEqual(weak, []);
});

test("own history: the lasting rise (its span, rarity and ratio to the row's own median) agrees with a brute-force search, ties included", () => {
  const rnd = random(11);
  const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[(xs.length - 1) >> 1];
  let rises = 0;
  for (let trial = 0; trial < 300; trial++) {
    const n = 8 + Math.floor(rnd() * 60);
    // few distinct values: many ties
    const x = Array.from({ length: n }, () => 1 + Math.floor(rnd() * (trial % 2 === 0 ? 4 : 40)));
    const values = Float64Array.from(x);
    const found = runDeviations({ values, active: new Uint8Array(n).fill(1), isActivity: false, tail: () => 1 }).find(
      (d) => d.kind === 'vs-own-history' && d.direction === 'high',
    );
    // every run of 2..MAX windows above the row's median: C(g, L)/C(n, L), g = values at or above its weakest
    const mid = median(x);
    let best: { rarity: number; from: number; to: number } | undefined;
    for (let i = 0; i < n; i++)
      for (let j = i + 1; j < Math.min(n, i + 24); j++) {
        const run = x.slice(i, j + 1);
        if (!run.every((v) => v > mid)) break;
        const L = run.length;
        const g = x.filter((v) => v >= Math.min(...run)).length;
        const rarity = log10Choose(n, L) - log10Choose(g, L);
        if (
          !best ||
          rarity > best.rarity + 1e-12 ||
          (Math.abs(rarity - best.rarity) <= 1e-12 && j - i > best.to - best.from)
        )
          best = { rarity, from: i, to: j };
      }
    if (!best || !(best.rarity > 0)) {
      assert.equal(found, undefined, `values ${x}`);
      continue;
    }
    rises++;
    assert.ok(found, `values ${x}`);
    assert.deepEqual([found.from, found.to, found.rarity], [best.from, best.to, best.rarity], `values ${x}`);
    const run = x.slice(best.from, best.to + 1);
    const { from, to } = best;
    const others = x.filter((_, k) => k < from || k > to);
    assert.equal(found.ratio, Math.min(...run) / median(others), `values ${x}`);
  }
  assert.ok(rises > 100, `${rises} rises`);
});

test('families equal on every row are one group, found from the data; one different cell keeps them apart', () => {
  const labels = ['1.1.1.1source', '2.2.2.2dst', '3.3.3.3source'];
  const families = ['count_Length', 'count_IP1_time_diff_per_value', 'count_is_sh', 'avg_Length'];
  const frame = frameOf(labels, families, (r, f, w) => (f === 'avg_Length' ? r * w : (r + 1) * (w % 4)));
  const groups = familyGroups(families, [{ frame, rows: [0, 1, 2] }]);
  assert.deepEqual(groups, [
    { families: ['count_Length', 'count_IP1_time_diff_per_value', 'count_is_sh'], name: 'packets' },
    { families: ['avg_Length'], name: 'avg_Length' },
  ]);
  const odd = frameOf(labels, families, (r, f, w) =>
    f === 'avg_Length' ? r * w : f === 'count_is_sh' && r === 2 && w === 7 ? 99 : (r + 1) * (w % 4),
  );
  assert.deepEqual(
    familyGroups(families, [{ frame: odd, rows: [0, 1, 2] }]).map((g) => g.families),
    [['count_Length', 'count_IP1_time_diff_per_value'], ['count_is_sh'], ['avg_Length']],
  );
});

test('the groups and scores are the same whether the calibration sample holds every family or only those the line is calibrated on', () => {
  // The notebook's sample holds every family, the summary command's only the findings' ones.
  const families = ['count_Length', 'count_IP1_time_diff_per_value', 'count_is_sh', 'avg_Length'];
  const value = (r: number, f: string, w: number): number =>
    w % 3 !== 0 ? 0 : f === 'avg_Length' ? 60 + ((r * 31 + w * 17) % 40) : 1 + ((r * 7 + w * 13) % 5);
  const labels = Array.from({ length: 200 }, (_, i) => `10.2.${i >> 8}.${i & 255}source`);
  const whole = frameOf(labels, families, value);
  const narrow = frameOf(labels, ['count_Length', 'avg_Length'], value);
  const baseline = baselineFrom(whole);
  const flagged = frameOf(['9.9.9.9source'], families, (r, f, w) => (w < 8 ? 50 * value(r, f, w) : value(r, f, w)));
  const calibrationFamilies = new Set(['count_Length', 'avg_Length']);
  const fromWhole = explainRows([flagged], baseline, { calibration: whole, calibrationFamilies });
  const fromNarrow = explainRows([flagged], baseline, { calibration: narrow, calibrationFamilies });
  assert.deepEqual(
    fromNarrow.groups.map((g) => g.families),
    [['count_Length', 'count_IP1_time_diff_per_value', 'count_is_sh'], ['avg_Length']],
  );
  assert.ok(fromNarrow.explanations[0].explained, 'the flagged row is explained');
  assert.deepEqual(fromNarrow, fromWhole);
});

test('the line is the 99th percentile of the normal rows’ best scores; a row below it is not explained', () => {
  const rnd = random(11);
  const labels = Array.from({ length: 300 }, (_, i) => `10.1.${i >> 8}.${i & 255}source`);
  const normal = frameOf(labels, ['count_Length', 'avg_Length'], (_r, f, w) =>
    w % 3 === 0 ? (f === 'count_Length' ? 1 + Math.floor(rnd() * 5) : 60 + rnd() * 40) : 0,
  );
  const baseline = baselineFrom(normal);
  const flagged = frameOf(['9.9.9.9source', '8.8.8.8source'], ['count_Length', 'avg_Length'], (r, f, w) => {
    if (r === 1) return w % 3 === 0 ? (f === 'count_Length' ? 3 : 80) : 0; // like the normal rows
    return f === 'count_Length' ? 4 : w >= 4 && w <= 9 ? 5000 : 80; // long packets over 6 windows
  });
  const triage = explainRows([flagged], baseline, { calibration: normal });
  // the line, recomputed: every normal row scored alone, then the 99th percentile of the best scores
  const best = labels.map((_, r) => {
    const e = explainRows([normal.selectRows([r])], baseline).explanations[0];
    return Number.isNaN(e.score) ? -Infinity : e.score;
  });
  const sorted = best.sort((a, b) => a - b);
  const h = 0.99 * (sorted.length - 1);
  const q = sorted[Math.floor(h)] + (h - Math.floor(h)) * (sorted[Math.ceil(h)] - sorted[Math.floor(h)]);
  assert.ok(Math.abs(triage.line - Math.max(0, q)) < 1e-9, `${triage.line} vs ${q}`);
  const [planted, ordinary] = triage.explanations;
  assert.equal(planted.explained, true);
  assert.equal(planted.reasons[0].family, 'avg_Length');
  assert.equal(planted.reasons[0].kind, 'vs-normal');
  assert.equal(ordinary.explained, false);
  assert.deepEqual(ordinary.reasons, []);
});
