/**
 * What a finding's check sees: the anomalous rows, the normal sample, the runs, and per-IP measures
 * computed once per (group, role, family, reducer).
 */
import { type FamilyEvidenceDetail, familyEvidence } from '../evaluation/evidence';
import type { Frame } from '../table/frame';
import type { LabelledRun } from '../evaluation/overlap';
import type { FamilyStats, Group, Role } from '../types';
import { claimFamilies } from './claims';
import {
  ACTIVITY_FAMILY,
  type Reducer,
  type TimelineSums,
  activeShares,
  reduceTimelines,
  timelineSums,
} from './measures';
import { OVERLAP_SECTION, SEED_SECTIONS } from './seed';

/** Default seed of the nulls (the evaluation's sampling seed, as in the seed notebook's 4000-row sample). */
export const DEFAULT_NULL_SEED = 42;

/** The data a finding is checked on. */
export interface FindingInputs {
  /** The reference run's anomalous rows. */
  readonly anomalous: Frame;
  /** The seeded sample of normal rows (the nulls draw their groups from it). */
  readonly normalSample: Frame;
  /** Statistics over ALL normal rows, per family and role (for the evidence tables). */
  readonly normalStats?: FamilyStats;
  /** Every run's row labels (for the overlap findings). */
  readonly runs?: readonly LabelledRun[];
  /** Name of the reference run among `runs` (default: the run whose labels are the anomalous rows). */
  readonly reference?: string;
  /** Rows of the full dataset: the population random runs are drawn from in the overlap nulls. */
  readonly population?: number;
  /** Seed of the nulls' random draws (default {@link DEFAULT_NULL_SEED}). */
  readonly seed?: number;
}

/** The inputs, with measures memoised. */
export interface FindingContext extends FindingInputs {
  readonly seed: number;
  /** The family's evidence table (anomalous/normal × source/destination), computed once per family. */
  evidence(family: string): FamilyEvidenceDetail;
  /** The frame of a group: the anomalous rows, or the normal sample. */
  frame(group: Group): Frame;
  /** Row numbers of a group's frame with the given role. */
  rows(group: Group, role: Role): Int32Array;
  /** Per IP of `rows(group, role)`, the reducer over `family`. */
  perIp(group: Group, role: Role, family: string, reducer: Reducer): Float64Array;
  /** Per IP of `rows(group, role)`, the share of windows it is active in. */
  activity(group: Group, role: Role): Float64Array;
}

/** Every family the findings' checks read, and the one that says when an IP is active: what a sample must keep. */
export function findingFamilies(): Set<string> {
  const families = new Set<string>([ACTIVITY_FAMILY]);
  for (const section of [OVERLAP_SECTION, ...SEED_SECTIONS]) {
    for (const finding of [...section.notes.flatMap((note) => note.findings), ...section.summary]) {
      if (finding.claim) for (const family of claimFamilies(finding.claim)) families.add(family);
    }
  }
  return families;
}

/** A context whose measures are computed once. */
export function findingContext(init: FindingInputs): FindingContext {
  const memo = new Map<string, unknown>();
  const once = <T>(key: string, make: () => T): T => {
    if (!memo.has(key)) memo.set(key, make());
    return memo.get(key) as T;
  };
  const frame = (group: Group): Frame => (group === 'anomalous' ? init.anomalous : init.normalSample);
  const rows = (group: Group, role: Role): Int32Array =>
    once(`rows|${group}|${role}`, () => frame(group).rowsWithRole(role));
  // The sums of every family the findings read, per group and role, in one pass over the rows (see
  // timelineSums); a family no finding reads, on its own.
  const read = findingFamilies();
  const sums = (group: Group, role: Role, family: string): TimelineSums => {
    const batch = once(`sums|${group}|${role}`, () => {
      const families = frame(group)
        .families()
        .filter((f) => read.has(f));
      return timelineSums(frame(group), families, rows(group, role));
    });
    return (
      batch.get(family) ??
      once(
        `sums|${group}|${role}|${family}`,
        () => timelineSums(frame(group), [family], rows(group, role)).get(family)!,
      )
    );
  };
  return {
    ...init,
    seed: init.seed ?? DEFAULT_NULL_SEED,
    evidence: (family) =>
      once(`evidence|${family}`, () => familyEvidence(family, init.anomalous, init.normalSample, init.normalStats)),
    frame,
    rows,
    perIp: (group, role, family, reducer) =>
      once(`perIp|${group}|${role}|${family}|${reducer}`, () => reduceTimelines(sums(group, role, family), reducer)),
    activity: (group, role) =>
      once(`activity|${group}|${role}`, () => {
        const all = once(`shares|${group}`, () => activeShares(frame(group)));
        return Float64Array.from(rows(group, role), (r) => all[r]);
      }),
  };
}
