/**
 * Checks that compare levels (anomalous vs normal per role: contrast.ts): similar levels,
 * destination vs source (within a group), the share of anomalous IPs among the highest levels,
 * anomalous peaks above normal ones.
 * Each compares per-IP measures over active windows and tests the difference against random and
 * activity-matched normal groups of the same size (or label permutations within a group).
 */
import type { Group, Role } from '../types';
import { type Claim, DEGREES, NOT_SIMILAR, SIMILAR } from './claims';
import type { FindingContext } from './context';
import { activityNote } from './contrast';
import { meanAt, REDUCER_WORDS } from './measures';
import { matchedGroupsBand, matchedGroupsDraws, permutationBand, randomGroupsBand, upperQuantile } from './nulls';
import { type Random, streamFor } from './random';
import { type Verdict, capital, conjunction, judge } from './verdict';
import { groupRole, humanNumber as n, humanShare, ratio, reached, rolePlural, roleWord, times } from './format';

type SimilarClaim = Extract<Claim, { kind: 'similar' }>;
type RolesClaim = Extract<Claim, { kind: 'roles' }>;
type TopShareClaim = Extract<Claim, { kind: 'topShare' }>;
type ExceedClaim = Extract<Claim, { kind: 'exceed' }>;

/** Share of the highest levels that {@link checkTopShare} looks at. */
export const TOP_SHARE = 0.05;
/** Lift thresholds of "tend to be anomalous": twice the base rate holds, at most the base rate fails. */
export const TOP_LIFT = { holdsAt: 2, failsAt: 1 } as const;

/** Both nulls of one group statistic: random and activity-matched normal groups of the anomalous group's size. */
function groupNulls(
  ctx: FindingContext,
  random: Random,
  role: Role,
  statistic: (normalPositions: Int32Array) => number,
): { random: number; matched: number } {
  const size = ctx.rows('anomalous', role).length;
  const pool = ctx.rows('normal', role).length;
  return {
    random: randomGroupsBand(random, pool, size, statistic),
    matched: matchedGroupsBand(random, ctx.activity('anomalous', role), ctx.activity('normal', role), statistic),
  };
}

/** Anomalous and normal levels within a factor of each other. */
export function checkSimilar(claim: SimilarClaim, ctx: FindingContext, name: string): Verdict {
  const { family, role, reducer } = claim;
  const mine = ctx.perIp('anomalous', role, family, reducer);
  const normal = ctx.perIp('normal', role, family, reducer);
  const level = meanAt(mine);
  const base = meanAt(normal);
  const head = `Mean over ${roleWord(role)} IPs of each IP's ${family} ${REDUCER_WORDS[reducer]}, anomalous vs normal sample`;
  if (Number.isNaN(level) || Number.isNaN(base))
    return { status: 'inconclusive', evidence: `${head}: too few measurable IPs to compare.` };
  const spread = (a: number, b: number): number => Math.abs(Math.log(ratio(a, b)));
  const effect = spread(level, base);
  const nulls = groupNulls(ctx, streamFor(ctx.seed, name), role, (g) => spread(meanAt(normal, g), base));
  const status =
    effect <= Math.log(SIMILAR)
      ? 'holds'
      : effect > Math.log(NOT_SIMILAR) && effect > nulls.random && effect > nulls.matched
        ? 'does not hold'
        : 'inconclusive';
  const nullRatio = (band: number): string => reached(band, (x) => times(Math.exp(x)));
  return {
    status,
    evidence:
      `${head}: ${n(level)} vs ${n(base)} (${times(ratio(level, base))}; normal groups differ from the sample by up to ${nullRatio(nulls.random)} random, ${nullRatio(nulls.matched)} activity-matched); ` +
      `holds within a factor ${SIMILAR}, does not hold beyond ${NOT_SIMILAR} and beyond both nulls. ${activityNote(ctx, [role])}`,
    headline: `${roleWord(role)} ${n(level)} vs ${n(base)} (${times(ratio(level, base))})`,
  };
}

/**
 * Within each group, the `lower` role's level below the other role's, beyond a role-label
 * permutation. A statement about normal IPs too (both groups) describes the traffic whatever the
 * flags: `descriptive`, or ✘ when the data contradict it. Among the flagged IPs alone, a ✔ also
 * needs the difference beyond what random and activity-matched normal groups of the same sizes
 * show; a difference normal IPs show as much is `descriptive` (true of the traffic, not of the flags).
 */
export function checkRoles(claim: RolesClaim, ctx: FindingContext, name: string): Verdict {
  const { family, reducer, lower } = claim;
  const higher: Role = lower === 'dst' ? 'source' : 'dst';
  const thresholds = DEGREES[claim.degree];
  const aboutNormal = claim.groups.includes('normal');
  const parts: Verdict[] = [];
  for (const group of claim.groups) {
    const up = ctx.perIp(group, higher, family, reducer);
    const down = ctx.perIp(group, lower, family, reducer);
    const upLevel = meanAt(up);
    const downLevel = meanAt(down);
    if (Number.isNaN(upLevel) || Number.isNaN(downLevel)) {
      parts.push({ status: 'inconclusive', evidence: `${group}: too few measurable IPs of one role` });
      continue;
    }
    const pooled = new Float64Array(up.length + down.length);
    pooled.set(up);
    pooled.set(down, up.length);
    const effect = ratio(upLevel, downLevel);
    const random = streamFor(ctx.seed, `${name}|${group}`);
    const band = permutationBand(random, pooled.length, up.length, (a, b) =>
      ratio(meanAt(pooled, a), meanAt(pooled, b)),
    );
    const within = judge(effect, thresholds, Number.isFinite(effect) && effect > band);
    const head = `${group} ${roleWord(lower)} ${n(downLevel)} vs ${roleWord(higher)} ${n(upLevel)} (${times(effect)}; shuffled roles reach ${reached(band)}`;
    const headline = `${group} ${rolePlural(higher)}/${rolePlural(lower)} ${times(effect)}`;
    if (aboutNormal || group === 'normal' || within !== 'holds') {
      const status = within === 'does not hold' ? 'does not hold' : aboutNormal ? 'descriptive' : within;
      parts.push({ status, evidence: `${head})`, headline });
      continue;
    }
    // Among flagged IPs alone: beyond what normal groups of the same sizes show?
    const normalUp = ctx.perIp('normal', higher, family, reducer);
    const normalDown = ctx.perIp('normal', lower, family, reducer);
    const groupsOf = (draws: (stat: (g: Int32Array) => number) => unknown): Int32Array[] => {
      const out: Int32Array[] = [];
      draws((g) => {
        out.push(g.slice());
        return 0;
      });
      return out;
    };
    // A normal group whose lower role is at 0 has no ratio (rare markers): such draws are left out,
    // and when too few remain normal levels are too low to show the difference at all.
    const pairBand = (ups: Int32Array[], downs: Int32Array[]): number => {
      if (ups.length === 0 || ups.length !== downs.length) return Number.NaN;
      const draws = Float64Array.from(ups, (g, d) => ratio(meanAt(normalUp, g), meanAt(normalDown, downs[d])));
      const band = upperQuantile(draws.map((x) => (Number.isFinite(x) ? x : Number.NaN)));
      return band === Infinity ? Number.NaN : band;
    };
    const randomBand = pairBand(
      groupsOf((stat) => randomGroupsBand(random, normalUp.length, up.length, stat)),
      groupsOf((stat) => randomGroupsBand(random, normalDown.length, down.length, stat)),
    );
    const matchedBand = pairBand(
      groupsOf((stat) =>
        matchedGroupsDraws(random, ctx.activity('anomalous', higher), ctx.activity('normal', higher), stat),
      ),
      groupsOf((stat) =>
        matchedGroupsDraws(random, ctx.activity('anomalous', lower), ctx.activity('normal', lower), stat),
      ),
    );
    const beyondNormal = !(effect <= randomBand) && !(effect <= matchedBand);
    const normalText = (band: number): string => (Number.isNaN(band) ? 'no ratio (their levels are 0)' : times(band));
    parts.push({
      status: beyondNormal ? 'holds' : 'descriptive',
      evidence: `${head}; normal groups of the same sizes reach ${normalText(randomBand)} random, ${normalText(matchedBand)} activity-matched${beyondNormal ? '' : ': normal IPs show it as much, so it describes the traffic, not the flags'})`,
      headline: `${headline}${beyondNormal ? '' : ', as in normal groups'}`,
    });
  }
  const verdict = conjunction(parts);
  const rule = aboutNormal
    ? `a statement about normal IPs too, so it does not depend on the flags: descriptive, does not hold at ${times(thresholds.failsAt)} or less`
    : `holds if ${roleWord(higher)}/${roleWord(lower)} is ${times(thresholds.holdsAt)} or more beyond the shuffled roles and beyond normal groups of the same sizes (descriptive when only the latter fails), does not hold at ${times(thresholds.failsAt)} or less`;
  return {
    status: verdict.status,
    evidence: `Mean over IPs of each IP's ${family} ${REDUCER_WORDS[reducer]}, ${roleWord(lower)} vs ${roleWord(higher)}: ${verdict.evidence.replace(/\.$/, '')}; ${rule}.`,
    headline: verdict.headline,
  };
}

/** The top {@link TOP_SHARE} of a pool of levels: its threshold, and how much of a value at the threshold counts (ties share the last places). */
interface Top {
  readonly threshold: number;
  /** Places left at the threshold over values at it. */
  readonly tieShare: number;
  /** Places in the top over the pool's size (about {@link TOP_SHARE}). */
  readonly share: number;
}

/** The top of the finite values of `pool`; undefined for fewer than 20 values. */
function topOf(pool: ArrayLike<number>): Top | undefined {
  const values = Float64Array.from(pool).filter(Number.isFinite).sort().reverse();
  if (values.length < 20) return undefined;
  const k = Math.max(1, Math.round(values.length * TOP_SHARE));
  const threshold = values[k - 1];
  let above = 0;
  let at = 0;
  for (const v of values) {
    if (v > threshold) above++;
    else if (v === threshold) at++;
  }
  return { threshold, tieShare: (k - above) / at, share: k / values.length };
}

/**
 * How much more often than its size predicts a group ranks in a pool's top: the share of the
 * group's measurable members in the top over the top's share of the pool (1 = no lift). The group:
 * `values` at `positions`, or all of them.
 */
function lift(values: ArrayLike<number>, top: Top, positions?: Int32Array): number {
  let members = 0;
  let inTop = 0;
  const n = positions ? positions.length : values.length;
  for (let i = 0; i < n; i++) {
    const v = values[positions ? positions[i] : i];
    if (!Number.isFinite(v)) continue;
    members++;
    if (v > top.threshold) inTop++;
    else if (v === top.threshold) inTop += top.tieShare;
  }
  return members > 0 ? inTop / members / top.share : NaN;
}

/** IPs with the highest levels of each family are anomalous more often than the base rate. */
export function checkTopShare(claim: TopShareClaim, ctx: FindingContext, name: string): Verdict {
  const parts = claim.families.map((family): Verdict => {
    const values = (group: Group): Float64Array => {
      const [s, d] = [ctx.perIp(group, 'source', family, 'activeMean'), ctx.perIp(group, 'dst', family, 'activeMean')];
      const all = new Float64Array(s.length + d.length);
      all.set(s);
      all.set(d, s.length);
      return all;
    };
    const mine = values('anomalous');
    const normal = values('normal');
    const pooled = new Float64Array(mine.length + normal.length);
    pooled.set(mine);
    pooled.set(normal, mine.length);
    const top = topOf(pooled);
    const normalTop = topOf(normal);
    const real = top ? lift(mine, top) : NaN;
    if (!top || !normalTop || Number.isNaN(real))
      return { status: 'inconclusive', evidence: `${family}: fewer than 20 measurable IPs` };
    // Null groups are drawn from the normal sample and ranked within it.
    const random = streamFor(ctx.seed, `${name}|${family}`);
    const ofGroup = (g: Int32Array): number => lift(normal, normalTop, g);
    const randomBand = randomGroupsBand(random, normal.length, mine.length, ofGroup);
    const activity = (group: Group): Float64Array =>
      Float64Array.from([...ctx.activity(group, 'source'), ...ctx.activity(group, 'dst')]);
    const matchedBand = matchedGroupsBand(random, activity('anomalous'), activity('normal'), ofGroup);
    return {
      status: judge(real, TOP_LIFT, real > randomBand && real > matchedBand),
      evidence: `${family} ${times(real)} (normal groups reach ${reached(randomBand)} random, ${reached(matchedBand)} activity-matched)`,
      headline: `${family} ${times(real)} the base rate among the top ${humanShare(TOP_SHARE)}`,
    };
  });
  const verdict = conjunction(parts);
  return {
    status: verdict.status,
    evidence:
      `Among the ${humanShare(TOP_SHARE)} of IPs (anomalous + normal sample, both roles) with the highest mean over their active windows, the anomalous share over its overall share: ` +
      `${verdict.evidence.replace(/\.$/, '')}; holds at ${times(TOP_LIFT.holdsAt)} or more beyond both nulls, does not hold at ${times(TOP_LIFT.failsAt)} or less.`,
    headline: verdict.headline,
  };
}

/** Some anomalous IPs of a role peak above every IP of the normal sample, more than normal groups do. */
export function checkExceed(claim: ExceedClaim, ctx: FindingContext, name: string): Verdict {
  const { family, role } = claim;
  const mine = ctx.perIp('anomalous', role, family, 'peak');
  const normal = ctx.perIp('normal', role, family, 'peak');
  let normalMax = -Infinity;
  for (const v of normal) if (v > normalMax) normalMax = v;
  const above = (values: ArrayLike<number>): number => {
    let k = 0;
    for (let i = 0; i < values.length; i++) if (values[i] > normalMax) k++;
    return k;
  };
  const count = above(mine);
  // A normal group can only tie the sample's own maximum, so its null compares each group with the rest of the sample.
  const inGroup = new Uint8Array(normal.length);
  const nulls = groupNulls(ctx, streamFor(ctx.seed, name), role, (g) => {
    for (const p of g) inGroup[p] = 1;
    let restMax = -Infinity;
    for (let i = 0; i < normal.length; i++) if (!inGroup[i] && normal[i] > restMax) restMax = normal[i];
    let k = 0;
    for (const p of g) {
      if (normal[p] > restMax) k++;
      inGroup[p] = 0;
    }
    return k;
  });
  return {
    status: judge(count, { holdsAt: 1, failsAt: 0 }, count > nulls.random && count > nulls.matched),
    evidence:
      `${capital(groupRole('anomalous', role))} IPs whose ${family} peaks above every normal sample IP (largest ${n(normalMax)}): ${count} of ${mine.length} ` +
      `(normal groups of the same size above the rest of the sample: up to ${reached(nulls.random, String)} random, ${reached(nulls.matched, String)} activity-matched); holds if at least one, beyond both nulls.`,
    headline: `${count} of ${mine.length} ${rolePlural(role)} peak above every normal IP`,
  };
}
