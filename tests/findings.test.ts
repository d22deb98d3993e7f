/**
 * The findings: every seed bullet present with a stable id; every finding holds on a world built
 * for it and does not on one built against it; the logic of verdicts; rendering.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import {
  type Finding,
  OVERLAP_SECTION,
  SEED_SECTIONS,
  type VerdictStatus,
  allFindings,
  claimFamilies,
  evaluateFinding,
  evaluateFindings,
  figureFindings,
  figureMarkdown,
  findingContext,
  legendMarkdown,
  findingsMarkdown,
  seedSection,
  summaryMarkdown,
  verdictCounts,
} from '../lib/findings';
import { conjunction, judge } from '../lib/findings/verdict';
import { coherenceOf } from '../lib/findings/coherence';
import { levelsFigure } from '../lib/figures/levels';
import { higher } from '../lib/findings/claims';
import { worldFamilies, worldFor } from './finding-worlds';
import { prng, timelineFrame } from './frames';

const ROOT = path.resolve(__dirname, '..', '..');
const SEED = path.join(ROOT, '..', 'shared', 'seed', 'evaluation_5T_seed.md');
const HOSTILE = '<img src=x onerror=alert(1)>';

function byId(id: string): Finding {
  const found = allFindings().find((f) => f.id === id);
  if (!found) throw new Error(`no finding ${id}`);
  return found;
}

test('the sections follow the seed: families in order, every bullet once, in clear English, with stable ids', () => {
  assert.deepEqual(
    SEED_SECTIONS.map((s) => s.feature),
    [
      'Length',
      'IP1_IP2_time_diff_per_value',
      'IP1_time_diff_per_value',
      'IP2_time_diff_per_value',
      'IP_distance',
      'Port1_last_1',
      'Port2_last_1',
      'is_busybox',
      'is_enable',
    ],
  );
  assert.deepEqual(SEED_SECTIONS[0].figures, ['avg_Length', 'std_Length', 'sum_Length', 'count_Length']);
  assert.deepEqual(SEED_SECTIONS[4].figures, ['avg_IP_distance', 'std_IP_distance']);
  const all = allFindings();
  for (const finding of all) {
    assert.doesNotMatch(finding.text, /destiny|non anomalous|inyection|transmited|hicgher|summ tan/i, finding.text);
    assert.match(finding.id, /^[a-z0-9]+(?:[.-][a-z0-9]+)*$/, finding.id);
    assert.ok(finding.claim || finding.why, `${finding.id}: a claim or a reason`);
  }
  assert.equal(new Set(all.map((f) => f.id)).size, all.length, 'ids are unique');
  assert.equal(figureFindings(SEED_SECTIONS[0], 'count_Length').length, 2);
  assert.equal(seedSection('Port2_last_1'), SEED_SECTIONS[6]);
  assert.equal(seedSection('overlap'), OVERLAP_SECTION);
  assert.ok(existsSync(SEED), `the seed notebook is at ../shared/seed (${SEED})`);
  const bullets = readFileSync(SEED, 'utf8')
    .split('\n')
    .filter((l) => /^- /.test(l)).length;
  // Every seed bullet, plus the closing paragraph of the is_enable summary.
  assert.equal(all.length, bullets + 1);
});

test('the ids of the findings never change (rewording a finding keeps its id)', () => {
  // A reviewed list: a finding added or removed changes it on purpose, a renamed id is a broken contract.
  const ids = allFindings().map((f) => f.id);
  assert.equal(ids.length, 64);
  for (const id of [
    'overlap.most-common-to-all-runs',
    'length.avg.higher-for-anomalous',
    'length.count.standouts-are-a-pair',
    'ip1.summary.sources-reach-many-destinations',
    'port2.summary.high-values-anomalous',
    'enable.summary.markers-on-sources',
  ]) {
    assert.ok(ids.includes(id), id);
  }
});

/**
 * Findings whose check cannot depend on the flags, reviewed: statements about normal IPs, two
 * summaries of one variable (correlated by construction), role comparisons over all IPs. On a world
 * built for them they are descriptive, never ✔; on one built against them the data contradict them.
 */
const DESCRIPTIVE_BY_DESIGN: Readonly<Record<string, string>> = {
  'length.avg.destinations-below-sources': 'a role comparison over all IPs, normal ones included',
  'length.std.destinations-below-sources': 'a role comparison over all IPs, normal ones included',
  'length.sum.sources-follow-average': 'the sum and the mean of one variable',
  'ip12.std.like-average': 'the spread and the mean of one variable',
  'ip1.avg.normal-destinations-all-over': 'about normal IPs only',
  'ip2.avg.normal-sources-all-over': 'about normal IPs only',
};

// Every finding with a claim, on a world built for it and one built against it.
for (const finding of allFindings().filter((f) => f.claim)) {
  const claim = finding.claim!;
  const description = claim.kind === 'describe';
  const byDesign = finding.id in DESCRIPTIVE_BY_DESIGN;
  test(`${finding.id}: ${description ? 'descriptive on any world' : byDesign ? 'descriptive on a world built for it, does not hold on one built against it' : 'holds on a world built for it, does not hold on one built against it'}`, () => {
    const families = worldFamilies(claimFamilies(claim));
    for (const holds of [true, false]) {
      const verdict = evaluateFinding(finding, findingContext(worldFor(claim, families, holds)));
      const expected: VerdictStatus =
        description || (byDesign && holds) ? 'descriptive' : holds ? 'holds' : 'does not hold';
      assert.equal(verdict.status, expected, `${holds ? 'built for it' : 'built against it'}: ${verdict.evidence}`);
    }
  });
}

test("a verdict needs the word's threshold AND the null: between them it is inconclusive", () => {
  const much = { holdsAt: 2, failsAt: 1.25 };
  assert.equal(judge(3, much, true), 'holds');
  assert.equal(judge(3, much, false), 'inconclusive', 'beyond the threshold, within the null');
  assert.equal(judge(1.5, much, true), 'inconclusive', 'higher, but not "much"');
  assert.equal(judge(1.25, much, true), 'does not hold');
  assert.equal(judge(NaN, much, true), 'does not hold');
});

test('a conjunction is ✘ when any part is ✘, whatever the other parts say', () => {
  const v = (status: VerdictStatus) => ({ status, evidence: status });
  assert.equal(conjunction([v('holds'), v('does not hold')]).status, 'does not hold');
  assert.equal(conjunction([v('not checkable'), v('does not hold')]).status, 'does not hold');
  assert.equal(conjunction([v('holds'), v('inconclusive')]).status, 'inconclusive');
  assert.equal(conjunction([v('holds'), v('not checkable')]).status, 'not checkable');
  assert.equal(conjunction([v('holds'), v('descriptive')]).status, 'holds');
  assert.equal(conjunction([v('holds'), v('does not hold')]).evidence, 'holds; does not hold.');
});

test('levels are compared over active windows: a busier group with the same level is not "higher"', () => {
  // Anomalous IPs active in every window, normal ones in one window in ten, both at the same level while active.
  const r = prng(3);
  const rows = (prefix: string, n: number, every: number) =>
    Object.fromEntries(
      Array.from({ length: n }, (_, i) => [
        `${prefix}.${i}source`,
        {
          count_Length: (w: number) => ((w + i) % every === 0 ? 3 : 0),
          avg_Length: (w: number) => ((w + i) % every === 0 ? 60 + r() : 0),
        },
      ]),
    );
  const ctx = findingContext({
    anomalous: timelineFrame(rows('10.0.0', 20, 1), 60),
    normalSample: timelineFrame(rows('10.1.0', 80, 10), 60),
  });
  const verdict = evaluateFinding(
    { id: 'test.busy', family: 'avg_Length', text: 'higher', claim: higher('avg_Length', { roles: ['source'] }) },
    ctx,
  );
  assert.equal(verdict.status, 'does not hold', verdict.evidence);
  assert.match(verdict.evidence, /Active windows, anomalous vs normal: source 100% vs 10%/);
});

test('interpretations and families the data lack are "not checkable" with a reason; a bug is thrown, never a verdict', () => {
  const world = findingContext(worldFor(byId('length.avg.higher-for-anomalous').claim!, ['count_Length'], true));
  const interpretation = evaluateFinding(byId('length.malware-injection'), world);
  assert.equal(interpretation.status, 'not checkable');
  assert.match(interpretation.evidence, /^Interpretation: the data hold packet statistics/);
  const missing = evaluateFinding(byId('port1.sum.more-ports'), world);
  assert.equal(missing.status, 'not checkable');
  assert.match(missing.evidence, /lacks sum_Port1_last_1 \(not in the anomalous rows nor the normal rows\)/);
  const broken = findingContext({
    ...worldFor(byId('length.avg.higher-for-anomalous').claim!, ['count_Length', 'avg_Length'], true),
  });
  broken.perIp = () => {
    throw new TypeError('a bug');
  };
  assert.throws(() => evaluateFinding(byId('length.avg.higher-for-anomalous'), broken), /a bug/);
});

test('the same data and seed give the same verdicts; the nulls are seeded', () => {
  const claim = byId('length.sum.much-higher-for-anomalous').claim!;
  const inputs = worldFor(claim, worldFamilies(claimFamilies(claim)), true);
  const a = evaluateFinding(byId('length.sum.much-higher-for-anomalous'), findingContext(inputs));
  const b = evaluateFinding(byId('length.sum.much-higher-for-anomalous'), findingContext(inputs));
  assert.deepEqual(a, b);
  assert.match(a.evidence, /normal groups reach [\d.]+× random, [\d.]+× activity-matched/);
});

test('markdown escapes attacker-written labels and tallies every verdict', () => {
  const claim = byId('length.count.a-couple-stand-out').claim!;
  const inputs = worldFor(claim, worldFamilies(claimFamilies(claim)), true);
  const anomalous = inputs.anomalous;
  const hostile = timelineFrame(
    Object.fromEntries(
      anomalous.index.map((label, r) => [
        r === 0 ? `${HOSTILE}source` : label,
        Object.fromEntries(
          anomalous.families().map((family) => [family, Array.from(anomalous.family(family).series(r))]),
        ),
      ]),
    ),
    60,
  );
  const ctx = findingContext({ ...inputs, anomalous: hostile });
  const text = findingsMarkdown(evaluateFindings([byId('length.count.a-couple-stand-out')], ctx));
  assert.ok(!text.includes('<img'), text);
  assert.ok(text.startsWith('- ✔ holds — For both source and destination IPs, a couple of IPs stand out'), text);
  assert.ok(text.includes('&lt;img src=x onerror=alert\\(1\\)&gt;source'), text);
  const summary = summaryMarkdown(SEED_SECTIONS[0], ctx);
  assert.match(summary, /^### Length summary/);
  assert.match(summary, /_\d+ hold, \d+ do not hold, \d+ inconclusive, \d+ descriptive, \d+ not checkable\._$/);
  const figure = figureMarkdown(SEED_SECTIONS[0], 'count_Length', ctx);
  assert.ok(figure.indexOf('**Findings of the seed') < figure.indexOf('**Evidence for count\\_Length**'), figure);
  const counts = verdictCounts(evaluateFindings(SEED_SECTIONS[0], ctx));
  assert.equal(
    Object.values(counts).reduce((a, b) => a + b, 0),
    SEED_SECTIONS[0].notes.flatMap((n) => n.findings).length + SEED_SECTIONS[0].summary.length,
  );
});

test('coherence: one shared shape is near 1, noise near 0, and it equals a direct leave-one-out computation', () => {
  const r = prng(9);
  const shapeOf = (i: number) =>
    Float64Array.from({ length: 60 }, (_, w) => (1 + i) * (10 + 5 * Math.sin(w / 5)) + r());
  const sharedShape = Array.from({ length: 12 }, (_, i) => shapeOf(i));
  const noise = Array.from({ length: 12 }, () => Float64Array.from({ length: 60 }, () => r() * 10));
  assert.ok(coherenceOf(sharedShape) > 0.9);
  assert.ok(Math.abs(coherenceOf(noise)) < 0.4);
  // Independent: the mean of the others window by window, Pearson's r by the textbook, the median.
  const direct = (series: Float64Array[], shifts: number[]) => {
    const at = (i: number, w: number) => series[i][(w - shifts[i] + 60) % 60];
    const rs = series
      .map((_, i) => {
        const own = Array.from({ length: 60 }, (_, w) => at(i, w));
        const others = Array.from(
          { length: 60 },
          (_, w) => series.reduce((s, __, j) => (j === i ? s : s + at(j, w)), 0) / (series.length - 1),
        );
        const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
        const [mo, mt] = [mean(own), mean(others)];
        const cov = own.reduce((s, x, w) => s + (x - mo) * (others[w] - mt), 0);
        return (
          cov / Math.sqrt(own.reduce((s, x) => s + (x - mo) ** 2, 0) * others.reduce((s, x) => s + (x - mt) ** 2, 0))
        );
      })
      .sort((a, b) => a - b);
    return (rs[5] + rs[6]) / 2;
  };
  const mixed = [...sharedShape.slice(0, 6), ...noise.slice(0, 6)];
  const shifts = mixed.map((_, i) => (i * 7) % 60);
  assert.ok(Math.abs(coherenceOf(mixed, Int32Array.from(shifts)) - direct(mixed, shifts)) < 1e-9);
  assert.ok(
    Math.abs(
      coherenceOf(mixed) -
        direct(
          mixed,
          shifts.map(() => 0),
        ),
    ) < 1e-9,
  );
  // With a missing value the direct path is taken; it agrees where nothing is missing.
  const gapped = mixed.map((s) => s.slice());
  gapped[0][3] = NaN;
  assert.ok(Number.isFinite(coherenceOf(gapped)));
});

test('the levels figure shows what the verdicts measure: the level over active windows, and activity apart', () => {
  // Anomalous IPs busy at level 60, normal ones in one window in ten at level 60: same level, different activity.
  const rows = (prefix: string, n: number, every: number) =>
    Object.fromEntries(
      Array.from({ length: n }, (_, i) => [
        `${prefix}.${i}source`,
        {
          count_Length: (w: number) => ((w + i) % every === 0 ? 3 : 0),
          avg_Length: (w: number) => ((w + i) % every === 0 ? 60 : 0),
        },
      ]),
    );
  const ctx = findingContext({
    anomalous: timelineFrame(rows('10.0.0', 4, 1), 60),
    normalSample: timelineFrame(rows('10.1.0', 20, 10), 60),
  });
  const fig = levelsFigure(ctx, 'avg_Length');
  const bar = (name: string, axis: string) =>
    fig.data.find((t) => t.name === name && t.xaxis === axis)!.y as (number | null)[];
  assert.deepEqual(bar('anomalous', 'x'), [60, null], 'level over active windows; no destination IP');
  assert.deepEqual(bar('normal', 'x'), [60, null]);
  assert.deepEqual(bar('anomalous', 'x2'), [1, null], 'active in every window');
  const [share, none] = bar('normal', 'x2');
  assert.ok(Math.abs(share! - 0.1) < 1e-12 && none === null, 'active in one window in ten');
});

test('the legend of the marks is the code\'s: README\'s "How findings are checked" and the notebook show legend.ts', () => {
  const legend = legendMarkdown();
  assert.match(
    legend,
    /\| Level of the flagged IPs vs normal ones .* more than 50% of the flagged IPs of the role are each beyond the normal 95th percentile/,
  );
  const readme = readFileSync(path.join(ROOT, 'README.md'), 'utf8');
  const section = readme.slice(readme.indexOf('## How findings are checked'), readme.indexOf('## Benchmarks'));
  assert.ok(section.includes(legend), 'README: rerun the legend into "How findings are checked"');
  const notebook = JSON.parse(readFileSync(path.join(ROOT, 'notebooks', 'evaluation_5T.ipynb'), 'utf8'));
  const title = (notebook.cells[0].source as string[]).join('');
  assert.ok(title.includes(legend), 'the notebook: rerun node dist/scripts/build-notebook.js');
});
