/**
 * The seed notebook's written findings, bullet by bullet in clear English, each with a check that
 * says whether it still holds on the data at hand and one sentence of evidence with the numbers
 * and the threshold used. Pure functions, no I/O.
 *
 * Vocabulary used by the checks (the thresholds are written into every evidence sentence):
 * - "higher for anomalous IPs": the mean over every (IP, window) value of the family, anomalous vs
 *   normal, per role (normal means over ALL normal rows when the full dataset's statistics are given);
 *   "much higher" means at least {@link MUCH_HIGHER} times.
 * - "a pattern": the IPs of a group share one timeline shape; measured by {@link coherence} (median
 *   correlation of each IP's timeline with the mean timeline of the others); a clear pattern is a
 *   coherence of at least {@link PATTERN}, "no clear pattern"/"all over the place" is below it.
 * - "stand out": {@link standoutIps} (robust z-score ≥ 3.5 of an IP's total or peak in its role).
 */
import { Frame } from './frame';
import { LabelledRun } from './overlap';
import { escapeMarkdown } from './html';
import { FamilyStats, Group, Role, ROLES } from './types';
import {
  FamilyEvidenceDetail, EvidenceCellDetail, coherence, Coherence, evidenceCell, familyEvidence,
  evidenceTableMarkdown, groupTimeline, humanNumber, humanShare, pearson, perRow, quantileSorted, roleWord, seriesMean, timelineCorrelation,
  valueStd,
} from './evidence';
import { matchingPairs, standoutIps } from './standouts';

/** Whether a finding still holds, and the numbers that say so (plain text: escape before rendering). */
export interface Verdict {
  readonly status: 'holds' | 'does not hold' | 'not checkable';
  /** One sentence with the numbers and the threshold used, or why the finding cannot be checked. */
  readonly evidence: string;
}

/** What a check sees: the data at hand. */
export interface FindingContext {
  /** The reference run's anomalous rows. */
  readonly anomalous: Frame;
  /** The seeded sample of normal rows. */
  readonly normalSample: Frame;
  /** Statistics over ALL normal rows, per family and role (preferred for means, maxima and shares). */
  readonly normalStats?: FamilyStats;
  /** Every run's row labels (for the overlap findings). */
  readonly runs?: readonly LabelledRun[];
  /** Name of the reference run among `runs` (default: the run whose labels are the anomalous rows). */
  readonly reference?: string;
  /** The family's evidence, computed once per family. */
  evidence(family: string): FamilyEvidenceDetail;
}

/** A written finding of the seed, with a check when it makes a testable claim. */
export interface Finding {
  readonly family: string;
  /** The finding in clear English (plain text: escape before rendering). */
  readonly text: string;
  readonly check?: (ctx: FindingContext) => Verdict;
  /** Why there is no check (interpretation, a to-do), shown as the evidence. */
  readonly why?: string;
}

/** One section of the seed: a feature, its figures in seed order, the findings under each figure and its summary. */
export interface SeedSection {
  /** The per-packet feature, e.g. `Length`; `overlap` for the window-size comparison. */
  readonly feature: string;
  readonly title: string;
  /** Families plotted, in seed order. */
  readonly figures: readonly string[];
  /** The findings written under each figure. */
  readonly notes: readonly { readonly family: string; readonly findings: readonly Finding[] }[];
  /** The findings of the section's summary. */
  readonly summary: readonly Finding[];
}

/** A finding and its verdict on the data at hand. */
export interface FindingResult {
  readonly finding: Finding;
  readonly verdict: Verdict;
}

/** "Much higher": at least this many times. */
export const MUCH_HIGHER = 2;
/** Coherence at or above which a group's IPs follow a clear pattern. */
export const PATTERN = 0.5;
/** Correlation at or above which two mean timelines "follow the same pattern". */
export const SAME_PATTERN = 0.7;

/** Builds a context whose evidence is computed once per family. */
export function findingContext(init: Omit<FindingContext, 'evidence'>): FindingContext {
  const memo = new Map<string, FamilyEvidenceDetail>();
  return {
    ...init,
    evidence(family: string): FamilyEvidenceDetail {
      let ev = memo.get(family);
      if (!ev) {
        ev = familyEvidence(family, init.anomalous, init.normalSample, init.normalStats);
        memo.set(family, ev);
      }
      return ev;
    },
  };
}

// ---------------------------------------------------------------------------------------------
// Verdict helpers

type Check = (ctx: FindingContext) => Verdict;

const n = humanNumber;

function verdict(ok: boolean, evidence: string): Verdict {
  return { status: ok ? 'holds' : 'does not hold', evidence };
}

function notCheckable(evidence: string): Verdict {
  return { status: 'not checkable', evidence };
}

function anyNaN(...xs: number[]): boolean {
  return xs.some((x) => Number.isNaN(x));
}

/** Every check must hold; the evidence sentences are joined. */
function allOf(...checks: Check[]): Check {
  return (ctx) => {
    const verdicts = checks.map((c) => c(ctx));
    const evidence = verdicts.map((v, i) => (i === 0 ? v.evidence : lowerFirst(v.evidence)).replace(/\.$/, '')).join('; ') + '.';
    if (verdicts.some((v) => v.status === 'not checkable')) return notCheckable(evidence);
    return verdict(verdicts.every((v) => v.status === 'holds'), evidence);
  };
}

/** A check plus a note that the rest of the finding is interpretation. */
function withInterpretation(check: Check, note: string): Check {
  return (ctx) => {
    const v = check(ctx);
    return { status: v.status, evidence: `${v.evidence.replace(/\.$/, '')} (${note}).` };
  };
}

type Metric = 'mean' | 'activeMean' | 'median' | 'p95' | 'max' | 'nonzeroShare';

const METRIC_WORD: Readonly<Record<Metric, string>> = {
  mean: 'mean',
  activeMean: 'mean over non-zero windows',
  median: 'median',
  p95: '95th percentile',
  max: 'maximum',
  nonzeroShare: 'share of non-zero windows',
};

function metricOf(cell: EvidenceCellDetail, metric: Metric): number {
  return cell[metric];
}

function fmtMetric(x: number, metric: Metric): string {
  return metric === 'nonzeroShare' ? humanShare(x) : n(x);
}

function ratioText(a: number, b: number): string {
  if (b === 0) return a === 0 ? '1×' : a > 0 ? '∞×' : '−∞×';
  const r = a / b;
  return `${r >= 10 ? Math.round(r) : Number(r.toPrecision(2))}×`;
}

/**
 * Anomalous above normal for `family`, per role: anomalous metric ≥ `factor` × normal metric
 * (strictly above when `factor` is 1). `direction: 'lower'` asks for anomalous below normal instead.
 */
function anomalousVsNormal(
  family: string,
  options: { factor?: number; roles?: readonly Role[]; metric?: Metric; direction?: 'higher' | 'lower' } = {},
): Check {
  const factor = options.factor ?? 1;
  const roles = options.roles ?? ROLES;
  const metric = options.metric ?? 'mean';
  const higher = (options.direction ?? 'higher') === 'higher';
  return (ctx) => {
    const ev = ctx.evidence(family);
    const parts: string[] = [];
    let ok = true;
    for (const role of roles) {
      const a = metricOf(evidenceCell(ev, 'anomalous', role), metric);
      const b = metricOf(evidenceCell(ev, 'normal', role), metric);
      if (anyNaN(a, b)) return notCheckable(`No ${roleWord(role)} values of ${family} for one of the groups (anomalous ${fmtMetric(a, metric)}, normal ${fmtMetric(b, metric)}).`);
      const pass = higher ? (factor === 1 ? a > b : a >= factor * b) : (factor === 1 ? a < b : a * factor <= b);
      ok &&= pass;
      parts.push(`${roleWord(role)} ${fmtMetric(a, metric)} vs ${fmtMetric(b, metric)} (${ratioText(a, b)})`);
    }
    const rule = higher
      ? factor === 1 ? 'anomalous is higher' : `anomalous is at least ${factor}× normal`
      : factor === 1 ? 'anomalous is lower' : `anomalous is at most 1/${factor} of normal`;
    const forRoles = roles.length === 1 ? `for ${roleWord(roles[0])} IPs` : 'for both roles';
    return verdict(ok, `${capital(METRIC_WORD[metric])} of ${family}, anomalous vs normal: ${parts.join(', ')}; holds if ${rule} ${forRoles}.`);
  };
}

/** Destination below source for `family`, in each of `groups`. */
function destinationBelowSource(family: string, groups: readonly Group[] = ['anomalous', 'normal'], metric: Metric = 'mean'): Check {
  return (ctx) => {
    const ev = ctx.evidence(family);
    const parts: string[] = [];
    let ok = true;
    for (const group of groups) {
      const d = metricOf(evidenceCell(ev, group, 'dst'), metric);
      const s = metricOf(evidenceCell(ev, group, 'source'), metric);
      if (anyNaN(d, s)) return notCheckable(`No ${group} values of ${family} for one of the roles.`);
      ok &&= d < s;
      parts.push(`${group} ${fmtMetric(d, metric)} vs ${fmtMetric(s, metric)}`);
    }
    const where = groups.length === 1 ? `for ${groups[0]} IPs` : 'for both anomalous and normal IPs';
    return verdict(ok, `${capital(METRIC_WORD[metric])} of ${family}, destination vs source: ${parts.join(', ')}; holds if destination is lower ${where}.`);
  };
}

/** Anomalous and normal within a factor `within` of each other for one role. */
function similarGroups(family: string, role: Role, within = 2): Check {
  return (ctx) => {
    const ev = ctx.evidence(family);
    const a = evidenceCell(ev, 'anomalous', role).mean;
    const b = evidenceCell(ev, 'normal', role).mean;
    if (anyNaN(a, b)) return notCheckable(`No ${roleWord(role)} values of ${family} for one of the groups.`);
    const ok = a > 0 && b > 0 ? Math.max(a, b) / Math.min(a, b) <= within : a === b;
    return verdict(ok, `Mean of ${family} for ${roleWord(role)} IPs, anomalous vs normal: ${n(a)} vs ${n(b)} (${ratioText(a, b)}); holds if within a factor ${within} of each other.`);
  };
}

/** A group/role shows at least `minShare` non-zero values of `family`. */
function someActivity(family: string, group: Group, role: Role, minShare: number): Check {
  return (ctx) => {
    const cell = evidenceCell(ctx.evidence(family), group, role);
    if (Number.isNaN(cell.nonzeroShare)) return notCheckable(`No ${group} ${roleWord(role)} values of ${family}.`);
    return verdict(
      cell.nonzeroShare >= minShare && cell.max > 0,
      `${capital(group)} ${roleWord(role)} IPs: ${family} is non-zero in ${humanShare(cell.nonzeroShare)} of (IP, window) values, max ${n(cell.max)}; holds if non-zero in at least ${humanShare(minShare)}.`,
    );
  };
}

const coherenceMemo = new WeakMap<Frame, Map<string, Coherence>>();

function memoCoherence(frame: Frame, family: string, role: Role): Coherence {
  let byKey = coherenceMemo.get(frame);
  if (!byKey) coherenceMemo.set(frame, (byKey = new Map()));
  const key = `${family}\u0000${role}`;
  let c = byKey.get(key);
  if (!c) byKey.set(key, (c = coherence(frame, family, role)));
  return c;
}

function frameOf(ctx: FindingContext, group: Group): Frame {
  return group === 'anomalous' ? ctx.anomalous : ctx.normalSample;
}

/** Groups that do (`pattern: true`) or do not follow a clear pattern in `family`. */
function pattern(family: string, expectations: readonly { group: Group; role: Role; pattern: boolean }[]): Check {
  return (ctx) => {
    const parts: string[] = [];
    let ok = true;
    for (const e of expectations) {
      const c = memoCoherence(frameOf(ctx, e.group), family, e.role);
      if (Number.isNaN(c.median)) return notCheckable(`Fewer than 2 ${e.group} ${roleWord(e.role)} IPs vary in ${family}, so no pattern can be measured.`);
      ok &&= e.pattern ? c.median >= PATTERN : c.median < PATTERN;
      parts.push(`${e.group} ${roleWord(e.role)} ${c.median.toFixed(2)} (${c.ips} varying IPs)`);
    }
    const rule = expectations
      .map((e) => `${e.group} ${roleWord(e.role)} ${e.pattern ? '≥' : '<'} ${PATTERN}`)
      .join(' and ');
    return verdict(ok, `Coherence of ${family} timelines (median correlation of each IP with the others' mean): ${parts.join(', ')}; holds if ${rule}.`);
  };
}

/** Coherence of one group/role above another's. */
function morePattern(
  family: string,
  more: { group: Group; role: Role },
  less: { group: Group; role: Role },
  lessFamily = family,
): Check {
  return (ctx) => {
    const a = memoCoherence(frameOf(ctx, more.group), family, more.role);
    const b = memoCoherence(frameOf(ctx, less.group), lessFamily, less.role);
    if (anyNaN(a.median, b.median)) return notCheckable(`Too few varying IPs in ${family} to measure a pattern.`);
    const nameA = `${more.group} ${roleWord(more.role)}${lessFamily !== family ? ` (${family})` : ''}`;
    const nameB = `${less.group} ${roleWord(less.role)}${lessFamily !== family ? ` (${lessFamily})` : ''}`;
    return verdict(a.median > b.median, `Coherence of ${family} timelines: ${nameA} ${a.median.toFixed(2)} vs ${nameB} ${b.median.toFixed(2)}; holds if the first is higher.`);
  };
}

/** The mean timelines of two (family, group, role) selections correlate at least `min`. */
function timelinesMatch(
  a: { family: string; group: Group; role: Role },
  b: { family: string; group: Group; role: Role },
  min = SAME_PATTERN,
): Check {
  return (ctx) => {
    const ta = groupTimeline(frameOf(ctx, a.group), a.family, a.role);
    const tb = groupTimeline(frameOf(ctx, b.group), b.family, b.role);
    const r = timelineCorrelation(ta, tb);
    const name = (x: typeof a): string => `${x.group} ${roleWord(x.role)} ${x.family}`;
    if (Number.isNaN(r)) return notCheckable(`The mean timelines of ${name(a)} and ${name(b)} share too few windows or are flat.`);
    return verdict(r >= min, `Correlation of the mean timelines of ${name(a)} and ${name(b)}: ${r.toFixed(2)}; holds if at least ${min}.`);
  };
}

/** Per IP, the timelines of two families correlate; the median over the group's IPs is at least `min`. */
function familiesAgree(familyA: string, familyB: string, group: Group, roles: readonly Role[] = ROLES, min = PATTERN): Check {
  return (ctx) => {
    const frame = frameOf(ctx, group);
    const va = frame.family(familyA);
    const vb = frame.family(familyB);
    const parts: string[] = [];
    let ok = true;
    for (const role of roles) {
      const rs: number[] = [];
      for (const r of frame.rowsWithRole(role)) {
        const c = pearson(va.series(r), vb.series(r));
        if (!Number.isNaN(c)) rs.push(c);
      }
      rs.sort((x, y) => x - y);
      const med = quantileSorted(rs, 0.5);
      if (Number.isNaN(med)) return notCheckable(`No ${group} ${roleWord(role)} IP varies in both ${familyA} and ${familyB}.`);
      ok &&= med >= min;
      parts.push(`${roleWord(role)} ${med.toFixed(2)} (${rs.length} IPs)`);
    }
    return verdict(ok, `Median per-IP correlation of ${familyA} with ${familyB} over ${group} IPs: ${parts.join(', ')}; holds if at least ${min}.`);
  };
}

/** Most IPs of a group/role vary by more than `cv` of their own mean over their active windows. */
function mostVary(family: string, group: Group, role: Role, cv = 0.1, most = 0.5): Check {
  return (ctx) => {
    const cvOf = (frame: Frame): { varying: number; of: number } => {
      const { values } = perRow(frame, family, role, (s) => {
        const active = Array.from(s).filter((v) => !Number.isNaN(v) && v !== 0);
        if (active.length < 2) return NaN;
        const m = active.reduce((x, y) => x + y, 0) / active.length;
        const sd = Math.sqrt(active.reduce((x, y) => x + (y - m) * (y - m), 0) / active.length);
        return m !== 0 ? sd / Math.abs(m) : NaN;
      });
      const usable = Array.from(values).filter((v) => !Number.isNaN(v));
      return { varying: usable.filter((v) => v > cv).length, of: usable.length };
    };
    const own = cvOf(frameOf(ctx, group));
    if (own.of === 0) return notCheckable(`No ${group} ${roleWord(role)} IP is active in 2 or more windows of ${family}.`);
    const other = cvOf(frameOf(ctx, group === 'anomalous' ? 'normal' : 'anomalous'));
    const share = own.varying / own.of;
    const otherText = other.of > 0 ? `; ${group === 'anomalous' ? 'normal sample' : 'anomalous'}: ${humanShare(other.varying / other.of)}` : '';
    return verdict(
      share > most,
      `${own.varying} of ${own.of} ${group} ${roleWord(role)} IPs active in 2+ windows (${humanShare(share)}${otherText}) vary by more than ${humanShare(cv)} of their mean ${family} across their active windows; holds if more than ${humanShare(most)}.`,
    );
  };
}

/**
 * Two clusters of per-IP means: Sarle's bimodality coefficient (skewness² + 1) / (excess kurtosis
 * + 3(n−1)²/((n−2)(n−3))) above 5/9 (0.555, the value of a uniform distribution) suggests two groups.
 */
function twoClusters(family: string, group: Group, role: Role): Check {
  return (ctx) => {
    const { values } = perRow(frameOf(ctx, group), family, role, seriesMean);
    const xs = Array.from(values).filter((v) => Number.isFinite(v));
    const k = xs.length;
    if (k < 4) return notCheckable(`Fewer than 4 ${group} ${roleWord(role)} IPs with ${family} values.`);
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
    if (m2 === 0) return verdict(false, `Every ${group} ${roleWord(role)} IP has the same mean ${family} (${n(m)}): one group, not two.`);
    // Sample-corrected skewness and excess kurtosis, as in Sarle's coefficient.
    const g1 = m3 / Math.pow(m2, 1.5);
    const g2 = m4 / (m2 * m2) - 3;
    const skew = (Math.sqrt(k * (k - 1)) / (k - 2)) * g1;
    const kurt = ((k - 1) / ((k - 2) * (k - 3))) * ((k + 1) * g2 + 6);
    const bc = (skew * skew + 1) / (kurt + (3 * (k - 1) * (k - 1)) / ((k - 2) * (k - 3)));
    return verdict(bc > 5 / 9, `Bimodality coefficient of the per-IP mean ${family} over ${k} ${group} ${roleWord(role)} IPs: ${bc.toFixed(2)}; holds if above 0.555 (two clusters, large and small).`);
  };
}

/** How many anomalous IPs stand out in `family` per role: between `min` and `max` for each role. */
function standoutCount(family: string, roles: readonly Role[], min: number, max: number, seedSaw: string): Check {
  return (ctx) => {
    const found = standoutIps(ctx.anomalous, family, { roles });
    const parts: string[] = [];
    let ok = true;
    for (const role of roles) {
      const mine = found.filter((s) => s.role === role);
      ok &&= mine.length >= min && mine.length <= max;
      const names = mine.slice(0, 5).map((s) => s.label).join(', ');
      parts.push(`${mine.length} ${roleWord(role)}${mine.length > 0 ? ` (${names}${mine.length > 5 ? ', …' : ''})` : ''}`);
    }
    const each = roles.length > 1 ? ' for each role' : '';
    return verdict(ok, `Anomalous IPs standing out in ${family} (robust z-score ≥ 3.5 of total or peak): ${parts.join('; ')}; holds if ${min} to ${max}${each} (the seed saw ${seedSaw}).`);
  };
}

/** The standouts of both roles include a source/destination pair with matching timelines. */
function standoutPair(family: string, minCorrelation = 0.8): Check {
  return (ctx) => {
    const found = standoutIps(ctx.anomalous, family);
    const sources = found.filter((s) => s.role === 'source').map((s) => s.label);
    const dsts = found.filter((s) => s.role === 'dst').map((s) => s.label);
    if (sources.length === 0 || dsts.length === 0) {
      return notCheckable(`Standouts in ${family}: ${sources.length} source, ${dsts.length} destination; a pair needs one of each.`);
    }
    const [best] = matchingPairs(ctx.anomalous, family, { sources, dsts, minCorrelation: -1, limit: 1 });
    if (!best) return verdict(false, `No standout source/destination pair in ${family} is active together in 3 or more windows.`);
    return verdict(
      best.correlation >= minCorrelation,
      `Best-matching standout pair in ${family}: ${best.source} and ${best.dst}${best.sameHost ? ' (same host)' : ''}, correlation ${best.correlation.toFixed(2)} over ${best.activeWindows} active windows, totals ${n(best.sourceTotal)} and ${n(best.dstTotal)}; holds if the correlation is at least ${minCorrelation}.`,
    );
  };
}

/** Most normal-sample IPs are non-zero in fewer than `activeShare` of windows. */
function mostlySilent(family: string, activeShare = 0.1, most = 0.5): Check {
  return (ctx) => {
    const frame = ctx.normalSample;
    const view = frame.family(family);
    let silent = 0;
    let of = 0;
    for (let r = 0; r < frame.nRows; r++) {
      let active = 0;
      let present = 0;
      for (let w = 0; w < view.columns.length; w++) {
        const v = view.value(r, w);
        if (Number.isNaN(v)) continue;
        present++;
        if (v !== 0) active++;
      }
      if (present === 0) continue;
      of++;
      if (active / present < activeShare) silent++;
    }
    if (of === 0) return notCheckable(`The normal sample has no ${family} values.`);
    return verdict(silent / of > most, `${silent} of ${of} normal sample IPs (${humanShare(silent / of)}) have ${family} non-zero in fewer than ${humanShare(activeShare)} of windows; holds if more than ${humanShare(most)}.`);
  };
}

/**
 * Among anomalous + normal-sample IPs ranked by their mean of each family, the top `top` share is
 * anomalous at least `minLift` times as often as the base rate.
 */
function highValuesAnomalous(families: readonly string[], top = 0.05, minLift = 2): Check {
  return (ctx) => {
    const parts: string[] = [];
    let ok = true;
    for (const family of families) {
      const scored: { anomalous: boolean; mean: number }[] = [];
      for (const [frame, anomalous] of [[ctx.anomalous, true], [ctx.normalSample, false]] as const) {
        const view = frame.family(family);
        for (let r = 0; r < frame.nRows; r++) {
          const m = seriesMean(view.series(r));
          if (!Number.isNaN(m)) scored.push({ anomalous, mean: m });
        }
      }
      if (scored.length < 20) return notCheckable(`Fewer than 20 IPs with ${family} values.`);
      scored.sort((a, b) => b.mean - a.mean);
      const k = Math.max(1, Math.round(scored.length * top));
      const base = scored.filter((s) => s.anomalous).length / scored.length;
      const share = scored.slice(0, k).filter((s) => s.anomalous).length / k;
      const lift = base > 0 ? share / base : NaN;
      ok &&= lift >= minLift;
      parts.push(`${family}: ${humanShare(share)} of the top ${k} IPs are anomalous vs ${humanShare(base)} overall (${Number.isNaN(lift) ? '–' : lift.toFixed(1)}×)`);
    }
    return verdict(ok, `Anomalous share among the ${humanShare(top)} of IPs (anomalous + normal sample) with the highest mean — ${parts.join('; ')}; holds if at least ${minLift}× the overall share for each.`);
  };
}

/** Some anomalous IPs exceed every normal value of `family`, more of them source than destination. */
function someAboveAllNormal(family: string): Check {
  return (ctx) => {
    const ev = ctx.evidence(family);
    const view = ctx.anomalous.family(family);
    const counts: Record<Role, number> = { source: 0, dst: 0 };
    const limits: Record<Role, number> = { source: NaN, dst: NaN };
    for (const role of ROLES) {
      const normalMax = evidenceCell(ev, 'normal', role).max;
      limits[role] = normalMax;
      if (Number.isNaN(normalMax)) return notCheckable(`No normal ${roleWord(role)} values of ${family}.`);
      for (const r of ctx.anomalous.rowsWithRole(role)) {
        let peak = -Infinity;
        for (let w = 0; w < view.columns.length; w++) peak = Math.max(peak, view.value(r, w));
        if (peak > normalMax) counts[role]++;
      }
    }
    const cell = evidenceCell(ev, 'normal', 'source');
    const over = cell.summaryFrom === 'all normal rows' ? 'all normal rows' : 'the normal sample';
    return verdict(
      counts.source >= 1 && counts.source >= counts.dst,
      `Anomalous IPs whose ${family} exceeds the normal maximum (over ${over}): ${counts.source} source (max ${n(limits.source)}), ${counts.dst} destination (max ${n(limits.dst)}); holds if at least one source IP does and sources are at least as many as destinations.`,
    );
  };
}

/** For anomalous IPs, `family` is non-zero more often on the source side. */
function moreOnSource(families: readonly string[]): Check {
  return (ctx) => {
    const parts: string[] = [];
    let ok = true;
    for (const family of families) {
      const ev = ctx.evidence(family);
      const s = evidenceCell(ev, 'anomalous', 'source').nonzeroShare;
      const d = evidenceCell(ev, 'anomalous', 'dst').nonzeroShare;
      if (anyNaN(s, d)) return notCheckable(`No anomalous values of ${family} for one of the roles.`);
      ok &&= s > d;
      parts.push(`${family} ${humanShare(s)} vs ${humanShare(d)}`);
    }
    return verdict(ok, `Share of non-zero windows for anomalous IPs, source vs destination: ${parts.join(', ')}; holds if higher on the source side for each.`);
  };
}

/** The source-side pattern of `family` below the destination-side, by the mean, for anomalous IPs. */
function sourceBelowDestination(family: string): Check {
  return (ctx) => {
    const ev = ctx.evidence(family);
    const s = evidenceCell(ev, 'anomalous', 'source');
    const d = evidenceCell(ev, 'anomalous', 'dst');
    if (anyNaN(s.mean, d.mean)) return notCheckable(`No anomalous values of ${family} for one of the roles.`);
    return verdict(s.median <= d.median && s.mean < d.mean, `Anomalous ${family}, source vs destination: median ${n(s.median)} vs ${n(d.median)}, mean ${n(s.mean)} vs ${n(d.mean)}; holds if the source values are lower on both.`);
  };
}

/** Patterns of sources and destinations swap between two families. */
function patternsSwitch(first: string, second: string): Check {
  return allOf(
    morePattern(first, { group: 'anomalous', role: 'dst' }, { group: 'anomalous', role: 'source' }),
    morePattern(second, { group: 'anomalous', role: 'source' }, { group: 'anomalous', role: 'dst' }),
  );
}

/** The findings' checks rerun on other families; holds when all of them hold. */
function sameAs(build: (family: string) => Check[], family: string): Check {
  return allOf(...build(family));
}

// Overlap checks ---------------------------------------------------------------------------------

function referenceRun(ctx: FindingContext): LabelledRun | undefined {
  const runs = ctx.runs ?? [];
  if (ctx.reference !== undefined) return runs.find((r) => r.name === ctx.reference);
  const mine = new Set(ctx.anomalous.index);
  return runs.find((r) => r.labels.length === mine.size && r.labels.every((l) => mine.has(l)));
}

function overlapCheck(body: (runs: readonly LabelledRun[], ref: LabelledRun) => Verdict): Check {
  return (ctx) => {
    const runs = ctx.runs ?? [];
    if (runs.length < 2) return notCheckable('Needs two or more runs to compare.');
    const ref = referenceRun(ctx);
    if (!ref) return notCheckable('The reference run is not among the runs given.');
    return body(runs, ref);
  };
}

function commonToAll(runs: readonly LabelledRun[]): Set<string> {
  const sets = runs.map((r) => new Set(r.labels));
  return new Set(runs[0].labels.filter((l) => sets.every((s) => s.has(l))));
}

// ---------------------------------------------------------------------------------------------
// The seed's findings

const interpretation = (why: string): Pick<Finding, 'why'> => ({ why });

function f(family: string, text: string, check?: Check, why?: string): Finding {
  return check ? { family, text, check } : { family, text, ...interpretation(why ?? 'interpretation, not a measurable claim') };
}

/** Lower-cases a sentence's first letter unless the first word is an acronym (`IPs`). */
function lowerFirst(s: string): string {
  return /^[A-Z][a-z]/.test(s) ? s.charAt(0).toLowerCase() + s.slice(1) : s;
}

function capital(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}

const IP1 = 'IP1_time_diff_per_value';
const IP2 = 'IP2_time_diff_per_value';
const IP12 = 'IP1_IP2_time_diff_per_value';

/** The checks of the findings under the avg IP1 figure, for any family of that feature. */
function ip1AvgChecks(family: string): Check[] {
  return [
    pattern(family, [{ group: 'anomalous', role: 'source', pattern: false }, { group: 'normal', role: 'source', pattern: true }]),
    pattern(family, [{ group: 'anomalous', role: 'dst', pattern: true }]),
    pattern(family, [{ group: 'normal', role: 'dst', pattern: false }]),
  ];
}

/** The checks of the findings under the avg IP2 figure, for any family of that feature. */
function ip2AvgChecks(family: string): Check[] {
  return [
    timelinesMatch({ family, group: 'anomalous', role: 'source' }, { family: family.replace('IP2', 'IP1'), group: 'anomalous', role: 'source' }),
    anomalousVsNormal(family, { roles: ['dst'], metric: 'activeMean', direction: 'lower' }),
    pattern(family, [{ group: 'normal', role: 'source', pattern: false }]),
  ];
}

/** The window-size comparison: the findings under the overlap counts. */
export const OVERLAP_SECTION: SeedSection = {
  feature: 'overlap',
  title: 'Common anomalies between runs',
  figures: [],
  notes: [],
  summary: [
    f('', 'Most anomalies are common to all runs.', overlapCheck((runs, ref) => {
      const common = commonToAll(runs).size;
      return verdict(common / ref.labels.length > 0.5, `${common} of the ${ref.labels.length} anomalies of ${ref.name} (${humanShare(common / ref.labels.length)}) are in all ${runs.length} runs; holds if more than half.`);
    })),
    f('', 'A close look at the finest run (5T in the seed) gives most of the insight for all runs.', overlapCheck((runs, ref) => {
      const union = new Set(runs.flatMap((r) => r.labels));
      const mine = new Set(ref.labels);
      const covered = [...union].filter((l) => mine.has(l)).length;
      return verdict(covered / union.size >= 0.9, `The reference run ${ref.name} holds ${covered} of the ${union.size} IPs flagged by any run (${humanShare(covered / union.size)}); holds if at least 90%.`);
    })),
    f('', 'Special cases may arise from the window length.', overlapCheck((runs) => {
      const common = commonToAll(runs);
      const special = [...new Set(runs.flatMap((r) => r.labels))].filter((l) => !common.has(l));
      const names = special.slice(0, 5).join(', ');
      return verdict(special.length > 0, `${special.length} IPs are flagged by some runs but not all${special.length > 0 ? ` (${names}${special.length > 5 ? ', …' : ''})` : ''}; holds if there is at least one.`);
    })),
    f('', 'The special cases must be looked at.', undefined, 'a to-do: the IPs unique to a run are listed with the overlap figure'),
  ],
};

/** Every section of the seed, in its order, with every bullet of its figures and summaries. */
export const SEED_SECTIONS: readonly SeedSection[] = [
  {
    feature: 'Length',
    title: 'Length',
    figures: ['avg_Length', 'std_Length', 'sum_Length', 'count_Length'],
    notes: [
      {
        family: 'avg_Length',
        findings: [
          f('avg_Length', 'Most anomalous source IPs vary a lot in average packet length over time.', mostVary('avg_Length', 'anomalous', 'source')),
          f('avg_Length', 'Destination IPs have a lower average packet length than source IPs.', destinationBelowSource('avg_Length')),
          f('avg_Length', 'The average packet length is much higher for anomalous IPs.', anomalousVsNormal('avg_Length', { factor: MUCH_HIGHER })),
        ],
      },
      {
        family: 'std_Length',
        findings: [
          f('std_Length', 'Most anomalous source IPs have either a large or a very low standard deviation of packet length.', twoClusters('std_Length', 'anomalous', 'source')),
          f('std_Length', 'Most destination IPs tend towards a lower standard deviation than source IPs, meaning that destination IPs have lower packet lengths overall.', destinationBelowSource('std_Length')),
          f('std_Length', 'Even though most normal IPs have a very low average, normal destination IPs still show some standard deviation.', someActivity('std_Length', 'normal', 'dst', 0.005)),
        ],
      },
      {
        family: 'sum_Length',
        findings: [
          f('sum_Length', 'Most source IPs follow a similar trend as in the average.', familiesAgree('sum_Length', 'avg_Length', 'anomalous', ['source'])),
          f('sum_Length', 'Among destination IPs, three stand above the rest; for the most part the sum is quite low.', standoutCount('sum_Length', ['dst'], 2, 4, 'three')),
          f('sum_Length', 'The sum of packet lengths is much higher and varies more for anomalous IPs than for normal IPs.', allOf(
            anomalousVsNormal('sum_Length', { factor: MUCH_HIGHER }),
            (ctx) => {
              const parts: string[] = [];
              let ok = true;
              for (const role of ROLES) {
                const a = valueStd(ctx.anomalous, 'sum_Length', role);
                const b = valueStd(ctx.normalSample, 'sum_Length', role);
                if (anyNaN(a, b)) return notCheckable(`No ${roleWord(role)} values of sum_Length for one of the groups.`);
                ok &&= a > b;
                parts.push(`${roleWord(role)} ${n(a)} vs ${n(b)}`);
              }
              return verdict(ok, `standard deviation of sum_Length, anomalous vs normal sample: ${parts.join(', ')}; holds if anomalous varies more for both roles`);
            },
          )),
        ],
      },
      {
        family: 'count_Length',
        findings: [
          f('count_Length', 'For both source and destination IPs, a couple of IPs stand out.', standoutCount('count_Length', ROLES, 1, 4, 'a couple per role')),
          f('count_Length', 'Those IPs have the same shape: a connection between two IPs (a source and a destination) that stands out from both ends.', standoutPair('count_Length')),
        ],
      },
    ],
    summary: [
      f('avg_Length', 'Packet length is higher for anomalous IPs.', anomalousVsNormal('avg_Length')),
      f('std_Length', 'Anomalous and normal IPs have a similar standard deviation of packet length, except for source IPs, where the standard deviation of normal IPs is quite low.', allOf(
        similarGroups('std_Length', 'dst'),
        anomalousVsNormal('std_Length', { factor: MUCH_HIGHER, roles: ['source'] }),
      )),
      f('sum_Length', 'The amount of information transmitted (sum) is much higher for anomalous IPs.', anomalousVsNormal('sum_Length', { factor: MUCH_HIGHER })),
      f('count_Length', 'Anomalous IPs have higher counts, meaning more connections over the timeline.', anomalousVsNormal('count_Length')),
      f('avg_Length', 'The difference in packet length could point to malware injection.', undefined, 'interpretation: the data hold packet statistics, not payloads'),
    ],
  },
  {
    feature: IP12,
    title: IP12,
    figures: [`avg_${IP12}`, `std_${IP12}`, `sum_${IP12}`],
    notes: [
      {
        family: `avg_${IP12}`,
        findings: [
          f(`avg_${IP12}`, 'Among anomalous IPs, source and destination IPs follow the same pattern.', timelinesMatch(
            { family: `avg_${IP12}`, group: 'anomalous', role: 'source' },
            { family: `avg_${IP12}`, group: 'anomalous', role: 'dst' },
          )),
          f(`avg_${IP12}`, 'Time differences between connections of the same pair of IPs are higher for anomalous IPs, meaning that the same connection repeats much more often among normal IPs.', withInterpretation(
            anomalousVsNormal(`avg_${IP12}`),
            'the "repeats more often" reading is interpretation',
          )),
        ],
      },
      {
        family: `std_${IP12}`,
        findings: [
          f(`std_${IP12}`, 'The pattern is similar to the average.', familiesAgree(`std_${IP12}`, `avg_${IP12}`, 'anomalous')),
          f(`std_${IP12}`, 'Normal IPs have a very low standard deviation, meaning that most of their connections are periodic, whereas anomalous IPs follow a connection pattern.', withInterpretation(
            anomalousVsNormal(`std_${IP12}`, { factor: MUCH_HIGHER }),
            '"periodic" is interpretation',
          )),
        ],
      },
      {
        family: `sum_${IP12}`,
        findings: [
          f(`sum_${IP12}`, 'Time differences are clearly higher for anomalous IPs than for normal IPs.', anomalousVsNormal(`sum_${IP12}`, { factor: MUCH_HIGHER })),
        ],
      },
    ],
    summary: [
      f(`avg_${IP12}`, 'Anomalous IPs show a clear connection pattern.', pattern(`avg_${IP12}`, [
        { group: 'anomalous', role: 'source', pattern: true }, { group: 'anomalous', role: 'dst', pattern: true },
      ])),
      f(`avg_${IP12}`, 'Time differences are higher for anomalous IPs.', anomalousVsNormal(`avg_${IP12}`)),
      f(`avg_${IP12}`, 'The pattern could mean that anomalous connections are made programmatically.', undefined, 'interpretation of the pattern'),
    ],
  },
  {
    feature: IP1,
    title: IP1,
    figures: [`avg_${IP1}`, `std_${IP1}`, `sum_${IP1}`],
    notes: [
      {
        family: `avg_${IP1}`,
        findings: [
          f(`avg_${IP1}`, 'Anomalous source IPs show no clear pattern, whereas normal source IPs do.', ip1AvgChecks(`avg_${IP1}`)[0]),
          f(`avg_${IP1}`, 'Anomalous destination IPs follow a pattern. This could mean that the same anomalous source IP connects more often to different destination IPs (low time difference), whereas connections from a source to the same destination IP follow a pattern.', withInterpretation(
            ip1AvgChecks(`avg_${IP1}`)[1],
            'the explanation is interpretation',
          )),
          f(`avg_${IP1}`, 'Normal destination IPs are all over the place.', ip1AvgChecks(`avg_${IP1}`)[2]),
        ],
      },
      {
        family: `std_${IP1}`,
        findings: [
          f(`std_${IP1}`, 'Same conclusions as for the average.', sameAs(ip1AvgChecks, `std_${IP1}`)),
        ],
      },
      {
        family: `sum_${IP1}`,
        findings: [
          f(`sum_${IP1}`, 'The sums of anomalous source IPs follow no clear pattern, but most of them seem quite low, supporting the previous hypothesis.', allOf(
            pattern(`sum_${IP1}`, [{ group: 'anomalous', role: 'source', pattern: false }]),
            sourceBelowDestination(`sum_${IP1}`),
          )),
          f(`sum_${IP1}`, 'The destination IPs behave as in the previous figures.', allOf(...ip1AvgChecks(`sum_${IP1}`).slice(1))),
        ],
      },
    ],
    summary: [
      f(`avg_${IP1}`, 'Anomalous source IPs have very low time differences, with no clear pattern.', allOf(
        anomalousVsNormal(`avg_${IP1}`, { roles: ['source'], metric: 'activeMean', direction: 'lower' }),
        pattern(`avg_${IP1}`, [{ group: 'anomalous', role: 'source', pattern: false }]),
      )),
      f(`avg_${IP1}`, 'Anomalous source IPs could be used to connect to many different destination IPs.', undefined, 'interpretation: the windows do not record who connects to whom'),
      f(`avg_${IP1}`, 'The average, standard deviation and sum could support this hypothesis.', undefined, 'refers to the hypothesis above'),
      f(`avg_${IP1}`, 'Anomalous destination IPs follow a connection pattern from the same source IP.', withInterpretation(
        pattern(`avg_${IP1}`, [{ group: 'anomalous', role: 'dst', pattern: true }]),
        '"from the same source IP" is interpretation',
      )),
    ],
  },
  {
    feature: IP2,
    title: IP2,
    figures: [`avg_${IP2}`, `std_${IP2}`, `sum_${IP2}`],
    notes: [
      {
        family: `avg_${IP2}`,
        findings: [
          f(`avg_${IP2}`, 'Anomalous source IPs follow a pattern similar to the IP1 time difference, which makes sense since the same source IPs connect to different destination IPs.', withInterpretation(
            ip2AvgChecks(`avg_${IP2}`)[0],
            'the explanation is interpretation',
          )),
          f(`avg_${IP2}`, 'Anomalous destination IPs have lower time differences.', ip2AvgChecks(`avg_${IP2}`)[1]),
          f(`avg_${IP2}`, 'Normal source IPs are all over the place.', ip2AvgChecks(`avg_${IP2}`)[2]),
        ],
      },
      {
        family: `std_${IP2}`,
        findings: [
          f(`std_${IP2}`, 'Same as above, and as for the IP1 time difference.', sameAs(ip2AvgChecks, `std_${IP2}`)),
        ],
      },
      { family: `sum_${IP2}`, findings: [] },
    ],
    summary: [
      f(`avg_${IP2}`, 'Same hypothesis as for IP1: anomalous sources probe different destination IPs, and destination IPs are probed by different sources.', undefined, 'interpretation: the windows do not record who connects to whom'),
      f(`avg_${IP2}`, `As with the ${IP12}, there could be a pattern between hosts.`, undefined, 'a hypothesis to explore'),
      f(`avg_${IP2}`, 'The patterns of sources and destinations are switched compared with IP1.', patternsSwitch(`avg_${IP1}`, `avg_${IP2}`)),
    ],
  },
  {
    feature: 'IP_distance',
    title: 'IP_distance',
    figures: ['avg_IP_distance', 'std_IP_distance'],
    notes: [
      {
        family: 'avg_IP_distance',
        findings: [
          f('avg_IP_distance', 'No clear pattern.', pattern('avg_IP_distance', [
            { group: 'anomalous', role: 'source', pattern: false }, { group: 'anomalous', role: 'dst', pattern: false },
          ])),
        ],
      },
      { family: 'std_IP_distance', findings: [] },
    ],
    summary: [
      f('std_IP_distance', 'Anomalous IPs have a higher standard deviation, which could indicate that anomalous connections come from closer networks than normal ones.', withInterpretation(
        anomalousVsNormal('std_IP_distance'),
        '"closer networks" is interpretation',
      )),
    ],
  },
  {
    feature: 'Port1_last_1',
    title: 'Port1_last_1',
    figures: ['avg_Port1_last_1', 'std_Port1_last_1', 'sum_Port1_last_1'],
    notes: [
      {
        family: 'avg_Port1_last_1',
        findings: [
          f('avg_Port1_last_1', 'Anomalous source IPs clearly use more ports than normal ones.', anomalousVsNormal('avg_Port1_last_1', { factor: MUCH_HIGHER, roles: ['source'] })),
          f('avg_Port1_last_1', 'The same four anomalous destinations stand out: the IPs that connected to them used more ports than their normal counterparts.', standoutCount('avg_Port1_last_1', ['dst'], 3, 5, 'four')),
        ],
      },
      {
        family: 'std_Port1_last_1',
        findings: [
          f('std_Port1_last_1', 'Normal IPs tend to have a lower standard deviation and a lower average, meaning that a source IP uses few ports within a 5-minute window.', allOf(
            anomalousVsNormal('std_Port1_last_1'),
            anomalousVsNormal('avg_Port1_last_1'),
          )),
        ],
      },
      {
        family: 'sum_Port1_last_1',
        findings: [
          f('sum_Port1_last_1', 'Overall, anomalous IPs use more ports.', anomalousVsNormal('sum_Port1_last_1')),
        ],
      },
    ],
    summary: [
      f('avg_Port1_last_1', 'Anomalous IPs tend to be contacted from IPs with high port usage in the last five minutes.', anomalousVsNormal('avg_Port1_last_1', { roles: ['dst'] })),
      f('avg_Port1_last_1', 'Normal IPs use very few ports.', anomalousVsNormal('avg_Port1_last_1', { factor: 4 })),
    ],
  },
  {
    feature: 'Port2_last_1',
    title: 'Port2_last_1',
    figures: ['avg_Port2_last_1', 'std_Port2_last_1', 'sum_Port2_last_1'],
    notes: [
      {
        family: 'avg_Port2_last_1',
        findings: [
          f('avg_Port2_last_1', 'Anomalous source IPs connect to more ports than normal ones, meaning that a source IP connects to different destination ports.', anomalousVsNormal('avg_Port2_last_1', { roles: ['source'] })),
          f('avg_Port2_last_1', 'Destination IPs follow the same pattern: more port connections from the same IP. Overall, anomalous destination IPs receive connections on more different ports.', anomalousVsNormal('avg_Port2_last_1', { roles: ['dst'] })),
          f('avg_Port2_last_1', 'Most normal IPs have little to no Port2 values.', mostlySilent('avg_Port2_last_1')),
        ],
      },
      {
        family: 'std_Port2_last_1',
        findings: [
          f('std_Port2_last_1', 'Normal IPs have a low deviation.', anomalousVsNormal('std_Port2_last_1', { factor: MUCH_HIGHER })),
        ],
      },
      {
        family: 'sum_Port2_last_1',
        findings: [
          f('sum_Port2_last_1', 'Overall, anomalous IPs use more destination ports than normal ones.', anomalousVsNormal('sum_Port2_last_1')),
        ],
      },
    ],
    summary: [
      f('avg_Port2_last_1', 'Port usage is higher on anomalous connections, which could indicate that scanning is taking place.', withInterpretation(
        anomalousVsNormal('avg_Port2_last_1'),
        '"scanning" is interpretation',
      )),
      f('avg_Port2_last_1', 'IPs with higher Port2 and Port1 values tend to be anomalous.', highValuesAnomalous(['avg_Port1_last_1', 'avg_Port2_last_1'])),
    ],
  },
  {
    feature: 'is_busybox',
    title: 'is_busybox',
    figures: ['avg_is_busybox', 'std_is_busybox', 'sum_is_busybox'],
    notes: [
      { family: 'avg_is_busybox', findings: [] },
      { family: 'std_is_busybox', findings: [] },
      { family: 'sum_is_busybox', findings: [] },
    ],
    summary: [
      f('avg_is_busybox', 'Overall, most anomalous connections have a higher is_busybox value.', anomalousVsNormal('avg_is_busybox')),
    ],
  },
  {
    feature: 'is_enable',
    title: 'is_enable',
    figures: ['avg_is_enable', 'std_is_enable', 'sum_is_enable'],
    notes: [
      { family: 'avg_is_enable', findings: [] },
      { family: 'std_is_enable', findings: [] },
      { family: 'sum_is_enable', findings: [] },
    ],
    summary: [
      f('std_is_enable', 'Anomalous IPs might have a higher standard deviation than normal ones.', anomalousVsNormal('std_is_enable')),
      f('sum_is_enable', 'Some connections have a higher sum than normal ones, especially source connections.', someAboveAllNormal('sum_is_enable')),
      f('avg_is_enable', 'is_enable and is_busybox make much more sense for source connections (those that try to infect) than for destination connections, because the source sends the payload.', withInterpretation(
        moreOnSource(['avg_is_busybox', 'avg_is_enable']),
        'why is interpretation',
      )),
    ],
  },
];

/** The seed section of a feature (`Length`, `IP_distance`, ...; `overlap` for the run comparison). */
export function seedSection(feature: string): SeedSection | undefined {
  if (feature === OVERLAP_SECTION.feature) return OVERLAP_SECTION;
  return SEED_SECTIONS.find((s) => s.feature === feature);
}

/** The findings written under one figure of a section (empty if none). */
export function figureFindings(section: SeedSection, family: string): readonly Finding[] {
  return section.notes.find((note) => note.family === family)?.findings ?? [];
}

/**
 * Checks findings against the data at hand: a section's notes (figure order) then its summary, or
 * a given list. A finding without a check is 'not checkable' with its reason; a check that fails
 * on the data (e.g. a family this model output lacks) is 'not checkable' with the error.
 */
export function evaluateFindings(section: SeedSection | readonly Finding[], ctx: FindingContext): FindingResult[] {
  const findings: readonly Finding[] = isFindingList(section)
    ? section
    : [...section.notes.flatMap((note) => note.findings), ...section.summary];
  return findings.map((finding) => ({ finding, verdict: evaluateOne(finding, ctx) }));
}

function isFindingList(x: SeedSection | readonly Finding[]): x is readonly Finding[] {
  return Array.isArray(x);
}

function evaluateOne(finding: Finding, ctx: FindingContext): Verdict {
  if (!finding.check) return notCheckable(capital(finding.why ?? 'interpretation, not a measurable claim') + '.');
  try {
    return finding.check(ctx);
  } catch (error) {
    return notCheckable(`Cannot check on this data: ${error instanceof Error ? error.message : String(error)}.`);
  }
}

const MARK: Readonly<Record<Verdict['status'], string>> = {
  holds: '✔ holds',
  'does not hold': '✘ does not hold',
  'not checkable': '· not checkable',
};

/**
 * Markdown bullets, one per finding: `✔ holds / ✘ does not hold / · not checkable — text — evidence`.
 * Every text is escaped (IP labels come from files written by attackers).
 */
export function findingsMarkdown(results: readonly FindingResult[]): string {
  if (results.length === 0) return '';
  return results
    .map(({ finding, verdict: v }) => `- ${MARK[v.status]} — ${escapeMarkdown(finding.text)} — ${escapeMarkdown(v.evidence)}`)
    .join('\n');
}

/** Counts of verdicts, e.g. for a one-line tally under a section. */
export function verdictCounts(results: readonly FindingResult[]): Readonly<Record<Verdict['status'], number>> {
  const counts = { holds: 0, 'does not hold': 0, 'not checkable': 0 };
  for (const r of results) counts[r.verdict.status]++;
  return counts;
}

/**
 * Markdown for one figure of a section: the seed's findings written under it, each with its
 * verdict and evidence, followed by the family's evidence table. For the notebook:
 * `await showMarkdown(figureMarkdown(section, 'avg_Length', ctx))` right after the figure.
 */
export function figureMarkdown(section: SeedSection, family: string, ctx: FindingContext): string {
  const parts: string[] = [];
  const findings = figureFindings(section, family);
  if (findings.length > 0) parts.push(`**Findings of the seed, checked on this data**\n\n${findingsMarkdown(evaluateFindings(findings, ctx))}`);
  try {
    parts.push(evidenceTableMarkdown(ctx.evidence(family)));
  } catch (error) {
    parts.push(`_No evidence for ${escapeMarkdown(family)}: ${escapeMarkdown(error instanceof Error ? error.message : String(error))}_`);
  }
  return parts.join('\n\n');
}

/** Markdown for a section's summary: a heading, then its findings with verdicts and a tally. */
export function summaryMarkdown(section: SeedSection, ctx: FindingContext): string {
  const results = evaluateFindings(section.summary, ctx);
  const c = verdictCounts(results);
  return [
    `### ${escapeMarkdown(section.title)} summary`,
    '',
    findingsMarkdown(results),
    '',
    `_${c.holds} hold, ${c['does not hold']} do not hold, ${c['not checkable']} not checkable._`,
  ].join('\n');
}
