/**
 * The seed notebook's written findings, bullet by bullet in clear English, as data: each with a
 * stable id (never changed when its wording is), the family its figure shows, and the claim its
 * words make (or why none is measurable). The thresholds behind each claim's words are in claims.ts.
 */
import type { Role } from '../types';
import {
  type Claim,
  aboveAllNormal,
  agree,
  all,
  describe,
  higher,
  lower,
  matchingPair,
  morePattern,
  noPattern,
  partly,
  pattern,
  roleBelow,
  sameTimeline,
  similar,
  standOut,
  topShare,
  twoClusters,
} from './claims';

/** A written finding of the seed, with the claim it makes when it makes a measurable one. */
export interface Finding {
  /** Stable id: lower-case words joined by `.` and `-`, unique. */
  readonly id: string;
  /** The family whose figure the finding is written under; `null` for findings about the runs. */
  readonly family: string | null;
  /** The finding in clear English (plain text: escape before rendering). */
  readonly text: string;
  readonly claim?: Claim;
  /** Why there is no claim to check (interpretation, a to-do), shown as the evidence. */
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

type Entry = Omit<Finding, 'family'>;

/** A finding that makes a claim. */
function claim(id: string, text: string, what: Claim): Entry {
  return { id, text, claim: what };
}

/** A finding with nothing to measure, and why. */
function unmeasurable(id: string, text: string, why: string): Entry {
  return { id, text, why };
}

/** A section: its figures, the findings under each (family named once, by the figure), its summary (family per finding). */
function section(
  feature: string,
  notes: readonly [family: string, findings: readonly Entry[]][],
  summary: readonly [family: string | null, finding: Entry][],
): SeedSection {
  return {
    feature,
    title: feature,
    figures: notes.map(([family]) => family),
    notes: notes.map(([family, findings]) => ({ family, findings: findings.map((f) => ({ ...f, family })) })),
    summary: summary.map(([family, f]) => ({ ...f, family })),
  };
}

const SOURCE: readonly Role[] = ['source'];
const DST: readonly Role[] = ['dst'];
const IP12 = 'IP1_IP2_time_diff_per_value';
const IP1 = 'IP1_time_diff_per_value';
const IP2 = 'IP2_time_diff_per_value';

/** The window-size comparison: the findings under the overlap counts. */
export const OVERLAP_SECTION: SeedSection = {
  ...section(
    'overlap',
    [],
    [
      [
        null,
        claim('overlap.most-common-to-all-runs', 'Most anomalies are common to all runs.', { kind: 'commonToAll' }),
      ],
      [
        null,
        claim(
          'overlap.reference-run-gives-most-insight',
          'A close look at the finest run (5T in the seed) gives most of the insight for all runs.',
          { kind: 'referenceCovers' },
        ),
      ],
      [
        null,
        claim(
          'overlap.special-cases-from-window-length',
          'Special cases may arise from the window length.',
          describe({ kind: 'specialCases' }),
        ),
      ],
      [
        null,
        unmeasurable(
          'overlap.special-cases-to-look-at',
          'The special cases must be looked at.',
          'a to-do: the IPs unique to a run are listed with the overlap figure',
        ),
      ],
    ],
  ),
  title: 'Common anomalies between runs',
};

/** The checks of the findings under the avg IP1 figure, for any family of that feature. */
function ip1Patterns(family: string): { sources: Claim; destinations: Claim; normalDestinations: Claim } {
  return {
    sources: all(noPattern(family, 'anomalous', 'source'), pattern(family, 'normal', 'source')),
    destinations: pattern(family, 'anomalous', 'dst'),
    normalDestinations: noPattern(family, 'normal', 'dst'),
  };
}

/** The checks of the findings under the avg IP2 figure, for any family of that feature. */
function ip2Claims(family: string): { sourcesLikeIp1: Claim; destinationsLower: Claim; normalSources: Claim } {
  return {
    sourcesLikeIp1: sameTimeline(
      { family, group: 'anomalous', role: 'source' },
      { family: family.replace('IP2', 'IP1'), group: 'anomalous', role: 'source' },
    ),
    destinationsLower: lower(family, { roles: DST }),
    normalSources: noPattern(family, 'normal', 'source'),
  };
}

const manyDestinations = higher('count_IP2', { roles: SOURCE });

/** Every section of the seed, in its order, with every bullet of its figures and summaries. */
export const SEED_SECTIONS: readonly SeedSection[] = [
  section(
    'Length',
    [
      [
        'avg_Length',
        [
          claim(
            'length.avg.anomalous-sources-vary',
            'Most anomalous source IPs vary a lot in average packet length over time.',
            higher('avg_Length', { roles: SOURCE, reducer: 'activeCv' }),
          ),
          claim(
            'length.avg.destinations-below-sources',
            'Destination IPs have a lower average packet length than source IPs.',
            roleBelow('avg_Length', 'dst'),
          ),
          claim(
            'length.avg.much-higher-for-anomalous',
            'The average packet length is much higher for anomalous IPs.',
            higher('avg_Length', { degree: 'much' }),
          ),
        ],
      ],
      [
        'std_Length',
        [
          claim(
            'length.std.anomalous-sources-two-clusters',
            'Most anomalous source IPs have either a large or a very low standard deviation of packet length.',
            twoClusters('std_Length', 'anomalous', 'source'),
          ),
          claim(
            'length.std.destinations-below-sources',
            'Most destination IPs tend towards a lower standard deviation than source IPs, meaning that destination IPs have lower packet lengths overall.',
            partly(roleBelow('std_Length', 'dst'), 'what it means is interpretation'),
          ),
          claim(
            'length.std.normal-destinations-some-spread',
            'Even though most normal IPs have a very low average, normal destination IPs still show some standard deviation.',
            describe({ kind: 'activeShare', family: 'std_Length', group: 'normal', role: 'dst' }),
          ),
        ],
      ],
      [
        'sum_Length',
        [
          claim(
            'length.sum.sources-follow-average',
            'Most source IPs follow a similar trend as in the average.',
            agree('sum_Length', 'avg_Length', 'anomalous', SOURCE),
          ),
          claim(
            'length.sum.three-destinations-stand-out',
            'Among destination IPs, three stand above the rest; for the most part the sum is quite low.',
            standOut('sum_Length', DST, 'three'),
          ),
          claim(
            'length.sum.much-higher-and-varies-more',
            'The sum of packet lengths is much higher and varies more for anomalous IPs than for normal IPs.',
            all(higher('sum_Length', { degree: 'much' }), higher('sum_Length', { reducer: 'activeStd' })),
          ),
        ],
      ],
      [
        'count_Length',
        [
          claim(
            'length.count.a-couple-stand-out',
            'For both source and destination IPs, a couple of IPs stand out.',
            standOut('count_Length', ['source', 'dst'], 'a couple'),
          ),
          claim(
            'length.count.standouts-are-a-pair',
            'Those IPs have the same shape: a connection between two IPs (a source and a destination) that stands out from both ends.',
            matchingPair('count_Length'),
          ),
        ],
      ],
    ],
    [
      [
        'avg_Length',
        claim('length.avg.higher-for-anomalous', 'Packet length is higher for anomalous IPs.', higher('avg_Length')),
      ],
      [
        'std_Length',
        claim(
          'length.std.similar-except-sources',
          'Anomalous and normal IPs have a similar standard deviation of packet length, except for source IPs, where the standard deviation of normal IPs is quite low.',
          all(similar('std_Length', 'dst'), higher('std_Length', { roles: SOURCE, degree: 'much' })),
        ),
      ],
      [
        'sum_Length',
        claim(
          'length.sum.much-higher-for-anomalous',
          'The amount of information transmitted (sum) is much higher for anomalous IPs.',
          higher('sum_Length', { degree: 'much' }),
        ),
      ],
      [
        'count_Length',
        claim(
          'length.count.more-connections',
          'Anomalous IPs have higher counts, meaning more connections over the timeline.',
          higher('count_Length', { reducer: 'total' }),
        ),
      ],
      [
        'avg_Length',
        unmeasurable(
          'length.malware-injection',
          'The difference in packet length could point to malware injection.',
          'interpretation: the data hold packet statistics, not payloads',
        ),
      ],
    ],
  ),
  section(
    IP12,
    [
      [
        `avg_${IP12}`,
        [
          claim(
            'ip12.avg.roles-same-pattern',
            'Among anomalous IPs, source and destination IPs follow the same pattern.',
            sameTimeline(
              { family: `avg_${IP12}`, group: 'anomalous', role: 'source' },
              { family: `avg_${IP12}`, group: 'anomalous', role: 'dst' },
            ),
          ),
          claim(
            'ip12.avg.higher-for-anomalous',
            'Time differences between connections of the same pair of IPs are higher for anomalous IPs, meaning that the same connection repeats much more often among normal IPs.',
            partly(higher(`avg_${IP12}`), 'the "repeats more often" reading is interpretation'),
          ),
        ],
      ],
      [
        `std_${IP12}`,
        [
          claim(
            'ip12.std.like-average',
            'The pattern is similar to the average.',
            agree(`std_${IP12}`, `avg_${IP12}`, 'anomalous'),
          ),
          claim(
            'ip12.std.normal-very-low',
            'Normal IPs have a very low standard deviation, meaning that most of their connections are periodic, whereas anomalous IPs follow a connection pattern.',
            partly(
              all(
                higher(`std_${IP12}`, { degree: 'very' }),
                pattern(`std_${IP12}`, 'anomalous', 'source'),
                pattern(`std_${IP12}`, 'anomalous', 'dst'),
              ),
              '"periodic" is interpretation',
            ),
          ),
        ],
      ],
      [
        `sum_${IP12}`,
        [
          claim(
            'ip12.sum.clearly-higher',
            'Time differences are clearly higher for anomalous IPs than for normal IPs.',
            higher(`sum_${IP12}`, { degree: 'much' }),
          ),
        ],
      ],
    ],
    [
      [
        `avg_${IP12}`,
        claim(
          'ip12.summary.clear-pattern',
          'Anomalous IPs show a clear connection pattern.',
          all(pattern(`avg_${IP12}`, 'anomalous', 'source'), pattern(`avg_${IP12}`, 'anomalous', 'dst')),
        ),
      ],
      [
        `avg_${IP12}`,
        claim(
          'ip12.summary.higher-for-anomalous',
          'Time differences are higher for anomalous IPs.',
          higher(`avg_${IP12}`),
        ),
      ],
      [
        `avg_${IP12}`,
        unmeasurable(
          'ip12.summary.programmatic',
          'The pattern could mean that anomalous connections are made programmatically.',
          'interpretation of the pattern',
        ),
      ],
    ],
  ),
  section(
    IP1,
    [
      [
        `avg_${IP1}`,
        [
          claim(
            'ip1.avg.sources-no-pattern-normal-do',
            'Anomalous source IPs show no clear pattern, whereas normal source IPs do.',
            ip1Patterns(`avg_${IP1}`).sources,
          ),
          claim(
            'ip1.avg.destinations-pattern',
            'Anomalous destination IPs follow a pattern. This could mean that the same anomalous source IP connects more often to different destination IPs (low time difference), whereas connections from a source to the same destination IP follow a pattern.',
            partly(
              all(ip1Patterns(`avg_${IP1}`).destinations, manyDestinations),
              'beyond the pattern and the distinct destinations per window (count_IP2), the explanation is interpretation',
            ),
          ),
          claim(
            'ip1.avg.normal-destinations-all-over',
            'Normal destination IPs are all over the place.',
            ip1Patterns(`avg_${IP1}`).normalDestinations,
          ),
        ],
      ],
      [
        `std_${IP1}`,
        [
          claim(
            'ip1.std.same-as-average',
            'Same conclusions as for the average.',
            all(...Object.values(ip1Patterns(`std_${IP1}`))),
          ),
        ],
      ],
      [
        `sum_${IP1}`,
        [
          claim(
            'ip1.sum.sources-no-pattern-low',
            'The sums of anomalous source IPs follow no clear pattern, but most of them seem quite low, supporting the previous hypothesis.',
            all(
              noPattern(`sum_${IP1}`, 'anomalous', 'source'),
              roleBelow(`sum_${IP1}`, 'source', { groups: ['anomalous'] }),
            ),
          ),
          claim(
            'ip1.sum.destinations-as-before',
            'The destination IPs behave as in the previous figures.',
            all(ip1Patterns(`sum_${IP1}`).destinations, ip1Patterns(`sum_${IP1}`).normalDestinations),
          ),
        ],
      ],
    ],
    [
      [
        `avg_${IP1}`,
        claim(
          'ip1.summary.sources-low-no-pattern',
          'Anomalous source IPs have very low time differences, with no clear pattern.',
          all(lower(`avg_${IP1}`, { roles: SOURCE, degree: 'very' }), noPattern(`avg_${IP1}`, 'anomalous', 'source')),
        ),
      ],
      [
        `avg_${IP1}`,
        claim(
          'ip1.summary.sources-reach-many-destinations',
          'Anomalous source IPs could be used to connect to many different destination IPs.',
          higher('count_IP2', { roles: SOURCE, degree: 'much' }),
        ),
      ],
      [
        `avg_${IP1}`,
        unmeasurable(
          'ip1.summary.hypothesis-support',
          'The average, standard deviation and sum could support this hypothesis.',
          'refers to the hypothesis above',
        ),
      ],
      [
        `avg_${IP1}`,
        claim(
          'ip1.summary.destinations-pattern-from-one-source',
          'Anomalous destination IPs follow a connection pattern from the same source IP.',
          all(pattern(`avg_${IP1}`, 'anomalous', 'dst'), lower('count_IP1', { roles: DST })),
        ),
      ],
    ],
  ),
  section(
    IP2,
    [
      [
        `avg_${IP2}`,
        [
          claim(
            'ip2.avg.sources-like-ip1',
            'Anomalous source IPs follow a pattern similar to the IP1 time difference, which makes sense since the same source IPs connect to different destination IPs.',
            partly(
              all(ip2Claims(`avg_${IP2}`).sourcesLikeIp1, manyDestinations),
              'why it makes sense is interpretation',
            ),
          ),
          claim(
            'ip2.avg.destinations-lower',
            'Anomalous destination IPs have lower time differences.',
            ip2Claims(`avg_${IP2}`).destinationsLower,
          ),
          claim(
            'ip2.avg.normal-sources-all-over',
            'Normal source IPs are all over the place.',
            ip2Claims(`avg_${IP2}`).normalSources,
          ),
        ],
      ],
      [
        `std_${IP2}`,
        [
          claim(
            'ip2.std.same-as-above',
            'Same as above, and as for the IP1 time difference.',
            all(...Object.values(ip2Claims(`std_${IP2}`))),
          ),
        ],
      ],
      [`sum_${IP2}`, []],
    ],
    [
      [
        `avg_${IP2}`,
        claim(
          'ip2.summary.sources-probe-many-destinations',
          'Same hypothesis as for IP1: anomalous sources probe different destination IPs, and destination IPs are probed by different sources.',
          all(higher('count_IP2', { roles: SOURCE }), higher('count_IP1', { roles: DST })),
        ),
      ],
      [
        `avg_${IP2}`,
        unmeasurable(
          'ip2.summary.pattern-between-hosts',
          `As with the ${IP12}, there could be a pattern between hosts.`,
          'a hypothesis to explore',
        ),
      ],
      [
        `avg_${IP2}`,
        claim(
          'ip2.summary.patterns-switch',
          'The patterns of sources and destinations are switched compared with IP1.',
          all(
            morePattern(
              { family: `avg_${IP1}`, group: 'anomalous', role: 'dst' },
              { family: `avg_${IP1}`, group: 'anomalous', role: 'source' },
            ),
            morePattern(
              { family: `avg_${IP2}`, group: 'anomalous', role: 'source' },
              { family: `avg_${IP2}`, group: 'anomalous', role: 'dst' },
            ),
          ),
        ),
      ],
    ],
  ),
  section(
    'IP_distance',
    [
      [
        'avg_IP_distance',
        [
          claim(
            'ip-distance.avg.no-pattern',
            'No clear pattern.',
            all(noPattern('avg_IP_distance', 'anomalous', 'source'), noPattern('avg_IP_distance', 'anomalous', 'dst')),
          ),
        ],
      ],
      ['std_IP_distance', []],
    ],
    [
      [
        'std_IP_distance',
        claim(
          'ip-distance.summary.std-higher',
          'Anomalous IPs have a higher standard deviation, which could indicate that anomalous connections come from closer networks than normal ones.',
          partly(higher('std_IP_distance'), '"closer networks" is interpretation'),
        ),
      ],
    ],
  ),
  section(
    'Port1_last_1',
    [
      [
        'avg_Port1_last_1',
        [
          claim(
            'port1.avg.sources-more-ports',
            'Anomalous source IPs clearly use more ports than normal ones.',
            higher('avg_Port1_last_1', { roles: SOURCE, degree: 'much' }),
          ),
          claim(
            'port1.avg.four-destinations-stand-out',
            'The same four anomalous destinations stand out: the IPs that connected to them used more ports than their normal counterparts.',
            all(standOut('avg_Port1_last_1', DST, 'four'), higher('avg_Port1_last_1', { roles: DST })),
          ),
        ],
      ],
      [
        'std_Port1_last_1',
        [
          claim(
            'port1.std.normal-lower',
            'Normal IPs tend to have a lower standard deviation and a lower average, meaning that a source IP uses few ports within a 5-minute window.',
            all(higher('std_Port1_last_1'), higher('avg_Port1_last_1')),
          ),
        ],
      ],
      [
        'sum_Port1_last_1',
        [claim('port1.sum.more-ports', 'Overall, anomalous IPs use more ports.', higher('sum_Port1_last_1'))],
      ],
    ],
    [
      [
        'avg_Port1_last_1',
        claim(
          'port1.summary.destinations-contacted-by-busy-ports',
          'Anomalous IPs tend to be contacted from IPs with high port usage in the last five minutes.',
          higher('avg_Port1_last_1', { roles: DST }),
        ),
      ],
      [
        'avg_Port1_last_1',
        claim(
          'port1.summary.normal-very-few-ports',
          'Normal IPs use very few ports.',
          higher('avg_Port1_last_1', { degree: 'very' }),
        ),
      ],
    ],
  ),
  section(
    'Port2_last_1',
    [
      [
        'avg_Port2_last_1',
        [
          claim(
            'port2.avg.sources-more-ports',
            'Anomalous source IPs connect to more ports than normal ones, meaning that a source IP connects to different destination ports.',
            higher('avg_Port2_last_1', { roles: SOURCE }),
          ),
          claim(
            'port2.avg.destinations-more-ports',
            'Destination IPs follow the same pattern: more port connections from the same IP. Overall, anomalous destination IPs receive connections on more different ports.',
            higher('avg_Port2_last_1', { roles: DST }),
          ),
          claim(
            'port2.avg.normal-little-to-none',
            'Most normal IPs have little to no Port2 values.',
            describe({ kind: 'level', family: 'avg_Port2_last_1', group: 'normal' }),
          ),
        ],
      ],
      [
        'std_Port2_last_1',
        [claim('port2.std.normal-low', 'Normal IPs have a low deviation.', higher('std_Port2_last_1'))],
      ],
      [
        'sum_Port2_last_1',
        [
          claim(
            'port2.sum.more-ports',
            'Overall, anomalous IPs use more destination ports than normal ones.',
            higher('sum_Port2_last_1'),
          ),
        ],
      ],
    ],
    [
      [
        'avg_Port2_last_1',
        claim(
          'port2.summary.higher-scanning',
          'Port usage is higher on anomalous connections, which could indicate that scanning is taking place.',
          partly(higher('avg_Port2_last_1'), '"scanning" is interpretation'),
        ),
      ],
      [
        'avg_Port2_last_1',
        claim(
          'port2.summary.high-values-anomalous',
          'IPs with higher Port2 and Port1 values tend to be anomalous.',
          topShare('avg_Port1_last_1', 'avg_Port2_last_1'),
        ),
      ],
    ],
  ),
  section(
    'is_busybox',
    [
      ['avg_is_busybox', []],
      ['std_is_busybox', []],
      ['sum_is_busybox', []],
    ],
    [
      [
        'avg_is_busybox',
        claim(
          'busybox.summary.higher-for-anomalous',
          'Overall, most anomalous connections have a higher is_busybox value.',
          higher('avg_is_busybox'),
        ),
      ],
    ],
  ),
  section(
    'is_enable',
    [
      ['avg_is_enable', []],
      ['std_is_enable', []],
      ['sum_is_enable', []],
    ],
    [
      [
        'std_is_enable',
        claim(
          'enable.summary.std-higher',
          'Anomalous IPs might have a higher standard deviation than normal ones.',
          higher('std_is_enable'),
        ),
      ],
      [
        'sum_is_enable',
        claim(
          'enable.summary.some-above-normal-mostly-sources',
          'Some connections have a higher sum than normal ones, especially source connections.',
          all(
            aboveAllNormal('sum_is_enable', 'source'),
            roleBelow('sum_is_enable', 'dst', { groups: ['anomalous'], reducer: 'peak' }),
          ),
        ),
      ],
      [
        'avg_is_enable',
        claim(
          'enable.summary.markers-on-sources',
          'is_enable and is_busybox make much more sense for source connections (those that try to infect) than for destination connections, because the source sends the payload.',
          partly(
            all(
              roleBelow('avg_is_busybox', 'dst', { groups: ['anomalous'], reducer: 'markerShare' }),
              roleBelow('avg_is_enable', 'dst', { groups: ['anomalous'], reducer: 'markerShare' }),
            ),
            'why is interpretation',
          ),
        ),
      ],
    ],
  ),
];

/** Every finding of the seed, the overlap section first, in reading order (notes, then summary). */
export function allFindings(): Finding[] {
  return [OVERLAP_SECTION, ...SEED_SECTIONS].flatMap((s) => [
    ...s.notes.flatMap((note) => note.findings),
    ...s.summary,
  ]);
}

/** The seed section of a feature (`Length`, `IP_distance`, ...; `overlap` for the run comparison). */
export function seedSection(feature: string): SeedSection | undefined {
  if (feature === OVERLAP_SECTION.feature) return OVERLAP_SECTION;
  return SEED_SECTIONS.find((s) => s.feature === feature);
}

/** The findings written under one figure of a section (empty if none). */
export function figureFindings(section: SeedSection, family: string): readonly Finding[] {
  return section.notes.find((note) => note.family === family)?.findings ?? [];
}
