import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  type AnomalyJson,
  anomaliesCsv,
  anomaliesCsvHeader,
  anomaliesJson,
  csvCell,
  UNEXPLAINED,
  describeReason,
  runsByLabel,
  triageRows,
} from '../lib/triage/anomalies';
import type { Reason, RowExplanation, Triage } from '../lib/triage/reasons';
import { campaignsFigure } from '../lib/figures/campaigns';
import { profileFigure } from '../lib/figures/profile';
import { findCampaigns } from '../lib/triage/campaigns';
import { labelsFor, profileTargets } from '../lib/triage/profiles';
import { ParamError, describeParams, paramsToEnv, resolveParams } from '../lib/notebook/params';
import { Frame } from '../lib/table/frame';
import { parseColumnKey } from '../lib/table/columns';
import { ValueSketch } from '../lib/table/sketch';
import { baselineOf } from '../lib/evaluation/baseline';
import { type TypedArraySpec, decodeTypedArray } from '../lib/figures/spec';
import { parseCsv } from './independent';

const HOSTILE = '=HYPERLINK("http://x")<img src=x onerror=alert(1)>,"\nsource';
const T0 = Date.parse('2019-02-01T14:05:00Z');

const COUNTS = ['count_Length', 'count_IP1_time_diff_per_value'];

function explanation(label: string, score: number, family = 'count_Length'): RowExplanation {
  const families = family === 'count_Length' ? COUNTS : [family];
  const reason: Reason = {
    family,
    families,
    name: families.length > 1 ? 'packets' : family,
    kind: 'vs-normal',
    direction: 'high',
    rarity: score + 4,
    score,
    length: 18,
    windows: { from: T0, to: T0 + 300_000 * 17 },
  };
  const second: Reason = {
    family: 'avg_Length',
    families: ['avg_Length'],
    name: 'avg_Length',
    kind: 'vs-own-history',
    direction: 'low',
    rarity: score / 2 + 4,
    score: score / 2,
    length: 1,
    active: 40,
    considered: 60,
    windows: { from: T0, to: T0 },
  };
  return {
    label,
    role: label.endsWith('dst') ? 'dst' : 'source',
    deviations: [reason, second],
    reasons: [reason, second],
    score,
    explained: true,
  };
}

test('anomalies: one entry per flagged IP by descending score, with its runs, kinds, equal families and spans', () => {
  const unexplained: RowExplanation = { ...explanation('4.4.4.4dst', -1), reasons: [], explained: false };
  const entries = anomaliesJson(
    [
      explanation('1.1.1.1source', 3.5),
      explanation('2.2.2.2dst', 41.2),
      explanation('3.3.3.3source', Infinity),
      unexplained,
    ],
    [
      { name: '30T', labels: ['2.2.2.2dst', '4.4.4.4dst'] },
      { name: '5T', labels: ['1.1.1.1source', '2.2.2.2dst', '3.3.3.3source'] },
    ],
  );
  assert.deepEqual(
    entries.map((e) => e.label),
    ['3.3.3.3source', '2.2.2.2dst', '1.1.1.1source', '4.4.4.4dst'],
  );
  assert.equal(entries[0].score, 'Infinity');
  assert.deepEqual(entries[1], {
    label: '2.2.2.2dst',
    role: 'dst',
    runs: ['30T', '5T'],
    score: 41.2,
    explained: true,
    reasons: [
      {
        family: 'count_Length',
        families: COUNTS,
        kind: 'vs-normal',
        direction: 'high',
        score: 41.2,
        windows: { from: '2019-02-01T14:05:00', to: '2019-02-01T15:30:00' },
      },
      {
        family: 'avg_Length',
        kind: 'vs-own-history',
        direction: 'low',
        score: 20.6,
        windows: { from: '2019-02-01T14:05:00', to: '2019-02-01T14:05:00' },
      },
    ],
  });
  assert.deepEqual(entries[3], {
    label: '4.4.4.4dst',
    role: 'dst',
    runs: ['30T'],
    score: -1,
    explained: false,
    reasons: [],
  });
  assert.equal(describeReason(entries[1].reasons[0]), 'packets high vs normal 41.2 (14:05–15:30)');
  assert.equal(describeReason(entries[1].reasons[1]), 'avg_Length silent vs own history 20.6 (14:05)');
  assert.deepEqual(runsByLabel([{ name: 'a', labels: ['x', 'x'] }]).get('x'), ['a']);
  const triage = triageRows(entries, 4);
  assert.equal(triage.length, 4);
  assert.deepEqual(triage[1], {
    rank: 2,
    label: '2.2.2.2dst',
    role: 'dst',
    runs: '30T, 5T',
    score: '41.2',
    reasons: ['packets high vs normal 41.2 (14:05–15:30)', 'avg_Length silent vs own history 20.6 (14:05)'],
  });
  assert.deepEqual(triage[3].reasons, [UNEXPLAINED]);
});

test('anomalies.csv: every anomaly with its reasons; quotes, line breaks and formulas in labels are defused', () => {
  const entries: AnomalyJson[] = anomaliesJson(
    [explanation(HOSTILE, 9.87654), explanation('-1+1source', 2)],
    [{ name: '5T', labels: [HOSTILE, '-1+1source'] }],
  );
  const rows = parseCsv(anomaliesCsv(entries, '5T'));
  assert.deepEqual(rows[0], anomaliesCsvHeader());
  assert.deepEqual(rows[0].slice(0, 15), [
    'rank',
    'label',
    'ip',
    'role',
    'runs',
    'score',
    'explained',
    'reason1_family',
    'reason1_families',
    'reason1_kind',
    'reason1_direction',
    'reason1_score',
    'reason1_from',
    'reason1_to',
    'reason1_window',
  ]);
  assert.equal(rows.length, 3);
  assert.ok(rows.every((r) => r.length === 7 + 5 * 8));
  assert.equal(
    rows[1][1],
    `'${HOSTILE}`,
    'a label starting with = gets an apostrophe, its comma, quote and newline stay inside the field',
  );
  assert.equal(rows[1][2], `'${HOSTILE.slice(0, -'source'.length)}`);
  assert.equal(rows[1][5], '9.877');
  assert.equal(rows[1][6], 'true');
  assert.deepEqual(rows[1].slice(7, 15), [
    'count_Length',
    COUNTS.join(' '),
    'vs-normal',
    'high',
    '9.877',
    '2019-02-01T14:05:00',
    '2019-02-01T15:30:00',
    '5T',
  ]);
  assert.deepEqual(rows[1].slice(15, 23), [
    'avg_Length',
    'avg_Length',
    'vs-own-history',
    'low',
    '4.938',
    '2019-02-01T14:05:00',
    '2019-02-01T14:05:00',
    '5T',
  ]);
  assert.deepEqual(rows[1].slice(23), Array(24).fill(''));
  assert.equal(rows[2][1], "'-1+1source");
  for (const bad of ['=1', '+1', '-1', '@x', '\tx', '\rx'])
    assert.ok(csvCell(bad).replace(/^"/, '').startsWith("'"), bad);
  assert.equal(csvCell(-1.5), '-1.5', 'numbers we write are not text');
  assert.equal(csvCell('plain'), 'plain');
});

function tinyFrame(labels: string[], values: (r: number, c: number) => number): Frame {
  const starts = ['2019-02-01 09:35:00', '2019-02-01 09:40:00', '2019-02-01 09:45:00'];
  const columns = ['count_Length', 'avg_Length'].flatMap((f) =>
    starts.map((s) => parseColumnKey(`('${f}', '${f.split('_')[0]}_${s}')`)),
  );
  const data = new Float64Array(labels.length * columns.length);
  for (let r = 0; r < labels.length; r++)
    for (let c = 0; c < columns.length; c++) data[r * columns.length + c] = values(r, c);
  return new Frame({ index: labels, columns, values: data });
}

test("figures escape attacker-written labels; the profile draws the IP against its role's normal band", () => {
  const normal = tinyFrame(['10.0.0.1source', '10.0.0.2source', '10.0.0.3source'], (r, c) => (c === 1 ? r + 1 : 0));
  const sketch = new ValueSketch(normal.columns);
  for (let r = 0; r < normal.nRows; r++) sketch.addRow(normal.roles[r], normal.row(r));
  const baseline = baselineOf(sketch);
  const flagged = tinyFrame([`${HOSTILE}`, '9.9.9.9source'], (r, c) => (c === 1 ? 500 : r));
  const triage: Triage = {
    explanations: [explanation(HOSTILE, 5), explanation('9.9.9.9source', 6, 'avg_Length')],
    line: 0,
    calibrationRows: 0,
    groups: [
      { families: COUNTS, name: 'packets' },
      { families: ['avg_Length'], name: 'avg_Length' },
    ],
    stepMs: 300_000,
  };
  const campaigns = findCampaigns(triage);
  const heat = JSON.stringify(campaignsFigure(campaigns));
  const profile = profileFigure(flagged, 0, baseline, [explanation(HOSTILE, 5).reasons[0]], {
    note: 'only <b>5T</b> flagged it',
  });
  const text = JSON.stringify(profile);
  for (const spec of [heat, text]) {
    assert.ok(!spec.includes('<img'), 'no raw tag');
    assert.ok(spec.includes('&lt;img src=x onerror=alert(1)&gt;'), 'the label is there, escaped');
  }
  assert.ok(text.includes('only &lt;b&gt;5T&lt;/b&gt; flagged it'));
  // one panel per reason family: band (p5, p95), median, the IP
  assert.equal(profile.data.length, 5, 'and the legend entry of the shaded windows');
  const series = (k: number): number[] => [...decodeTypedArray((profile.data[k] as { y: TypedArraySpec }).y)];
  // count_Length of the normal sources: 0 everywhere but window 2 (1, 2, 3 packets)
  assert.deepEqual(series(2), [0, 2, 0], 'the normal median per window');
  // stored as f4 (compactTypedArraySpec): the hover's 4 significant digits read the same
  assert.deepEqual(series(0), [0, Math.fround(1.1), 0], 'p5');
  assert.deepEqual(series(1), [0, Math.fround(2.9), 0], 'p95');
  assert.equal((profile.data[0] as { x0?: string }).x0 !== undefined, true, 'the window grid as x0/dx');
  assert.deepEqual(series(3), [0, 500, 0], "the IP's own count_Length");
  assert.equal((profile.layout.shapes as unknown[]).length, 1, 'the windows carrying the reason are shaded');
});

test('profile targets: IPs unique to one run, then the named IPs (an IP names both roles)', () => {
  assert.deepEqual(labelsFor('1.2.3.4'), ['1.2.3.4source', '1.2.3.4dst']);
  assert.deepEqual(labelsFor('2001:db8::1dst'), ['2001:db8::1dst']);
  const targets = profileTargets(
    new Map([
      ['30T', ['a.1source']],
      ['5T', ['b.2dst']],
    ]),
    ['b.2dst', '7.7.7.7'],
  );
  assert.deepEqual(targets, [
    { label: 'a.1source', why: 'only 30T flagged it' },
    { label: 'b.2dst', why: 'only 5T flagged it' },
    { label: '7.7.7.7source', why: 'named in focusIps' },
    { label: '7.7.7.7dst', why: 'named in focusIps' },
  ]);
});

test('focusIps: from the defaults, EVAL_FOCUS as a list or JSON, back to the environment', () => {
  const defaults = { models: ['/m'], full: '/f', sampleSize: 1, seed: 1 };
  assert.equal(resolveParams(defaults, {}, '/').focusIps, undefined);
  assert.deepEqual(resolveParams({ ...defaults, focusIps: ['1.2.3.4'] }, {}, '/').focusIps, ['1.2.3.4']);
  assert.deepEqual(resolveParams(defaults, { EVAL_FOCUS: '1.2.3.4, 2001:db8::1dst 5.6.7.8source' }, '/').focusIps, [
    '1.2.3.4',
    '2001:db8::1dst',
    '5.6.7.8source',
  ]);
  assert.deepEqual(resolveParams(defaults, { EVAL_FOCUS: '["9.9.9.9"]' }, '/').focusIps, ['9.9.9.9']);
  assert.throws(
    () => resolveParams(defaults, { EVAL_FOCUS: '[1, 2]' }, '/'),
    (e: unknown) => e instanceof ParamError && /EVAL_FOCUS/.test(e.message),
  );
  assert.deepEqual(paramsToEnv({ focusIps: ['1.2.3.4'] }), { EVAL_FOCUS: '["1.2.3.4"]' });
});

test('anomalousPanels: auto unless the defaults or EVAL_ANOMALOUS say lines or density; other words refused', () => {
  const defaults = { models: ['/m'], full: '/f', sampleSize: 1, seed: 1 };
  assert.equal(resolveParams(defaults, {}, '/').anomalousPanels, undefined);
  assert.equal(resolveParams({ ...defaults, anomalousPanels: 'density' }, {}, '/').anomalousPanels, 'density');
  assert.equal(
    resolveParams({ ...defaults, anomalousPanels: 'density' }, { EVAL_ANOMALOUS: 'lines' }, '/').anomalousPanels,
    'lines',
  );
  assert.throws(
    () => resolveParams(defaults, { EVAL_ANOMALOUS: 'heatmap' }, '/'),
    (e: unknown) =>
      e instanceof ParamError &&
      e.message === 'EVAL_ANOMALOUS: expected one of "auto", "lines", "density", found "heatmap"',
  );
  assert.deepEqual(paramsToEnv({ anomalousPanels: 'density' }), { EVAL_ANOMALOUS: 'density' });
  assert.match(describeParams(resolveParams(defaults, { EVAL_ANOMALOUS: 'density' }, '/')), /anomalous: +density/);
});
