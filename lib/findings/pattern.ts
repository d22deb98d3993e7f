/**
 * Checks about shapes over time: whether a group's timelines share one shape (coherence), whether
 * one group's share it more than another's, whether two mean timelines follow each other, whether
 * two families move together per IP, and whether a group's levels fall into two clusters. The
 * nulls destroy the timing (circular shifts, shuffles) or the grouping (permutations) and keep
 * everything else.
 */
import { groupTimeline, pearson } from '../evaluation/evidence';
import { medianInPlace } from './median';
import { coherenceMeasure, coherenceOf, coherencePool } from './coherence';
import { POWER, absencePower } from './power';
import { type Claim, ASSOCIATION } from './claims';
import type { FindingContext } from './context';
import { activity, REDUCER_WORDS } from './measures';
import { NULL_DRAWS, permutationBand, randomGroupsBand, shiftBand, upperQuantile } from './nulls';
import { type Random, drawPositions, randomIndex, streamFor } from './random';
import { type Verdict, type VerdictStatus, capital, conjunction, judge } from './verdict';
import { corr, groupRole, rolePlural, roleWord } from './format';

type PatternClaim = Extract<Claim, { kind: 'pattern' }>;
type MorePatternClaim = Extract<Claim, { kind: 'morePattern' }>;
type TimelinesClaim = Extract<Claim, { kind: 'timelines' }>;
type AgreeClaim = Extract<Claim, { kind: 'agree' }>;
type BimodalClaim = Extract<Claim, { kind: 'bimodal' }>;
type Selection = PatternClaim['selection'];

/** Coherence is measured on at most this many varying IPs of a group (a seeded subset beyond it). */
export const COHERENCE_MAX_IPS = 300;
/** "More pattern": coherence higher by at least this much. */
export const MORE_PATTERN = { holdsAt: 0.1, failsAt: 0 } as const;
/** Active windows an IP needs for a per-IP correlation of two families. */
export const MIN_SHARED_WINDOWS = 5;
/** IPs a per-IP median (of correlations) needs before it says anything about "most" IPs. */
export const MIN_IPS = 5;
/** Sarle's bimodality coefficient of a uniform distribution: above it suggests two clusters. */
export const BIMODAL = 5 / 9;

/**
 * The timelines of a selection whose values vary (a constant timeline has no shape), at most
 * {@link COHERENCE_MAX_IPS}. Rows are looked at in place; only the timelines kept are copied.
 */
function varyingTimelines(ctx: FindingContext, selection: Selection, random: Random): Float64Array[] {
  const view = ctx.frame(selection.group).family(selection.family);
  return varyingRows(ctx, selection, random).map((r) => view.series(r));
}

/** The rows behind {@link varyingTimelines}, in the same order. */
function varyingRows(ctx: FindingContext, selection: Selection, random: Random): number[] {
  const frame = ctx.frame(selection.group);
  const view = frame.family(selection.family);
  const columns = view.columns;
  const read = frame.picker(columns);
  const values = new Float64Array(columns.length);
  const varying: number[] = [];
  for (const r of ctx.rows(selection.group, selection.role)) {
    read(r, values);
    let first = NaN;
    for (let w = 0; w < columns.length; w++) {
      const v = values[w];
      if (v !== v) continue;
      if (first !== first) first = v;
      else if (v !== first) {
        varying.push(r);
        break;
      }
    }
  }
  return varying.length <= COHERENCE_MAX_IPS
    ? varying
    : Array.from(drawPositions(random, varying.length, COHERENCE_MAX_IPS), (i) => varying[i]);
}

function name(selection: Selection): string {
  return `${groupRole(selection.group, selection.role)} ${selection.family}`;
}

/**
 * A group's timelines share one shape (`present`), or do not. About normal IPs it describes the
 * traffic whatever the flags: `descriptive`, or ✘ when the data contradict it. "No clear pattern"
 * among flagged IPs holds only when the same test finds a planted pattern (see {@link absencePower}).
 */
export function checkPattern(claim: PatternClaim, ctx: FindingContext, id: string): Verdict {
  const random = streamFor(ctx.seed, id);
  const rows = varyingRows(ctx, claim.selection, random);
  const view = ctx.frame(claim.selection.group).family(claim.selection.family);
  const timelines = rows.map((r) => view.series(r));
  const { holdsAt, failsAt } = ASSOCIATION.pattern;
  const head = `Coherence of ${name(claim.selection)} timelines (median correlation of each IP with the mean of the others)`;
  const aboutNormal = claim.selection.group === 'normal';
  if (timelines.length < 2) {
    return {
      status: aboutNormal ? 'descriptive' : 'inconclusive',
      evidence: `${head}: fewer than 2 of its IPs vary, so no shape can be measured.`,
      headline: `${name(claim.selection)}: too few varying IPs`,
    };
  }
  const measure = coherenceMeasure(timelines);
  const c = measure();
  // About normal IPs only a contradiction counts: "no pattern" needs the null only at a clear coherence, "a pattern" never.
  const needsNull = !aboutNormal || (!claim.present && c >= holdsAt);
  const band = needsNull ? shiftBand(random, timelines.length, timelines[0].length, measure) : Number.NaN;
  const beyond = c > band;
  const absent = c < failsAt || !beyond;
  let status: VerdictStatus = claim.present
    ? judge(c, { holdsAt, failsAt }, beyond)
    : absent
      ? 'holds'
      : c >= holdsAt
        ? 'does not hold'
        : 'inconclusive';
  let power = '';
  if (aboutNormal) {
    if (status !== 'does not hold') status = 'descriptive';
  } else if (!claim.present && absent) {
    const found = absencePower(ctx, claim.selection, rows, random);
    power = `; a shape planted in their active windows up to a coherence of ${holdsAt} is found beyond the shifted null for ${found} of ${POWER.plants} shapes`;
    if (found < POWER.found) status = 'inconclusive';
  }
  const rule = aboutNormal
    ? `a statement about normal IPs, so it does not depend on the flags: descriptive, does not hold when the data contradict it (${claim.present ? `below ${failsAt}` : `${holdsAt} or more beyond the shifted null`})`
    : claim.present
      ? `a clear pattern holds at ${holdsAt} or more beyond the shifted null, does not hold below ${failsAt}`
      : `"no clear pattern" holds below ${failsAt} or within the shifted null when a planted one would be found (${POWER.found} of ${POWER.plants} shapes), does not hold at ${holdsAt} or more beyond the null`;
  return {
    status,
    evidence: `${head}: ${corr(c)} over ${timelines.length} varying IPs${needsNull ? `; the same timelines shifted in time reach ${corr(band)}` : ''}${power}; ${rule}.`,
    headline: `${name(claim.selection)} coherence ${corr(c)}${needsNull ? ` (shifted ${corr(band)})` : ''}`,
  };
}

/** One selection's timelines share a shape more than another's, beyond a permutation of the two. */
export function checkMorePattern(claim: MorePatternClaim, ctx: FindingContext, id: string): Verdict {
  const random = streamFor(ctx.seed, id);
  const more = varyingTimelines(ctx, claim.more, random);
  const less = varyingTimelines(ctx, claim.less, random);
  const a = coherenceOf(more);
  const b = coherenceOf(less);
  const head = `Coherence of ${name(claim.more)} vs ${name(claim.less)} timelines`;
  if (Number.isNaN(a) || Number.isNaN(b))
    return { status: 'inconclusive', evidence: `${head}: fewer than 2 varying IPs on one side.` };
  const pooled = coherencePool([...more, ...less]);
  const band = permutationBand(random, more.length + less.length, more.length, (x, y) => pooled(x) - pooled(y));
  const difference = a - b;
  return {
    status: judge(difference, MORE_PATTERN, difference > band),
    evidence:
      `${head}: ${corr(a)} vs ${corr(b)} (difference ${corr(difference)}; the IPs shuffled between the two reach ${corr(band)}); ` +
      `holds if higher by ${MORE_PATTERN.holdsAt} or more beyond the shuffle, does not hold if not higher.`,
    headline: `coherence ${corr(a)} vs ${corr(b)}`,
  };
}

/** The mean timelines of two selections follow the same pattern, beyond circular shifts of one of them. */
export function checkTimelines(claim: TimelinesClaim, ctx: FindingContext, id: string): Verdict {
  const ta = groupTimeline(ctx.frame(claim.a.group), claim.a.family, claim.a.role);
  const tb = groupTimeline(ctx.frame(claim.b.group), claim.b.family, claim.b.role);
  const at = new Map<number, number>();
  ta.starts.forEach((s, i) => at.set(s, i));
  const xs: number[] = [];
  const ys: number[] = [];
  tb.starts.forEach((s, j) => {
    const i = at.get(s);
    if (i !== undefined) {
      xs.push(ta.mean[i]);
      ys.push(tb.mean[j]);
    }
  });
  const head = `Correlation of the mean timelines of ${name(claim.a)} and ${name(claim.b)}`;
  const r = pearson(xs, ys);
  if (Number.isNaN(r))
    return { status: 'inconclusive', evidence: `${head}: too few shared windows, or a flat timeline.` };
  const y = Float64Array.from(ys);
  const band = shiftBand(streamFor(ctx.seed, id), 1, y.length, (shifts) => {
    const rotated = Float64Array.from(y, (_, w) => y[(w - shifts[0] + y.length) % y.length]);
    return pearson(xs, rotated);
  });
  const { holdsAt, failsAt } = ASSOCIATION.same;
  return {
    status: judge(r, ASSOCIATION.same, r > band),
    evidence: `${head}: ${corr(r)} over ${xs.length} windows; shifted in time, the second reaches ${corr(band)}; holds at ${holdsAt} or more beyond the shift, does not hold below ${failsAt}.`,
    headline: `mean timelines correlated ${corr(r)} (shifted ${corr(band)})`,
  };
}

/** The median over IPs of the correlation of two families over each IP's active windows (NaN if none qualifies). */
function agreement(pairs: readonly { a: Float64Array; b: Float64Array }[]): (random?: Random) => number {
  let longest = 0;
  for (const { b } of pairs) longest = Math.max(longest, b.length);
  const shuffledB = new Float64Array(longest);
  const rs = new Float64Array(pairs.length);
  // With `random`: each IP's second series shuffled first (the null), in memory reused from IP to IP.
  return (random) => {
    let n = 0;
    for (const { a, b } of pairs) {
      let other = b;
      if (random) {
        shuffledB.set(b);
        shuffleInPlace(random, shuffledB, b.length);
        other = shuffledB;
      }
      const r = pearson(a, other); // reads the first a.length values of `other`
      if (!Number.isNaN(r)) rs[n++] = r;
    }
    return medianInPlace(rs, n);
  };
}

/** The variable a family summarises (`std_Length` → `Length`). */
function variableOf(family: string): string {
  return family.replace(/^(avg|std|sum|count)_/, '');
}

/**
 * Per IP, two families' timelines follow each other over its active windows, beyond shuffling one
 * of them. Two summaries of one variable (its mean and its spread, its mean and its sum) move
 * together by construction in any group: that is `descriptive`, or ✘ when they do not.
 */
export function checkAgree(claim: AgreeClaim, ctx: FindingContext, id: string): Verdict {
  const frame = ctx.frame(claim.group);
  const va = frame.family(claim.family);
  const vb = frame.family(claim.other);
  const byConstruction = variableOf(claim.family) === variableOf(claim.other);
  // Per IP, the windows it is active in (where both series have values, below).
  const { active, windows, slot } = activity(frame);
  const slots = Int32Array.from(va.starts, (start) => slot.get(start) ?? -1);
  const parts = claim.roles.map((role): Verdict => {
    const pairs: { a: Float64Array; b: Float64Array }[] = [];
    for (const r of ctx.rows(claim.group, role)) {
      const a: number[] = [];
      const b: number[] = [];
      for (let w = 0; w < slots.length; w++) {
        if (slots[w] < 0 || !active[r * windows + slots[w]]) continue;
        const x = va.value(r, w);
        const y = vb.value(r, w);
        if (x === x && y === y) {
          a.push(x);
          b.push(y);
        }
      }
      if (a.length >= MIN_SHARED_WINDOWS) pairs.push({ a: Float64Array.from(a), b: Float64Array.from(b) });
    }
    const median = agreement(pairs);
    const m = median();
    if (Number.isNaN(m) || pairs.length < MIN_IPS) {
      return {
        status: 'inconclusive',
        evidence: `${roleWord(role)}: ${pairs.length} IPs (fewer than ${MIN_IPS}) vary in both over ${MIN_SHARED_WINDOWS} or more active windows`,
      };
    }
    if (byConstruction) {
      // A description: only whether the data contradict it counts, and that needs no null.
      return {
        status: m > ASSOCIATION.pattern.failsAt ? 'descriptive' : 'does not hold',
        evidence: `${roleWord(role)} ${corr(m)} over ${pairs.length} IPs`,
        headline: `${rolePlural(role)} correlated ${corr(m)}`,
      };
    }
    const random = streamFor(ctx.seed, `${id}|${role}`);
    const draws = new Float64Array(NULL_DRAWS);
    for (let d = 0; d < NULL_DRAWS; d++) draws[d] = median(random);
    const band = upperQuantile(draws);
    return {
      status: judge(m, ASSOCIATION.pattern, m > band),
      evidence: `${roleWord(role)} ${corr(m)} over ${pairs.length} IPs (shuffled within each IP: ${corr(band)})`,
      headline: `${rolePlural(role)} correlated ${corr(m)}`,
    };
  });
  const verdict = conjunction(parts);
  const { holdsAt, failsAt } = ASSOCIATION.pattern;
  const status = byConstruction && verdict.status === 'inconclusive' ? 'descriptive' : verdict.status;
  const rule = byConstruction
    ? `two summaries of ${variableOf(claim.family)} move together in any group, so it does not depend on the flags: descriptive, does not hold below ${failsAt}`
    : `holds at ${holdsAt} or more beyond the shuffle, does not hold below ${failsAt}`;
  return {
    status,
    evidence: `Median over ${claim.group} IPs of the correlation of ${claim.family} with ${claim.other} over each IP's active windows: ${verdict.evidence.replace(/\.$/, '')}; ${rule}.`,
    headline: verdict.headline,
  };
}

/** Shuffles `xs[0..n)` in place (Fisher–Yates from the end). */
function shuffleInPlace(random: Random, xs: Float64Array, n: number): void {
  for (let i = n - 1; i > 0; i--) {
    const j = randomIndex(random, i + 1);
    const t = xs[i];
    xs[i] = xs[j];
    xs[j] = t;
  }
}

/** Sarle's bimodality coefficient (sample-corrected skewness and kurtosis); NaN for fewer than 4 values or no spread. */
export function bimodalityCoefficient(xs: readonly number[]): number {
  const k = xs.length;
  if (k < 4) return NaN;
  const m = xs.reduce((a, b) => a + b, 0) / k;
  let m2 = 0;
  let m3 = 0;
  let m4 = 0;
  for (const x of xs) {
    const d = x - m;
    m2 += d * d;
    m3 += d * d * d;
    m4 += d * d * d * d;
  }
  m2 /= k;
  m3 /= k;
  m4 /= k;
  if (m2 === 0) return NaN;
  const g1 = m3 / m2 ** 1.5;
  const g2 = m4 / (m2 * m2) - 3;
  const skew = (Math.sqrt(k * (k - 1)) / (k - 2)) * g1;
  const kurt = ((k - 1) / ((k - 2) * (k - 3))) * ((k + 1) * g2 + 6);
  return (skew * skew + 1) / (kurt + (3 * (k - 1) * (k - 1)) / ((k - 2) * (k - 3)));
}

/** Standard normal numbers (Box–Muller). */
function gaussian(random: Random): number {
  return Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
}

/** The per-IP levels of a selection fall into two clusters, beyond what one normal (Gaussian) cluster of as many IPs shows. */
export function checkBimodal(claim: BimodalClaim, ctx: FindingContext, id: string): Verdict {
  const { family, group, role } = claim.selection;
  const values = Array.from(ctx.perIp(group, role, family, claim.reducer)).filter(Number.isFinite);
  const bc = bimodalityCoefficient(values);
  const head = `Bimodality coefficient of each ${groupRole(group, role)} IP's ${family} ${REDUCER_WORDS[claim.reducer]}`;
  if (Number.isNaN(bc))
    return { status: 'inconclusive', evidence: `${capital(head)}: fewer than 4 measurable IPs, or all equal.` };
  const random = streamFor(ctx.seed, id);
  const draws = new Float64Array(NULL_DRAWS);
  for (let d = 0; d < NULL_DRAWS; d++)
    draws[d] = bimodalityCoefficient(Array.from({ length: values.length }, () => gaussian(random)));
  const gaussianBand = upperQuantile(draws);
  // Skewed, zero-heavy measures look bimodal in any group: the anomalous group must also beat normal groups of its size.
  const pool = Array.from(ctx.perIp('normal', role, family, claim.reducer)).filter(Number.isFinite);
  const normalBand =
    group === 'anomalous'
      ? randomGroupsBand(random, pool.length, values.length, (g) =>
          bimodalityCoefficient(Array.from(g, (p) => pool[p])),
        )
      : -Infinity;
  const beyond = bc > gaussianBand && bc > normalBand;
  const normalText = group === 'anomalous' ? `, random normal groups of as many IPs ${corr(normalBand)}` : '';
  return {
    status: judge(bc, { holdsAt: BIMODAL, failsAt: BIMODAL }, beyond),
    evidence:
      `${capital(head)}: ${corr(bc)} over ${values.length} IPs; one Gaussian cluster of as many IPs reaches ${corr(gaussianBand)}${normalText}; ` +
      `holds above ${corr(BIMODAL)} (Sarle's two-cluster line) beyond those nulls, does not hold at or below it.`,
    headline: `bimodality ${corr(bc)} (normal groups ${corr(normalBand)})`,
  };
}
