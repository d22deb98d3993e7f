/**
 * Claims: what a finding asserts, as data. Each kind names a measurable property; the thresholds
 * come from the finding's own words and are fixed here, before any data is seen.
 */
import type { Group, Role } from '../types';
import type { Reducer } from './measures';
import type { Thresholds } from './verdict';

/** How strong a comparison's words are: "higher" (plain), "much / clearly higher", "very low / very few". */
export type Degree = 'plain' | 'much' | 'very';

/** Ratio thresholds of each degree (group level over the other group's). */
export const DEGREES: Readonly<Record<Degree, Thresholds>> = {
  plain: { holdsAt: 1.25, failsAt: 1 },
  much: { holdsAt: 2, failsAt: 1.25 },
  very: { holdsAt: 4, failsAt: 2 },
};

/** "Similar": within this factor holds; beyond {@link NOT_SIMILAR} (and beyond the null) does not. */
export const SIMILAR = 1.5;
/** Beyond this factor two groups are not similar. */
export const NOT_SIMILAR = 2;

/** Association thresholds (correlation or coherence): a "clear pattern", a "same pattern", "the same form". */
export const ASSOCIATION: Readonly<Record<'pattern' | 'same' | 'form', Thresholds>> = {
  pattern: { holdsAt: 0.5, failsAt: 0.3 },
  same: { holdsAt: 0.7, failsAt: 0.3 },
  form: { holdsAt: 0.8, failsAt: 0.5 },
};

/** Counting words: the count that holds, and the counts one off that are inconclusive. */
export const COUNT_WORDS: Readonly<
  Record<'a couple' | 'three' | 'four', { readonly holds: readonly number[]; readonly near: readonly number[] }>
> = {
  'a couple': { holds: [2], near: [1, 3] },
  three: { holds: [3], near: [2, 4] },
  four: { holds: [4], near: [3, 5] },
};

/** A counting word of {@link COUNT_WORDS}. */
export type CountWord = keyof typeof COUNT_WORDS;

/** One group and role of one family. */
export interface Selection {
  readonly family: string;
  readonly group: Group;
  readonly role: Role;
}

/** What a finding asserts, one kind of measurable property each. */
export type Claim =
  /** Anomalous IPs' level (median over IPs of `reducer`) above or below normal IPs', per role. */
  | {
      readonly kind: 'contrast';
      readonly family: string;
      readonly roles: readonly Role[];
      readonly reducer: Reducer;
      readonly direction: 'higher' | 'lower';
      readonly degree: Degree;
    }
  /** Anomalous and normal levels similar for one role. */
  | { readonly kind: 'similar'; readonly family: string; readonly role: Role; readonly reducer: Reducer }
  /** Within a group, the `lower` role's level below the other role's. */
  | {
      readonly kind: 'roles';
      readonly family: string;
      readonly groups: readonly Group[];
      readonly reducer: Reducer;
      readonly lower: Role;
      readonly degree: Degree;
    }
  /** A group's timelines share (or do not share) one shape. */
  | { readonly kind: 'pattern'; readonly selection: Selection; readonly present: boolean }
  /** One selection's timelines share a shape more than another's. */
  | { readonly kind: 'morePattern'; readonly more: Selection; readonly less: Selection }
  /** The mean timelines of two selections follow the same pattern. */
  | { readonly kind: 'timelines'; readonly a: Selection; readonly b: Selection }
  /** Per IP, two families' timelines follow each other over its active windows. */
  | {
      readonly kind: 'agree';
      readonly family: string;
      readonly other: string;
      readonly group: Group;
      readonly roles: readonly Role[];
    }
  /** The IPs of a group/role fall into two clusters (large and very low levels). */
  | { readonly kind: 'bimodal'; readonly selection: Selection; readonly reducer: Reducer }
  /** How many anomalous IPs stand out in a family, per role. */
  | { readonly kind: 'standouts'; readonly family: string; readonly roles: readonly Role[]; readonly count: CountWord }
  /** Among the standouts, a source and a destination with the same timeline. */
  | { readonly kind: 'pair'; readonly family: string }
  /** IPs with the highest levels of each family tend to be anomalous. */
  | { readonly kind: 'topShare'; readonly families: readonly string[] }
  /** Some anomalous IPs of a role exceed every normal IP's peak. */
  | { readonly kind: 'exceed'; readonly family: string; readonly role: Role }
  /** Most anomalies are common to all runs. */
  | { readonly kind: 'commonToAll' }
  /** The reference run holds nearly every IP any run flagged. */
  | { readonly kind: 'referenceCovers' }
  /** A statement that compares nothing: its number is shown. */
  | { readonly kind: 'describe'; readonly what: Description }
  /** Every part must hold. */
  | { readonly kind: 'all'; readonly parts: readonly Claim[] }
  /** A measurable part, the rest interpretation. */
  | { readonly kind: 'partly'; readonly claim: Claim; readonly note: string };

/** What a descriptive statement reports. */
export type Description =
  | { readonly kind: 'level'; readonly family: string; readonly group: Group }
  | { readonly kind: 'activeShare'; readonly family: string; readonly group: Group; readonly role: Role }
  | { readonly kind: 'specialCases' };

/** Every family a claim reads (the data must hold them all for it to be checked). */
export function claimFamilies(claim: Claim): string[] {
  switch (claim.kind) {
    case 'contrast':
    case 'similar':
    case 'roles':
    case 'standouts':
    case 'pair':
    case 'exceed':
      return [claim.family];
    case 'pattern':
    case 'bimodal':
      return [claim.selection.family];
    case 'morePattern':
      return [claim.more.family, claim.less.family];
    case 'timelines':
      return [claim.a.family, claim.b.family];
    case 'agree':
      return [claim.family, claim.other];
    case 'topShare':
      return [...claim.families];
    case 'describe':
      return claim.what.kind === 'specialCases' ? [] : [claim.what.family];
    case 'all':
      return [...new Set(claim.parts.flatMap(claimFamilies))];
    case 'partly':
      return claimFamilies(claim.claim);
    case 'commonToAll':
    case 'referenceCovers':
      return [];
  }
}

// Builders: the seed's findings are written with these, so each reads as its words do.

/** Options of a level comparison. */
export interface LevelOptions {
  readonly roles?: readonly Role[];
  readonly degree?: Degree;
  readonly reducer?: Reducer;
}

const BOTH: readonly Role[] = ['source', 'dst'];

/** Anomalous IPs' level of `family` higher than normal IPs' ("higher", "much higher"...). */
export function higher(family: string, options: LevelOptions = {}): Claim {
  return {
    kind: 'contrast',
    family,
    roles: options.roles ?? BOTH,
    reducer: options.reducer ?? 'activeMean',
    direction: 'higher',
    degree: options.degree ?? 'plain',
  };
}

/** Anomalous IPs' level of `family` lower than normal IPs'. */
export function lower(family: string, options: LevelOptions = {}): Claim {
  return { ...(higher(family, options) as Extract<Claim, { kind: 'contrast' }>), direction: 'lower' };
}

/** Anomalous and normal levels similar for one role. */
export function similar(family: string, role: Role, reducer: Reducer = 'activeMean'): Claim {
  return { kind: 'similar', family, role, reducer };
}

/** Within each group, the `lowerRole`'s level below the other role's. */
export function roleBelow(
  family: string,
  lowerRole: Role,
  options: { groups?: readonly Group[]; reducer?: Reducer; degree?: Degree } = {},
): Claim {
  return {
    kind: 'roles',
    family,
    lower: lowerRole,
    groups: options.groups ?? ['anomalous', 'normal'],
    reducer: options.reducer ?? 'activeMean',
    degree: options.degree ?? 'plain',
  };
}

/** A group's timelines share one shape. */
export function pattern(family: string, group: Group, role: Role): Claim {
  return { kind: 'pattern', selection: { family, group, role }, present: true };
}

/** A group's timelines share no clear shape ("no clear pattern", "all over the place"). */
export function noPattern(family: string, group: Group, role: Role): Claim {
  return { kind: 'pattern', selection: { family, group, role }, present: false };
}

/** The first selection's timelines share a shape more than the second's. */
export function morePattern(more: Selection, less: Selection): Claim {
  return { kind: 'morePattern', more, less };
}

/** The mean timelines of two selections follow the same pattern. */
export function sameTimeline(a: Selection, b: Selection): Claim {
  return { kind: 'timelines', a, b };
}

/** Per IP, `family` and `other` move together over its active windows. */
export function agree(family: string, other: string, group: Group, roles: readonly Role[] = BOTH): Claim {
  return { kind: 'agree', family, other, group, roles };
}

/** The IPs of a group/role fall into two clusters of levels. */
export function twoClusters(family: string, group: Group, role: Role, reducer: Reducer = 'activeMean'): Claim {
  return { kind: 'bimodal', selection: { family, group, role }, reducer };
}

/** As many anomalous IPs stand out in `family` as the counting word says, per role. */
export function standOut(family: string, roles: readonly Role[], count: CountWord): Claim {
  return { kind: 'standouts', family, roles, count };
}

/** A standout source and a standout destination share one timeline. */
export function matchingPair(family: string): Claim {
  return { kind: 'pair', family };
}

/** The IPs with the highest levels of each family tend to be anomalous. */
export function topShare(...families: string[]): Claim {
  return { kind: 'topShare', families };
}

/** Some anomalous IPs of `role` peak above every normal IP. */
export function aboveAllNormal(family: string, role: Role): Claim {
  return { kind: 'exceed', family, role };
}

/** Every part must hold. */
export function all(...parts: Claim[]): Claim {
  return { kind: 'all', parts };
}

/** A measurable claim; the rest of the finding (`note`) is interpretation. */
export function partly(claim: Claim, note: string): Claim {
  return { kind: 'partly', claim, note };
}

/** A statement that compares nothing: its number is shown, never a ✔. */
export function describe(what: Description): Claim {
  return { kind: 'describe', what };
}
