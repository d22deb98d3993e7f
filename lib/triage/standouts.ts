/**
 * The seed's TODO, "get those singular ips": the IPs that stand out in a family (count_Length by
 * default) and the source/destination pairs whose timelines match. Pure functions, no I/O.
 */
import type { Frame } from '../table/frame';
import { escapeMarkdown } from '../html';
import { type Role, ROLES } from '../types';
import { humanNumber, pearson, quantileSorted, roleWord } from '../evaluation/evidence';

/** An IP that stands out among the IPs of its role. */
export interface Standout {
  readonly label: string;
  readonly role: Role;
  /** Sum of the IP's timeline (missing values skipped). */
  readonly total: number;
  /** Largest value of the IP's timeline. */
  readonly peak: number;
  /** Robust z-score of `total` among the IPs of the same role. */
  readonly totalScore: number;
  /** Robust z-score of `peak` among the IPs of the same role. */
  readonly peakScore: number;
  /** The larger of the two scores: how far the IP stands out. */
  readonly score: number;
}

/** Options of {@link standoutIps}. */
export interface StandoutOptions {
  /** Robust z-score at or above which an IP stands out (default 3.5, Iglewicz & Hoaglin's rule). */
  readonly threshold?: number;
  /** Roles to look at (default both). */
  readonly roles?: readonly Role[];
}

/** Default robust z-score threshold: the usual cut-off for the modified z-score. */
export const STANDOUT_THRESHOLD = 3.5;

/**
 * Robust z-scores of `values` (NaN stays NaN): `(x − median) / (1.4826 × MAD)`, the scale that
 * matches a standard deviation for normal data. When more than half the values are equal (MAD 0)
 * the scale falls back to `1.2533 × mean absolute deviation`; when every value is equal, all
 * scores are 0.
 */
export function robustZ(values: ArrayLike<number>): Float64Array {
  const present: number[] = [];
  for (let i = 0; i < values.length; i++) if (!Number.isNaN(values[i])) present.push(values[i]);
  const sorted = Float64Array.from(present).sort();
  const median = quantileSorted(sorted, 0.5);
  const deviations = sorted.map((v) => Math.abs(v - median)).sort();
  let scale = 1.4826 * quantileSorted(deviations, 0.5);
  if (!(scale > 0)) {
    const meanAbs = deviations.length > 0 ? deviations.reduce((a, b) => a + b, 0) / deviations.length : NaN;
    scale = 1.2533 * meanAbs;
  }
  const usable = scale > 0 && Number.isFinite(scale);
  const out = new Float64Array(values.length);
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (Number.isNaN(v)) out[i] = NaN;
    else if (usable) out[i] = (v - median) / scale;
    // No spread (every value equal to the median, or infinite spread): only a different value scores.
    else out[i] = v === median ? 0 : v > median ? Infinity : -Infinity;
  }
  return out;
}

/**
 * IPs that stand out in `family`: for each role separately, every IP's total (sum over windows)
 * and peak (largest window) get a robust z-score among the IPs of that role (median and median
 * absolute deviation, so the outliers themselves do not hide the outliers); an IP stands out when
 * either score reaches `threshold` (default 3.5). Highest score first.
 */
export function standoutIps(frame: Frame, family = 'count_Length', options: StandoutOptions = {}): Standout[] {
  const threshold = options.threshold ?? STANDOUT_THRESHOLD;
  const view = frame.family(family);
  const found: Standout[] = [];
  for (const role of options.roles ?? ROLES) {
    const rows = frame.rowsWithRole(role);
    const totals = new Float64Array(rows.length);
    const peaks = new Float64Array(rows.length);
    rows.forEach((r, i) => {
      let total = 0;
      let peak = -Infinity;
      let n = 0;
      for (let w = 0; w < view.columns.length; w++) {
        const v = view.value(r, w);
        if (Number.isNaN(v)) continue;
        total += v;
        if (v > peak) peak = v;
        n++;
      }
      totals[i] = n > 0 ? total : NaN;
      peaks[i] = n > 0 ? peak : NaN;
    });
    const totalZ = robustZ(totals);
    const peakZ = robustZ(peaks);
    rows.forEach((r, i) => {
      const score = Math.max(totalZ[i], peakZ[i]);
      if (score >= threshold) {
        found.push({
          label: frame.index[r],
          role,
          total: totals[i],
          peak: peaks[i],
          totalScore: totalZ[i],
          peakScore: peakZ[i],
          score,
        });
      }
    });
  }
  return found.sort((a, b) => b.score - a.score || b.total - a.total || (a.label < b.label ? -1 : 1));
}

/** A source and a destination IP whose timelines match. */
export interface MatchingPair {
  readonly source: string;
  readonly dst: string;
  /** Pearson correlation of the two timelines over the windows where either is non-zero. */
  readonly correlation: number;
  /** Windows where both are non-zero. */
  readonly sharedWindows: number;
  /** Windows where either is non-zero (the windows the correlation uses). */
  readonly activeWindows: number;
  readonly sourceTotal: number;
  readonly dstTotal: number;
  /** Smaller total over larger total (1: same magnitude). */
  readonly magnitudeRatio: number;
  /** `correlation × magnitudeRatio`: the ranking key. */
  readonly score: number;
  /** Both labels name the same address (the same host seen from both ends). */
  readonly sameHost: boolean;
}

/** Options of {@link matchingPairs}. */
export interface MatchingPairOptions {
  /** Source labels to consider (default every source row). */
  readonly sources?: readonly string[];
  /** Destination labels to consider (default every destination row). */
  readonly dsts?: readonly string[];
  /** Fewest windows where either IP is active for a pair to count (default 3). */
  readonly minActiveWindows?: number;
  /** Lowest correlation kept (default 0.5). */
  readonly minCorrelation?: number;
  /** Most pairs returned (default 10). */
  readonly limit?: number;
}

/** The address part of a row label (`104.192.1.15source` → `104.192.1.15`). */
export function addressOf(label: string): string {
  return label.replace(/(source|dst)$/, '');
}

/**
 * Source/destination pairs whose timelines in `family` match: the Pearson correlation of the two
 * timelines over the windows where either is non-zero (shared silence says nothing), times the
 * closeness of their magnitudes (smaller total / larger total). Pairs active in fewer than
 * `minActiveWindows` windows or correlating below `minCorrelation` are dropped. Best first.
 */
export function matchingPairs(
  frame: Frame,
  family = 'count_Length',
  options: MatchingPairOptions = {},
): MatchingPair[] {
  const minActive = options.minActiveWindows ?? 3;
  const minCorrelation = options.minCorrelation ?? 0.5;
  const limit = options.limit ?? 10;
  const view = frame.family(family);
  const rowsOf = (role: Role, labels?: readonly string[]): number[] =>
    labels
      ? labels.map((l) => frame.rowOf(l)).filter((r) => r >= 0 && frame.roles[r] === role)
      : Array.from(frame.rowsWithRole(role));
  const sources = rowsOf('source', options.sources);
  const dsts = rowsOf('dst', options.dsts);
  const nw = view.columns.length;
  const seriesOf = (r: number): Float64Array => view.series(r).map((v) => (Number.isNaN(v) ? 0 : v));
  const dstSeries = dsts.map(seriesOf);
  const pairs: MatchingPair[] = [];
  for (const s of sources) {
    const a = seriesOf(s);
    for (let j = 0; j < dsts.length; j++) {
      const b = dstSeries[j];
      let active = 0;
      let shared = 0;
      let ta = 0;
      let tb = 0;
      for (let w = 0; w < nw; w++) {
        if (a[w] !== 0 || b[w] !== 0) active++;
        if (a[w] !== 0 && b[w] !== 0) shared++;
        ta += a[w];
        tb += b[w];
      }
      if (active < minActive) continue;
      const correlation = pearson(a, b, (w) => a[w] !== 0 || b[w] !== 0);
      if (!(correlation >= minCorrelation)) continue;
      const big = Math.max(Math.abs(ta), Math.abs(tb));
      const magnitudeRatio = big > 0 ? Math.min(Math.abs(ta), Math.abs(tb)) / big : 1;
      const source = frame.index[s];
      const dst = frame.index[dsts[j]];
      pairs.push({
        source,
        dst,
        correlation,
        sharedWindows: shared,
        activeWindows: active,
        sourceTotal: ta,
        dstTotal: tb,
        magnitudeRatio,
        score: correlation * magnitudeRatio,
        sameHost: addressOf(source) === addressOf(dst),
      });
    }
  }
  pairs.sort(
    (x, y) => y.score - x.score || y.correlation - x.correlation || (x.source + x.dst < y.source + y.dst ? -1 : 1),
  );
  return pairs.slice(0, limit);
}

/** A markdown table of the first `limit` (default 15) standout IPs, then a count of the rest (labels escaped: they come from files). */
export function standoutsMarkdown(standouts: readonly Standout[], family = 'count_Length', limit = 15): string {
  if (standouts.length === 0) return `_No IP stands out in ${escapeMarkdown(family)}._`;
  const lines = [`| IP | role | total ${escapeMarkdown(family)} | peak | score (robust z) |`, '|---|---|--:|--:|--:|'];
  for (const s of standouts.slice(0, limit)) {
    lines.push(
      `| ${escapeMarkdown(s.label)} | ${roleWord(s.role)} | ${humanNumber(s.total)} | ${humanNumber(s.peak)} | ${humanNumber(s.score)} |`,
    );
  }
  if (standouts.length > limit) {
    const rest = standouts.slice(limit);
    const sources = rest.filter((s) => s.role === 'source').length;
    lines.push(
      '',
      `_… and ${rest.length} more (${sources} source, ${rest.length - sources} destination) with lower scores._`,
    );
  }
  return lines.join('\n');
}

/** A markdown table of matching source/destination pairs (labels escaped: they come from files). */
export function pairsMarkdown(pairs: readonly MatchingPair[]): string {
  if (pairs.length === 0) return '_No source/destination pair has matching timelines._';
  const lines = [
    '| source | destination | correlation | windows both active | windows either active | total source / destination |',
    '|---|---|--:|--:|--:|--:|',
  ];
  for (const p of pairs) {
    lines.push(
      `| ${escapeMarkdown(p.source)} | ${escapeMarkdown(p.dst)}${p.sameHost ? ' (same host)' : ''} | ` +
        `${p.correlation.toFixed(3)} | ${p.sharedWindows} | ${p.activeWindows} | ${humanNumber(p.sourceTotal)} / ${humanNumber(p.dstTotal)} |`,
    );
  }
  return lines.join('\n');
}

/** The seed's TODO answered: the standout IPs of a family and the source/destination pairs among them whose timelines match. */
export interface SingularIps {
  readonly family: string;
  /** The robust z-score threshold used. */
  readonly threshold: number;
  readonly standouts: readonly Standout[];
  /** Matching pairs among the standouts (best first); empty when a role has no standout. */
  readonly pairs: readonly MatchingPair[];
}

/** Standouts of `family` (see {@link standoutIps}) and the matching pairs among them (see {@link matchingPairs}). */
export function singularIps(
  frame: Frame,
  family = 'count_Length',
  options: StandoutOptions & MatchingPairOptions = {},
): SingularIps {
  const standouts = standoutIps(frame, family, options);
  const sources = standouts.filter((s) => s.role === 'source').map((s) => s.label);
  const dsts = standouts.filter((s) => s.role === 'dst').map((s) => s.label);
  const pairs =
    sources.length > 0 && dsts.length > 0 ? matchingPairs(frame, family, { ...options, sources, dsts }) : [];
  return { family, threshold: options.threshold ?? STANDOUT_THRESHOLD, standouts, pairs };
}

/** Markdown of {@link singularIps}: the standout table, then the matching pairs, with the rules in words. */
export function singularIpsMarkdown(found: SingularIps): string {
  return [
    `**IPs that stand out in ${escapeMarkdown(found.family)}** (robust z-score of an IP's total or peak among the IPs of its role at least ${found.threshold})`,
    '',
    standoutsMarkdown(found.standouts, found.family),
    '',
    '**Source/destination pairs among them whose timelines match** (Pearson correlation over the windows where either is active; ranked by correlation × closeness of totals)',
    '',
    pairsMarkdown(found.pairs),
  ].join('\n');
}
