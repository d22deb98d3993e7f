/**
 * What changed since a baseline evaluation (summary.json `changes`, schema version 2): anomalies
 * added and removed, findings whose verdict changed, and every family's means from then to now.
 * Pure: from two summaries to a JSON-ready object.
 */
import type { Baseline } from './baseline-summary';
import type { Changes, MeanChange, Summary } from './schema';
import { InputError, type JsonNumber, type Role, ROLES } from '../types';
import { slog } from '../evaluation/spreads';

/** Labels sorted as Python sorts strings (by code point), as the data files are. */
function sorted(labels: Iterable<string>): string[] {
  return [...labels].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

/**
 * The changes from `baseline` (read from `baselinePath`) to `current`, whose anomalous labels are
 * `anomalies` (the reference run's rows). Throws an InputError naming the baseline when the two
 * evaluations have no family in common: there is nothing to compare.
 */
export function compareWithBaseline(
  baseline: Baseline,
  baselinePath: string,
  current: Pick<Summary, 'families' | 'findings'>,
  anomalies: readonly string[],
): Changes {
  const common = Object.keys(current.families).filter((family) => family in baseline.families);
  if (common.length === 0) {
    const list = (families: object) => Object.keys(families).slice(0, 5).join(', ') || 'none';
    throw new InputError(
      { file: baselinePath },
      `no family in common with this evaluation (baseline: ${list(baseline.families)}; now: ${list(current.families)})`,
    );
  }
  // The baseline's reference run's IPs: a version 3 baseline lists every run's, each with its runs.
  const before = new Set(
    baseline.anomalies.filter((a) => !a.runs || a.runs.includes(baseline.reference)).map((a) => a.label),
  );
  const now = new Set(anomalies);
  const verdictsBefore = new Map(baseline.findings.map((f) => [f.id, f.verdict]));
  const verdictsNow = new Map(current.findings.map((f) => [f.id, f.verdict]));
  const findings: Changes['findings'] = [];
  for (const [id, to] of verdictsNow) {
    const from = verdictsBefore.get(id) ?? null;
    if (from !== to) findings.push({ id, from, to });
  }
  for (const [id, from] of verdictsBefore) if (!verdictsNow.has(id)) findings.push({ id, from, to: null });
  const families: Changes['families'] = {};
  for (const family of common) {
    const then = baseline.families[family];
    const today = current.families[family];
    const group = (g: 'anomalous' | 'normal') =>
      Object.fromEntries(
        ROLES.map((role) => [role, { meanFrom: then[g]?.[role]?.mean ?? null, meanTo: today[g][role].mean }]),
      ) as Record<Role, MeanChange>;
    families[family] = { anomalous: group('anomalous'), normal: group('normal') };
  }
  return {
    baseline: baselinePath,
    anomalies: {
      added: sorted([...now].filter((label) => !before.has(label))),
      removed: sorted([...before].filter((label) => !now.has(label))),
      kept: [...now].filter((label) => before.has(label)).length,
    },
    findings,
    families,
  };
}

/** A mean as a number (NaN for null, ±Infinity for the strings JSON carries). */
function numeric(x: JsonNumber): number {
  return x === null ? NaN : x === 'Infinity' ? Infinity : x === '-Infinity' ? -Infinity : x;
}

/** One family's largest move between the evaluations. */
export interface FamilyMove {
  readonly family: string;
  readonly group: 'anomalous' | 'normal';
  readonly role: Role;
  readonly from: number;
  readonly to: number;
  /**
   * How far the mean moved: with a spread, |slog(to) − slog(from)| ÷ the family's spread (how many
   * typical deviations); without, |ln(to / from)| (a factor); Infinity when it cannot be measured so.
   */
  readonly size: number;
}

/**
 * The spread of a family's normal values for a role on the slog scale (slog(x) = sign(x)·ln(1 + |x|)),
 * e.g. the reasons' floor (NormalBaseline.floor): the size of a typical deviation. Undefined when unknown.
 */
export type MoveSpread = (family: string, role: Role) => number | undefined;

/**
 * The `limit` (family, group, role) means that moved most; unchanged and unmeasurable ones left out.
 * With `spread`, how far is measured in the family's spreads on the slog scale, so a tiny mean that
 * doubles (25µ → 50µ) ranks far below a busy one that moves by a typical deviation; without, by factor.
 */
export function largestMoves(changes: Changes, limit = 10, spread?: MoveSpread): FamilyMove[] {
  const moves: FamilyMove[] = [];
  for (const [family, groups] of Object.entries(changes.families)) {
    for (const group of ['anomalous', 'normal'] as const) {
      for (const role of ROLES) {
        const from = numeric(groups[group][role].meanFrom);
        const to = numeric(groups[group][role].meanTo);
        if (!Number.isFinite(from) || !Number.isFinite(to) || from === to) continue;
        const unit = spread?.(family, role);
        const size =
          spread !== undefined
            ? Math.abs(slog(to) - slog(from)) / (unit !== undefined && unit > 0 ? unit : 1)
            : from > 0 && to > 0
              ? Math.abs(Math.log(to / from))
              : Infinity;
        moves.push({ family, group, role, from, to, size });
      }
    }
  }
  return moves.sort((a, b) => b.size - a.size || (a.family < b.family ? -1 : 1)).slice(0, limit);
}
