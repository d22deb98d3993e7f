/**
 * One figure, two plotly.js versions: JupyterLab's Plotly renderer (jupyterlab-plotly 5.24) bundles
 * plotly.js 2.35, our page 4.1. Every kind of spec the notebook shows (lib/figures),
 * each made from data by the same steps as the notebook, must validate cleanly
 * (`Plotly.validate`) in both and draw the same way: the same traces (type, name, visibility,
 * number of points), the same panels, and no console error. plotly.js 2.35 comes from the harness's
 * build (lab/build/plotly-2.35.min.js, from plotly.js-dist-min 2.35.2); without it the test is skipped
 * (CI builds it).
 */
import { after, before, test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import { findProjectRoot } from '../lib/notebook/kernel';
import { labPlotlyPath } from '../lab/harness';
import { plotlyPath, plotlySource } from '../lib/notebook/plotly-bundle';
import { baselineOf } from '../lib/evaluation/baseline';
import { findCampaigns } from '../lib/triage/campaigns';
import type { Changes } from '../lib/summary/schema';
import { changesFigure } from '../lib/figures/changes';
import { campaignsFigure } from '../lib/figures/campaigns';
import { levelsFigure } from '../lib/figures/levels';
import { profileFigure } from '../lib/figures/profile';
import { figurePicker } from '../lib/figures/picker';
import { findingContext } from '../lib/findings';
import type { Frame } from '../lib/table/frame';
import { explainRows, rankExplanations } from '../lib/triage/reasons';
import { ValueSketch } from '../lib/table/sketch';
import type { PlotlyFigure } from '../lib/figures/spec';
import { evidenceFigure } from '../lib/figures/evidence';
import { overlapFigure } from '../lib/figures/overlap';
import { plotAllIps } from '../lib/figures/timeline';
import { type OfflinePage, hasChromium, openOffline } from './browser-harness';
import { syntheticFrame } from './plot-fixtures';

const root = findProjectRoot(__dirname);
const LAB_PLOTLY = labPlotlyPath(root);
// In CI a missing build is a failure, never a silent skip.
const skip = !hasChromium()
  ? 'no /usr/bin/chromium'
  : !fs.existsSync(LAB_PLOTLY) && process.env.CI !== 'true'
    ? 'lab/ not built (no plotly.js 2.35): npm run lab -- --build-only'
    : false;

/** The normal baseline of `normal` (every row), as the evaluation builds it from the full table. */
function baselineFrom(normal: Frame) {
  const sketch = new ValueSketch(normal.columns);
  for (let r = 0; r < normal.nRows; r++) sketch.addRow(normal.roles[r], normal.row(r));
  return baselineOf(sketch);
}

/** A comparison with a baseline whose means moved: all positive (log axis) or with a zero (linear). */
function changesWithMoves(withZero: boolean): Changes {
  const mean = (from: number, to: number) => ({ meanFrom: from, meanTo: to });
  const family = (k: number) => ({
    anomalous: { source: mean(10 * k, 25 * k), dst: mean(4 * k, withZero && k === 1 ? 0 : 3 * k) },
    normal: { source: mean(2 * k, 2.5 * k), dst: mean(k, k) },
  });
  return {
    baseline: 'earlier/summary.json',
    anomalies: { added: ['9.9.9.9source'], removed: [], kept: 3 },
    findings: [],
    families: { avg_Length: family(1), count_Length: family(7), '<b>sum</b>_Length': family(40) },
  };
}

/**
 * Every kind of figure the notebook shows: per-IP lines, density, every normal line, log scale,
 * overlaps, evidence, levels, campaigns (IP names shown and hidden), an IP's profile, changes since a
 * baseline (log and linear axis). Reasons, campaigns and levels come from synthetic frames through
 * the evaluation's own steps (baseline sketch, explainRows, findCampaigns, findingContext).
 */
function figures(): Record<string, PlotlyFigure> {
  const anomalous = syntheticFrame({
    sources: 14,
    destinations: 9,
    anomalous: true,
    windows: 40,
    seed: 3,
    extraLabels: ['<b>evil</b>%{y}source'],
  });
  const normal = syntheticFrame({ sources: 80, destinations: 30, windows: 40, seed: 4 });
  // Several families, for reasons, campaigns and profiles.
  const families = ['avg_Length', 'count_Length', 'sum_Length'];
  const flagged = syntheticFrame({
    sources: 14,
    destinations: 9,
    anomalous: true,
    windows: 40,
    seed: 6,
    families,
    extraLabels: ['<b>evil</b>%{y}source'],
  });
  const normalRows = syntheticFrame({ sources: 80, destinations: 30, windows: 40, seed: 7, families });
  const manyFlagged = syntheticFrame({
    sources: 50,
    destinations: 30,
    anomalous: true,
    windows: 40,
    seed: 8,
    families,
  });
  const baseline = baselineFrom(normalRows);
  const triage = explainRows([flagged], baseline);
  const top = rankExplanations(triage.explanations)[0];
  return {
    'timeline, density': plotAllIps(anomalous, normal, 'avg_Length', { maxLines: 50 }),
    'timeline, every normal line': plotAllIps(anomalous, normal, 'avg_Length', { normal: 'lines' }),
    'timeline, log scale': plotAllIps(anomalous, normal, 'avg_Length', { yScale: 'log', maxLines: 50 }),
    'timeline, anomalous density': plotAllIps(anomalous, normal, 'avg_Length', { anomalous: 'density', maxLines: 50 }),
    overlaps: overlapFigure([
      { name: '30T', labels: ['a', 'b', 'c', 'd'] },
      { name: '10T', labels: ['a', 'b', 'e'] },
      { name: '5T', labels: ['a', 'c', 'e', 'f'] },
    ]),
    evidence: evidenceFigure({
      family: 'avg_Length',
      cells: (['anomalous', 'normal'] as const).flatMap((group) =>
        (['source', 'dst'] as const).map((role) => ({
          group,
          role,
          ips: 10,
          values: 100,
          mean: group === 'anomalous' ? 5 : 1,
          median: 1,
          p95: 9,
          max: 12,
          nonzeroShare: 0.4,
        })),
      ),
    }),
    levels: levelsFigure(findingContext({ anomalous: flagged, normalSample: normalRows }), 'avg_Length'),
    'campaigns, IP names shown': campaignsFigure(findCampaigns(triage)),
    'campaigns, 80 IPs without names': campaignsFigure(findCampaigns(explainRows([manyFlagged], baseline))),
    profile: profileFigure(flagged, flagged.index.indexOf(top.label), baseline, top.reasons, {
      note: 'only the <b>5T</b> run flagged it',
    }),
    // Two profiles of different shapes (3 families, then 1) in one figure: the second's axes hidden.
    'profiles picker': figurePicker([
      {
        label: `${top.label} (only <b>5T</b> flagged it)`,
        figure: profileFigure(flagged, flagged.index.indexOf(top.label), baseline, top.reasons),
      },
      { label: 'second', figure: profileFigure(flagged, 0, baseline, [], { families: ['avg_Length'] }) },
    ]),
    'changes, log axis': changesFigure(changesWithMoves(false)),
    'changes, linear axis': changesFigure(changesWithMoves(true)),
  };
}

/** What a drawn figure looks like, version-independent: per trace its type, name, visibility and point count; the axes. */
interface Drawing {
  errors: unknown;
  traces: string[];
  axes: string[];
  svgTraces: number;
  /** Axes whose tick labels Plotly checks for overflow (one forced layout per label): none should. */
  checkedTicks: string[];
  /** Tick labels drawn (partly) outside the figure: none should, so unchecked labels hide nothing. */
  ticksOutside: string[];
}

async function drawAll(
  page: OfflinePage['page'],
  specs: Record<string, PlotlyFigure>,
): Promise<Record<string, Drawing>> {
  return page.evaluate(async (all) => {
    const P = (
      window as unknown as {
        Plotly: {
          validate(data: unknown, layout: unknown): unknown;
          newPlot(
            div: HTMLElement,
            data: unknown,
            layout: unknown,
            config: unknown,
          ): Promise<HTMLElement & { _fullData: Record<string, unknown>[]; _fullLayout: Record<string, unknown> }>;
          purge(div: HTMLElement): void;
        };
      }
    ).Plotly;
    const out: Record<string, Drawing> = {};
    for (const [name, fig] of Object.entries(all)) {
      const div = document.createElement('div');
      document.body.appendChild(div);
      // Plotly.validate predates typed-array specs ({dtype, bdata, shape}) and calls them
      // "not an array": it checks a copy with them decoded into plain (nested) arrays.
      const decode = (value: unknown): unknown => {
        if (Array.isArray(value)) return value.map(decode);
        if (!value || typeof value !== 'object') return value;
        const spec = value as { dtype?: string; bdata?: string; shape?: string };
        if (typeof spec.bdata === 'string' && typeof spec.dtype === 'string') {
          const kinds: Record<string, { new (b: ArrayBuffer): ArrayLike<number> }> = {
            f4: Float32Array,
            f8: Float64Array,
            u1: Uint8Array,
            u2: Uint16Array,
            i4: Int32Array,
            u4: Uint32Array,
          };
          const bin = atob(spec.bdata);
          const bytes = new Uint8Array(bin.length);
          for (let i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
          const flat = Array.from(new kinds[spec.dtype](bytes.buffer));
          if (!spec.shape) return flat;
          const [, cols] = spec.shape.split(',').map(Number);
          const rows: number[][] = [];
          for (let i = 0; i < flat.length; i += cols) rows.push(flat.slice(i, i + cols));
          return rows;
        }
        return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, decode(v)]));
      };
      const errors = P.validate(decode(fig.data), decode(fig.layout));
      const gd = await P.newPlot(div, fig.data, fig.layout, fig.config ?? {});
      const traces = gd._fullData.map((t) => {
        const n = (t._length as number | undefined) ?? -1;
        return `${String(t.type)}|${String(t.name)}|${String(t.visible)}|${n}|${String(t.mode ?? '')}|${String(t.hovertemplate ?? '')}`;
      });
      const axes = Object.keys(gd._fullLayout)
        .filter((k) => /^[xy]axis\d*$/.test(k))
        .sort()
        .map((k) => `${k}:${String((gd._fullLayout[k] as { type: string }).type)}`);
      const svgTraces = div.querySelectorAll('.scatterlayer .trace, .heatmaplayer .hm, .barlayer .trace').length;
      const checkedTicks = Object.keys(gd._fullLayout)
        .filter((k) => /^[xy]axis\d*$/.test(k))
        .filter((k) => (gd._fullLayout[k] as { ticklabeloverflow?: string }).ticklabeloverflow !== 'allow');
      const frame = (div.querySelector('.main-svg') as SVGElement).getBoundingClientRect();
      const ticksOutside = Array.from(div.querySelectorAll('.xtick text, .ytick text'))
        .filter((t) => {
          const r = t.getBoundingClientRect();
          return (
            r.width > 0 &&
            (r.left < frame.left - 1 ||
              r.right > frame.right + 1 ||
              r.top < frame.top - 1 ||
              r.bottom > frame.bottom + 1)
          );
        })
        .map((t) => t.textContent ?? '');
      out[name] = { errors: errors ?? null, traces, axes, svgTraces, checkedTicks, ticksOutside };
      P.purge(div);
      div.remove();
    }
    return out;
  }, specs);
}

let v4: OfflinePage | undefined;
let v2: OfflinePage | undefined;

before(async () => {
  if (skip) return;
  const page = (source: string) =>
    `<!doctype html><html><body><script>${source.replace(/<\/script/gi, '<\\/script')}</script></body></html>`;
  v4 = await openOffline(page(plotlySource('cartesian')));
  v2 = await openOffline(page(fs.readFileSync(LAB_PLOTLY, 'utf8')));
});

after(async () => {
  await v4?.close();
  await v2?.close();
});

test('every kind of figure validates in plotly.js 4.1 and 2.35 and draws the same traces in both', {
  skip,
  timeout: 120_000,
}, async () => {
  assert.match(plotlyPath(), /plotly/);
  const versions = await Promise.all(
    [v4!, v2!].map((p) => p.page.evaluate(() => (window as unknown as { Plotly: { version: string } }).Plotly.version)),
  );
  assert.match(versions[0], /^4\.1\./);
  assert.match(versions[1], /^2\.35\./);
  const specs = figures();
  const [newer, older] = await Promise.all([drawAll(v4!.page, specs), drawAll(v2!.page, specs)]);
  // What validate says of any figure picker, and is no fault: hidden traces are not coerced (so their
  // keys count as unused), and it cannot compare the objects a dropdown button passes to Plotly.update.
  type Complaint = { code: string; container: string; trace: number | null; astr: string };
  const complaints = (name: string, errors: unknown): Complaint[] | null => {
    const left = ((errors as Complaint[] | null) ?? []).filter(
      (e) =>
        !(e.code === 'unused' && e.container === 'data' && specs[name].data[e.trace ?? -1]?.visible === false) &&
        !(e.code === 'dynamic' && /^updatemenus\[0\]\.buttons\[\d+\]\.args\[[01]\]$/.test(e.astr)),
    );
    return left.length > 0 ? left : null;
  };
  for (const name of Object.keys(specs)) {
    const [v4Errors, v2Errors] = [complaints(name, newer[name].errors), complaints(name, older[name].errors)];
    assert.equal(v4Errors, null, `${name}: Plotly.validate in 4.1: ${JSON.stringify(v4Errors)}`);
    assert.equal(v2Errors, null, `${name}: Plotly.validate in 2.35: ${JSON.stringify(v2Errors)}`);
    assert.deepEqual(older[name].traces, newer[name].traces, `${name}: the same traces in both versions`);
    assert.deepEqual(older[name].axes, newer[name].axes, `${name}: the same axes`);
    assert.equal(older[name].svgTraces, newer[name].svgTraces, `${name}: the same drawn layers`);
    assert.ok(newer[name].svgTraces > 0, `${name}: something was drawn`);
    // Labels unchecked (no measuring per label, what JupyterLab pays for every figure at open), and none
    // of them outside the figure, so the check Plotly would make (hide past the div) hides nothing.
    assert.deepEqual([older[name].checkedTicks, newer[name].checkedTicks], [[], []], `${name}: tick labels unchecked`);
    assert.deepEqual([older[name].ticksOutside, newer[name].ticksOutside], [[], []], `${name}: tick labels inside`);
  }
  // the per-IP lines take their shared attributes from the template in both versions
  const line = newer['timeline, density'].traces.find((t) => t.includes('evil'))!;
  assert.match(line, /^scatter\|&lt;b&gt;evil&lt;\/b&gt;%\{y\}source\|true\|40\|lines\|<b>%\{fullData\.name\}<\/b>/);
  // the figures made from data are the real thing: reasons found, groups cut, IP names hidden past 60 rows
  assert.ok(
    newer.profile.traces.length >= 5 && newer.profile.traces.length % 4 === 1,
    `profile: band, median and the IP per family, and the shaded windows' legend (${newer.profile.traces.length} traces)`,
  );
  assert.ok(
    (specs['campaigns, IP names shown'].layout.annotations as unknown[]).length >= 2,
    'campaigns: several groups',
  );
  assert.equal(
    (specs['campaigns, 80 IPs without names'].layout.yaxis as { showticklabels?: boolean }).showticklabels,
    false,
  );
  assert.deepEqual(
    [newer['changes, log axis'].axes, newer['changes, linear axis'].axes],
    [
      ['xaxis:log', 'yaxis:category'],
      ['xaxis:linear', 'yaxis:category'],
    ],
  );
  assert.deepEqual([v4!.errors, v2!.errors], [[], []], 'no console error');
});
