/**
 * Checks a claim on the data at hand: dispatches each kind to its check, combines the parts of a
 * finding, and says "not checkable" only when the data lack a family the claim reads. Any other
 * failure is a bug and is thrown, never shown as a verdict.
 */
import type { Claim } from './claims';
import { checkExceed, checkRoles, checkSimilar, checkTopShare } from './compare';
import { checkContrast } from './contrast';
import type { FindingContext } from './context';
import { describe } from './describe';
import { checkAgree, checkBimodal, checkMorePattern, checkPattern, checkTimelines } from './pattern';
import { checkCommonToAll, checkReferenceCovers } from './runs';
import { checkPair, checkStandouts } from './standouts';
import { type Verdict, conjunction } from './verdict';
import type { Group } from '../types';

/** Families of `families` missing from the anomalous rows or the normal sample, with where. */
export function missingFamilies(families: readonly string[], ctx: FindingContext): string[] {
  const out: string[] = [];
  const where: [Group, string][] = [
    ['anomalous', 'the anomalous rows'],
    ['normal', 'the normal rows'],
  ];
  for (const family of families) {
    const lacking = where.filter(([group]) => !ctx.frame(group).families().includes(family)).map(([, what]) => what);
    if (lacking.length > 0) out.push(`${family} (not in ${lacking.join(' nor ')})`);
  }
  return out;
}

/**
 * The verdict of a claim. `name` keys the claim's random stream (a finding's id, plus the part's
 * position), so every null is reproducible on its own.
 */
export function checkClaim(claim: Claim, ctx: FindingContext, name: string): Verdict {
  switch (claim.kind) {
    case 'contrast':
      return checkContrast(claim, ctx, name);
    case 'similar':
      return checkSimilar(claim, ctx, name);
    case 'roles':
      return checkRoles(claim, ctx, name);
    case 'topShare':
      return checkTopShare(claim, ctx, name);
    case 'exceed':
      return checkExceed(claim, ctx, name);
    case 'pattern':
      return checkPattern(claim, ctx, name);
    case 'morePattern':
      return checkMorePattern(claim, ctx, name);
    case 'timelines':
      return checkTimelines(claim, ctx, name);
    case 'agree':
      return checkAgree(claim, ctx, name);
    case 'bimodal':
      return checkBimodal(claim, ctx, name);
    case 'standouts':
      return checkStandouts(claim, ctx, name);
    case 'pair':
      return checkPair(claim, ctx, name);
    case 'commonToAll':
      return checkCommonToAll(ctx, name);
    case 'referenceCovers':
      return checkReferenceCovers(ctx, name);
    case 'describe':
      return describe(claim.what, ctx);
    case 'all':
      return conjunction(claim.parts.map((part, i) => checkClaim(part, ctx, `${name}#${i}`)));
    case 'partly': {
      const v = checkClaim(claim.claim, ctx, name);
      return { ...v, evidence: `${v.evidence.replace(/\.$/, '')} (${claim.note}).` };
    }
  }
}
