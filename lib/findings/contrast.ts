/**
 * "Anomalous IPs have a higher X": a claim about the group, checked on the group's level AND on its
 * members, so that one extreme IP cannot carry it. Per role, the level is the mean over IPs of each
 * IP's measure (rare markers and single-packet windows still compare), tested against random and
 * activity-matched normal groups; the members: how many flagged IPs are each beyond the normal rows.
 */
import { quantileSorted } from '../evaluation/evidence';
import type { Group, Role } from '../types';
import { type Claim, DEGREES } from './claims';
import type { FindingContext } from './context';
import { forRoles, humanNumber as n, humanShare, ratio, reached, rolePlural, roleWord, times } from './format';
import { DEFINITION_WORDS, REDUCER_WORDS, countFinite, definitionOf, meanAt } from './measures';
import { matchedGroupsBand, matchedGroupsDraws, medianDraw, randomGroupsBand, upperQuantile } from './nulls';
import { streamFor } from './random';
import { type Verdict, conjunction, judge } from './verdict';

type ContrastClaim = Extract<Claim, { kind: 'contrast' }>;

/** Mean share of active windows over a group's IPs of one role. */
function activeShare(ctx: FindingContext, group: Group, role: Role): number {
  const a = ctx.activity(group, role);
  return a.length > 0 ? a.reduce((s, x) => s + x, 0) / a.length : NaN;
}

/** The activity line: how busy each group is, reported beside (never inside) a level comparison. */
export function activityNote(ctx: FindingContext, roles: readonly Role[]): string {
  const parts = roles.map(
    (role) =>
      `${roleWord(role)} ${humanShare(activeShare(ctx, 'anomalous', role))} vs ${humanShare(activeShare(ctx, 'normal', role))}`,
  );
  return `Active windows, anomalous vs normal: ${parts.join(', ')}.`;
}

/** Shares of a group claim: "most" flagged IPs of a role, each individually beyond the normal rows. */
export const GROUP_SHARE = {
  /** More than this share of the flagged IPs beyond the normal {@link BEYOND_QUANTILE} (and beyond the nulls) holds. */
  holdsAbove: 0.5,
  /** At most this share above the normal median does not hold: the typical flagged IP is not higher. */
  failsAtOrBelow: 0.5,
} as const;
/** The normal quantile a flagged IP must pass to count as individually higher (its mirror, 1 − it, for "lower"). */
export const BEYOND_QUANTILE = 0.95;

/** How many of the finite `values` lie beyond `threshold` in the claim's direction, and of how many. */
function beyondCount(values: Float64Array, threshold: number, higher: boolean): { beyond: number; of: number } {
  let beyond = 0;
  let of = 0;
  for (const v of values) {
    if (!Number.isFinite(v)) continue;
    of++;
    if (higher ? v > threshold : v < threshold) beyond++;
  }
  return { beyond, of };
}

/** Sorted finite values. */
function sortedFinite(values: Float64Array): Float64Array {
  return values.filter(Number.isFinite).sort();
}

/** One role of a level comparison: the level (mean over IPs), and the share of flagged IPs individually beyond the normal rows. */
function contrastPart(claim: ContrastClaim, ctx: FindingContext, name: string, role: Role): Verdict {
  const { family, reducer, direction } = claim;
  const thresholds = DEGREES[claim.degree];
  const up = direction === 'higher';
  const directed = (a: number, b: number): number => (up ? ratio(a, b) : ratio(b, a));
  const mine = ctx.perIp('anomalous', role, family, reducer);
  const normal = ctx.perIp('normal', role, family, reducer);
  const level = meanAt(mine);
  const base = meanAt(normal);
  const sorted = sortedFinite(normal);
  if (Number.isNaN(level) || Number.isNaN(base) || sorted.length < 20) {
    return {
      status: 'inconclusive',
      evidence: `${roleWord(role)}: ${countFinite(mine)} anomalous and ${countFinite(normal)} normal IPs measurable, too few to compare`,
      headline: `${roleWord(role)}: too few measurable IPs`,
    };
  }
  const effect = directed(level, base);
  const random = streamFor(ctx.seed, `${name}|${role}`);
  const ofGroup = (g: Int32Array): number => directed(meanAt(normal, g), base);
  const randomBand = randomGroupsBand(random, normal.length, mine.length, ofGroup);
  const matched = matchedGroupsDraws(random, ctx.activity('anomalous', role), ctx.activity('normal', role), ofGroup);
  const matchedBand = upperQuantile(matched);
  const typicalMatched = medianDraw(matched);
  const overMatched = effect / typicalMatched;
  // A ratio over a zero level is infinite: it is reported as such and grants nothing.
  const zeroBaseline = !Number.isFinite(effect) || !Number.isFinite(typicalMatched) || typicalMatched === 0;
  const levelStatus = judge(
    effect,
    thresholds,
    !zeroBaseline && effect > randomBand && effect > matchedBand && overMatched >= thresholds.holdsAt,
  );
  // The share: how many flagged IPs are individually beyond the normal rows.
  const cut = quantileSorted(sorted, up ? BEYOND_QUANTILE : 1 - BEYOND_QUANTILE);
  const median = quantileSorted(sorted, 0.5);
  const { beyond, of } = beyondCount(mine, cut, up);
  const typical = beyondCount(mine, median, up).beyond;
  // Per normal IP, once: measurable (1) and beyond the cut (2); a group's share is then two counts.
  const marks = Uint8Array.from(normal, (v) => (Number.isFinite(v) ? ((up ? v > cut : v < cut) ? 3 : 1) : 0));
  const shareOf = (g: Int32Array): number => {
    let beyondNormal = 0;
    let measurable = 0;
    for (let i = 0; i < g.length; i++) {
      const m = marks[g[i]];
      measurable += m & 1;
      beyondNormal += m >> 1;
    }
    return measurable > 0 ? beyondNormal / measurable : NaN;
  };
  const share = beyond / of;
  const shareRandom = randomGroupsBand(random, normal.length, mine.length, shareOf);
  const shareMatched = matchedGroupsBand(
    random,
    ctx.activity('anomalous', role),
    ctx.activity('normal', role),
    shareOf,
  );
  const shareStatus =
    typical / of <= GROUP_SHARE.failsAtOrBelow
      ? 'does not hold'
      : share > GROUP_SHARE.holdsAbove && share > shareRandom && share > shareMatched
        ? 'holds'
        : 'inconclusive';
  const status = conjunction([
    { status: levelStatus, evidence: '' },
    { status: shareStatus, evidence: '' },
  ]).status;
  const side = up ? 'above' : 'below';
  const q = Math.round((up ? BEYOND_QUANTILE : 1 - BEYOND_QUANTILE) * 100);
  const roles = rolePlural(role);
  const ratioText = zeroBaseline
    ? `${n(level)} vs ${n(base)}: no ratio over a zero level`
    : `${n(level)} vs ${n(base)} (${up ? 'anomalous/normal' : 'normal/anomalous'} ${times(effect)}`;
  return {
    status,
    evidence:
      `${roleWord(role)} ${ratioText}${zeroBaseline ? ' (' : '; '}normal groups reach ${reached(randomBand)} random, ${reached(matchedBand)} activity-matched; over the typical activity-matched group ${zeroBaseline ? 'no ratio' : times(overMatched)}); ` +
      `${beyond} of ${of} ${roles} ${side} the normal ${q}th percentile ${n(cut)} (normal groups of as many reach ${reachedShare(shareRandom, of)} random, ${reachedShare(shareMatched, of)} activity-matched), ${typical} of ${of} ${side} the normal median ${n(median)}`,
    headline: `${roles} ${zeroBaseline ? 'over a zero level' : times(effect)}, ${beyond} of ${of} ${side} normal p${q}`,
  };
}

/** A share band as a count of `of` IPs ("5 of 32"), or "not measurable". */
function reachedShare(band: number, of: number): string {
  return band === Infinity || Number.isNaN(band) ? 'not measurable' : `${Math.round(band * of)}`;
}

/**
 * Anomalous level above (or below) normal, per role: a ✔ needs the group AND its members. The
 * level: the word's ratio of the mean over IPs, beyond what random and activity-matched normal
 * groups reach, and over the typical activity-matched group itself (busy IPs are not evidence about
 * anomalies). The members: more than half the flagged IPs of the role individually beyond the normal
 * 95th percentile (below the 5th for "lower"), more than normal groups of as many reach, so that one
 * extreme IP cannot carry the group. ✘ when the ratio is at or below the word's lower line, or when
 * at most half the flagged IPs are even beyond the normal median.
 */
export function checkContrast(claim: ContrastClaim, ctx: FindingContext, name: string): Verdict {
  const { family, reducer, direction } = claim;
  const thresholds = DEGREES[claim.degree];
  const verdict = conjunction(claim.roles.map((role) => contrastPart(claim, ctx, name, role)));
  const q = Math.round(BEYOND_QUANTILE * 100);
  const rule =
    `holds at ${times(thresholds.holdsAt)} or more beyond both nulls and over the activity-matched group, with more than half the flagged IPs beyond the normal ${direction === 'higher' ? `${q}th` : `${100 - q}th`} percentile beyond both nulls; ` +
    `does not hold at ${times(thresholds.failsAt)} or less, or with at most half beyond the normal median`;
  const defined = DEFINITION_WORDS[definitionOf(family)];
  return {
    status: verdict.status,
    evidence: `Mean over IPs of each IP's ${family} ${REDUCER_WORDS[reducer]}, anomalous vs normal sample: ${verdict.evidence.replace(/\.$/, '')}; ${rule} ${forRoles(claim.roles)} (${direction})${defined && reducer.startsWith('active') ? `; ${defined}` : ''}. ${activityNote(ctx, claim.roles)}`,
    headline: verdict.headline,
  };
}
