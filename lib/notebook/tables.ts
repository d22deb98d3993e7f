/**
 * The evaluation's results as arquero tables, for a reader to question in the next notebook cell
 * (`tables.reasons.filter(...)`): the anomalies (one row per IP, the columns of anomalies.csv), their
 * reasons (one row per reason), the campaigns' members, the per-family statistics (family × group ×
 * role), the overlaps between runs, and what changed since a baseline. The notebook's tables are
 * drawn from these, so what a reader sees and what a query returns are the same rows. Pure: from
 * summary.json's objects to tables; arquero is loaded on the first call.
 */
import type { ColumnTable } from 'arquero';
import { type AnomalyJson, describeReason } from '../triage/anomalies';
import {
  type AnomalyCell,
  anomalyColumns,
  anomalyRows,
  ipOf,
  reasonColumnNames,
  reasonRows,
} from '../triage/anomaly-columns';
import type { Campaigns } from '../triage/campaigns';
import { largestMoves } from '../summary/changes';
import type { Changes, Summary } from '../summary/schema';
import { type JsonNumber, ROLES, roleOf } from '../types';

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

/**
 * One row per anomalous IP, by descending score (the order of `anomalies`): exactly the columns and
 * cells of anomalies.csv (`rank`, `label`, `ip`, `role`, `runs` space-separated, `score`, then
 * `reason1_family` ... `reason5_to`), empty reasons as null.
 */
export function anomaliesTable(anomalies: readonly AnomalyJson[]): ColumnTable {
  return fromRows(
    anomalyColumns().map((c) => c.name),
    anomalyRows(anomalies),
  );
}

/**
 * One row per reason of each anomalous IP: the IP's fields as in {@link anomaliesTable}, `reason`
 * (1 = its main reason), then `reason_family`, `reason_direction`, `reason_score`, `reason_from`,
 * `reason_to`. The form to filter, group and count by family.
 */
export function reasonsTable(anomalies: readonly AnomalyJson[]): ColumnTable {
  return fromRows(reasonColumnNames(), reasonRows(anomalies));
}

/**
 * One row per member of a campaign, in the heatmap's order: `campaign` (A, B, ...), `label`, `ip`,
 * `role`, `size` (members of the campaign), `defining` (the families that set it apart, e.g.
 * `high count_Length, low avg_Port1_last_1`) and `title` (the campaign's line in the notebook).
 */
export function campaignsTable(campaigns: Campaigns): ColumnTable {
  const { labels, roles } = campaigns.matrix;
  const rows = campaigns.groups.flatMap((group) => {
    const defining = group.defining.map((d) => `${d.direction} ${d.family}`).join(', ');
    return group.rows.map((r) => {
      const member = { label: labels[r], role: roles[r] };
      return [group.name, member.label, ipOf(member), member.role, group.size, defining, group.title];
    });
  });
  return fromRows(['campaign', 'label', 'ip', 'role', 'size', 'defining', 'title'], rows);
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
 * the changes figure ranks it: |ln(to ÷ from)|, Infinity from or to 0; 0 unchanged; null when either
 * is missing or infinite); `anomalies`: `label`, `ip`,
 * `role`, `change` (added, removed); `findings`: `id`, `from`, `to` (verdicts; null on one side only).
 */
export function changesTables(changes: Changes | undefined): {
  means: ColumnTable;
  anomalies: ColumnTable;
  findings: ColumnTable;
} {
  // How far each mean moved, as the changes figure measures it (largestMoves: every move, none left out).
  const moved = new Map(
    (changes ? largestMoves(changes, Infinity) : []).map((m) => [`${m.family} ${m.group} ${m.role}`, m.size]),
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
    const role = roleOf(label);
    return [label, role ? ipOf({ label, role }) : label, role ?? null, change];
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
 * The triage view of {@link anomaliesTable}: `rank`, `ip`, `role`, `runs`, `score`, then the first
 * `reasons` reasons in a few words each (`reason1`: `count_Length high 41.2 (14:05–15:30)`), read
 * from the table's own reason columns: what the notebook's triage table shows.
 */
export function triageTable(anomalies: ColumnTable, reasons = 3): ColumnTable {
  const aq = arquero();
  const described = Array.from({ length: reasons }, (_, i) => {
    const field = (d: Record<string, unknown>, name: string) => d[`reason${i + 1}_${name}`];
    const describe = (d: Record<string, unknown>): string => {
      const family = field(d, 'family');
      if (typeof family !== 'string') return '';
      const from = field(d, 'from');
      const to = field(d, 'to');
      const score = field(d, 'score') as number | null;
      return describeReason({
        family,
        direction: field(d, 'direction') as 'high' | 'low',
        score: score === null ? null : Number.isFinite(score) ? score : score > 0 ? 'Infinity' : '-Infinity',
        windows: typeof from === 'string' && typeof to === 'string' ? { from, to } : null,
      });
    };
    return [`reason${i + 1}`, aq.escape(describe)] as const;
  });
  return anomalies
    .derive(Object.fromEntries(described))
    .select('rank', 'ip', 'role', 'runs', 'score', ...described.map(([name]) => name));
}

/** The evaluation's tables, by the names the notebook gives them. */
export interface EvaluationTables {
  /** {@link anomaliesTable}. */
  readonly anomalies: ColumnTable;
  /** {@link reasonsTable}. */
  readonly reasons: ColumnTable;
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

/** Every table of {@link EvaluationTables} from one summary.json object. */
export function evaluationTables(
  summary: Pick<Summary, 'anomalies' | 'families' | 'overlaps' | 'changes'>,
): EvaluationTables {
  const anomalies = summary.anomalies ?? [];
  const changes = changesTables(summary.changes);
  return {
    anomalies: anomaliesTable(anomalies),
    reasons: reasonsTable(anomalies),
    families: familyStatsTable(summary),
    overlaps: overlapsTable(summary.overlaps),
    meanChanges: changes.means,
    anomalyChanges: changes.anomalies,
    verdictChanges: changes.findings,
  };
}
