/**
 * "What changed since the last evaluation": every added and removed IP reachable in the tables (the
 * first rows shown, the rest folded), findings with their claim and id, movers ranked by how far they
 * moved relative to their spread, and a legend whose colours are the markers' colours.
 */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { CHANGES_SHOWN, changesHtml } from '../lib/notebook/changes-view';
import { changesFigure } from '../lib/figures/changes';
import { largestMoves } from '../lib/summary/changes';
import type { Changes } from '../lib/summary/schema';

const HOSTILE = '<img src=x onerror=alert(1)>source';

function changesWith(added: string[], removed: string[]): Changes {
  const cell = (from: number, to: number) => ({ meanFrom: from, meanTo: to });
  const quiet = { source: cell(1, 1), dst: cell(1, 1) };
  return {
    baseline: 'reports/then/summary.json',
    anomalies: { added, removed, kept: 7 },
    findings: [
      { id: 'length.avg.higher-for-anomalous', from: 'holds', to: 'does not hold' },
      { id: 'gone.finding', from: 'inconclusive', to: null },
    ],
    families: {
      // a tiny normal mean that more than halves: a factor of 2.5, a move of 15 µ
      tiny_Family: { anomalous: quiet, normal: { source: cell(25e-6, 10e-6), dst: cell(1, 1) } },
      // a busy anomalous mean that halves: a factor of 2, a move of one and a half spreads (0.5) on the slog scale
      busy_Family: { anomalous: { source: cell(60, 30), dst: cell(1, 1) }, normal: quiet },
    },
  } as Changes;
}

test('every added and removed IP is in a table row (the first ones shown, the rest folded), with its main reason', () => {
  const added = Array.from({ length: 26 }, (_, i) => `10.0.0.${i}source`).concat([HOSTILE]);
  const removed = ['9.9.9.9dst', '8.8.8.8source'];
  const now = added.map((label, i) => ({
    label,
    role: 'source',
    score: 30 - i,
    reasons: [
      { family: 'count_IP1', direction: 'high', windows: { from: '2019-02-01T10:05:00', to: '2019-02-01T11:30:00' } },
    ],
  }));
  const before = [
    {
      label: '9.9.9.9dst',
      role: 'dst',
      score: 5,
      reasons: [{ family: 'avg_Length', direction: 'low', windows: null }],
    },
  ];
  const claims = new Map([['length.avg.higher-for-anomalous', 'Packet length is higher for anomalous IPs.']]);
  const html = changesHtml(changesWith(added, removed), now, before, claims);
  const rows = [...html.matchAll(/<tr data-ip="([^"]*)">/g)].map((m) => m[1]);
  const escapedHostile = HOSTILE.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
  assert.deepEqual(
    rows,
    [...added.slice(0, CHANGES_SHOWN), ...added.slice(CHANGES_SHOWN), ...removed].map((l) =>
      l === HOSTILE ? escapedHostile : l,
    ),
    'one row per IP, added then removed',
  );
  assert.ok(!html.includes('<img'), 'labels are escaped');
  // The first CHANGES_SHOWN added rows are outside the fold, the others inside it.
  const fold = html.indexOf('<details');
  assert.ok(fold > html.indexOf(`data-ip="10.0.0.${CHANGES_SHOWN - 1}source"`));
  assert.ok(fold < html.indexOf(`data-ip="10.0.0.${CHANGES_SHOWN}source"`));
  assert.match(html, /<summary>the other 17 added<\/summary>/);
  assert.match(
    html,
    /<td>10\.0\.0\.0<\/td><td>source<\/td><td>count_IP1 high<\/td><td>10:05–11:30<\/td><td>30\.0<\/td>/,
  );
  assert.match(html, /<td>9\.9\.9\.9<\/td><td>dst<\/td><td>avg_Length low<\/td><td><\/td><td>5\.0<\/td>/);
  // A removed IP the baseline gives no entry for still has its row, with no reason.
  assert.match(html, /<tr data-ip="8\.8\.8\.8source"><td>8\.8\.8\.8<\/td><td>source<\/td><td><\/td>/);
  // Findings: the claim and the id, then → now.
  assert.match(
    html,
    /<td>Packet length is higher for anomalous IPs\. <code>length\.avg\.higher-for-anomalous<\/code><\/td><td>✔ holds<\/td><td>→ ✘ does not hold<\/td>/,
  );
  assert.match(html, /<code>gone\.finding<\/code><\/td><td>~ inconclusive<\/td><td>→ \(absent\)<\/td>/);
});

test('movers rank by how far they moved relative to their spread: a tiny mean that more than halves ranks below a busy one', () => {
  const changes = changesWith([], []);
  // Without a spread, by factor: the tiny mean (2.5×) before the busy one (2×).
  assert.deepEqual(
    largestMoves(changes, 2).map((m) => m.family),
    ['tiny_Family', 'busy_Family'],
  );
  const spread = (family: string) => (family === 'busy_Family' ? 0.5 : 1);
  const moves = largestMoves(changes, 2, spread);
  assert.deepEqual(
    moves.map((m) => m.family),
    ['busy_Family', 'tiny_Family'],
  );
  // Independently: |ln(1 + 30) − ln(1 + 60)| / 0.5 spreads, and 15 µ on the slog scale.
  assert.ok(Math.abs(moves[0].size - Math.abs(Math.log(31) - Math.log(61)) / 0.5) < 1e-12);
  assert.ok(moves[1].size < 1e-4);
});

test("the movers' legend names each colour the markers use: baseline grey, now red for anomalous IPs, blue for normal ones", () => {
  const fig = changesFigure(changesWith([], []), 12, () => 1);
  const legend = fig.data.filter((t) => t.showlegend !== false);
  const colours = legend.map((t) => [t.name, (t.marker as { color: unknown }).color]);
  assert.deepEqual(colours, [
    ['baseline', '#999999'],
    ['now, anomalous IPs', '#d62728'],
    ['now, normal IPs', '#1f77b4'],
  ]);
  const anomalous = legend[1].y as string[];
  const normal = legend[2].y as string[];
  assert.ok(anomalous.every((name) => name.includes('anomalous')));
  assert.ok(normal.every((name) => name.includes('normal')));
  assert.equal(anomalous.length + normal.length, (legend[0].y as string[]).length, 'every move has its now marker');
});
