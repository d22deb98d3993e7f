/**
 * The report page as a briefing and a workspace: nbconvert's page with the first screen
 * ({@link briefingHtml}) under its title, and the script that follows one IP through every figure
 * and table ({@link followIp}, compiled TypeScript embedded once, with the page's IPs and an index
 * of which figure holds which IP). Pure: the page and summary.json in, the page out. The index is
 * built here, once, so the page does no heavy work when it loads.
 */
import { gunzipSync } from 'node:zlib';
import { jsonForScript, unescapeHtml } from '../html';
import { scriptSafe } from './plotly-bundle';
import { type FollowData, type FollowFigure, type FollowIpEntry, followIp } from './browser/follow-ip';
import { figureHighlighter } from './browser/highlight-ip';
import { drawIpProfile } from './browser/ip-profile';
import { type BriefingSummary, briefingHtml, pageHeadings } from './briefing';

/** summary.json as the page reads it: the first screen's parts, anomalies' reasons, campaigns. */
export type PageSummary = BriefingSummary;

/** The plain text of a Plotly title (string or `{text}`): tags dropped, entities decoded. */
function titleText(layout: Record<string, unknown>): string {
  const title = layout.title;
  const text = typeof title === 'string' ? title : (title as { text?: unknown } | undefined)?.text;
  return typeof text === 'string' ? unescapeHtml(text.replace(/<br>[\s\S]*$/, '').replace(/<[^>]*>/g, '')) : '';
}

/** Every figure spec embedded in a page (figure twins' `data-anomaly-eval-spec` scripts), decoded, by id. */
export function pageFigureSpecs(
  html: string,
): Map<string, { data: Record<string, unknown>[]; layout: Record<string, unknown> }> {
  const specs = new Map<string, { data: Record<string, unknown>[]; layout: Record<string, unknown> }>();
  const re =
    /<script type="([^"]+)"(?: data-encoding="([^"]+)")? data-anomaly-eval-spec="([0-9a-f]+)">([\s\S]*?)<\/script>/g;
  for (const m of html.matchAll(re)) {
    if (specs.has(m[3])) continue;
    const json = m[2] === 'gzip-base64' ? gunzipSync(Buffer.from(m[4].trim(), 'base64')).toString('utf8') : m[4];
    specs.set(m[3], JSON.parse(json));
  }
  return specs;
}

/**
 * The labels a figure spec holds: per-IP trace names, per-point text of grouped lines, heatmap rows.
 * A density's `max` line is not one of them: its text names the loudest IP of each window, which the
 * panel draws only as part of the density (unless it stands out, and then it has a line of its own).
 */
export function specLabels(spec: { data: Record<string, unknown>[] }, known: ReadonlySet<string>): Set<string> {
  const found = new Set<string>();
  const take = (value: unknown): void => {
    if (typeof value !== 'string' || value === '') return;
    const label = unescapeHtml(value);
    if (known.has(label)) found.add(label);
  };
  for (const trace of spec.data) {
    take(trace.name);
    if (Array.isArray(trace.text) && trace.type !== 'heatmap' && trace.name !== 'max')
      for (const t of trace.text) take(t);
    if (trace.type === 'heatmap' && Array.isArray(trace.customdata))
      for (const row of trace.customdata) if (Array.isArray(row)) take(row[0]);
  }
  return found;
}

/** What the page script follows: every anomaly (by score) with its reasons and campaign, and each figure's IPs. */
export function followData(summary: PageSummary, html: string): FollowData {
  const campaignOf = new Map<string, string>();
  for (const c of summary.campaigns ?? []) for (const m of c.members) campaignOf.set(m, c.name);
  const ips: FollowIpEntry[] = (summary.anomalies ?? []).map((a) => ({
    label: a.label,
    role: a.role,
    runs: a.runs,
    score: a.score,
    ...(a.explained !== undefined ? { explained: a.explained } : {}),
    reasons: (a.reasons ?? []).map((r) => ({
      family: r.family,
      direction: r.direction,
      score: r.score ?? null,
      ...(r.kind ? { kind: r.kind } : {}),
      windows: r.windows ?? null,
    })),
    ...(campaignOf.has(a.label) ? { campaign: campaignOf.get(a.label) } : {}),
  }));
  const index = new Map(ips.map((ip, i) => [ip.label, i]));
  const known = new Set(index.keys());
  const figures: FollowFigure[] = [];
  for (const [id, spec] of pageFigureSpecs(html)) {
    const title = titleText(spec.layout);
    const family = /^(.+) along the timeline$/.exec(title)?.[1];
    const labels = [...specLabels(spec, known)].map((label) => index.get(label) as number).sort((a, b) => a - b);
    figures.push({ id, title, ...(family ? { family } : {}), ips: labels });
  }
  return { ips, figures };
}

/** The page's style for the first screen and the follow panel. */
export const BRIEFING_STYLE = `<style>
.ae-briefing { font: 14px/1.45 system-ui, sans-serif; margin: 8px 0 18px; }
.ae-briefing a { color: #1a5fb4; text-decoration: none; }
.ae-briefing a:hover { text-decoration: underline; }
.ae-warning { background: #fff4ce; border-left: 4px solid #e5a50a; padding: 6px 10px; margin-bottom: 10px; }
.ae-facts { display: flex; flex-wrap: wrap; gap: 10px 28px; margin-bottom: 8px; }
.ae-fact { min-width: 220px; }
.ae-big { font-size: 24px; font-weight: 600; margin-right: 4px; }
.ae-sub { color: #555; font-size: 12.5px; }
.ae-tally { margin: 6px 0; }
.ae-tally-title { color: #555; margin-right: 4px; }
.ae-tally-item { display: inline-block; margin: 2px 10px 2px 0; white-space: nowrap; }
.ae-mark { font-weight: 700; }
.ae-v-holds .ae-mark { color: #26a269; } .ae-v-does-not-hold .ae-mark { color: #c01c28; }
.ae-v-inconclusive .ae-mark { color: #b5835a; }
.ae-notable { display: inline-block; margin-left: 4px; font-size: 13px; }
.ae-notable summary { cursor: pointer; color: #1a5fb4; }
.ae-notable ul { margin: 4px 0; padding-left: 20px; }
.ae-changes { margin: 6px 0; }
.ae-follow-row { display: flex; flex-wrap: wrap; align-items: center; gap: 6px 16px; margin: 8px 0; }
.ae-ip { font: 12.5px monospace; border: 1px solid #bbb; background: #f6f6f6; border-radius: 4px; padding: 2px 6px; cursor: pointer; margin: 2px 2px; }
.ae-ip:hover { background: #e8f0fb; }
.ae-why { color: #666; font-family: system-ui, sans-serif; font-size: 11.5px; }
.ae-contents details > summary { cursor: pointer; font-weight: 600; }
.ae-contents ul { columns: 3 16em; margin: 4px 0; padding-left: 18px; font-size: 13px; }
.ae-contents ul ul { columns: 1; padding-left: 14px; font-size: 12px; }
.ae-contents li { break-inside: avoid; }
.ae-follow-bar { display: flex; align-items: center; gap: 8px; font: 13px system-ui, sans-serif; }
.ae-follow-floating { position: fixed; top: 8px; right: 12px; z-index: 1000; background: #fff; padding: 4px 6px; border: 1px solid #ccc; border-radius: 6px; }
.ae-follow-search { width: 19em; font: 13px monospace; padding: 3px 6px; }
.ae-follow-status { color: #a51d2d; }
.ae-follow-panel { position: fixed; top: 8px; right: 8px; bottom: 8px; width: 360px; overflow: auto; z-index: 1001; background: #fff;
  border: 1px solid #bbb; border-radius: 6px; box-shadow: 0 2px 12px rgba(0,0,0,.18); padding: 8px 12px; font: 13px/1.4 system-ui, sans-serif; }
.ae-follow-head { display: flex; justify-content: space-between; align-items: baseline; gap: 8px; }
.ae-follow-label { font: 600 14px monospace; word-break: break-all; }
.ae-follow-close { border: none; background: none; font-size: 20px; cursor: pointer; }
.ae-follow-facts { margin: 4px 0; color: #333; }
.ae-follow-reasons { border-collapse: collapse; margin: 6px 0; width: 100%; font-size: 12px; }
.ae-follow-reasons th, .ae-follow-reasons td { text-align: left; padding: 1px 4px; border-bottom: 1px solid #eee; }
.ae-follow-reasons .ae-num { text-align: right; }
.ae-follow-reasons td:last-child { white-space: nowrap; }
.ae-follow-reasons td:first-child { word-break: break-all; }
.ae-follow-panel a { color: #1a5fb4; }
.ae-follow-profile { min-height: 10px; }
body.ae-following { margin-right: 376px; }
.ae-follow-legend { color: #555; font-size: 11.5px; margin: 6px 0 0; }
.ae-follow-figures summary { cursor: pointer; color: #1a5fb4; }
.ae-follow-figures ul { margin: 2px 0; padding-left: 18px; }
tr.ae-chosen-row > * { background: #fff1a8 !important; font-weight: 600; }
tr.ae-dimmed-row { opacity: 0.45; }
div[data-ae-chosen] { outline: 2px solid #111; outline-offset: 2px; }
@media print { .ae-follow-bar, .ae-follow-panel { display: none; } }
</style>`;

/** Browser sources of {@link followIp} and the two functions it is given (compiled JS, no imports). */
const FOLLOW_SOURCE = scriptSafe(followIp.toString());
const HIGHLIGHT_SOURCE = scriptSafe(figureHighlighter.toString());
const PROFILE_SOURCE = scriptSafe(drawIpProfile.toString());

/** The script that follows IPs, with the page's data: embedded once, at the end of the page. */
export function followScript(data: FollowData): string {
  return `<script type="text/javascript">(${FOLLOW_SOURCE})(${jsonForScript(data)},${HIGHLIGHT_SOURCE},${PROFILE_SOURCE});</script>`;
}

/** Whether a summary.json is an evaluation's (runs, overlaps, reference): another notebook may write anything. */
export function isEvaluationSummary(value: unknown): value is PageSummary {
  const summary = value as Partial<PageSummary> | null;
  return (
    typeof summary === 'object' &&
    summary !== null &&
    typeof summary.reference === 'string' &&
    Array.isArray(summary.runs) &&
    Array.isArray(summary.overlaps) &&
    (summary.findings === undefined || Array.isArray(summary.findings)) &&
    (summary.anomalies === undefined || Array.isArray(summary.anomalies))
  );
}

/**
 * The page with its first screen under the title (or at the top of the body when it has no h1),
 * the style, and the follow script at the end of the body; unchanged when `summary` is not an
 * evaluation's (another notebook run by `--notebook` writes its own).
 */
export function addBriefing(html: string, summary: unknown, options: { generatedSeed?: number } = {}): string {
  if (!isEvaluationSummary(summary)) return html;
  const briefing = briefingHtml(summary, { headings: pageHeadings(html), generatedSeed: options.generatedSeed });
  const h1 = /<\/h1>/i.exec(html);
  let out: string;
  if (h1) out = html.slice(0, h1.index + h1[0].length) + briefing + html.slice(h1.index + h1[0].length);
  else out = html.replace(/<body[^>]*>/i, (body) => body + briefing);
  out = out.replace(/<\/head>/i, () => `${BRIEFING_STYLE}\n</head>`);
  const script = followScript(followData(summary, html));
  const end = out.lastIndexOf('</body>');
  return end < 0 ? out + script : out.slice(0, end) + script + out.slice(end);
}
