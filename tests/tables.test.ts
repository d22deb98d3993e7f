/**
 * The evaluation's arquero tables (lib/tables.ts) against summary.json as a reader gets it (written
 * and read back): every table's columns and rows, each cell recomputed from the JSON; the anomalies
 * table agrees with anomalies.csv column for column; the changes against a baseline; the campaigns'
 * members; the triage view read from the table's own reason columns.
 */
import { before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as path from 'node:path';
import {
  type AnomalyJson,
  type AnomalyReasonJson,
  type Summary,
  anomaliesCsv,
  changesTables,
  compareWithBaseline,
  describeReason,
  evaluate,
  evaluationTables,
  UNEXPLAINED,
  triageTable,
} from '../lib/index';
import type { Baseline } from '../lib/summary/baseline-summary';
import { parseCsv } from './independent';

const TINY = path.join(__dirname, '..', '..', 'tests', 'fixtures', 'tiny');
const MODELS = ['models_2019_06_01_21_21', 'models_2019_06_01_21_44', 'models_2019_06_01_22_11'].map((m) =>
  path.join(TINY, 'models', m),
);

/** A JSON statistic as the tables hold it. */
const statistic = (x: number | string | null): number | null =>
  x === 'Infinity' ? Infinity : x === '-Infinity' ? -Infinity : (x as number | null);
const score3 = (x: number | string | null): number | null => {
  const n = statistic(x);
  return n === null || !Number.isFinite(n) ? n : Number(n.toFixed(3));
};
const ipOf = (a: AnomalyJson): string => a.label.slice(0, a.label.length - a.role.length);
/** The reference run's window length: the reasons' `window` column. */
const WINDOW = '5T';
/** A reason's fields in anomalies.csv, and its cells computed here from the JSON. */
const REASON_FIELDS = ['family', 'families', 'kind', 'direction', 'score', 'from', 'to', 'window'];
const reasonCells = (r: AnomalyReasonJson): unknown[] => [
  r.family,
  (r.families ?? [r.family]).join(' '),
  r.kind,
  r.direction,
  score3(r.score),
  r.windows.from,
  r.windows.to,
  WINDOW,
];

const span = (from: string, to: string) => ({ from: `2019-02-01T${from}:00`, to: `2019-02-01T${to}:00` });
/** Flagged IPs with reasons of every kind: equal families, own history, an infinite score, one run only. */
const HAND: AnomalyJson[] = [
  {
    label: '10.0.0.1source',
    role: 'source',
    runs: ['30T', '10T', '5T'],
    score: 'Infinity',
    explained: true,
    reasons: [
      {
        family: 'avg_Length',
        kind: 'vs-normal',
        direction: 'high',
        score: 'Infinity',
        windows: span('09:35', '09:45'),
      },
      {
        family: 'count_Length',
        families: ['count_Length', 'count_IP_distance'],
        kind: 'vs-normal',
        direction: 'high',
        score: 9.125,
        windows: span('09:40', '09:40'),
      },
      {
        family: 'sum_is_busybox',
        kind: 'vs-own-history',
        direction: 'low',
        score: 4.5,
        windows: span('09:35', '09:45'),
      },
    ],
  },
  {
    label: '2001:db8::99dst',
    role: 'dst',
    runs: ['5T'],
    score: 6.25,
    explained: true,
    reasons: [
      {
        family: 'sum_is_busybox',
        kind: 'vs-own-history',
        direction: 'high',
        score: 6.25,
        windows: span('09:40', '09:45'),
      },
    ],
  },
];
/** Two campaigns, one with no shared windows. */
const CAMPAIGNS = [
  {
    id: 'c1',
    name: 'high avg_Length, 09:35-09:45',
    members: ['10.0.0.1source', '2001:db8::99dst'],
    families: ['avg_Length'],
    windows: span('09:35', '09:45'),
  },
  { id: 'c2', name: 'packets', members: ['192.0.2.10source'], families: ['count_Length', 'sum_Length'], windows: null },
];

type Row = Record<string, unknown>;
/** A table's rows as objects. */
const rowsOf = (table: { objects(): object[] }): Row[] => table.objects() as Row[];

let summary: Summary;
let evaluation: Awaited<ReturnType<typeof evaluate>>;

before(async () => {
  evaluation = await evaluate({
    models: MODELS,
    full: path.join(TINY, 'final', 'final_dataset_5T.csv'),
    sampleSize: 3,
    seed: 42,
  });
  // As a reader has it: summary.json written and read back. The tiny fixture's IPs are too few for a
  // reason above the line (all unexplained): reasons of every kind are written in by hand beside them.
  summary = JSON.parse(
    JSON.stringify({
      ...evaluation.summary,
      anomalies: [...HAND, ...(evaluation.summary.anomalies ?? [])],
      campaigns: CAMPAIGNS,
    }),
  ) as Summary;
  assert.ok((evaluation.summary.anomalies ?? []).length >= 2, 'the fixture has anomalies to tabulate');
});

describe('the tables of one summary.json', () => {
  test('anomalies: a row per entry, the columns and cells of anomalies.csv', () => {
    const { anomalies } = evaluationTables(summary);
    const entries = summary.anomalies ?? [];
    const csv = parseCsv(anomaliesCsv(entries, WINDOW));
    assert.deepEqual(anomalies.columnNames(), csv[0], 'the same columns, in the same order');
    assert.equal(anomalies.numRows(), entries.length);
    assert.equal(csv.length - 1, entries.length);
    const objects = rowsOf(anomalies);
    entries.forEach((a, i) => {
      const row = objects[i];
      assert.deepEqual(
        [row.rank, row.label, row.ip, row.role, row.runs, row.score, row.explained],
        [i + 1, a.label, ipOf(a), a.role, a.runs.join(' '), score3(a.score), a.explained],
      );
      for (let k = 0; k < 5; k++) {
        const r = a.reasons[k];
        const cells = REASON_FIELDS.map((f) => row[`reason${k + 1}_${f}`]);
        assert.deepEqual(cells, r ? reasonCells(r) : REASON_FIELDS.map(() => null), `${a.label} reason ${k + 1}`);
      }
      // The file says the same, cell for cell (labels here hold nothing a spreadsheet would run).
      assert.deepEqual(
        csv[i + 1],
        anomalies.columnNames().map((name) => (row[name] === null ? '' : String(row[name]))),
      );
    });
  });

  test('reasons: a row per reason, the anomaly fields then reason and reason_*', () => {
    const { reasons } = evaluationTables(summary);
    const entries = summary.anomalies ?? [];
    assert.deepEqual(reasons.columnNames(), [
      'rank',
      'label',
      'ip',
      'role',
      'runs',
      'score',
      'explained',
      'reason',
      ...REASON_FIELDS.map((f) => `reason_${f}`),
    ]);
    const expected = entries.flatMap((a, i) =>
      a.reasons.map((r, k) => ({
        rank: i + 1,
        label: a.label,
        ip: ipOf(a),
        role: a.role,
        runs: a.runs.join(' '),
        score: score3(a.score),
        explained: a.explained,
        reason: k + 1,
        ...Object.fromEntries(REASON_FIELDS.map((f, j) => [`reason_${f}`, reasonCells(r)[j]])),
      })),
    );
    assert.equal(expected.length, 4, 'three reasons of one IP, one of another, none of the unexplained');
    assert.equal(reasons.numRows(), expected.length);
    assert.deepEqual(reasons.objects(), expected);
  });

  test('families: a row per family × group × role with the statistics of summary.json', () => {
    const { families } = evaluationTables(summary);
    assert.deepEqual(families.columnNames(), [
      'family',
      'group',
      'role',
      'ips',
      'values',
      'mean',
      'max',
      'nonzeroShare',
    ]);
    const names = Object.keys(summary.families);
    assert.equal(families.numRows(), names.length * 4);
    const objects = rowsOf(families);
    let i = 0;
    for (const family of names)
      for (const group of ['anomalous', 'normal'] as const)
        for (const role of ['source', 'dst'] as const) {
          const s = summary.families[family][group][role];
          assert.deepEqual(objects[i++], {
            family,
            group,
            role,
            ips: s.ips,
            values: s.values,
            mean: statistic(s.mean),
            max: statistic(s.max),
            nonzeroShare: statistic(s.nonzeroShare),
          });
        }
    // A question a reader asks: the anomalous sources of every family, counted.
    assert.equal(families.filter((d: Row) => d.group === 'anomalous' && d.role === 'source').numRows(), names.length);
  });

  test('overlaps: a row per overlap of summary.json', () => {
    const { overlaps } = evaluationTables(summary);
    assert.deepEqual(overlaps.columnNames(), ['runs', 'count', 'common']);
    assert.deepEqual(
      overlaps.objects(),
      summary.overlaps.map((o) => ({ runs: o.runs.join(' & '), count: o.runs.length, common: o.common })),
    );
    assert.equal(overlaps.numRows(), 3);
  });

  test('without a baseline the change tables are empty but keep their columns', () => {
    const tables = evaluationTables(summary);
    assert.equal(summary.changes, undefined);
    assert.deepEqual(tables.meanChanges.columnNames(), ['family', 'group', 'role', 'meanFrom', 'meanTo', 'move']);
    assert.deepEqual(tables.anomalyChanges.columnNames(), ['label', 'ip', 'role', 'change']);
    assert.deepEqual(tables.verdictChanges.columnNames(), ['id', 'from', 'to']);
    for (const t of [tables.meanChanges, tables.anomalyChanges, tables.verdictChanges]) assert.equal(t.numRows(), 0);
    // Queries on them still run.
    assert.equal(tables.meanChanges.filter((d: Row) => d.role === 'dst').numRows(), 0);
  });
});

test('changes against a baseline: means with their move, anomalies added and removed, verdicts', () => {
  // The reference run's IPs, as the changes compare them.
  const entries = (summary.anomalies ?? []).filter((a) => a.runs.includes(summary.reference));
  const [gone, ...kept] = entries;
  const family = Object.keys(summary.families)[0];
  const before = JSON.parse(JSON.stringify(summary)) as Summary;
  const mean = statistic(summary.families[family].anomalous.dst.mean)!;
  before.families[family].anomalous.dst.mean = mean === 0 ? 1 : mean / 2;
  before.anomalies = [...kept, { ...gone, label: '203.0.113.9source' }];
  before.findings = before.findings.map((f, i) =>
    i === 0 ? { ...f, verdict: f.verdict === 'holds' ? 'does not hold' : 'holds' } : f,
  );
  const changes = compareWithBaseline(
    before as unknown as Baseline,
    'before.json',
    summary,
    entries.map((a) => a.label),
  );
  const tables = changesTables(JSON.parse(JSON.stringify(changes)));
  const names = Object.keys(changes.families);
  assert.equal(tables.means.numRows(), names.length * 4);
  const moved = rowsOf(tables.means.filter((d: Row) => d.move !== 0));
  assert.equal(moved.length, 1);
  assert.deepEqual(moved[0], {
    family,
    group: 'anomalous',
    role: 'dst',
    meanFrom: mean === 0 ? 1 : mean / 2,
    meanTo: mean,
    move: mean === 0 ? Infinity : Math.log(2),
  });
  assert.deepEqual(tables.anomalies.objects(), [
    { label: gone.label, ip: ipOf(gone), role: gone.role, change: 'added' },
    { label: '203.0.113.9source', ip: '203.0.113.9', role: 'source', change: 'removed' },
  ]);
  assert.deepEqual(tables.findings.objects(), [
    { id: summary.findings[0].id, from: before.findings[0].verdict, to: summary.findings[0].verdict },
  ]);
  assert.equal(evaluationTables({ ...summary, changes }).anomalyChanges.numRows(), 2);
});

test('campaigns: a row per member of each campaign of summary.json', () => {
  const { campaigns } = evaluationTables(summary);
  assert.deepEqual(campaigns.columnNames(), [
    'campaign',
    'name',
    'label',
    'ip',
    'role',
    'size',
    'families',
    'from',
    'to',
  ]);
  const expected = (summary.campaigns ?? []).flatMap((c) =>
    c.members.map((label) => {
      const role = label.endsWith('source') ? 'source' : 'dst';
      return {
        campaign: c.id,
        name: c.name,
        label,
        ip: label.slice(0, label.length - role.length),
        role,
        size: c.members.length,
        families: c.families.join(' '),
        from: c.windows?.from ?? null,
        to: c.windows?.to ?? null,
      };
    }),
  );
  assert.deepEqual(campaigns.objects(), expected);
  // No IP is in two campaigns.
  assert.equal(new Set(expected.map((m) => m.label)).size, expected.length);
  assert.deepEqual(
    rowsOf(campaigns).map((r) => [r.campaign, r.ip, r.role, r.size, r.families, r.from]),
    [
      ['c1', '10.0.0.1', 'source', 2, 'avg_Length', '2019-02-01T09:35:00'],
      ['c1', '2001:db8::99', 'dst', 2, 'avg_Length', '2019-02-01T09:35:00'],
      ['c2', '192.0.2.10', 'source', 1, 'count_Length sum_Length', null],
    ],
  );
});

test('triage view: rank, ip, role, runs, score and three reasons in words, read from the table', () => {
  const tables = evaluationTables(summary);
  const triage = triageTable(tables.anomalies);
  assert.deepEqual(triage.columnNames(), ['rank', 'ip', 'role', 'runs', 'score', 'reason 1', 'reason 2', 'reason 3']);
  const entries = summary.anomalies ?? [];
  assert.deepEqual(
    triage.objects(),
    entries.map((a, i) => ({
      rank: i + 1,
      ip: ipOf(a),
      role: a.role,
      runs: a.runs.join(' '),
      score: score3(a.score),
      ...Object.fromEntries(
        [0, 1, 2].map((k) => [
          `reason ${k + 1}`,
          a.reasons[k] ? describeReason(a.reasons[k]) : k === 0 && !a.explained ? UNEXPLAINED : '',
        ]),
      ),
    })),
  );
});
