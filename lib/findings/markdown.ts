/**
 * Findings as markdown for the notebook: a bullet per finding with its verdict and evidence, the
 * tally under a summary, the family's evidence table under a figure. Every text is escaped: IP
 * labels come from files written by attackers.
 */
import { evidenceTableMarkdown } from '../evaluation/evidence';
import { escapeMarkdown } from '../html';
import type { FindingContext } from './context';
import { type FindingResult, evaluateFindings, verdictCounts } from './evaluate';
import { type SeedSection, figureFindings } from './seed';
import { VERDICT_MARKS, VERDICT_STATUSES } from './verdict';

/** Markdown bullets, one per finding: `✔ holds — text — evidence`. */
export function findingsMarkdown(results: readonly FindingResult[]): string {
  return results
    .map(
      ({ finding, verdict }) =>
        `- ${VERDICT_MARKS[verdict.status]} — ${escapeMarkdown(finding.text)} — ${escapeMarkdown(verdict.evidence)}`,
    )
    .join('\n');
}

/** One line of counts, e.g. `_3 hold, 1 does not hold, 0 inconclusive, 1 descriptive, 1 not checkable._` */
export function tallyMarkdown(results: readonly FindingResult[]): string {
  const c = verdictCounts(results);
  const words: Record<(typeof VERDICT_STATUSES)[number], string> = {
    holds: `${c.holds} hold`,
    'does not hold': `${c['does not hold']} do not hold`,
    inconclusive: `${c.inconclusive} inconclusive`,
    descriptive: `${c.descriptive} descriptive`,
    'not checkable': `${c['not checkable']} not checkable`,
  };
  return `_${VERDICT_STATUSES.map((s) => words[s]).join(', ')}._`;
}

/**
 * Markdown for one figure of a section: the seed's findings written under it with their verdicts,
 * then the family's evidence table.
 */
export function figureMarkdown(section: SeedSection, family: string, ctx: FindingContext): string {
  const parts: string[] = [];
  const findings = figureFindings(section, family);
  if (findings.length > 0)
    parts.push(
      `**Findings of the seed, checked on this data**\n\n${findingsMarkdown(evaluateFindings(findings, ctx))}`,
    );
  parts.push(evidenceTableMarkdown(ctx.evidence(family)));
  return parts.join('\n\n');
}

/** Markdown for a section's summary: a heading, its findings with verdicts, and a tally. */
export function summaryMarkdown(section: SeedSection, ctx: FindingContext): string {
  const results = evaluateFindings(section.summary, ctx);
  return [
    `### ${escapeMarkdown(section.title)} summary`,
    '',
    findingsMarkdown(results),
    '',
    tallyMarkdown(results),
  ].join('\n');
}
