import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { averageLinkage, campaignsJson, findCampaigns } from '../lib/triage/campaigns';
import { evaluate } from '../lib/summary/evaluate';
import { generateDataset } from '../data/synth/dataset';
import { buildPopulation } from '../data/synth/population';
import { DEMO_SCALE, FULL_FILE, RUNS } from '../data/synth/layout';
import type { Reason, RowExplanation, Triage } from '../lib/triage/reasons';
import { prng as random } from './frames';

/** Average linkage the textbook way: merge the pair of clusters with the least mean distance while it is at most `limit`. */
function naiveAverage(d: number[][], limit: number): string {
  let clusters = d.map((_, i) => [i]);
  for (;;) {
    let best: [number, number] | undefined;
    let bestD = Infinity;
    for (let a = 0; a < clusters.length; a++)
      for (let b = a + 1; b < clusters.length; b++) {
        let sum = 0;
        for (const i of clusters[a]) for (const j of clusters[b]) sum += d[i][j];
        const mean = sum / (clusters[a].length * clusters[b].length);
        if (mean < bestD) [bestD, best] = [mean, [a, b]];
      }
    if (!best || bestD > limit) break;
    const [a, b] = best;
    clusters = [...clusters.filter((_, k) => k !== a && k !== b), [...clusters[a], ...clusters[b]]];
  }
  return partitionKey(clusters);
}

function partitionKey(clusters: number[][]): string {
  return clusters
    .map((c) => [...c].sort((x, y) => x - y).join(','))
    .sort()
    .join('|');
}

test('average linkage by nearest-neighbour chains, cut at a distance, equals the textbook merges', () => {
  const rnd = random(7);
  for (let trial = 0; trial < 30; trial++) {
    const n = 3 + Math.floor(rnd() * 25);
    // points around a few centres, so that some clusters form and some points stay alone
    const centres = Array.from({ length: 4 }, () => [rnd() * 10, rnd() * 10]);
    const points = Array.from({ length: n }, () => {
      const c = centres[Math.floor(rnd() * centres.length)];
      return [c[0] + rnd() * 2, c[1] + rnd() * 2];
    });
    const d = points.map((p) => points.map((q) => Math.hypot(p[0] - q[0], p[1] - q[1])));
    const limit = 1 + rnd() * 3;
    const { cluster } = averageLinkage(Float64Array.from(d.flat()), n, limit);
    const ours = new Map<number, number[]>();
    cluster.forEach((c, i) => ours.set(c, [...(ours.get(c) ?? []), i]));
    assert.equal(partitionKey([...ours.values()]), naiveAverage(d, limit), `trial ${trial}`);
  }
});

const T0 = Date.parse('2019-02-01T14:05:00Z');
const STEP = 300_000;

/** A deviation of `family` (its group's first family), high or low, over windows a..b. */
function deviation(family: string, families: string[], direction: 'high' | 'low', a: number, b: number): Reason {
  return {
    family,
    families,
    name: families.length > 1 ? 'packets' : family,
    kind: 'vs-normal',
    direction,
    rarity: 20,
    score: 10,
    length: b - a + 1,
    windows: { from: T0 + a * STEP, to: T0 + b * STEP },
  };
}

const COUNTS = ['count_Length', 'count_IP1_time_diff_per_value'];
const GROUPS = [
  { families: COUNTS, name: 'packets' },
  { families: ['avg_Length'], name: 'avg_Length' },
  { families: ['sum_is_sh'], name: 'sum_is_sh' },
];

function row(label: string, deviations: Reason[]): RowExplanation {
  return {
    label,
    role: label.endsWith('dst') ? 'dst' : 'source',
    deviations,
    reasons: deviations,
    score: 10,
    explained: deviations.length > 0,
  };
}

function triageOf(explanations: RowExplanation[]): Triage {
  return { explanations, line: 1, calibrationRows: 100, groups: GROUPS, stepMs: STEP };
}

test('campaigns: alike IPs together under a unique name saying what and when; an IP like no other in none', () => {
  const packets = (a: number, b: number) => deviation('count_Length', COUNTS, 'high', a, b);
  const rows = [
    ...Array.from({ length: 4 }, (_, i) =>
      row(`1.0.0.${i}source`, [packets(0, 5), deviation('avg_Length', ['avg_Length'], 'low', 0, 5)]),
    ),
    // the same behaviour at the same time by destinations: alike, so one campaign with them
    ...Array.from({ length: 2 }, (_, i) =>
      row(`2.0.0.${i}dst`, [packets(0, 5), deviation('avg_Length', ['avg_Length'], 'low', 0, 5)]),
    ),
    // the same families later in the day: another campaign, named apart by its time
    ...Array.from({ length: 3 }, (_, i) => row(`3.0.0.${i}source`, [packets(20, 23)])),
    ...Array.from({ length: 2 }, (_, i) =>
      row(
        `4.0.0.${i}source`,
        [packets(20, 23)].map((d) => ({ ...d, score: 0.5 })),
      ),
    ),
    row('5.0.0.1source', [deviation('sum_is_sh', ['sum_is_sh'], 'high', 3, 9)]),
    row('6.0.0.1source', []),
  ];
  const c = findCampaigns(triageOf(rows));
  const json = campaignsJson(c);
  assert.deepEqual(
    json.map((g) => [g.id, g.name, g.members.length, g.families, g.windows]),
    [
      [
        'c1',
        'high packets, low avg_Length, 14:05–14:30',
        6,
        ['count_Length', 'avg_Length'],
        { from: '2019-02-01T14:05:00', to: '2019-02-01T14:30:00' },
      ],
      [
        'c2',
        'high packets, 15:45–16:00',
        3,
        ['count_Length'],
        { from: '2019-02-01T15:45:00', to: '2019-02-01T16:00:00' },
      ],
    ],
  );
  // below the line (4.0.0.x), unlike any other (5.0.0.1) or without a deviation (6.0.0.1): in none
  for (const label of ['4.0.0.0source', '4.0.0.1source', '5.0.0.1source', '6.0.0.1source'])
    assert.equal(c.groupOf[c.matrix.labels.indexOf(label)], -1, label);
  assert.equal(c.order.length, rows.length);
  assert.deepEqual(c.matrix.families, ['packets', 'avg_Length', 'sum_is_sh']);
  // the singleton rule off (everything may join): one catch-all, which the default never makes
  const all = findCampaigns(triageOf(rows), { joinSimilarity: 0 });
  assert.equal(all.groups.length, 1);
});

test('two campaigns that share families and time are named apart', () => {
  const packets = (a: number, b: number) => deviation('count_Length', COUNTS, 'high', a, b);
  const rows = [
    ...Array.from({ length: 3 }, (_, i) => row(`1.0.0.${i}source`, [packets(0, 5)])),
    ...Array.from({ length: 3 }, (_, i) =>
      row(`2.0.0.${i}dst`, [
        packets(0, 5),
        deviation('sum_is_sh', ['sum_is_sh'], 'high', 0, 5),
        deviation('avg_Length', ['avg_Length'], 'high', 0, 5),
      ]),
    ),
  ];
  const names = findCampaigns(triageOf(rows)).groups.map((g) => g.name);
  assert.equal(names.length, 2);
  assert.equal(new Set(names).size, 2, names.join(' | '));
});

function adjustedRand(a: readonly (string | number)[], b: readonly (string | number)[]): number {
  const pairs = (x: number): number => (x * (x - 1)) / 2;
  const count = <T>(keys: T[]): Map<T, number> =>
    keys.reduce((m, k) => m.set(k, (m.get(k) ?? 0) + 1), new Map<T, number>());
  const joint = [...count(a.map((x, i) => `${x}\u0000${b[i]}`)).values()].reduce((s, v) => s + pairs(v), 0);
  const sa = [...count([...a]).values()].reduce((s, v) => s + pairs(v), 0);
  const sb = [...count([...b]).values()].reduce((s, v) => s + pairs(v), 0);
  const expected = (sa * sb) / pairs(a.length);
  return (joint - expected) / ((sa + sb) / 2 - expected);
}

test('on generated data, campaigns are pure in behaviour, without a catch-all, and the pair is one', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'campaigns-test-'));
  try {
    generateDataset({ scale: DEMO_SCALE, seed: 2019, outDir: dir });
    const evaluation = await evaluate({
      models: RUNS.map((r) => path.join(dir, r.dir)),
      full: path.join(dir, FULL_FILE),
      sampleSize: 50,
      seed: 42,
    });
    const campaigns = findCampaigns(evaluation.triage);
    // the generator's behaviour of every flagged row, from the generator itself; its hotspots are
    // targeted destinations that port-randomising scanners also hit (data/README.md), one behaviour here
    const behaviour = new Map(
      buildPopulation(DEMO_SCALE, 2019).map((row) => [
        row.label,
        row.behaviour === 'hotspot' ? 'targeted' : row.behaviour,
      ]),
    );
    const truth = campaigns.matrix.labels.map((label) => behaviour.get(label)!);
    assert.ok(truth.every((b) => b !== undefined && b !== 'normal'));
    const groups = Array.from(campaigns.groupOf);
    // purity: the share of the IPs in a campaign whose campaign's most common behaviour is their own
    // (a behaviour's IPs active at other hours, or in other families, may stay apart: a campaign is
    // the same families at the same time)
    let agree = 0;
    let members = 0;
    for (const g of campaigns.groups) {
      const counts = new Map<string, number>();
      for (const r of g.rows) counts.set(truth[r], (counts.get(truth[r]) ?? 0) + 1);
      agree += Math.max(...counts.values());
      members += g.size;
    }
    assert.ok(campaigns.groups.length >= 4, `${campaigns.groups.length} campaigns`);
    assert.ok(agree / members >= 0.9, `purity ${(agree / members).toFixed(3)}`);
    // no catch-all: no campaign holds a third of the IPs
    assert.ok(Math.max(...campaigns.groups.map((g) => g.size)) < truth.length / 3);
    // the pair (one flow, both ends) lands in one campaign
    const pairRows = truth.flatMap((b, r) => (b === 'pair' ? [r] : []));
    assert.equal(pairRows.length, 2);
    assert.ok(groups[pairRows[0]] >= 0 && groups[pairRows[0]] === groups[pairRows[1]]);
    // every telnet infector deviates in its payload markers (high, above the line)
    const { line, explanations } = evaluation.triage;
    const marked = (e: RowExplanation) =>
      e.deviations.some((d) => /is_(busybox|sh|enable)/.test(d.family) && d.direction === 'high' && d.score > line);
    const infectors = explanations.filter((e) => behaviour.get(e.label) === 'infector');
    assert.ok(infectors.length > 0 && infectors.every(marked), infectors.map((e) => e.label).join(', '));
    // ARI against the behaviours, for the record: IPs left alone count as their own groups
    const ari = adjustedRand(
      groups.map((g, r) => (g >= 0 ? g : 1000 + r)),
      truth,
    );
    assert.ok(ari > 0, `adjusted Rand index ${ari.toFixed(3)}`);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
