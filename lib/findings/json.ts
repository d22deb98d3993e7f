/**
 * The findings as summary.json lists them (schema version 2): every finding of the seed with its
 * id, section, family, verdict and evidence, in reading order.
 */
import type { FindingContext } from './context';
import { evaluateFinding } from './evaluate';
import { OVERLAP_SECTION, SEED_SECTIONS } from './seed';
import { type Verdict, type VerdictStatus, VERDICT_MARKS } from './verdict';

/** One finding in summary.json. */
export interface SummaryFinding {
  id: string;
  /** The seed section: its feature (`Length`...), or `overlap` for the findings about the runs. */
  section: string;
  family: string | null;
  verdict: VerdictStatus;
  /** The verdict's mark and key numbers in one short line (absent from summaries written before it). */
  headline?: string;
  evidence: string;
}

/** Every finding of the seed checked on `ctx`, as summary.json lists them. */
export function findingsJson(ctx: FindingContext): SummaryFinding[] {
  return [OVERLAP_SECTION, ...SEED_SECTIONS].flatMap((section) =>
    [...section.notes.flatMap((note) => note.findings), ...section.summary].map((finding) => {
      const verdict = evaluateFinding(finding, ctx);
      return {
        id: finding.id,
        section: section.feature,
        family: finding.family,
        verdict: verdict.status,
        headline: headlineOf(verdict),
        evidence: verdict.evidence,
      };
    }),
  );
}

/** A verdict's short line: its mark, and its headline or else the evidence's first clause. */
export function headlineOf(verdict: Verdict): string {
  const key = verdict.headline ?? verdict.evidence.split(/[;:]\s/)[0].replace(/\.$/, '');
  return `${VERDICT_MARKS[verdict.status]}: ${key}`;
}
