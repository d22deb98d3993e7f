/**
 * Checks about single IPs that stand out: how many (against the finding's counting word), and
 * whether a standout source and a standout destination share one timeline.
 */
import { pearson } from '../evaluation/evidence';
import { matchingPairs, standoutIps, STANDOUT_THRESHOLD } from '../triage/standouts';
import { type Claim, ASSOCIATION, COUNT_WORDS } from './claims';
import type { FindingContext } from './context';
import { shiftBand } from './nulls';
import { streamFor } from './random';
import { type Verdict, type VerdictStatus, conjunction, judge } from './verdict';
import { corr, humanNumber as n, roleWord } from './format';

type StandoutsClaim = Extract<Claim, { kind: 'standouts' }>;
type PairClaim = Extract<Claim, { kind: 'pair' }>;

/** Anomalous IPs standing out in a family, per role, as many as the finding's word says. */
export function checkStandouts(claim: StandoutsClaim, ctx: FindingContext): Verdict {
  const found = standoutIps(ctx.anomalous, claim.family, { roles: claim.roles });
  const word = COUNT_WORDS[claim.count];
  const parts = claim.roles.map((role): Verdict => {
    const mine = found.filter((s) => s.role === role);
    const status: VerdictStatus = word.holds.includes(mine.length)
      ? 'holds'
      : word.near.includes(mine.length)
        ? 'inconclusive'
        : 'does not hold';
    const names = mine
      .slice(0, 5)
      .map((s) => s.label)
      .join(', ');
    return {
      status,
      evidence: `${mine.length} ${roleWord(role)}${mine.length > 0 ? ` (${names}${mine.length > 5 ? ', …' : ''})` : ''}`,
    };
  });
  const verdict = conjunction(parts);
  const each = claim.roles.length > 1 ? ' for each role' : '';
  return {
    status: verdict.status,
    evidence:
      `Anomalous IPs standing out in ${claim.family} (robust z-score ≥ ${STANDOUT_THRESHOLD} of total or peak among their role): ${verdict.evidence.replace(/\.$/, '')}; ` +
      `"${claim.count}" holds at ${word.holds.join(' or ')}${each}, is inconclusive at ${word.near.join(' or ')}, does not hold otherwise.`,
  };
}

/** Among the standouts, the best-matching source/destination pair correlates beyond circular shifts. */
export function checkPair(claim: PairClaim, ctx: FindingContext, id: string): Verdict {
  const { family } = claim;
  const found = standoutIps(ctx.anomalous, family);
  const sources = found.filter((s) => s.role === 'source').map((s) => s.label);
  const dsts = found.filter((s) => s.role === 'dst').map((s) => s.label);
  if (sources.length === 0 || dsts.length === 0) {
    return {
      status: 'does not hold',
      evidence: `Standouts in ${family}: ${sources.length} source, ${dsts.length} destination; a pair needs one of each.`,
    };
  }
  const [best] = matchingPairs(ctx.anomalous, family, { sources, dsts, minCorrelation: -1, limit: 1 });
  if (!best)
    return {
      status: 'does not hold',
      evidence: `No standout source/destination pair in ${family} is active together in 3 or more windows.`,
    };
  const view = ctx.anomalous.family(family);
  const a = view.series(ctx.anomalous.rowOf(best.source));
  const b = view.series(ctx.anomalous.rowOf(best.dst));
  const r = pearson(a, b);
  const band = shiftBand(streamFor(ctx.seed, id), 1, b.length, (shifts) =>
    pearson(
      a,
      Float64Array.from(b, (_, w) => b[(w - shifts[0] + b.length) % b.length]),
    ),
  );
  const { holdsAt, failsAt } = ASSOCIATION.form;
  return {
    status: judge(r, ASSOCIATION.form, r > band),
    evidence:
      `Best-matching standout pair in ${family}: ${best.source} and ${best.dst}${best.sameHost ? ' (same host)' : ''}, timelines correlated ${corr(r)} over ${a.length} windows ` +
      `(the destination shifted in time reaches ${corr(band)}), totals ${n(best.sourceTotal)} and ${n(best.dstTotal)}; "the same form" holds at ${holdsAt} or more beyond the shift, does not hold below ${failsAt}.`,
  };
}
