import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { Frame } from '../lib/frame';
import { prng, timelineFrame } from './frames';
import { FamilyStats } from '../lib/types';
import {
  Finding, FindingContext, OVERLAP_SECTION, SEED_SECTIONS, evaluateFindings, figureFindings, findingContext,
  figureMarkdown, findingsMarkdown, seedSection, summaryMarkdown, verdictCounts,
} from '../lib/findings';

const NW = 60;
const HOSTILE = '<img src=x onerror=alert(1)>';

type Timeline = (w: number) => number;
const frameOf = (rows: Record<string, Record<string, Timeline>>): Frame => timelineFrame(rows, NW);

const rng = prng;

/** Rows `prefix.i` + role with families built by `make(i)`. */
function rowsOf(prefix: string, role: 'source' | 'dst', n: number, make: (i: number) => Record<string, Timeline>): Record<string, Record<string, Timeline>> {
  const out: Record<string, Record<string, Timeline>> = {};
  for (let i = 0; i < n; i++) out[`${prefix}.${i}${role}`] = make(i);
  return out;
}

function findingByText(text: string): Finding {
  for (const section of [...SEED_SECTIONS, OVERLAP_SECTION]) {
    for (const finding of [...section.notes.flatMap((n) => n.findings), ...section.summary]) {
      if (finding.text === text) return finding;
    }
  }
  throw new Error(`no finding ${text}`);
}

function verdictOf(text: string, ctx: FindingContext) {
  const [{ verdict }] = evaluateFindings([findingByText(text)], ctx);
  return verdict;
}

/** Length families: anomalous sources long and varied, destinations shorter; normal short. */
function lengthWorld(normalLevel: number): FindingContext {
  const r = rng(7);
  const noisy = (base: number): Timeline => {
    const v = Array.from({ length: NW }, () => (r() < 0.3 ? 0 : base * (0.6 + 0.8 * r())));
    return (w) => v[w];
  };
  const anomalous = frameOf({
    ...rowsOf('10.0.0', 'source', 20, () => ({ avg_Length: noisy(60) })),
    ...rowsOf('10.0.1', 'dst', 15, () => ({ avg_Length: noisy(30) })),
  });
  const normalSample = frameOf({
    ...rowsOf('10.1.0', 'source', 50, () => ({ avg_Length: noisy(normalLevel) })),
    ...rowsOf('10.1.1', 'dst', 50, () => ({ avg_Length: noisy(normalLevel / 2) })),
  });
  return findingContext({ anomalous, normalSample });
}

test('the sections follow the seed: families in order, figures, every bullet in clear English', () => {
  assert.deepEqual(SEED_SECTIONS.map((s) => s.feature), [
    'Length', 'IP1_IP2_time_diff_per_value', 'IP1_time_diff_per_value', 'IP2_time_diff_per_value', 'IP_distance',
    'Port1_last_1', 'Port2_last_1', 'is_busybox', 'is_enable',
  ]);
  assert.deepEqual(SEED_SECTIONS[0].figures, ['avg_Length', 'std_Length', 'sum_Length', 'count_Length']);
  assert.deepEqual(SEED_SECTIONS[4].figures, ['avg_IP_distance', 'std_IP_distance']);
  const all: Finding[] = [];
  for (const section of [...SEED_SECTIONS, OVERLAP_SECTION]) {
    assert.deepEqual(section.notes.map((n) => n.family), section.figures, `${section.feature}: notes follow the figures`);
    all.push(...section.notes.flatMap((n) => n.findings), ...section.summary);
  }
  for (const finding of all) {
    assert.doesNotMatch(finding.text, /destiny|non anomalous|inyection|transmited|hicgher|summ tan/i, finding.text);
    assert.ok(finding.check || finding.why, `${finding.text}: a check or a reason`);
  }
  assert.equal(figureFindings(SEED_SECTIONS[0], 'count_Length').length, 2);
  assert.equal(seedSection('Port2_last_1'), SEED_SECTIONS[6]);
  assert.equal(seedSection('overlap'), OVERLAP_SECTION);
  const seed = '/work/shared/seed/evaluation_5T_seed.md';
  if (existsSync(seed)) {
    const bullets = readFileSync(seed, 'utf8').split('\n').filter((l) => /^- /.test(l)).length;
    // Every seed bullet, plus the closing paragraph of the is_enable summary.
    assert.equal(all.length, bullets + 1);
  }
});

test('"much higher for anomalous IPs" holds when anomalous is over twice normal and fails when not', () => {
  const text = 'The average packet length is much higher for anomalous IPs.';
  const holds = verdictOf(text, lengthWorld(10));
  assert.equal(holds.status, 'holds', holds.evidence);
  assert.match(holds.evidence, /Mean of avg_Length, anomalous vs normal: source .* vs .*; holds if anomalous is at least 2× normal for both roles\./);
  const fails = verdictOf(text, lengthWorld(45));
  assert.equal(fails.status, 'does not hold', fails.evidence);
});

test('normal means come from all normal rows when their statistics are given', () => {
  const ctx = lengthWorld(10);
  const stats: FamilyStats = new Map([['avg_Length', {
    source: { ips: 40000, values: 2_400_000, mean: 200, max: 1500, nonzeroShare: 0.5 },
    dst: { ips: 30000, values: 1_800_000, mean: 100, max: 1500, nonzeroShare: 0.5 },
  }]]);
  const text = 'The average packet length is much higher for anomalous IPs.';
  const v = verdictOf(text, findingContext({ anomalous: ctx.anomalous, normalSample: ctx.normalSample, normalStats: stats }));
  assert.equal(v.status, 'does not hold');
  assert.match(v.evidence, /vs 200 /);
});

test('"destination lower than source" holds for the built data and fails when roles swap', () => {
  const text = 'Destination IPs have a lower average packet length than source IPs.';
  assert.equal(verdictOf(text, lengthWorld(10)).status, 'holds');
  const r = rng(3);
  const swapped = frameOf({
    ...rowsOf('10.0.0', 'source', 10, () => ({ avg_Length: () => 20 + r() })),
    ...rowsOf('10.0.1', 'dst', 10, () => ({ avg_Length: () => 40 + r() })),
  });
  const v = verdictOf(text, findingContext({ anomalous: swapped, normalSample: swapped }));
  assert.equal(v.status, 'does not hold');
  assert.match(v.evidence, /holds if destination is lower for both anomalous and normal IPs/);
});

test('"most anomalous sources vary a lot" measures variation over active windows', () => {
  const text = 'Most anomalous source IPs vary a lot in average packet length over time.';
  assert.equal(verdictOf(text, lengthWorld(10)).status, 'holds');
  const steady = frameOf(rowsOf('10.0.0', 'source', 10, () => ({ avg_Length: (w) => (w % 3 === 0 ? 0 : 44) })));
  const v = verdictOf(text, findingContext({ anomalous: steady, normalSample: steady }));
  assert.equal(v.status, 'does not hold', v.evidence);
  assert.match(v.evidence, /0 of 10 anomalous source IPs/);
});

test('pattern findings: a shared timeline shape counts as a pattern, noise does not', () => {
  const r = rng(11);
  const wave: (i: number) => Timeline = (i) => {
    const v = Array.from({ length: NW }, (_, w) => (1 + i % 4) * (5 + 4 * Math.sin(w / 6)) + r());
    return (w) => v[w];
  };
  const noise: () => Timeline = () => {
    const v = Array.from({ length: NW }, () => r() * 10);
    return (w) => v[w];
  };
  const family = 'avg_IP1_time_diff_per_value';
  const text = 'Anomalous source IPs show no clear pattern, whereas normal source IPs do.';
  const expected = frameOf({ ...rowsOf('1.1.1', 'source', 15, () => ({ [family]: noise() })), ...rowsOf('1.1.2', 'dst', 15, (i) => ({ [family]: wave(i) })) });
  const normal = frameOf({ ...rowsOf('2.1.1', 'source', 30, (i) => ({ [family]: wave(i) })), ...rowsOf('2.1.2', 'dst', 30, () => ({ [family]: noise() })) });
  const ctx = findingContext({ anomalous: expected, normalSample: normal });
  const v = verdictOf(text, ctx);
  assert.equal(v.status, 'holds', v.evidence);
  assert.match(v.evidence, /holds if anomalous source < 0\.5 and normal source ≥ 0\.5/);
  assert.equal(verdictOf('Normal destination IPs are all over the place.', ctx).status, 'holds');
  // Swap the groups: the anomalous sources now share the wave, the normal ones are noise.
  const swapped = findingContext({ anomalous: normal, normalSample: expected });
  assert.equal(verdictOf(text, swapped).status, 'does not hold');
});

test('count_Length standouts and their matching pair, with a hostile label rendered inert', () => {
  const r = rng(5);
  const small = (): Timeline => {
    const v = Array.from({ length: NW }, () => (r() < 0.5 ? 0 : Math.floor(r() * 10)));
    return (w) => v[w];
  };
  const burst: Timeline = (w) => (w >= 10 && w < 40 ? Math.round(300 + 200 * Math.sin(w / 3)) : 0);
  const anomalous = frameOf({
    ...rowsOf('10.0.0', 'source', 30, () => ({ count_Length: small() })),
    ...rowsOf('10.0.1', 'dst', 30, () => ({ count_Length: small() })),
    [`${HOSTILE}source`]: { count_Length: burst },
    '198.51.100.7dst': { count_Length: (w) => Math.round(burst(w) * 0.9) },
  });
  const ctx = findingContext({ anomalous, normalSample: anomalous });
  const section = SEED_SECTIONS[0];
  const results = evaluateFindings(figureFindings(section, 'count_Length'), ctx);
  assert.deepEqual(results.map((x) => x.verdict.status), ['holds', 'holds'], results.map((x) => x.verdict.evidence).join('\n'));
  assert.match(results[1].verdict.evidence, /198\.51\.100\.7dst/);
  const md = findingsMarkdown(results);
  assert.doesNotMatch(md, /<img/);
  assert.match(md, /&lt;img src=x onerror=alert\\\(1\\\)&gt;source/);
  assert.match(md, /^- ✔ holds — For both source and destination IPs, a couple of IPs stand out\\\. — /m);
  // Without the planted pair nothing stands out and the pair cannot be checked.
  const flat = frameOf({ ...rowsOf('10.0.0', 'source', 30, () => ({ count_Length: () => 3 })), ...rowsOf('10.0.1', 'dst', 30, () => ({ count_Length: () => 3 })) });
  const none = evaluateFindings(figureFindings(section, 'count_Length'), findingContext({ anomalous: flat, normalSample: flat }));
  assert.deepEqual(none.map((x) => x.verdict.status), ['does not hold', 'not checkable']);
});

test('interpretations and missing families are "not checkable" with a reason, never an error', () => {
  const ctx = lengthWorld(10);
  const results = evaluateFindings(SEED_SECTIONS[0], ctx);
  const interpretation = results.find((x) => x.finding.text.includes('malware injection'))!;
  assert.equal(interpretation.verdict.status, 'not checkable');
  assert.match(interpretation.verdict.evidence, /Interpretation/);
  const missing = results.find((x) => x.finding.text.startsWith('The sum of packet lengths'))!;
  assert.equal(missing.verdict.status, 'not checkable');
  assert.match(missing.verdict.evidence, /No family "sum_Length"/);
  const counts = verdictCounts(results);
  assert.equal(counts.holds + counts['does not hold'] + counts['not checkable'], results.length);
  assert.ok(counts.holds >= 3);
  const md = findingsMarkdown(results);
  assert.equal(md.split('\n').length, results.length);
  assert.match(md, /^- · not checkable — The difference in packet length could point to malware injection\\\. — /m);
});

test('overlap findings read the runs; without runs they are not checkable', () => {
  const ctx = lengthWorld(10);
  const ref = [...ctx.anomalous.index];
  const runs = [
    { name: '30T', labels: ref.slice(0, 30).concat(['9.9.9.9source']) },
    { name: '10T', labels: ref.slice(2) },
    { name: '5T', labels: ref },
  ];
  const results = evaluateFindings(OVERLAP_SECTION, findingContext({ ...ctx, runs }));
  assert.deepEqual(results.map((x) => x.verdict.status), ['holds', 'holds', 'holds', 'not checkable']);
  assert.match(results[0].verdict.evidence, /^28 of the 35 anomalies of 5T \(80%\) are in all 3 runs/);
  assert.match(results[2].verdict.evidence, /^8 IPs are flagged by some runs but not all/);
  const lonely = evaluateFindings(OVERLAP_SECTION, ctx);
  assert.ok(lonely.every((x) => x.verdict.status === 'not checkable'));
  const few = [{ name: '30T', labels: ref.slice(0, 10) }, { name: '5T', labels: ref }];
  assert.equal(evaluateFindings(OVERLAP_SECTION, findingContext({ ...ctx, runs: few, reference: '5T' }))[0].verdict.status, 'does not hold');
});

test('figureMarkdown puts the checked findings of a figure above its evidence table; summaryMarkdown tallies', () => {
  const ctx = lengthWorld(10);
  const md = figureMarkdown(SEED_SECTIONS[0], 'avg_Length', ctx);
  const findingsAt = md.indexOf('**Findings of the seed');
  const tableAt = md.indexOf('| group | IPs |');
  assert.ok(findingsAt >= 0 && tableAt > findingsAt);
  assert.equal(md.match(/^- (✔|✘|·) /gm)?.length, 3);
  assert.match(figureMarkdown(SEED_SECTIONS[0], 'sum_Length', ctx), /_No evidence for sum\\_Length: No family "sum\\_Length"/);
  const summary = summaryMarkdown(SEED_SECTIONS[0], ctx);
  const results = evaluateFindings(SEED_SECTIONS[0].summary, ctx);
  const c = verdictCounts(results);
  assert.match(summary, new RegExp(`_${c.holds} hold, ${c['does not hold']} do not hold, ${c['not checkable']} not checkable\\._$`));
});

test('two-cluster, port and payload findings each hold on data built for them and fail on the opposite', () => {
  const r = rng(23);
  const build = (clustered: boolean, sourceHeavy: boolean): FindingContext => {
    const anomalous = frameOf({
      ...rowsOf('10.0.0', 'source', 40, (i) => ({
        std_Length: () => (clustered ? (i % 2 ? 100 : 1) : 40 + 20 * r()) + r(),
        avg_Port1_last_1: () => 50 + r(), avg_Port2_last_1: () => 50 + r(),
        avg_is_busybox: () => (r() < (sourceHeavy ? 0.6 : 0.1) ? 1 : 0), avg_is_enable: () => (r() < (sourceHeavy ? 0.6 : 0.1) ? 1 : 0),
      })),
      ...rowsOf('10.0.1', 'dst', 40, () => ({
        std_Length: () => 10 * r(), avg_Port1_last_1: () => 50 + r(), avg_Port2_last_1: () => 50 + r(),
        avg_is_busybox: () => (r() < 0.3 ? 1 : 0), avg_is_enable: () => (r() < 0.3 ? 1 : 0),
      })),
    });
    const level = clustered ? 1 : 80; // normal port usage: low, or higher than anomalous
    const normalSample = frameOf({
      ...rowsOf('10.1.0', 'source', 200, () => ({ avg_is_busybox: () => 0, avg_is_enable: () => 0, avg_Port1_last_1: () => (r() < 0.05 ? level : 0), avg_Port2_last_1: () => (r() < 0.05 ? level : 0) })),
      ...rowsOf('10.1.1', 'dst', 200, () => ({ avg_Port1_last_1: () => (r() < 0.05 ? level : 0), avg_Port2_last_1: () => (r() < 0.05 ? level * 200 : 0) })),
    });
    return findingContext({ anomalous, normalSample });
  };
  const texts = [
    'Most anomalous source IPs have either a large or a very low standard deviation of packet length.',
    'IPs with higher Port2 and Port1 values tend to be anomalous.',
    'is_enable and is_busybox make much more sense for source connections (those that try to infect) than for destination connections, because the source sends the payload.',
  ];
  const yes = build(true, true);
  const no = build(false, false);
  for (const text of texts) {
    const good = verdictOf(text, yes);
    const bad = verdictOf(text, no);
    assert.equal(good.status, 'holds', good.evidence);
    assert.equal(bad.status, "does not hold", bad.evidence);
    if (process.env.SHOW_EVIDENCE) console.log(good.evidence, "\n", bad.evidence);
  }
  assert.equal(verdictOf('Most normal IPs have little to no Port2 values.', yes).status, 'holds');
});
