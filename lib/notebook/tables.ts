/**
 * The evaluation's results as arquero tables, for a reader to question in the next notebook cell
 * (`tables.reasons.filter(...)`): the flagged IPs (one row per IP, the columns of anomalies.csv), their
 * reasons (one row per reason), the campaigns' members, the per-family statistics (family × group ×
 * role), the overlaps between runs, and what changed since a baseline. The notebook's tables are
 * drawn from these, so what a reader sees and what a query returns are the same rows. Pure: from
 * summary.json's objects to tables; arquero is loaded on the first call.
 */
import type { ColumnTable } from 'arquero';
import {
  ANOMALY_COLUMNS,
  type AnomalyCell,
  type AnomalyJson,
  REASON_COLUMNS,
  UNEXPLAINED,
  anomaliesCsvHeader,
  anomaliesTable as anomalyCells,
  describeReason,
} from '../triage/anomalies';
import type { CampaignJson } from '../triage/campaigns';
import { type MoveSpread, largestMoves } from '../summary/changes';
import type { Changes, Summary } from '../summary/schema';
import { type JsonNumber, ROLES, type Role, roleOf } from '../types';

/** The arquero library's module. */
export type Arquero = typeof import('arquero');

/**
 * The arquero library, for questions on these tables in a notebook cell (`const aq = arquero()`:
 * `aq.desc('score')`, `aq.op.includes(...)`, `aq.escape(fn)`, `aq.from(rows)`). Loaded on the first
 * call, not with the toolkit: programs that never make a table never load it.
 */
export function arquero(): Arquero {
  return require('arquero') as Arquero;
}

/** A table from column names and row-major cells (every name present, even with no rows). */
function fromRows(names: readonly string[], rows: readonly (readonly unknown[])[]): ColumnTable {
  return arquero().table(Object.fromEntries(names.map((name, c) => [name, rows.map((row) => row[c])])));
}

/** A statistic of summary.json as a number: null stays null (missing), the infinity strings become numbers. */
function numberOf(x: JsonNumber): number | null {
  return x === 'Infinity' ? Infinity : x === '-Infinity' ? -Infinity : x;
}

/** An IP's label without its role suffix. */
function ipOf(label: string, role: string | null): string {
  return role && label.endsWith(role) ? label.slice(0, label.length - role.length) : label;
}

/**
 * One row per flagged IP, by descending score (the order of `anomalies`): exactly the columns and
 * cells of anomalies.csv (ANOMALY_COLUMNS: `rank`, `label`, `ip`, `role`, `runs` space-separated,
 * `score`, `explained`; then REASON_COLUMNS for each of five reasons: `reason1_family` ...
 * `reason5_window`), empty reasons as null. `windowLength` is the reference run's (`5T`), as in the file.
 */
export function flaggedIpsTable(anomalies: readonly AnomalyJson[], windowLength: string): ColumnTable {
  return fromRows(anomaliesCsvHeader(), anomalyCells(anomalies, windowLength));
}

/**
 * One row per reason of each flagged IP: the IP's columns as in {@link flaggedIpsTable}, `reason`
 * (1 = its main reason), then REASON_COLUMNS as `reason_family`, `reason_families`, `reason_kind`,
 * `reason_direction`, `reason_score`, `reason_from`, `reason_to`, `reason_window`. The form to
 * filter, group and count by family. IPs with no reason have no row here.
 */
export function reasonsTable(anomalies: readonly AnomalyJson[], windowLength: string): ColumnTable {
  const names = [...ANOMALY_COLUMNS.map((c) => c.name), 'reason', ...REASON_COLUMNS.map((c) => `reason_${c.field}`)];
  const rows = anomalies.flatMap((a, i) => {
    const own: AnomalyCell[] = ANOMALY_COLUMNS.map((c) => c.cell(a, i + 1));
    return a.reasons.map((r, k) => [...own, k + 1, ...REASON_COLUMNS.map((c) => c.cell(r, windowLength))]);
  });
  return fromRows(names, rows);
}

/**
 * summary.json's `campaigns` as rows, one per member: `campaign` (its id), `name` (what sets it
 * apart), `label`, `ip`, `role`, `size` (members), `families` (space-separated), `from`, `to` (the
 * windows most members share; null when none). IPs in no campaign have no row.
 */
export function campaignsTable(campaigns: readonly CampaignJson[]): ColumnTable {
  const rows = campaigns.flatMap((c) =>
    c.members.map((label) => {
      const role = roleOf(label) ?? null;
      return [
        c.id,
        c.name,
        label,
        ipOf(label, role),
        role,
        c.members.length,
        c.families.join(' '),
        c.windows?.from ?? null,
        c.windows?.to ?? null,
      ];
    }),
  );
  return fromRows(['campaign', 'name', 'label', 'ip', 'role', 'size', 'families', 'from', 'to'], rows);
}

/**
 * summary.json's `families` as rows: `family`, `group` (anomalous, normal), `role`, then the
 * statistics under summary.json's names (`ips`, `values`, `mean`, `max`, `nonzeroShare`; null when
 * the group has no values). Family × group × role, in the summary's family order.
 */
export function familyStatsTable(summary: Pick<Summary, 'families'>): ColumnTable {
  const rows = Object.entries(summary.families).flatMap(([family, groups]) =>
    (['anomalous', 'normal'] as const).flatMap((group) =>
      ROLES.map((role) => {
        const s = groups[group][role];
        return [family, group, role, s.ips, s.values, numberOf(s.mean), numberOf(s.max), numberOf(s.nonzeroShare)];
      }),
    ),
  );
  return fromRows(['family', 'group', 'role', 'ips', 'values', 'mean', 'max', 'nonzeroShare'], rows);
}

/** summary.json's `overlaps` as rows: `runs` (names joined by ` & `), `count` (how many runs), `common`. */
export function overlapsTable(overlaps: Summary['overlaps']): ColumnTable {
  return fromRows(
    ['runs', 'count', 'common'],
    overlaps.map((o) => [o.runs.join(' & '), o.runs.length, o.common]),
  );
}

/**
 * What changed since the baseline, as three tables (empty, with their columns, without a baseline):
 * `means`: family × group × role with `meanFrom`, `meanTo` and `move` (how far the mean moved, as
 * the changes figure ranks it, largestMoves: with `spread`, in the family's spreads on the slog
 * scale; without, |ln(to ÷ from)|; 0 unchanged; null when either is missing or infinite);
 * `anomalies`: `label`, `ip`, `role`, `change` (added, removed); `findings`: `id`, `from`, `to`
 * (verdicts; null on one side only).
 */
export function changesTables(
  changes: Changes | undefined,
  spread?: MoveSpread,
): {
  means: ColumnTable;
  anomalies: ColumnTable;
  findings: ColumnTable;
} {
  // How far each mean moved, as the changes figure measures it (largestMoves: every move, none left out).
  const moved = new Map(
    (changes ? largestMoves(changes, Infinity, spread) : []).map((m) => [`${m.family} ${m.group} ${m.role}`, m.size]),
  );
  const means = Object.entries(changes?.families ?? {}).flatMap(([family, groups]) =>
    (['anomalous', 'normal'] as const).flatMap((group) =>
      ROLES.map((role) => {
        const from = numberOf(groups[group][role].meanFrom);
        const to = numberOf(groups[group][role].meanTo);
        const move = moved.get(`${family} ${group} ${role}`) ?? (from !== null && from === to ? 0 : null);
        return [family, group, role, from, to, move];
      }),
    ),
  );
  const labelRow = (label: string, change: string): AnomalyCell[] => {
    const role = roleOf(label) ?? null;
    return [label, ipOf(label, role), role, change];
  };
  const anomalies = [
    ...(changes?.anomalies.added ?? []).map((label) => labelRow(label, 'added')),
    ...(changes?.anomalies.removed ?? []).map((label) => labelRow(label, 'removed')),
  ];
  return {
    means: fromRows(['family', 'group', 'role', 'meanFrom', 'meanTo', 'move'], means),
    anomalies: fromRows(['label', 'ip', 'role', 'change'], anomalies),
    findings: fromRows(
      ['id', 'from', 'to'],
      (changes?.findings ?? []).map((f) => [f.id, f.from, f.to]),
    ),
  };
}

/**
 * The triage view of {@link flaggedIpsTable}: `rank`, `ip`, `role`, `runs`, `score`, then the first
 * `reasons` reasons in a few words each (`reason 1`: `avg_Length high vs normal 7.3 (14:05–15:30)`),
 * read from the table's own reason columns; an IP with no reason above the line says so in
 * `reason1`. What the notebook's triage table shows.
 */
export function triageTable(anomalies: ColumnTable, reasons = 3): ColumnTable {
  const aq = arquero();
  const described = Array.from({ length: reasons }, (_, i) => {
    const field = (d: Record<string, unknown>, name: string) => d[`reason${i + 1}_${name}`];
    const describe = (d: Record<string, unknown>): string => {
      const family = field(d, 'family');
      if (typeof family !== 'string') return i === 0 && d.explained === false ? UNEXPLAINED : '';
      const families = field(d, 'families');
      const score = field(d, 'score') as number | null;
      return describeReason({
        family,
        ...(typeof families === 'string' && families.includes(' ') ? { families: families.split(' ') } : {}),
        kind: field(d, 'kind') as 'vs-normal' | 'vs-own-history',
        direction: field(d, 'direction') as 'high' | 'low',
        score: score === null ? null : Number.isFinite(score) ? score : score > 0 ? 'Infinity' : '-Infinity',
        windows: { from: String(field(d, 'from')), to: String(field(d, 'to')) },
      });
    };
    return [`reason ${i + 1}`, aq.escape(describe)] as const;
  });
  return anomalies
    .derive(Object.fromEntries(described))
    .select('rank', 'ip', 'role', 'runs', 'score', ...described.map(([name]) => name));
}

/** The evaluation's tables, by the names the notebook gives them. */
export interface EvaluationTables {
  /** {@link flaggedIpsTable}: a row per flagged IP, the columns of anomalies.csv. */
  readonly anomalies: ColumnTable;
  /** {@link reasonsTable}: a row per reason. */
  readonly reasons: ColumnTable;
  /** {@link campaignsTable}: a row per member of a campaign (empty before summary.json version 3). */
  readonly campaigns: ColumnTable;
  /** {@link familyStatsTable}. */
  readonly families: ColumnTable;
  /** {@link overlapsTable}. */
  readonly overlaps: ColumnTable;
  /** {@link changesTables}`.means`: family means then and now (empty without a baseline). */
  readonly meanChanges: ColumnTable;
  /** {@link changesTables}`.anomalies`: anomalies added and removed (empty without a baseline). */
  readonly anomalyChanges: ColumnTable;
  /** {@link changesTables}`.findings`: verdicts that changed (empty without a baseline). */
  readonly verdictChanges: ColumnTable;
}

/**
 * Every table of {@link EvaluationTables} from one summary.json object; the reasons' window length
 * is the reference run's, as anomalies.csv has it. With the normal baseline (`full.normalBaseline`
 * in the notebook, as `changesOutputs` takes it), the means' moves are measured in each family's
 * spread, as the changes figure measures them.
 */
export function evaluationTables(
  summary: Pick<Summary, 'anomalies' | 'campaigns' | 'families' | 'overlaps' | 'changes' | 'runs' | 'reference'>,
  normal?: { readonly floor: ReadonlyMap<string, Readonly<Record<Role, number>>> },
): EvaluationTables {
  const anomalies = summary.anomalies ?? [];
  const windowLength = summary.runs.find((run) => run.name === summary.reference)?.freq ?? '';
  const spread = normal ? (family: string, role: Role) => normal.floor.get(family)?.[role] : undefined;
  const changes = changesTables(summary.changes, spread);
  return {
    anomalies: flaggedIpsTable(anomalies, windowLength),
    reasons: reasonsTable(anomalies, windowLength),
    campaigns: campaignsTable(summary.campaigns ?? []),
    families: familyStatsTable(summary),
    overlaps: overlapsTable(summary.overlaps),
    meanChanges: changes.means,
    anomalyChanges: changes.anomalies,
    verdictChanges: changes.findings,
  };
}
