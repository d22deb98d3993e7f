/**
 * The findings on generated demo data: the verdicts, pinned in a reviewed list with the reason for
 * every one that is not ✔; the same verdicts from the streamed sample that keeps only the
 * findings' families; and the null: flag random or the busiest normal rows instead, and few hold.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { demoDataset } from './demo-dataset';
import { type Evaluation, evaluate } from '../lib/summary/evaluate';
import {
  SEED_SECTIONS,
  type VerdictStatus,
  claimFamilies,
  evaluateFindings,
  findingContext,
  verdictCounts,
} from '../lib/findings';
import { activeShares } from '../lib/findings/measures';
import { readTable } from '../lib/loaders';
import type { Frame } from '../lib/table/frame';
import { ROLES } from '../lib/types';
import { prng } from './frames';

/**
 * The demo's verdicts, reviewed. ✔ are listed by id; every other verdict with why. A change here
 * is a change of what readers are told: review the evidence before updating it.
 */
const PINNED: Readonly<Record<string, VerdictStatus | [VerdictStatus, string]>> = {
  'overlap.most-common-to-all-runs': 'holds',
  'overlap.reference-run-gives-most-insight': 'holds',
  'overlap.special-cases-from-window-length': ['descriptive', 'a count of IPs, no comparison'],
  'overlap.special-cases-to-look-at': ['not checkable', 'a to-do'],
  'length.avg.anomalous-sources-vary': [
    'does not hold',
    'over active windows flagged sources vary no more than normal ones (0.98×)',
  ],
  'length.avg.destinations-below-sources': [
    'descriptive',
    'a role comparison over all IPs, normal ones included: it does not depend on the flags',
  ],
  'length.avg.much-higher-for-anomalous': [
    'does not hold',
    'destinations 1.1×; 3 of 32 sources and 1 of 24 destinations above the normal 95th percentile',
  ],
  'length.std.anomalous-sources-two-clusters': 'holds',
  'length.std.destinations-below-sources': [
    'descriptive',
    'a role comparison over all IPs, normal ones included: it does not depend on the flags',
  ],
  'length.std.normal-destinations-some-spread': [
    'descriptive',
    'says normal destinations show some spread; compares nothing',
  ],
  'length.sum.sources-follow-average': [
    'does not hold',
    'over active windows the sum follows the packet count, not the average (0.20)',
  ],
  'length.sum.three-destinations-stand-out': [
    'inconclusive',
    'two stand out (the demo plants one bulk receiver and the pair), and normal groups of 24 reach five',
  ],
  'length.sum.much-higher-and-varies-more': 'holds',
  'length.count.a-couple-stand-out': [
    'inconclusive',
    "one source (the pair's) and two destinations, and normal groups of as many reach six",
  ],
  'length.count.standouts-are-a-pair': 'holds',
  'length.avg.higher-for-anomalous': [
    'does not hold',
    'sources 1.6× on the mean over IPs, carried by a few: 3 of 32 above the normal 95th percentile, 5 of 32 above its median',
  ],
  'length.std.similar-except-sources': [
    'does not hold',
    'destinations are not similar (0.07×) and sources are lower, not higher',
  ],
  'length.sum.much-higher-for-anomalous': 'holds',
  'length.count.more-connections': 'holds',
  'length.malware-injection': ['not checkable', 'interpretation'],
  'ip12.avg.roles-same-pattern': 'holds',
  'ip12.avg.higher-for-anomalous': 'holds',
  'ip12.std.like-average': ['descriptive', 'the spread and the mean of one variable move together in any group'],
  'ip12.std.normal-very-low': 'holds',
  'ip12.sum.clearly-higher': 'holds',
  'ip12.summary.clear-pattern': 'holds',
  'ip12.summary.higher-for-anomalous': 'holds',
  'ip12.summary.programmatic': ['not checkable', 'interpretation'],
  'ip1.avg.sources-no-pattern-normal-do': ['does not hold', 'normal sources share no shape (coherence −0.03)'],
  'ip1.avg.destinations-pattern': 'holds',
  'ip1.avg.normal-destinations-all-over': ['descriptive', 'about normal IPs only'],
  'ip1.std.same-as-average': ['does not hold', 'as for the average: normal sources share no shape'],
  'ip1.sum.sources-no-pattern-low': [
    'inconclusive',
    "anomalous sources' coherence 0.34, between 0.3 and 0.5; sources below destinations as much as in normal groups",
  ],
  'ip1.sum.destinations-as-before': 'holds',
  'ip1.summary.sources-low-no-pattern': [
    'does not hold',
    '5× lower on the mean over IPs, but 28 of 32 sources are above the normal median',
  ],
  'ip1.summary.sources-reach-many-destinations': 'holds',
  'ip1.summary.hypothesis-support': ['not checkable', 'refers to a hypothesis'],
  'ip1.summary.destinations-pattern-from-one-source': [
    'does not hold',
    'anomalous destinations hear from ~98 distinct senders per active window, not one',
  ],
  'ip2.avg.sources-like-ip1': 'holds',
  'ip2.avg.destinations-lower': [
    'inconclusive',
    '8.6× lower on the mean over IPs; 14 of 24 below the normal median, none below its 5th percentile',
  ],
  'ip2.avg.normal-sources-all-over': ['descriptive', 'about normal IPs only'],
  'ip2.std.same-as-above': [
    'does not hold',
    'destinations: 11 of 24 below the normal median, none below its 5th percentile',
  ],
  'ip2.summary.sources-probe-many-destinations': 'holds',
  'ip2.summary.pattern-between-hosts': ['not checkable', 'a hypothesis'],
  'ip2.summary.patterns-switch': 'holds',
  'ip-distance.avg.no-pattern': ['inconclusive', 'coherence 0.33 and 0.31, between 0.3 and 0.5'],
  'ip-distance.summary.std-higher': 'holds',
  'port1.avg.sources-more-ports': 'holds',
  'port1.avg.four-destinations-stand-out': [
    'inconclusive',
    'four stand out, but normal groups of 24 have up to 5 (random) and 8 (activity-matched) standouts',
  ],
  'port1.std.normal-lower': 'holds',
  'port1.sum.more-ports': 'holds',
  'port1.summary.destinations-contacted-by-busy-ports': 'holds',
  'port1.summary.normal-very-few-ports': 'holds',
  'port2.avg.sources-more-ports': 'holds',
  'port2.avg.destinations-more-ports': 'holds',
  'port2.avg.normal-little-to-none': ['descriptive', 'a level of normal IPs, no comparison'],
  'port2.std.normal-low': 'holds',
  'port2.sum.more-ports': 'holds',
  'port2.summary.higher-scanning': 'holds',
  'port2.summary.high-values-anomalous': 'holds',
  'busybox.summary.higher-for-anomalous': [
    'does not hold',
    'not "most": 13 of 32 sources and 7 of 24 destinations carry the marker at all (60× on the mean)',
  ],
  'enable.summary.std-higher': ['does not hold', 'destinations 0.21×; 12 of 32 sources above the normal median'],
  'enable.summary.some-above-normal-mostly-sources': 'holds',
  'enable.summary.markers-on-sources': 'holds',
};

/** Families made normal in the labeling test: every one that carries a ✔ on the demo. */
const MADE_NORMAL = [
  'avg_Length',
  'std_Length',
  'sum_Length',
  'avg_IP1_IP2_time_diff_per_value',
  'std_IP1_IP2_time_diff_per_value',
  'sum_IP1_IP2_time_diff_per_value',
  'std_IP_distance',
  'avg_Port1_last_1',
  'avg_Port2_last_1',
  'avg_is_busybox',
];

/** A family's values over each active window of one row (independently of lib/findings/measures). */
function activeValues(frame: Frame, family: string, r: number): number[] {
  const view = frame.family(family);
  const count = frame.family('count_Length');
  const out: number[] = [];
  for (let w = 0; w < view.columns.length; w++)
    if (frame.values[r * frame.nCols + count.columns[w]] > 0) out.push(frame.values[r * frame.nCols + view.columns[w]]);
  return out;
}

/** Each row's mean of a family over its active windows (NaN when never active). */
function activeMeans(frame: Frame, family: string): number[] {
  return Array.from({ length: frame.nRows }, (_, r) => {
    const v = activeValues(frame, family, r);
    return v.length > 0 ? v.reduce((a, b) => a + b, 0) / v.length : Number.NaN;
  });
}

function median(xs: number[]): number {
  const sorted = xs.filter(Number.isFinite).sort((a, b) => a - b);
  return sorted[sorted.length >> 1];
}

describe('the findings on generated demo data', () => {
  let dir = '';
  let streamed: Evaluation;
  let models: string[] = [];
  let fullPath = '';

  before(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'findings-demo-'));
    ({ models, full: fullPath } = demoDataset(dir));
    streamed = await evaluate({ models, full: fullPath, sampleSize: 4000, seed: 42, keepSampleValues: false });
  });

  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  test('the verdicts are the reviewed ones', () => {
    const got = Object.fromEntries(streamed.summary.findings.map((f) => [f.id, f.verdict]));
    const want = Object.fromEntries(Object.entries(PINNED).map(([id, v]) => [id, typeof v === 'string' ? v : v[0]]));
    assert.deepEqual(got, want);
    for (const [id, v] of Object.entries(PINNED))
      assert.ok(typeof v === 'string' ? v === 'holds' : v[1].length > 0, `${id}: a reason for every verdict but ✔`);
  });

  test("the sample that keeps only the findings' families gives the same findings as the whole sample", async () => {
    const whole = await evaluate({ models, full: fullPath, sampleSize: 4000, seed: 42 });
    assert.ok(streamed.full.sample.nCols < whole.full.sample.nCols);
    assert.deepEqual(streamed.summary.findings, whole.summary.findings);
  });

  test('flagging random or the busiest normal rows instead: few findings hold', async () => {
    const full = await readTable(fullPath);
    const flaggedByAnyRun = new Set(streamed.runs.flatMap((run) => run.frame.index));
    const normal = full.index.flatMap((label, r) => (flaggedByAnyRun.has(label) ? [] : [r]));
    const size = streamed.anomalous.nRows;
    const random = prng(5);
    const shuffled = normal
      .map((r) => [random(), r])
      .sort((a, b) => a[0] - b[0])
      .map(([, r]) => r);
    const activity = activeShares(full);
    const busiest = [...normal].sort((a, b) => activity[b] - activity[a]);
    const tally = (flagged: number[]) => {
      const chosen = new Set(flagged);
      const ctx = findingContext({
        anomalous: full.selectRows(flagged),
        normalSample: full.selectRows(normal.filter((r) => !chosen.has(r))),
        seed: 42,
      });
      return verdictCounts(SEED_SECTIONS.flatMap((section) => evaluateFindings(section, ctx)));
    };
    const real = verdictCounts(
      SEED_SECTIONS.flatMap((section) =>
        evaluateFindings(
          section,
          findingContext({ anomalous: streamed.anomalous, normalSample: streamed.full.sample, seed: 42 }),
        ),
      ),
    );
    for (const [name, flagged] of [
      ['random', shuffled.slice(0, size)],
      ['busiest', busiest.slice(0, size)],
    ] as const) {
      const counts = tally(flagged);
      assert.ok(counts.holds <= 5, `${name} normal rows flagged: ${JSON.stringify(counts)}`);
      assert.ok(counts.holds < real.holds / 4, `${name}: ${counts.holds} hold vs ${real.holds} for the real flags`);
    }
  });

  test('a family made normal for every flagged IP but the most extreme of each role: its findings lose their ✔', async () => {
    // Each flagged IP but one per role gets, in each of its active windows, a value drawn from the active
    // windows of a random normal IP of its role: its level is a normal IP's. One extreme IP is left per role.
    const full = await readTable(fullPath);
    const flaggedByAnyRun = new Set(streamed.runs.flatMap((run) => run.frame.index));
    const normal = full.index.flatMap((label, r) => (flaggedByAnyRun.has(label) ? [] : [r]));
    const flagged = streamed.anomalous.index.map((label) => full.rowOf(label));
    const normalSample = full.selectRows(normal);
    const random = prng(7);
    let left = 0;
    let before = 0;
    const names = (family: string) =>
      SEED_SECTIONS.flatMap((s) => [...s.notes.flatMap((n) => n.findings), ...s.summary]).filter(
        (f) => f.claim && claimFamilies(f.claim).includes(family),
      );
    const holding = (anomalous: Frame, family: string) => {
      const ctx = findingContext({ anomalous, normalSample, seed: 42 });
      return evaluateFindings(names(family), ctx)
        .filter((r) => r.verdict.status === 'holds')
        .map((r) => r.finding.id);
    };
    const survivors: string[] = [];
    for (const family of MADE_NORMAL) {
      const anomalous = full.selectRows(flagged);
      const levels = activeMeans(anomalous, family);
      const normalLevels = activeMeans(full, family);
      const keep = new Set(
        ROLES.map((role) => {
          const typical = median(normal.filter((r) => full.roles[r] === role).map((r) => normalLevels[r]));
          const rows = anomalous.rowsWithRole(role).filter((r) => Number.isFinite(levels[r]));
          const extremeness = (r: number) => Math.abs(Math.log((levels[r] + 1e-9) / (typical + 1e-9)));
          return rows.reduce((a, b) => (extremeness(b) > extremeness(a) ? b : a));
        }),
      );
      const donors = (role: string) =>
        normal
          .filter((r) => full.roles[r] === role)
          .map((r) => activeValues(full, family, r))
          .filter((v) => v.length > 0);
      const pools = { source: donors('source'), dst: donors('dst') };
      const view = anomalous.family(family);
      const activity = anomalous.family('count_Length');
      for (let r = 0; r < anomalous.nRows; r++) {
        if (keep.has(r)) continue;
        const pool = pools[anomalous.roles[r]];
        const donor = pool[Math.floor(random() * pool.length)];
        for (let w = 0; w < view.columns.length; w++) {
          const active = anomalous.values[r * anomalous.nCols + activity.columns[w]] > 0;
          anomalous.values[r * anomalous.nCols + view.columns[w]] = active
            ? donor[Math.floor(random() * donor.length)]
            : 0;
        }
      }
      before += holding(full.selectRows(flagged), family).length;
      const still = holding(anomalous, family);
      left += still.length;
      survivors.push(...still.map((id) => `${family}: ${id}`));
    }
    assert.ok(before >= 15, `${before} ✔ name these families with the real flags`);
    assert.ok(left <= 3, `${left} ✔ left: ${survivors.join(', ')}`);
  });
});
