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
  type Summary,
  anomaliesCsv,
  campaignsTable,
  changesTables,
  compareWithBaseline,
  describeReason,
  evaluate,
  evaluationTables,
  findCampaigns,
  triageTable,
} from '../lib/index';
import type { Baseline } from '../lib/summary/baseline-summary';

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

/** RFC 4180 rows (CRLF line ends, quoted fields). */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else field += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') {
      row.push(field);
      field = '';
    } else if (ch === '\r' && text[i + 1] === '\n') {
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
      i++;
    } else field += ch;
  }
  return rows;
}

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
  // As a reader has it: summary.json written and read back.
  summary = JSON.parse(JSON.stringify(evaluation.summary)) as Summary;
  assert.ok((summary.anomalies ?? []).length >= 2, 'the fixture has anomalies to tabulate');
});

describe('the tables of one summary.json', () => {
  test('anomalies: a row per entry, the columns and cells of anomalies.csv', () => {
    const { anomalies } = evaluationTables(summary);
    const entries = summary.anomalies ?? [];
    const csv = parseCsv(anomaliesCsv(entries));
    assert.deepEqual(anomalies.columnNames(), csv[0], 'the same columns, in the same order');
    assert.equal(anomalies.numRows(), entries.length);
    assert.equal(csv.length - 1, entries.length);
    const objects = rowsOf(anomalies);
    entries.forEach((a, i) => {
      const row = objects[i];
      assert.deepEqual(
        [row.rank, row.label, row.ip, row.role, row.runs, row.score],
        [i + 1, a.label, ipOf(a), a.role, a.runs.join(' '), score3(a.score)],
      );
      for (let k = 0; k < 5; k++) {
        const r = a.reasons[k];
        const cells = ['family', 'direction', 'score', 'from', 'to'].map((f) => row[`reason${k + 1}_${f}`]);
        assert.deepEqual(
          cells,
          r
            ? [r.family, r.direction, score3(r.score), r.windows?.from ?? null, r.windows?.to ?? null]
            : [null, null, null, null, null],
          `${a.label} reason ${k + 1}`,
        );
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
      'reason',
      'reason_family',
      'reason_direction',
      'reason_score',
      'reason_from',
      'reason_to',
    ]);
    const expected = entries.flatMap((a, i) =>
      a.reasons.map((r, k) => ({
        rank: i + 1,
        label: a.label,
        ip: ipOf(a),
        role: a.role,
        runs: a.runs.join(' '),
        score: score3(a.score),
        reason: k + 1,
        reason_family: r.family,
        reason_direction: r.direction,
        reason_score: score3(r.score),
        reason_from: r.windows?.from ?? null,
        reason_to: r.windows?.to ?? null,
      })),
    );
    assert.ok(expected.length > entries.length, 'some IPs have several reasons');
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
  const entries = summary.anomalies ?? [];
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

test('campaign members: every anomalous IP once, in its campaign', () => {
  const campaigns = findCampaigns(evaluation.explanations);
  const members = campaignsTable(campaigns);
  assert.deepEqual(members.columnNames(), ['campaign', 'label', 'ip', 'role', 'size', 'defining', 'title']);
  assert.equal(members.numRows(), evaluation.explanations.length);
  assert.deepEqual(
    [...(members.array('label') as string[])].sort(),
    evaluation.explanations.map((e) => e.label).sort(),
  );
  for (const group of campaigns.groups) {
    const rows = rowsOf(members.filter(`d => d.campaign === ${JSON.stringify(group.name)}`));
    assert.equal(rows.length, group.size);
    assert.ok(rows.every((r) => r.size === group.size && r.title === group.title));
  }
});

test('triage view: rank, ip, role, runs, score and three reasons in words, read from the table', () => {
  const tables = evaluationTables(summary);
  const triage = triageTable(tables.anomalies);
  assert.deepEqual(triage.columnNames(), ['rank', 'ip', 'role', 'runs', 'score', 'reason1', 'reason2', 'reason3']);
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
          `reason${k + 1}`,
          a.reasons[k] ? describeReason({ ...a.reasons[k], score: score3(a.reasons[k].score) }) : '',
        ]),
      ),
    })),
  );
});
