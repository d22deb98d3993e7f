/**
 * Checks about single IPs that stand out: how many (against the finding's counting word), and
 * whether a standout source and a standout destination share one timeline.
 */
import { pearson } from '../evaluation/evidence';
import { matchingPairs, robustZ, standoutIps, STANDOUT_THRESHOLD } from '../triage/standouts';
import { type Claim, ASSOCIATION, COUNT_WORDS } from './claims';
import type { FindingContext } from './context';
import { matchedGroupsBand, randomGroupsBand, shiftBand } from './nulls';
import { streamFor } from './random';
import { type Verdict, type VerdictStatus, conjunction, judge } from './verdict';
import { corr, humanNumber as n, reached, rolePlural, roleWord } from './format';

type StandoutsClaim = Extract<Claim, { kind: 'standouts' }>;
type PairClaim = Extract<Claim, { kind: 'pair' }>;

/**
 * How many of a group's IPs (positions in `totals`/`peaks`) stand out among themselves, by
 * {@link standoutIps}' rule; the group's values are gathered into memory reused from draw to draw.
 */
function standoutCounter(totals: Float64Array, peaks: Float64Array): (group: Int32Array) => number {
  let groupTotals = new Float64Array(0);
  let groupPeaks = new Float64Array(0);
  return (group) => {
    if (groupTotals.length !== group.length) {
      groupTotals = new Float64Array(group.length);
      groupPeaks = new Float64Array(group.length);
    }
    for (let i = 0; i < group.length; i++) {
      groupTotals[i] = totals[group[i]];
      groupPeaks[i] = peaks[group[i]];
    }
    const totalZ = robustZ(groupTotals);
    const peakZ = robustZ(groupPeaks);
    let k = 0;
    for (let i = 0; i < group.length; i++) if (Math.max(totalZ[i], peakZ[i]) >= STANDOUT_THRESHOLD) k++;
    return k;
  };
}

/**
 * Anomalous IPs standing out in a family, per role, as many as the finding's word says, and more
 * than stand out among random and activity-matched normal groups of as many IPs (heavy tails give
 * any group a few standouts: a count normal groups reach says nothing about the flags).
 */
export function checkStandouts(claim: StandoutsClaim, ctx: FindingContext, id: string): Verdict {
  const found = standoutIps(ctx.anomalous, claim.family, { roles: claim.roles });
  const word = COUNT_WORDS[claim.count];
  const parts = claim.roles.map((role): Verdict => {
    const mine = found.filter((s) => s.role === role);
    const totals = ctx.perIp('normal', role, claim.family, 'total');
    const peaks = ctx.perIp('normal', role, claim.family, 'peak');
    const count = standoutCounter(totals, peaks);
    const random = streamFor(ctx.seed, `${id}|${role}`);
    const size = ctx.rows('anomalous', role).length;
    const randomBand = randomGroupsBand(random, totals.length, size, count);
    const matchedBand = matchedGroupsBand(random, ctx.activity('anomalous', role), ctx.activity('normal', role), count);
    const beyond = mine.length > randomBand && mine.length > matchedBand;
    const status: VerdictStatus = word.holds.includes(mine.length)
      ? beyond
        ? 'holds'
        : 'inconclusive'
      : word.near.includes(mine.length)
        ? 'inconclusive'
        : 'does not hold';
    const names = mine
      .slice(0, 5)
      .map((s) => s.label)
      .join(', ');
    return {
      status,
      evidence: `${mine.length} ${roleWord(role)}${mine.length > 0 ? ` (${names}${mine.length > 5 ? ', …' : ''})` : ''}; normal groups of ${size} reach ${reached(randomBand, String)} random, ${reached(matchedBand, String)} activity-matched`,
      headline: `${mine.length} ${mine.length === 1 ? `${roleWord(role)} stands` : `${rolePlural(role)} stand`} out (normal groups of as many: up to ${reached(Math.max(randomBand, matchedBand), String)})`,
    };
  });
  const verdict = conjunction(parts);
  const each = claim.roles.length > 1 ? ' for each role' : '';
  return {
    status: verdict.status,
    evidence:
      `Anomalous IPs standing out in ${claim.family} (robust z-score ≥ ${STANDOUT_THRESHOLD} of total or peak among their role): ${verdict.evidence.replace(/\.$/, '')}; ` +
      `"${claim.count}" holds at ${word.holds.join(' or ')}${each} when more than normal groups of as many reach, is inconclusive at ${word.near.join(' or ')}, does not hold otherwise.`,
    headline: verdict.headline,
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
    headline: `best standout pair correlated ${corr(r)} (shifted ${corr(band)})`,
  };
}
