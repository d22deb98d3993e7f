import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Frame } from '../lib/table/frame';
import { prng, timelineFrame } from './frames';
import {
  matchingPairs,
  pairsMarkdown,
  robustZ,
  singularIps,
  singularIpsMarkdown,
  standoutIps,
  standoutsMarkdown,
} from '../lib/triage/standouts';

/** A frame of one family, a timeline per row. */
function frameOf(rows: Record<string, readonly number[]>, family = 'count_Length'): Frame {
  return timelineFrame(
    Object.fromEntries(Object.entries(rows).map(([label, timeline]) => [label, { [family]: timeline }])),
  );
}
const HOSTILE_SOURCE = '<img src=x onerror=alert(1)>source';

const rng = prng;

/**
 * 40 ordinary sources and 35 ordinary destinations with small random counts, plus a planted pair:
 * a hostile-labelled source and a destination that share one large bursty timeline.
 */
function plantedFrame(): { frame: Frame; source: string; dst: string } {
  const r = rng(42);
  const nw = 150;
  const rows: Record<string, number[]> = {};
  const noise = (): number[] => Array.from({ length: nw }, () => (r() < 0.6 ? 0 : Math.floor(r() * 20)));
  for (let i = 0; i < 40; i++) rows[`10.0.0.${i}source`] = noise();
  for (let i = 0; i < 35; i++) rows[`10.9.0.${i}dst`] = noise();
  const burst = Array.from({ length: nw }, (_, w) => (w >= 30 && w < 90 ? 400 + 300 * Math.sin(w / 4) : 0));
  rows[HOSTILE_SOURCE] = burst.map((v) => Math.round(v));
  rows['203.0.113.9dst'] = burst.map((v) => (v > 0 ? Math.round(v * 0.97 + r() * 5) : 0));
  return { frame: frameOf(rows), source: HOSTILE_SOURCE, dst: '203.0.113.9dst' };
}

test('robustZ scores by median and MAD, falls back to the mean absolute deviation, and is 0 when all equal', () => {
  const z = robustZ([1, 2, 3, 4, 100]);
  // median 3, MAD 1 → scale 1.4826
  assert.ok(Math.abs(z[4] - 97 / 1.4826) < 1e-9);
  assert.ok(Math.abs(z[0] + 2 / 1.4826) < 1e-9);
  const fallback = robustZ([0, 0, 0, 0, 0, 0, 10]);
  // MAD 0; mean absolute deviation 10/7 → scale 1.2533 × 10/7
  assert.ok(Math.abs(fallback[6] - 10 / (1.2533 * (10 / 7))) < 1e-9);
  assert.deepEqual(Array.from(robustZ([5, 5, 5])), [0, 0, 0]);
  assert.ok(Number.isNaN(robustZ([1, NaN, 3])[1]));
});

test('standoutIps finds exactly the planted source and destination', () => {
  const { frame, source, dst } = plantedFrame();
  const found = standoutIps(frame);
  assert.deepEqual(found.map((s) => s.label).sort(), [source, dst].sort());
  const s = found.find((x) => x.label === source)!;
  assert.equal(s.role, 'source');
  assert.ok(s.score >= 3.5);
  assert.equal(
    s.total,
    frame
      .family('count_Length')
      .series(frame.rowOf(source))
      .reduce((a, b) => a + b, 0),
  );
  assert.deepEqual(
    standoutIps(frame, 'count_Length', { roles: ['dst'] }).map((x) => x.label),
    [dst],
  );
});

test('standoutIps finds nobody in a homogeneous group', () => {
  const rows: Record<string, number[]> = {};
  for (let i = 0; i < 20; i++) rows[`10.0.0.${i}source`] = [5, 5, 6, 5];
  rows['10.0.0.99dst'] = [1, 1, 1, 1];
  assert.deepEqual(standoutIps(frameOf(rows)), []);
});

test('matchingPairs ranks the planted pair first, with its correlation and shared windows', () => {
  const { frame, source, dst } = plantedFrame();
  const pairs = matchingPairs(frame);
  assert.ok(pairs.length >= 1);
  const [best] = pairs;
  assert.equal(best.source, source);
  assert.equal(best.dst, dst);
  assert.ok(best.correlation > 0.99, `correlation ${best.correlation}`);
  assert.equal(best.activeWindows, 60);
  assert.equal(best.sharedWindows, 60);
  assert.ok(best.magnitudeRatio > 0.9 && best.magnitudeRatio <= 1);
  assert.equal(best.sameHost, false);
  for (let i = 1; i < pairs.length; i++) assert.ok(pairs[i - 1].score >= pairs[i].score);
  // Restricting the candidates keeps only pairs of those IPs.
  const others = matchingPairs(frame, 'count_Length', {
    sources: ['10.0.0.1source', '10.0.0.2source'],
    dsts: ['10.9.0.3dst', dst],
    minCorrelation: -1,
  });
  assert.ok(others.length > 0);
  assert.ok(
    others.every(
      (p) => ['10.0.0.1source', '10.0.0.2source'].includes(p.source) && ['10.9.0.3dst', dst].includes(p.dst),
    ),
  );
});

test('matchingPairs flags a host matching itself on both ends', () => {
  const frame = frameOf({
    '192.0.2.1source': [0, 5, 9, 2, 0, 7],
    '192.0.2.1dst': [0, 5, 9, 2, 0, 7],
    '192.0.2.2dst': [1, 0, 0, 0, 8, 0],
  });
  const [best] = matchingPairs(frame);
  assert.equal(best.dst, '192.0.2.1dst');
  assert.equal(best.sameHost, true);
  assert.equal(best.correlation, 1);
});

test('standout and pair tables show a hostile label as inert text', () => {
  const { frame } = plantedFrame();
  for (const md of [standoutsMarkdown(standoutIps(frame)), pairsMarkdown(matchingPairs(frame))]) {
    assert.doesNotMatch(md, /<img/);
    assert.match(md, /&lt;img src=x onerror=alert\\\(1\\\)&gt;source/);
  }
});

test('singularIps answers the seed TODO: the standouts and the matching pair among them', () => {
  const { frame, source, dst } = plantedFrame();
  const found = singularIps(frame);
  assert.equal(found.standouts.length, 2);
  assert.equal(found.pairs.length, 1);
  assert.equal(found.pairs[0].source, source);
  assert.equal(found.pairs[0].dst, dst);
  const md = singularIpsMarkdown(found);
  assert.match(md, /at least 3\.5\)/);
  assert.doesNotMatch(md, /<img/);
  const strict = singularIps(frame, 'count_Length', { threshold: 1e9 });
  assert.deepEqual([strict.standouts.length, strict.pairs.length], [0, 0]);
  assert.match(singularIpsMarkdown(strict), /No IP stands out/);
});

test('standoutsMarkdown shows the top rows and counts the rest', () => {
  const { frame } = plantedFrame();
  const found = standoutIps(frame, 'count_Length', { threshold: -Infinity });
  const md = standoutsMarkdown(found, 'count_Length', 5);
  assert.equal(md.split('\n').filter((l) => l.startsWith('| ') && !l.startsWith('| IP')).length, 5);
  const rest = found.length - 5;
  const restSources = found.slice(5).filter((s) => s.role === 'source').length;
  assert.match(md, new RegExp(`… and ${rest} more \\(${restSources} source, ${rest - restSources} destination\\)`));
});
