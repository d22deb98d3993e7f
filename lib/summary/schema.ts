/**
 * The shape of summary.json (../shared/spec/summary.md): the types every writer and reader of a
 * summary shares, apart from the code that builds one (summary.ts), reads an earlier one
 * (baseline-summary.ts) or compares two (changes.ts), so that none of those imports another for a type.
 */
import type { VerdictStatus } from '../findings';
import type { SummaryFinding } from '../findings/json';
import type { AnomalyJson } from '../triage/anomalies';
import type { CampaignJson } from '../triage/campaigns';
import type { FamilyStats, JsonNumber, Role } from '../types';

/** One group's statistics in the summary. */
export interface SummaryGroupStats {
  ips: number;
  values: number;
  mean: JsonNumber;
  max: JsonNumber;
  nonzeroShare: JsonNumber;
}

/** The summary of one run. */
export interface SummaryRun {
  name: string;
  path: string;
  rows: number;
  valueColumns: number;
  /** Every column but the index, metadata included (an extra field: the seed's `shape[1]`). */
  columns: number;
  windows: number;
  freq: string;
  start: string | null;
  end: string | null;
  families: string[];
}

/** The whole summary.json document. */
export interface Summary {
  schemaVersion: 3;
  reference: string;
  runs: SummaryRun[];
  overlaps: { runs: string[]; common: number }[];
  full: {
    path: string;
    rows: number;
    valueColumns: number;
    normalRows: number;
    anomalousNotInFull: number;
    /** The reference run's labels the full dataset lacks, in its row order (the report warns of them). */
    anomalousNotInFullLabels: string[];
  };
  sample: { size: number; seed: number };
  families: Record<string, { anomalous: Record<Role, SummaryGroupStats>; normal: Record<Role, SummaryGroupStats> }>;
  /** Every finding of the seed with its verdict on this data (lib/findings findingsJson). */
  findings: SummaryFinding[];
  /** Why each IP a run flagged was flagged, every run's (version 3; lib/triage/anomalies.ts). */
  anomalies?: AnomalyJson[];
  /** Version 3: flagged IPs that deviate alike (lib/triage/campaigns.ts). */
  campaigns?: CampaignJson[];
  /** Version 2, with a baseline only: what changed since that evaluation (lib/summary/changes.ts). */
  changes?: Changes;
}

/** What the summary needs to know of the full dataset (a subset of the loader's FullEvaluation). */
export interface FullFacts {
  readonly path: string;
  readonly rows: number;
  readonly valueColumns: number;
  readonly normalRows: number;
  /** Reference-run labels found in the full dataset. */
  readonly excludedFound: number;
  /** Reference-run labels the full dataset lacks, in the reference run's row order. */
  readonly missing: readonly string[];
  readonly normalStats: FamilyStats;
  /** Families of the full dataset, in column order. */
  readonly families: readonly string[];
}

/** A group's mean then and now. */
export interface MeanChange {
  meanFrom: JsonNumber;
  meanTo: JsonNumber;
}

/** summary.json `changes`. */
export interface Changes {
  /** The baseline file, as given. */
  baseline: string;
  anomalies: { added: string[]; removed: string[]; kept: number };
  /** Findings whose verdict changed, and those on one side only (`from` or `to` null). */
  findings: { id: string; from: VerdictStatus | null; to: VerdictStatus | null }[];
  /** Families of both evaluations: anomalous and normal means per role, then and now. */
  families: Record<string, Record<'anomalous' | 'normal', Record<Role, MeanChange>>>;
}
