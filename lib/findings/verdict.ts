/**
 * Verdicts: what a finding's check concludes, and how the parts of a finding combine.
 * A verdict says what the data show about the property the finding names (per kind of check:
 * legend.ts):
 * - `holds` (✔): the data support it beyond what the check's nulls reach, and about the group when
 *   the finding is about the group (most flagged IPs individually beyond the normal rows);
 * - `does not hold` (✘): the data contradict it (wrong direction, or clearly below the word's threshold);
 * - `inconclusive` (~): neither: between the thresholds, within what the nulls reach, carried by a
 *   few IPs, over a zero level, or an absence the data could not have shown;
 * - `descriptive` (ℹ): a statement whose check cannot depend on the flags (a level of one group,
 *   normal IPs only, summaries of one variable, what normal IPs show as much): never a ✔;
 * - `not checkable` (·): a family the data lack, or no measurable counterpart (interpretation).
 */

/** The five verdicts, in the order a tally lists them. */
export const VERDICT_STATUSES = ['holds', 'does not hold', 'inconclusive', 'descriptive', 'not checkable'] as const;

/** One of {@link VERDICT_STATUSES}. */
export type VerdictStatus = (typeof VERDICT_STATUSES)[number];

/** Whether a finding holds on the data at hand, and the numbers that say so (plain text: escape before rendering). */
export interface Verdict {
  readonly status: VerdictStatus;
  /** What was compared, the numbers, the null and the thresholds, or why nothing could be checked. */
  readonly evidence: string;
  /**
   * The key numbers in a few words (the level and how many flagged IPs carry it, a coherence, a
   * count), for a first line above the folded evidence; absent when the evidence is short already.
   */
  readonly headline?: string;
}

/** Thresholds of an effect, fixed from a finding's words before looking at the data. */
export interface Thresholds {
  /** At or beyond this the finding can hold (if it also beats the null). */
  readonly holdsAt: number;
  /** At or below this the finding does not hold. */
  readonly failsAt: number;
}

/**
 * The verdict of one directed effect (bigger = more in the finding's direction): `does not hold` at
 * or below `failsAt`; `holds` at or above `holdsAt` when the null does not reach it; else `inconclusive`.
 */
export function judge(effect: number, thresholds: Thresholds, beyondNull: boolean): VerdictStatus {
  if (!(effect > thresholds.failsAt)) return 'does not hold';
  return effect >= thresholds.holdsAt && beyondNull ? 'holds' : 'inconclusive';
}

/**
 * A finding made of parts: `does not hold` if any part does not; else `inconclusive` if any part is;
 * else `not checkable` if any part is; else `holds` if any part holds; else `descriptive`.
 */
export function conjunction(parts: readonly Verdict[]): Verdict {
  const has = (s: VerdictStatus): boolean => parts.some((p) => p.status === s);
  const status: VerdictStatus = has('does not hold')
    ? 'does not hold'
    : has('inconclusive')
      ? 'inconclusive'
      : has('not checkable')
        ? 'not checkable'
        : has('holds')
          ? 'holds'
          : 'descriptive';
  const evidence = `${parts.map((p, i) => (i === 0 ? p.evidence : lowerFirst(p.evidence)).replace(/\.$/, '')).join('; ')}.`;
  const headlines = parts.flatMap((p) => (p.headline ? [p.headline] : []));
  return headlines.length > 0 ? { status, evidence, headline: headlines.join('; ') } : { status, evidence };
}

/** Marks shown beside a finding (each in DejaVu Sans, the font headless browsers here have). */
export const VERDICT_MARKS: Readonly<Record<VerdictStatus, string>> = {
  holds: '✔ holds',
  'does not hold': '✘ does not hold',
  inconclusive: '~ inconclusive',
  descriptive: 'ℹ descriptive',
  'not checkable': '· not checkable',
};

/** Lower-cases a sentence's first letter unless the first word is an acronym (`IPs`). */
export function lowerFirst(s: string): string {
  return /^[A-Z][a-z]/.test(s) ? s.charAt(0).toLowerCase() + s.slice(1) : s;
}

/** Upper-cases a sentence's first letter. */
export function capital(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}
