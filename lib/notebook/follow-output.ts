/**
 * Following one IP, in both of its hosts: the style and the browser sources of the follow script
 * (lib/notebook/browser/follow-ip.ts and the functions it is given), the IPs it follows (from
 * summary.json), and the notebook's follow output: a search box with completion that, in a trusted
 * notebook (JupyterLab, or any front end drawing the figures' HTML twins: all but figures stored as
 * Plotly JSON where jupyterlab-plotly draws them),
 * follows an IP through every figure and table of that notebook. The report page embeds the same
 * script once (report-page.ts) and drops the notebook's follow output, which it replaces.
 */
import { createHash } from 'node:crypto';
import { jsonForScript } from '../html';
import { scriptSafe } from './plotly-bundle';
import { type MimeBundle, show } from './display';
import type { FollowData, FollowIpEntry } from './browser/follow-data';
import { followIp } from './browser/follow-ip';
import { followInNotebook, followOnPage } from './browser/follow-hosts';
import { figureHighlighter } from './browser/highlight-ip';
import { drawIpProfile } from './browser/ip-profile';
import { indexFigure, readFigureIndex } from './browser/figure-index';

/** The style of the search box, the panel, and the chosen IP's rows and figures (page and notebook). */
export const FOLLOW_STYLE = `
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
.ae-follow-root > .ae-follow-panel { position: absolute; top: 36px; }
.jp-NotebookPanel.ae-following > .jp-NotebookPanel-notebook { width: calc(100% - 376px) !important; }
.ae-follow-output .ae-follow-bar { margin: 4px 0; }
`;

/** The parts of summary.json the follow script reads (an evaluation's `Summary` or the page's). */
export interface FollowSummary {
  readonly anomalies?: readonly {
    readonly label: string;
    readonly role: string;
    readonly runs: readonly string[];
    readonly score: number | string | null;
    readonly explained?: boolean;
    readonly reasons?: readonly {
      readonly family: string;
      readonly direction: string;
      readonly score?: number | string | null;
      readonly kind?: string;
      readonly windows?: { readonly from: string; readonly to: string } | null;
    }[];
  }[];
  readonly campaigns?: readonly { readonly name: string; readonly members: readonly string[] }[];
}

/** The IPs the follow script follows: every anomaly of summary.json (by its order) with its reasons and campaign. */
export function followIps(summary: FollowSummary): FollowIpEntry[] {
  const campaignOf = new Map<string, string>();
  for (const c of summary.campaigns ?? []) for (const m of c.members) campaignOf.set(m, c.name);
  return (summary.anomalies ?? []).map((a) => ({
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
}

/** Browser sources (compiled JS, no imports): the script, the functions it is given, its two hosts. */
const FOLLOW_SOURCE = scriptSafe(followIp.toString());
const PARTS_SOURCE = scriptSafe(
  `{makeHighlighter:(${figureHighlighter}),drawProfile:(${drawIpProfile}),readFigures:(${readFigureIndex}),indexFigure:(${indexFigure})}`,
);
const ON_PAGE_SOURCE = scriptSafe(followOnPage.toString());
const IN_NOTEBOOK_SOURCE = scriptSafe(followInNotebook.toString());

/** The report page's follow script, with the page's data (its figures indexed): embedded once, at the end of the page. */
export function followPageScript(data: FollowData): string {
  return `<script type="text/javascript">(${ON_PAGE_SOURCE})(${jsonForScript(data)},(${FOLLOW_SOURCE}),${PARTS_SOURCE});</script>`;
}

/** Marks the start of a notebook's follow output (the report page drops it, up to {@link FOLLOW_OUTPUT_END}). */
export const FOLLOW_OUTPUT_START = '<!-- anomaly-eval follow output -->';
/** Marks the end of a notebook's follow output. */
export const FOLLOW_OUTPUT_END = '<!-- /anomaly-eval follow output -->';

/**
 * The notebook's follow output: the search box's place (a note saying how to trust the notebook
 * until its script runs), the IPs as inert JSON, and the script. Figures are found by the script in
 * the notebook itself, as they draw.
 */
export function followBundle(summary: FollowSummary): MimeBundle {
  const ips = followIps(summary);
  const json = jsonForScript({ ips } satisfies FollowData);
  const id = createHash('sha256').update(json).digest('hex').slice(0, 16);
  const html =
    FOLLOW_OUTPUT_START +
    `<div class="ae-follow-output" data-ae-follow="${id}">` +
    '<div data-ae-follow-note style="font:13px sans-serif;color:#777;padding:4px 0">Follow an IP: a search box here, or a click on a line, ' +
    'a table row or a heatmap row, highlights one IP in every figure and table of this notebook. It needs the notebook trusted ' +
    '(Jupyter runs no script of an untrusted notebook): in JupyterLab run “Trust Notebook” from the command palette, then reopen it.</div>' +
    `<script type="application/json" data-ae-follow-data>${json}</script></div>` +
    `<script type="text/javascript">(${IN_NOTEBOOK_SOURCE})(${JSON.stringify(id)},(${FOLLOW_SOURCE}),${PARTS_SOURCE},${jsonForScript(FOLLOW_STYLE)});</script>` +
    FOLLOW_OUTPUT_END;
  return {
    data: {
      'text/html': html,
      'text/plain': `Follow an IP (${ips.length} flagged IPs): in a trusted notebook, a search box that highlights one IP in every figure and table`,
    },
    metadata: {},
  };
}

/** Shows the follow output: call once, after the evaluation (`showFollow(evaluationSummary)`). */
export function showFollow(summary: FollowSummary): Promise<void> {
  return show(followBundle(summary));
}
