/**
 * The report page's first screen: the answer before the method. From summary.json (and the page's
 * own headings) to an HTML block placed under the page's title: the runs and how far they agree,
 * how many anomalies and campaigns, the findings' tally (✔ ✘ ~ ℹ ·), what changed since the
 * baseline, the generated-data warning, the highest-scoring IPs (each one click from being
 * followed) and a contents list linking every section. Pure: strings and data in, HTML out; every
 * string from a file is escaped.
 */
import { escapeHtml, unescapeHtml } from '../html';

/** The verdicts in the order the tally shows them, with their marks. */
export const TALLY = [
  { verdict: 'holds', mark: '✔', words: 'hold' },
  { verdict: 'does not hold', mark: '✘', words: 'do not hold' },
  { verdict: 'inconclusive', mark: '~', words: 'inconclusive' },
  { verdict: 'descriptive', mark: 'ℹ', words: 'descriptive' },
  { verdict: 'not checkable', mark: '·', words: 'not checkable' },
] as const;

/** The parts of summary.json (versions 2 and 3) the first screen reads. */
export interface BriefingSummary {
  readonly reference: string;
  readonly runs: readonly { readonly name: string; readonly rows: number }[];
  readonly overlaps: readonly { readonly runs: readonly string[]; readonly common: number }[];
  readonly full?: { readonly anomalousNotInFull?: number; readonly normalRows?: number };
  readonly findings?: readonly {
    readonly id: string;
    readonly section?: string;
    readonly verdict: string;
    readonly headline?: string;
    readonly claim?: string;
  }[];
  readonly anomalies?: readonly {
    readonly label: string;
    readonly role: string;
    readonly runs: readonly string[];
    readonly score: number | null;
    readonly explained?: boolean;
    readonly reasons?: readonly {
      readonly family: string;
      readonly direction: string;
      readonly score?: number | null;
      readonly kind?: string;
      readonly windows?: { readonly from: string; readonly to: string } | null;
    }[];
  }[];
  readonly campaigns?: readonly { readonly id: string; readonly name: string; readonly members: readonly string[] }[];
  readonly changes?: {
    readonly baseline: string;
    readonly anomalies: {
      readonly added: readonly string[];
      readonly removed: readonly string[];
      readonly kept: number;
    };
    readonly findings: readonly unknown[];
  };
}

/** A heading of the page: level 2 or 3, its anchor id and its text. */
export interface PageHeading {
  readonly level: 2 | 3;
  readonly id: string;
  readonly text: string;
}

/** Options of {@link briefingHtml}. */
export interface BriefingOptions {
  /** The page's section headings, for the contents list ({@link pageHeadings}). */
  readonly headings: readonly PageHeading[];
  /** Set when the inputs carry the data generator's mark: the seed it was generated with. */
  readonly generatedSeed?: number;
  /** IPs shown one click from being followed. Default 5. */
  readonly topIps?: number;
}

/** The h2 and h3 headings of an nbconvert page (their ids and plain text), in order. */
export function pageHeadings(html: string): PageHeading[] {
  const out: PageHeading[] = [];
  for (const m of html.matchAll(/<h([23])\s+id="([^"]*)"[^>]*>([\s\S]*?)<\/h\1>/g)) {
    const text = unescapeHtml(m[3].replace(/<a class="anchor-link"[\s\S]*?<\/a>/g, '').replace(/<[^>]*>/g, '')).trim();
    out.push({ level: m[1] === '2' ? 2 : 3, id: unescapeHtml(m[2]), text });
  }
  return out;
}

/** The count of each verdict among the findings, in {@link TALLY} order. */
export function findingsTally(findings: BriefingSummary['findings']): Map<string, number> {
  const counts = new Map<string, number>(TALLY.map((t) => [t.verdict, 0]));
  for (const f of findings ?? []) counts.set(f.verdict, (counts.get(f.verdict) ?? 0) + 1);
  return counts;
}

const number = (n: number): string => n.toLocaleString('en-US');
const plural = (n: number, one: string, many = `${one}s`): string => `${number(n)} ${n === 1 ? one : many}`;
const percent = (part: number, whole: number): string => (whole > 0 ? `${Math.round((100 * part) / whole)}%` : '–');

/** The href of a section's heading, or undefined when the page has none by that text. */
function sectionHref(headings: readonly PageHeading[], text: string): string | undefined {
  const heading = headings.find((h) => h.text === text);
  return heading ? `#${encodeURIComponent(heading.id)}` : undefined;
}

function link(href: string | undefined, html: string): string {
  return href ? `<a href="${escapeHtml(href)}">${html}</a>` : html;
}

/** The runs, the reference run's rows and how many of them every run flagged. */
function runsLine(summary: BriefingSummary, headings: readonly PageHeading[]): string {
  const reference = summary.runs.find((r) => r.name === summary.reference);
  const rows = reference?.rows ?? 0;
  const all = summary.overlaps.find((o) => o.runs.length === summary.runs.length && summary.runs.length > 1);
  const runs = summary.runs
    .map((r) => `<b>${escapeHtml(r.name)}</b> ${number(r.rows)}${r.name === summary.reference ? ' (reference)' : ''}`)
    .join(' · ');
  const pairs = summary.overlaps
    .filter((o) => o.runs.length === 2)
    .map((o) => `${o.runs.map(escapeHtml).join(' ∩ ')} ${number(o.common)}`)
    .join(', ');
  const agree = all
    ? `<span class="ae-big">${percent(all.common, rows)}</span> of ${escapeHtml(summary.reference)}'s anomalies are flagged by all ${summary.runs.length} runs (${number(all.common)} of ${number(rows)}${pairs ? `; ${pairs}` : ''})`
    : `one run: ${escapeHtml(summary.reference)}`;
  return `<div class="ae-fact">${link(sectionHref(headings, 'Common anomalies between runs'), agree)}<div class="ae-sub">runs (rows flagged): ${runs}</div></div>`;
}

/** The anomalies of the reference run, by role, how many are explained, and the campaigns. */
function anomaliesLine(summary: BriefingSummary, headings: readonly PageHeading[]): string {
  const ofReference = (summary.anomalies ?? []).filter((a) => a.runs.includes(summary.reference));
  const rows = summary.runs.find((r) => r.name === summary.reference)?.rows ?? ofReference.length;
  const sources = ofReference.filter((a) => a.role === 'source').length;
  const unexplained = ofReference.filter((a) => a.explained === false).length;
  const parts = [`${number(sources)} source, ${number(ofReference.length - sources)} destination`];
  if (ofReference.length > 0 && summary.anomalies?.some((a) => a.explained !== undefined))
    parts.push(`${number(ofReference.length - unexplained)} explained`);
  const missing = summary.full?.anomalousNotInFull ?? 0;
  if (missing > 0) parts.push(`${plural(missing, 'flagged row')} not in the full dataset`);
  const campaigns = summary.campaigns;
  const campaignText =
    campaigns === undefined
      ? ''
      : `<div class="ae-fact">${link(
          sectionHref(headings, 'Campaigns: IPs that deviate alike'),
          `<span class="ae-big">${number(campaigns.length)}</span> campaign${campaigns.length === 1 ? '' : 's'}`,
        )}<div class="ae-sub">${number(campaigns.reduce((n, c) => n + c.members.length, 0))} IPs that deviate alike</div></div>`;
  return (
    `<div class="ae-fact">${link(sectionHref(headings, 'Why these IPs'), `<span class="ae-big">${number(rows)}</span> anomalous IPs`)}` +
    `<div class="ae-sub">${parts.join(' · ')}</div></div>${campaignText}`
  );
}

/** The findings' tally, each verdict's count, with the findings that do not hold or are inconclusive listed (folded). */
function tallyBlock(summary: BriefingSummary, headings: readonly PageHeading[]): string {
  const findings = summary.findings ?? [];
  const counts = findingsTally(findings);
  const chips = TALLY.map(
    (t) =>
      `<span class="ae-tally-item ae-v-${t.verdict.replace(/ /g, '-')}" data-verdict="${escapeHtml(t.verdict)}" title="${escapeHtml(t.verdict)}">` +
      `<span class="ae-mark">${t.mark}</span> <b data-count>${number(counts.get(t.verdict) ?? 0)}</b> ${t.words}</span>`,
  ).join('');
  const notable = findings.filter((f) => f.verdict === 'does not hold' || f.verdict === 'inconclusive');
  const items = notable
    .map((f) => {
      const mark = TALLY.find((t) => t.verdict === f.verdict)?.mark ?? '';
      const href = f.section
        ? sectionHref(headings, f.section === 'overlap' ? "The seed's findings on the overlaps, checked" : f.section)
        : undefined;
      const claim = f.headline ?? f.claim;
      return `<li>${mark} ${link(href, `<code>${escapeHtml(f.id)}</code>`)}${claim ? ` ${escapeHtml(claim)}` : ''}</li>`;
    })
    .join('');
  const list =
    notable.length > 0
      ? `<details class="ae-notable"><summary>the ${number(notable.length)} that do not hold or are inconclusive</summary><ul>${items}</ul></details>`
      : '';
  return `<div class="ae-tally" data-findings="${findings.length}"><span class="ae-tally-title">${plural(findings.length, 'finding')} of the seed, checked:</span> ${chips}${list}</div>`;
}

/** What changed since the baseline, in one line linking to its section. */
function changesLine(summary: BriefingSummary, headings: readonly PageHeading[]): string {
  const changes = summary.changes;
  if (!changes) return '';
  const { added, removed, kept } = changes.anomalies;
  const text =
    `Since the baseline: <b>+${number(added.length)}</b> anomalies added, <b>−${number(removed.length)}</b> removed, ${number(kept)} kept; ` +
    `${plural(changes.findings.length, 'finding')} changed verdict`;
  return `<div class="ae-changes">${link(sectionHref(headings, 'What changed since the last evaluation'), text)}</div>`;
}

/** The IPs with the highest scores, each a button that follows it. */
function topIpsLine(summary: BriefingSummary, count: number): string {
  const top = [...(summary.anomalies ?? [])]
    .filter((a) => typeof a.score === 'number')
    .sort((a, b) => (b.score as number) - (a.score as number))
    .slice(0, count);
  if (top.length === 0) return '';
  const buttons = top
    .map((a) => {
      const reason = a.reasons?.[0];
      const why = reason ? ` <span class="ae-why">${escapeHtml(`${reason.family} ${reason.direction}`)}</span>` : '';
      return `<button type="button" class="ae-ip" data-ip="${escapeHtml(a.label)}">${escapeHtml(a.label)}${why}</button>`;
    })
    .join(' ');
  return `<div class="ae-top"><span class="ae-tally-title">Highest scores:</span> ${buttons}</div>`;
}

/** The contents: every h2 of the page, its h3s under it (an h3 before any h2 stands alone). */
function contentsList(headings: readonly PageHeading[]): string {
  const a = (h: PageHeading): string => `<a href="#${escapeHtml(encodeURIComponent(h.id))}">${escapeHtml(h.text)}</a>`;
  const groups: { head: PageHeading; subs: PageHeading[] }[] = [];
  for (const h of headings) {
    const last = groups[groups.length - 1];
    if (h.level === 3 && last && last.head.level === 2) last.subs.push(h);
    else groups.push({ head: h, subs: [] });
  }
  const items = groups
    .map(
      (g) =>
        `<li>${a(g.head)}${g.subs.length > 0 ? `<ul>${g.subs.map((h) => `<li>${a(h)}</li>`).join('')}</ul>` : ''}</li>`,
    )
    .join('');
  return `<nav class="ae-contents" aria-label="Contents"><details open><summary>Contents</summary><ul>${items}</ul></details></nav>`;
}

/**
 * The first screen, as an HTML block: warning (generated data), facts (anomalies, agreement,
 * campaigns), the tally of verdicts, what changed, the top IPs and the follow box (filled by the
 * page script), and the contents.
 */
export function briefingHtml(summary: BriefingSummary, options: BriefingOptions): string {
  const warning =
    options.generatedSeed === undefined
      ? ''
      : `<div class="ae-warning" role="note"><b>Generated data</b> (<code>npm run data</code>, seed ${escapeHtml(String(options.generatedSeed))}), not captured traffic: a ✔ shows the checks recovering structure the generator planted, not evidence about real honeypot traffic.</div>`;
  return (
    `<section class="ae-briefing" aria-label="The answer first">${warning}` +
    `<div class="ae-facts">${anomaliesLine(summary, options.headings)}${runsLine(summary, options.headings)}</div>` +
    tallyBlock(summary, options.headings) +
    changesLine(summary, options.headings) +
    `<div class="ae-follow-row"><div id="ae-follow"></div>${topIpsLine(summary, options.topIps ?? 5)}</div>` +
    contentsList(options.headings) +
    '</section>'
  );
}
