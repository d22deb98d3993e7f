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
import { generateDataset } from '../data/synth/dataset';
import { DEMO_SCALE } from '../data/synth/layout';
import { type Evaluation, evaluate } from '../lib/summary/evaluate';
import { SEED_SECTIONS, type VerdictStatus, evaluateFindings, findingContext, verdictCounts } from '../lib/findings';
import { activeShares } from '../lib/findings/measures';
import { readTable } from '../lib/loaders';
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
    'inconclusive',
    'anomalous 1.9×, but shuffling roles among 56 very different IPs reaches 3.3×',
  ],
  'length.avg.much-higher-for-anomalous': ['does not hold', 'destinations 1.1× on active windows: not "much" higher'],
  'length.std.anomalous-sources-two-clusters': [
    'inconclusive',
    'bimodal (0.71), but random normal groups are too (0.73)',
  ],
  'length.std.destinations-below-sources': 'holds',
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
    'two stand out: the demo plants one bulk receiver (the seed scale two) and the pair',
  ],
  'length.sum.much-higher-and-varies-more': 'holds',
  'length.count.a-couple-stand-out': ['inconclusive', "one source (the pair's) and two destinations"],
  'length.count.standouts-are-a-pair': 'holds',
  'length.avg.higher-for-anomalous': [
    'inconclusive',
    'sources 1.6×, destinations 1.1× (random normal groups reach 1.4×)',
  ],
  'length.std.similar-except-sources': [
    'does not hold',
    'destinations are not similar (0.08×) and sources are lower, not higher',
  ],
  'length.sum.much-higher-for-anomalous': 'holds',
  'length.count.more-connections': 'holds',
  'length.malware-injection': ['not checkable', 'interpretation'],
  'ip12.avg.roles-same-pattern': 'holds',
  'ip12.avg.higher-for-anomalous': 'holds',
  'ip12.std.like-average': 'holds',
  'ip12.std.normal-very-low': 'holds',
  'ip12.sum.clearly-higher': 'holds',
  'ip12.summary.clear-pattern': 'holds',
  'ip12.summary.higher-for-anomalous': 'holds',
  'ip12.summary.programmatic': ['not checkable', 'interpretation'],
  'ip1.avg.sources-no-pattern-normal-do': ['does not hold', 'normal sources share no shape (coherence −0.02)'],
  'ip1.avg.destinations-pattern': 'holds',
  'ip1.avg.normal-destinations-all-over': 'holds',
  'ip1.std.same-as-average': ['does not hold', 'as for the average: normal sources share no shape'],
  'ip1.sum.sources-no-pattern-low': ['inconclusive', "anomalous sources' coherence 0.34, between 0.3 and 0.5"],
  'ip1.sum.destinations-as-before': 'holds',
  'ip1.summary.sources-low-no-pattern': ['inconclusive', '3.8× lower, short of "very" (4×); coherence 0.45'],
  'ip1.summary.sources-reach-many-destinations': 'holds',
  'ip1.summary.hypothesis-support': ['not checkable', 'refers to a hypothesis'],
  'ip1.summary.destinations-pattern-from-one-source': [
    'does not hold',
    'anomalous destinations hear from ~98 distinct senders per active window, not one',
  ],
  'ip2.avg.sources-like-ip1': 'holds',
  'ip2.avg.destinations-lower': 'holds',
  'ip2.avg.normal-sources-all-over': 'holds',
  'ip2.std.same-as-above': [
    'inconclusive',
    'destinations 4.8× lower, but heavy-tailed normal gaps let random groups reach 9.7×',
  ],
  'ip2.summary.sources-probe-many-destinations': 'holds',
  'ip2.summary.pattern-between-hosts': ['not checkable', 'a hypothesis'],
  'ip2.summary.patterns-switch': 'holds',
  'ip-distance.avg.no-pattern': ['inconclusive', 'coherence 0.33 and 0.31, between 0.3 and 0.5'],
  'ip-distance.summary.std-higher': 'holds',
  'port1.avg.sources-more-ports': 'holds',
  'port1.avg.four-destinations-stand-out': 'holds',
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
    'inconclusive',
    'sources 60×, destinations 1.1×: the receiving side carries almost no markers',
  ],
  'enable.summary.std-higher': ['does not hold', 'destinations 0.29×'],
  'enable.summary.some-above-normal-mostly-sources': 'holds',
  'enable.summary.markers-on-sources': 'holds',
};

describe('the findings on generated demo data', () => {
  let dir = '';
  let streamed: Evaluation;
  let models: string[] = [];
  let fullPath = '';

  before(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'findings-demo-'));
    generateDataset({ scale: DEMO_SCALE, seed: 2019, outDir: dir });
    models = fs
      .readdirSync(path.join(dir, 'models'))
      .sort()
      .map((d) => path.join(dir, 'models', d));
    fullPath = path.join(dir, 'final', 'final_dataset_5T.csv');
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
      assert.ok(counts.holds <= 10, `${name} normal rows flagged: ${JSON.stringify(counts)}`);
      assert.ok(counts.holds < real.holds / 2, `${name}: ${counts.holds} hold vs ${real.holds} for the real flags`);
    }
  });
});
