/**
 * The report page as a briefing and a workspace: nbconvert's page with the first screen
 * ({@link briefingHtml}) under its title, and the script that follows one IP through every figure
 * and table (follow-output.ts: compiled TypeScript embedded once, with the page's IPs and an index
 * of which figure holds which IP). Pure: the page and summary.json in, the page out. The index is
 * built here, once, so the page does no heavy work when it loads.
 */
import { gunzipSync } from 'node:zlib';
import type { FollowData, FollowFigure } from './browser/follow-data';
import { indexFigure } from './browser/figure-index';
import { DRAW_AT_ONCE } from './browser/draw-figures';
import { FOLLOW_OUTPUT_END, FOLLOW_OUTPUT_START, FOLLOW_STYLE, followIps, followPageScript } from './follow-output';
import { type BriefingSummary, briefingHtml, pageHeadings } from './briefing';

/** summary.json as the page reads it: the first screen's parts, anomalies' reasons, campaigns. */
export type PageSummary = BriefingSummary;

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
 * What the page script follows: every anomaly (by score) with its reasons and campaign, and each
 * figure's IPs, indexed here by the same function a notebook runs in the browser (figure-index.ts).
 */
export function followData(summary: PageSummary, html: string): FollowData {
  const ips = followIps(summary);
  const index = new Map(ips.map((ip, i) => [ip.label, i]));
  const isKnown = (label: string): boolean => index.has(label);
  const figures: FollowFigure[] = [];
  for (const [id, spec] of pageFigureSpecs(html)) {
    const figure = indexFigure(id, spec, isKnown);
    const labels = figure.labels.map((label) => index.get(label) as number).sort((a, b) => a - b);
    figures.push({ id, title: figure.title, ...(figure.family ? { family: figure.family } : {}), ips: labels });
  }
  return { ips, figures };
}

/** The page without the notebook's own follow output(s): the page's first screen has the search box. */
export function withoutFollowOutputs(html: string): string {
  let out = html;
  for (let at = out.indexOf(FOLLOW_OUTPUT_START); at >= 0; at = out.indexOf(FOLLOW_OUTPUT_START, at)) {
    const end = out.indexOf(FOLLOW_OUTPUT_END, at);
    if (end < 0) break;
    out = out.slice(0, at) + out.slice(end + FOLLOW_OUTPUT_END.length);
  }
  return out;
}

/**
 * The page with its first figure marked to draw as soon as plotly.js has run ({@link DRAW_AT_ONCE}),
 * not when a reader scrolls to it: the briefing puts it a few screens down, and a reader coming from
 * there meets it drawn, its drawing done while the rest of the page is still being read in. The
 * other figures stay lazy (drawn near the viewport, freed far from it).
 */
export function withFirstFigureAtOnce(html: string): string {
  return html.replace(/<div(?=\s[^>]*data-anomaly-eval-figure=")/, `<div ${DRAW_AT_ONCE}`);
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
${FOLLOW_STYLE}
</style>`;

/** The script that follows IPs, with the page's data: embedded once, at the end of the page. */
export function followScript(data: FollowData): string {
  return followPageScript(data);
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
 * the style, its first figure drawn at once, and the follow script at the end of the body; unchanged when `summary` is not an
 * evaluation's (another notebook run by `--notebook` writes its own).
 */
export function addBriefing(page: string, summary: unknown, options: { generatedSeed?: number } = {}): string {
  if (!isEvaluationSummary(summary)) return page;
  const html = withoutFollowOutputs(page);
  const briefing = briefingHtml(summary, { headings: pageHeadings(html), generatedSeed: options.generatedSeed });
  const h1 = /<\/h1>/i.exec(html);
  let out: string;
  if (h1) out = html.slice(0, h1.index + h1[0].length) + briefing + html.slice(h1.index + h1[0].length);
  else out = html.replace(/<body[^>]*>/i, (body) => body + briefing);
  out = out.replace(/<\/head>/i, () => `${BRIEFING_STYLE}\n</head>`);
  out = withFirstFigureAtOnce(out);
  const script = followScript(followData(summary, html));
  const end = out.lastIndexOf('</body>');
  return end < 0 ? out + script : out.slice(0, end) + script + out.slice(end);
}
