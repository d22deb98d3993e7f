/**
 * Checks the seed's findings against the data at hand. A finding without a claim is "not
 * checkable" with its reason; a claim whose families the data lack is "not checkable" naming them;
 * every other failure propagates (a bug must not pass for a verdict).
 */
import { claimFamilies } from './claims';
import { checkClaim, missingFamilies } from './check';
import type { FindingContext } from './context';
import type { Finding, SeedSection } from './seed';
import { VERDICT_STATUSES, type Verdict, type VerdictStatus, capital } from './verdict';

/** A finding and its verdict on the data at hand. */
export interface FindingResult {
  readonly finding: Finding;
  readonly verdict: Verdict;
}

const verdicts = new WeakMap<FindingContext, Map<string, Verdict>>();

/** The verdict of one finding (computed once per context: the notebook shows it, the summary lists it). */
export function evaluateFinding(finding: Finding, ctx: FindingContext): Verdict {
  let memo = verdicts.get(ctx);
  if (!memo) verdicts.set(ctx, (memo = new Map()));
  let verdict = memo.get(finding.id);
  if (!verdict) memo.set(finding.id, (verdict = checkFinding(finding, ctx)));
  return verdict;
}

function checkFinding(finding: Finding, ctx: FindingContext): Verdict {
  if (!finding.claim)
    return {
      status: 'not checkable',
      evidence: `${capital(finding.why ?? 'interpretation, not a measurable claim')}.`,
    };
  const missing = missingFamilies(claimFamilies(finding.claim), ctx);
  if (missing.length > 0) return { status: 'not checkable', evidence: `This data lacks ${missing.join(', ')}.` };
  return checkClaim(finding.claim, ctx, finding.id);
}

/** Verdicts of a section's findings (notes in figure order, then its summary), or of a list of findings. */
export function evaluateFindings(findings: SeedSection | readonly Finding[], ctx: FindingContext): FindingResult[] {
  const list: readonly Finding[] = Array.isArray(findings)
    ? findings
    : [...(findings as SeedSection).notes.flatMap((note) => note.findings), ...(findings as SeedSection).summary];
  return list.map((finding) => ({ finding, verdict: evaluateFinding(finding, ctx) }));
}

/** How many findings got each verdict. */
export function verdictCounts(results: readonly FindingResult[]): Readonly<Record<VerdictStatus, number>> {
  const counts = Object.fromEntries(VERDICT_STATUSES.map((s) => [s, 0])) as Record<VerdictStatus, number>;
  for (const r of results) counts[r.verdict.status]++;
  return counts;
}
