/**
 * What each verdict mark means, per kind of check, written from the thresholds the checks use (so
 * the notebook's legend and the README cannot drift from the code): one row per kind of check,
 * what ✔ needs, what makes ✘, and what is left ~ or ℹ.
 */
import { ASSOCIATION, COUNT_WORDS, DEGREES, NOT_SIMILAR, SIMILAR } from './claims';
import { TOP_LIFT } from './compare';
import { BEYOND_QUANTILE, GROUP_SHARE } from './contrast';
import { NULL_DRAWS, NULL_QUANTILE } from './nulls';
import { BIMODAL, MORE_PATTERN } from './pattern';
import { POWER } from './power';
import { RUN_SHARES } from './runs';

/** One kind of check and what each mark means for it. */
export interface LegendRow {
  readonly check: string;
  readonly holds: string;
  readonly fails: string;
  readonly otherwise: string;
}

const pct = (x: number): string => `${Math.round(x * 100)}%`;
const x = (r: number): string => `${r}×`;
const q = Math.round(BEYOND_QUANTILE * 100);
const { plain, much, very } = DEGREES;
const NULLS = 'both nulls';

/** The legend, one row per kind of check. */
export const VERDICT_LEGEND: readonly LegendRow[] = [
  {
    check: 'Level of the flagged IPs vs normal ones ("higher", "much higher", "very low", "most")',
    holds:
      `the mean over the flagged IPs of a role reaches the word's ratio (${x(plain.holdsAt)}, ${x(much.holdsAt)}, ${x(very.holdsAt)}) beyond ${NULLS} and over the typical activity-matched group, ` +
      `and more than ${pct(GROUP_SHARE.holdsAbove)} of the flagged IPs of the role are each beyond the normal ${q}th percentile (${100 - q}th for "lower"), a share beyond ${NULLS}`,
    fails: `the ratio is at or below ${x(plain.failsAt)}, ${x(much.failsAt)}, ${x(very.failsAt)}, or at most ${pct(GROUP_SHARE.failsAtOrBelow)} of the flagged IPs are beyond the normal median`,
    otherwise: '~; a ratio over a zero level is shown as such and never gives ✔',
  },
  {
    check: 'Similar levels',
    holds: `within ${x(SIMILAR)}`,
    fails: `beyond ${x(NOT_SIMILAR)} and beyond ${NULLS}`,
    otherwise: '~',
  },
  {
    check: 'One role below the other, among the flagged IPs',
    holds: 'the ratio of the words beyond shuffled roles and beyond normal groups of the same sizes',
    fails: `at or below ${x(plain.failsAt)}`,
    otherwise: 'ℹ when normal groups show it as much (it describes the traffic, not the flags); else ~',
  },
  {
    check: 'One role below the other, among all IPs (normal ones included)',
    holds: 'never: it does not depend on the flags',
    fails: `at or below ${x(plain.failsAt)}`,
    otherwise: 'ℹ',
  },
  {
    check: 'A clear pattern of the flagged IPs',
    holds: `coherence (median correlation of each IP's timeline with the others' mean) ${ASSOCIATION.pattern.holdsAt} or more, beyond the same timelines shifted in time`,
    fails: `at or below ${ASSOCIATION.pattern.failsAt}`,
    otherwise: '~',
  },
  {
    check: 'No clear pattern of the flagged IPs',
    holds: `coherence below ${ASSOCIATION.pattern.failsAt} or within the shifted null, and the data could have shown a clear one: a shape planted in the IPs' active windows strongly enough to reach ${ASSOCIATION.pattern.holdsAt} is found beyond the shifted null (${POWER.found} of ${POWER.plants} shapes)`,
    fails: `${ASSOCIATION.pattern.holdsAt} or more beyond the shifted null`,
    otherwise: '~, also when a planted pattern would not be found',
  },
  {
    check: 'A pattern (or none) of normal IPs',
    holds: 'never: it does not depend on the flags',
    fails: 'the data contradict it (as for the flagged IPs)',
    otherwise: 'ℹ',
  },
  {
    check: 'More pattern in one selection than another',
    holds: `coherence higher by ${MORE_PATTERN.holdsAt} or more, beyond the IPs shuffled between the two`,
    fails: 'not higher',
    otherwise: '~',
  },
  {
    check: 'Two mean timelines follow the same pattern',
    holds: `correlation ${ASSOCIATION.same.holdsAt} or more beyond one of them shifted in time`,
    fails: `at or below ${ASSOCIATION.same.failsAt}`,
    otherwise: '~',
  },
  {
    check: 'Two summaries of one variable move together (its mean and its spread or sum)',
    holds: 'never: they do so by construction in any group',
    fails: `median correlation per IP at or below ${ASSOCIATION.pattern.failsAt}`,
    otherwise: 'ℹ',
  },
  {
    check: 'Two clusters of levels',
    holds: `bimodality coefficient above ${BIMODAL.toFixed(2)} beyond one Gaussian cluster and random normal groups of as many IPs`,
    fails: `at or below ${BIMODAL.toFixed(2)}`,
    otherwise: '~',
  },
  {
    check: 'How many IPs stand out ("a couple", "three", "four")',
    holds: `exactly the word's count (${Object.entries(COUNT_WORDS)
      .map(([word, c]) => `${word} ${c.holds.join('/')}`)
      .join(', ')}), a count beyond ${NULLS}`,
    fails: 'more than one off',
    otherwise: '~ (one off, or a count normal groups reach)',
  },
  {
    check: 'A standout source and destination with the same form',
    holds: `correlation ${ASSOCIATION.form.holdsAt} or more beyond one of them shifted in time`,
    fails: `at or below ${ASSOCIATION.form.failsAt}`,
    otherwise: '~',
  },
  {
    check: 'The highest levels tend to be flagged IPs',
    holds: `flagged IPs ${x(TOP_LIFT.holdsAt)} as common among the top as overall, beyond ${NULLS}`,
    fails: `${x(TOP_LIFT.failsAt)} or less`,
    otherwise: '~',
  },
  {
    check: 'Some flagged IPs peak above every normal IP',
    holds: `at least one, beyond ${NULLS} (normal groups above the rest of the sample)`,
    fails: 'none',
    otherwise: '~',
  },
  {
    check: 'Runs: most anomalies in all runs, the reference run covers the others',
    holds: `above ${pct(RUN_SHARES.most)} / at ${pct(RUN_SHARES.coverage)} or more, beyond random runs of the same sizes`,
    fails: `at or below ${pct(RUN_SHARES.most)}`,
    otherwise: '~',
  },
  {
    check: 'A description (a level of one group, a count)',
    holds: 'never',
    fails: 'never',
    otherwise: 'ℹ: its number is shown',
  },
];

/** Notes that hold for every kind of check. */
export const LEGEND_NOTES: readonly string[] = [
  `Both nulls: random and activity-matched normal groups of as many IPs (each flagged IP matched to a normal IP as busy), ${NULL_DRAWS} seeded draws each; beyond = above their ${Math.round(NULL_QUANTILE * 100)}th percentile.`,
  'Levels are per IP over the windows where it is active (it has packets) and the family is defined: a window with one packet has no spread, and a time difference of 0 measured no gap; such windows are left out, not counted as 0.',
  'A finding of several parts is ✘ when any part is ✘, ~ when any is ~, ✔ when the rest hold or are ℹ.',
  '· not checkable: the data lack a family the finding reads, or the finding is interpretation.',
];

/** The legend as a markdown table and its notes (plain text written here, nothing from data files). */
export function legendMarkdown(): string {
  const rows = VERDICT_LEGEND.map((r) => `| ${r.check} | ${r.holds} | ${r.fails} | ${r.otherwise} |`);
  return [
    '| check | ✔ holds when | ✘ does not hold when | otherwise |',
    '| --- | --- | --- | --- |',
    ...rows,
    '',
    ...LEGEND_NOTES.map((note) => `- ${note}`),
  ].join('\n');
}
