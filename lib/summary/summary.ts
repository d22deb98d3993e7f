/**
 * summary.json: the machine-readable numbers of one evaluation, exactly per
 * shared/spec/summary.md (schemaVersion 3: version 1's fields, the checked `findings`, every flagged
 * IP's reasons in `anomalies` and the `campaigns`). Pure:
 * from loaded runs, the full-dataset evaluation and the findings' verdicts to a plain JSON-ready object.
 */
import type { SummaryFinding } from '../findings/json';
import type { FullFacts, Summary, SummaryGroupStats, SummaryRun } from './schema';
import { type LabelledRun, referenceOverlaps } from '../evaluation/overlap';
import type { Run } from '../evaluation/runs';
import { type FamilyStats, type GroupStats, ROLES, type Role, formatNaiveIso, jsonNumber } from '../types';
import type { AnomalyJson } from '../triage/anomalies';
import type { CampaignJson } from '../triage/campaigns';

/** Everything `buildSummary` combines. */
export interface SummaryInput {
  readonly runs: readonly Run[];
  readonly reference: Run;
  /** Per family × role over the reference run's rows. */
  readonly anomalousStats: FamilyStats;
  readonly full: FullFacts;
  /** The sample as drawn: its actual size (at most the requested one) and seed. */
  readonly sample: { readonly size: number; readonly seed: number };
  /** The findings' verdicts (lib/findings findingsJson). */
  readonly findings: readonly SummaryFinding[];
  /** Every run's flagged rows with their reasons (lib/triage/anomalies.ts `anomaliesJson`). */
  readonly anomalies?: readonly AnomalyJson[];
  /** The campaigns among them (lib/triage/campaigns.ts `campaignsJson`). */
  readonly campaigns?: readonly CampaignJson[];
}

/**
 * One group's statistics as JSON. A family absent from the group's file (`stats` undefined) has the
 * group's rows (`rows`) but no values, like a family whose values are all missing.
 */
function groupJson(stats: GroupStats | undefined, rows: number): SummaryGroupStats {
  if (!stats || stats.values === 0) {
    return { ips: stats?.ips ?? rows, values: 0, mean: null, max: null, nonzeroShare: null };
  }
  return {
    ips: stats.ips,
    values: stats.values,
    mean: jsonNumber(stats.mean),
    max: jsonNumber(stats.max),
    nonzeroShare: jsonNumber(stats.nonzeroShare),
  };
}

function roleJson(
  stats: FamilyStats,
  family: string,
  rows: Readonly<Record<Role, number>>,
): Record<Role, SummaryGroupStats> {
  const byRole = stats.get(family);
  return Object.fromEntries(ROLES.map((role) => [role, groupJson(byRole?.[role], rows[role])])) as Record<
    Role,
    SummaryGroupStats
  >;
}

/** Rows per role behind a group's statistics: every family counts them all (0 when there is none). */
function rowsPerRole(stats: FamilyStats): Record<Role, number> {
  const any = stats.values().next();
  return { source: any.done ? 0 : any.value.source.ips, dst: any.done ? 0 : any.value.dst.ips };
}

/** Describes one run as the summary does. */
export function summariseRun(run: Run): SummaryRun {
  const { starts, freq } = run.grid;
  return {
    name: run.name,
    path: run.path,
    rows: run.frame.nRows,
    valueColumns: run.frame.valueKeys().length,
    columns: run.frame.nCols,
    windows: starts.length,
    freq,
    start: starts.length ? formatNaiveIso(starts[0]) : null,
    end: starts.length ? formatNaiveIso(starts[starts.length - 1]) : null,
    families: run.frame.families(),
  };
}

/** Builds summary.json from the loaded runs, the reference run's statistics and the full dataset's. */
export function buildSummary(input: SummaryInput): Summary {
  const { runs, reference, anomalousStats, full, sample } = input;
  const labelled: LabelledRun[] = runs.map((run) => ({ name: run.name, labels: run.frame.index }));
  const familyNames = [...new Set([...reference.frame.families(), ...full.families])];
  const anomalousRows = {
    source: reference.frame.rowsWithRole('source').length,
    dst: reference.frame.rowsWithRole('dst').length,
  };
  const normalRows = rowsPerRole(full.normalStats);
  return {
    schemaVersion: 3,
    reference: reference.name,
    runs: runs.map(summariseRun),
    overlaps: referenceOverlaps(labelled, reference.name).map((o) => ({ runs: [...o.runs], common: o.common })),
    full: {
      path: full.path,
      rows: full.rows,
      valueColumns: full.valueColumns,
      normalRows: full.normalRows,
      anomalousNotInFull: reference.frame.nRows - full.excludedFound,
      anomalousNotInFullLabels: [...full.missing],
    },
    sample: { size: sample.size, seed: sample.seed },
    families: Object.fromEntries(
      familyNames.map((family) => [
        family,
        {
          anomalous: roleJson(anomalousStats, family, anomalousRows),
          normal: roleJson(full.normalStats, family, normalRows),
        },
      ]),
    ),
    findings: input.findings.map((f) => ({ ...f })),
    ...(input.anomalies ? { anomalies: [...input.anomalies] } : {}),
    ...(input.campaigns ? { campaigns: [...input.campaigns] } : {}),
  };
}
