/**
 * Verdicts in two layers for the notebook and the page: one short line per finding (its verdict, its
 * claim, and its headline when the verdict carries one), the full evidence folded under it, and a
 * note on what the evidence's IP counts count. Pure: from findings' results to HTML; every text is
 * escaped.
 */
import { VERDICT_MARKS, type FindingResult } from '../findings';
import { escapeHtml } from '../html';

/** What the evidence's IP counts are, beside the figures' counts of every IP of the sample. */
export const IP_COUNTS_NOTE =
  'IP counts in the evidence are the IPs the measure reads (e.g. those active in the family); the figures count every IP of the sample or the run.';

/** The class of a verdict's mark, for its colour. */
function verdictClass(status: string): string {
  return `ae-v-${status.replace(/ /g, '-')}`;
}

/**
 * A list of findings: per finding a `<details>` whose summary is the verdict and the claim (and the
 * verdict's `headline`, a short key number, when it has one) and whose body is the full evidence;
 * the note on IP counts under the list. Empty for no findings.
 */
export function findingsHtml(results: readonly FindingResult[]): string {
  if (results.length === 0) return '';
  const items = results
    .map(({ finding, verdict }) => {
      const headline = (verdict as { readonly headline?: unknown }).headline;
      const key = typeof headline === 'string' && headline !== '' ? ` — ${escapeHtml(headline)}` : '';
      return (
        `<li data-finding="${escapeHtml(finding.id)}"><details><summary>` +
        `<b class="${verdictClass(verdict.status)}">${escapeHtml(VERDICT_MARKS[verdict.status])}</b> — ${escapeHtml(finding.text)}${key}` +
        `</summary><p class="ae-evidence">${escapeHtml(verdict.evidence)} <code>${escapeHtml(finding.id)}</code></p></details></li>`
      );
    })
    .join('');
  return (
    '<div class="ae-findings"><style>.ae-findings ul{list-style:none;padding-left:0.5em}.ae-findings summary{cursor:pointer}' +
    '.ae-findings .ae-evidence{margin:2px 0 8px 1.4em;color:#444;font-size:0.95em}.ae-findings .ae-v-holds{color:#26a269}' +
    '.ae-findings .ae-v-does-not-hold{color:#c01c28}.ae-findings .ae-v-inconclusive{color:#986a44}' +
    `.ae-findings .ae-ipnote{color:#666;font-size:0.9em}</style><ul>${items}</ul>` +
    `<p class="ae-ipnote">Click a finding for its evidence. ${escapeHtml(IP_COUNTS_NOTE)}</p></div>`
  );
}
