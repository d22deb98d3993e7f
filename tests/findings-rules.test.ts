/**
 * The rules that keep a ✔ honest (issue 20), each on a small world where switching the rule off
 * changes the verdict: a group claim needs most of the group, not one extreme IP; a check blind to
 * the flags is descriptive; an absence needs the power to see a presence; an outlier count needs a
 * null; windows where a family is undefined are left out, and a ratio over a zero level gives no ✔.
 * Findings are referred to by id.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { type Finding, type FindingInputs, allFindings, evaluateFinding, findingContext } from '../lib/findings';
import type { Role } from '../lib/types';
import { prng, timelineFrame, type Timeline } from './frames';

const WINDOWS = 60;

function byId(id: string): Finding {
  const found = allFindings().find((f) => f.id === id);
  if (!found) throw new Error(`no finding ${id}`);
  return found;
}

/** Values of one family for IP `i` in window `w`, given whether it is active there. */
type Values = (i: number, w: number, active: boolean) => number;

/** IPs of one group and role: how many, when each is active, its packets per active window, its families. */
interface Rows {
  readonly n: number;
  readonly role: Role;
  readonly active?: (i: number, w: number) => boolean;
  readonly packets?: (i: number, w: number) => number;
  readonly families: Record<string, Values>;
}

/** Half the windows, at random per IP and window (seeded). */
function halfActive(seed: number): (i: number, w: number) => boolean {
  const r = prng(seed);
  const table = Array.from({ length: 100 }, () => Array.from({ length: WINDOWS }, () => r() < 0.5));
  return (i, w) => table[i % 100][w];
}

function frameOf(prefix: string, groups: readonly Rows[]) {
  const rows: Record<string, Record<string, Timeline>> = {};
  groups.forEach((g, k) => {
    const active = g.active ?? halfActive(17 + k);
    for (let i = 0; i < g.n; i++) {
      const families: Record<string, Timeline> = {
        count_Length: (w) => (active(i, w) ? (g.packets?.(i, w) ?? 3) : 0),
      };
      for (const [family, values] of Object.entries(g.families)) families[family] = (w) => values(i, w, active(i, w));
      rows[`10.${prefix}.${k}.${i}${g.role}`] = families;
    }
  });
  return timelineFrame(rows, WINDOWS);
}

function world(anomalous: readonly Rows[], normal: readonly Rows[]): FindingInputs {
  return { anomalous: frameOf('1', anomalous), normalSample: frameOf('2', normal), seed: 42 };
}

function verdictOf(id: string, inputs: FindingInputs) {
  return evaluateFinding(byId(id), findingContext(inputs));
}

const noise = prng(5);
/** A level around `at` (±10%) in active windows, 0 in silent ones. */
const around =
  (at: number): Values =>
  (_i, _w, active) =>
    active ? at * (0.9 + 0.2 * noise()) : 0;

test('a group claim needs the group: one extreme IP does not carry "anomalous sources use more ports"', () => {
  // port1.avg.sources-more-ports: anomalous source IPs' avg_Port1_last_1 much higher than normal ones'.
  const normal: Rows[] = [{ n: 60, role: 'source', families: { avg_Port1_last_1: around(1) } }];
  const oneCarries = world(
    [
      {
        n: 20,
        role: 'source',
        families: {
          avg_Port1_last_1: (i, w, active) => (i === 0 ? around(400)(i, w, active) : around(0.8)(i, w, active)),
        },
      },
    ],
    normal,
  );
  const carried = verdictOf('port1.avg.sources-more-ports', oneCarries);
  assert.match(carried.evidence, /anomalous\/normal \d+×/, 'the mean over IPs is many times the normal one');
  assert.match(carried.evidence, /\b1 of 20 sources above the normal 95th percentile/);
  assert.equal(carried.status, 'does not hold', carried.evidence);
  assert.match(carried.headline ?? '', /^sources \d+×, 1 of 20 above normal p95$/);

  const everyone = world([{ n: 20, role: 'source', families: { avg_Port1_last_1: around(4) } }], normal);
  const all = verdictOf('port1.avg.sources-more-ports', everyone);
  assert.equal(all.status, 'holds', all.evidence);
  assert.match(all.evidence, /\b20 of 20 sources above the normal 95th percentile/);
});

test('a check that cannot see the flags is descriptive: a role difference normal IPs show as much', () => {
  // enable.summary.markers-on-sources: among anomalous IPs, markers on sources far more than on destinations.
  const markers = (share: number): Values => {
    const r = prng(Math.round(share * 1000));
    return (_i, _w, active) => (active && r() < share ? 1 : 0);
  };
  const groups = (source: number, dst: number, n: number): Rows[] => [
    { n, role: 'source', families: { avg_is_busybox: markers(source), avg_is_enable: markers(source) } },
    { n, role: 'dst', families: { avg_is_busybox: markers(dst), avg_is_enable: markers(dst) } },
  ];
  const sameInNormal = verdictOf(
    'enable.summary.markers-on-sources',
    world(groups(0.8, 0.05, 20), groups(0.8, 0.05, 60)),
  );
  assert.equal(sameInNormal.status, 'descriptive', sameInNormal.evidence);
  assert.match(sameInNormal.evidence, /normal IPs show it as much/);
  const onlyFlagged = verdictOf(
    'enable.summary.markers-on-sources',
    world(groups(0.8, 0.05, 20), groups(0.4, 0.4, 60)),
  );
  assert.equal(onlyFlagged.status, 'holds', onlyFlagged.evidence);
});

test('"no clear pattern" needs the power to see one: sparse timelines are inconclusive', () => {
  // ip-distance.avg.no-pattern: anomalous sources and destinations share no shape.
  const r = prng(8);
  const independent: Values = (_i, _w, active) => (active ? 1 + 9 * r() : 0);
  const rows = (active?: (i: number, w: number) => boolean): Rows[] =>
    (['source', 'dst'] as const).map((role) => ({ n: 20, role, active, families: { avg_IP_distance: independent } }));
  const normal = rows().map((g) => ({ ...g, n: 60 }));
  const dense = verdictOf('ip-distance.avg.no-pattern', world(rows(), normal));
  assert.equal(dense.status, 'holds', dense.evidence);
  // Each IP active in 2 of 60 windows: a shared shape could not show, so its absence says nothing.
  const sparse = verdictOf(
    'ip-distance.avg.no-pattern',
    world(
      rows((i, w) => w === (i * 7) % WINDOWS || w === (i * 7 + 31) % WINDOWS),
      normal,
    ),
  );
  assert.equal(sparse.status, 'inconclusive', sparse.evidence);
  assert.match(sparse.evidence, /found beyond the shifted null for [0-3] of 5 shapes/);
});

test('an outlier count needs a null: three standouts that normal groups of as many reach are inconclusive', () => {
  // length.sum.three-destinations-stand-out: three anomalous destinations stand out in sum_Length.
  // Every `every`-th IP among the first `among` at 50, the rest at 3.
  const tail =
    (every: number, among: number): Values =>
    (i, w, active) =>
      around(i % every === 0 && i < among ? 50 : 3)(i, w, active);
  const anomalous: Rows[] = [{ n: 20, role: 'dst', families: { sum_Length: tail(1, 3) } }];
  const quiet = verdictOf(
    'length.sum.three-destinations-stand-out',
    world(anomalous, [{ n: 60, role: 'dst', families: { sum_Length: around(3) } }]),
  );
  assert.equal(quiet.status, 'holds', quiet.evidence);
  const heavyTailed = verdictOf(
    'length.sum.three-destinations-stand-out',
    world(anomalous, [{ n: 60, role: 'dst', families: { sum_Length: tail(6, 60) } }]),
  );
  assert.equal(heavyTailed.status, 'inconclusive', heavyTailed.evidence);
  assert.match(heavyTailed.evidence, /3 destination .*normal groups of 20 reach [3-9] random/);
});

test('undefined windows are left out: one-packet windows carry no time difference and no spread', () => {
  // ip2.avg.destinations-lower: anomalous destinations have lower IP2 time differences.
  // Flagged destinations: the same gaps as normal ones where measured, and every other active window
  // a single packet whose gap is 0 (none measured). Counted as 0, they would read as "lower".
  const onePacketEveryOther = (i: number, w: number) => ((i + w) % 2 === 0 ? 1 : 3);
  const gaps: Values = (i, w, active) => (!active || onePacketEveryOther(i, w) === 1 ? 0 : around(10)(i, w, active));
  const gapWorld = world(
    [{ n: 20, role: 'dst', packets: onePacketEveryOther, families: { avg_IP2_time_diff_per_value: gaps } }],
    [{ n: 60, role: 'dst', families: { avg_IP2_time_diff_per_value: around(10) } }],
  );
  const lower = verdictOf('ip2.avg.destinations-lower', gapWorld);
  assert.equal(lower.status, 'does not hold', lower.evidence);
  assert.match(lower.evidence, /windows that measured no gap .* are left out/);

  // port2.std.normal-low: normal IPs' spread of Port2 is lower. Normal IPs spread as much where they
  // have two packets or more; their one-packet windows have no spread (0 by the pipeline's convention).
  const spread: Values = (i, w, active) => (!active || onePacketEveryOther(i, w) === 1 ? 0 : around(2)(i, w, active));
  const rows = (n: number, values: Values, packets?: (i: number, w: number) => number): Rows[] =>
    (['source', 'dst'] as const).map((role) => ({ n, role, packets, families: { std_Port2_last_1: values } }));
  const std = verdictOf('port2.std.normal-low', world(rows(20, around(2)), rows(60, spread, onePacketEveryOther)));
  assert.equal(std.status, 'does not hold', std.evidence);
});

test('a ratio over a zero level is said so and gives no ✔', () => {
  // busybox.summary.higher-for-anomalous: normal IPs never carry the marker, every flagged IP does.
  const rows = (n: number, values: Values): Rows[] =>
    (['source', 'dst'] as const).map((role) => ({ n, role, families: { avg_is_busybox: values } }));
  const verdict = verdictOf(
    'busybox.summary.higher-for-anomalous',
    world(
      rows(20, around(0.3)),
      rows(60, () => 0),
    ),
  );
  assert.equal(verdict.status, 'inconclusive', verdict.evidence);
  assert.match(verdict.evidence, /no ratio over a zero level/);
  assert.match(verdict.evidence, /20 of 20 sources above the normal 95th percentile 0/);
});
