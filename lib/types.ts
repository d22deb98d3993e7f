/**
 * Shared vocabulary of the toolkit: what a column, a row role and a window are.
 * Every module speaks these types; none of them does I/O.
 */

/** Which end of a connection a row describes: the IP sent (`source`) or received (`dst`). */
export type Role = 'source' | 'dst';

/** Both roles, in the order the seed plots them. */
export const ROLES: readonly Role[] = ['source', 'dst'];

/**
 * A value column, parsed from a pandas tuple header such as
 * `('avg_Length', 'avg_2019-02-01 09:35:00')`.
 */
export interface ValueKey {
  readonly kind: 'value';
  /** The header exactly as it stands in the file. */
  readonly header: string;
  /** First tuple element, e.g. `avg_Length`: one line per IP in the seed's figures. */
  readonly family: string;
  /** Aggregate, e.g. `avg`, `sum`, `std`, `count`. */
  readonly stat: string;
  /** Per-packet variable, e.g. `Length`, `IP_distance`. */
  readonly feature: string;
  /** Second tuple element, e.g. `avg_2019-02-01 09:35:00`. */
  readonly window: string;
  /**
   * Window start as epoch milliseconds, reading the naive timestamp as UTC
   * (the files carry no zone; UTC keeps arithmetic free of DST jumps).
   */
  readonly start: number;
}

/** A non-value column: `host0`..`host7`, `is_src`, `is_anomaly`, or any other plain header. */
export interface MetaKey {
  readonly kind: 'meta';
  readonly header: string;
  readonly name: string;
}

/** Any column of a windowed table. */
export type ColumnKey = ValueKey | MetaKey;

/** The regular time grid of a run, inferred from its window starts. */
export interface WindowGrid {
  /** Pandas offset alias of the window length: `5T`, `10T`, `30T`, `1H`, ... */
  readonly freq: string;
  /** Window length in milliseconds. */
  readonly stepMs: number;
  /** Sorted distinct window starts, epoch ms (naive time read as UTC). */
  readonly starts: Float64Array;
}

/** Where in a file something was found; every parse error carries one. */
export interface FilePosition {
  readonly file: string;
  /** 1-based line number. */
  readonly line?: number;
  /** 1-based column (field) number, the index column being 1. */
  readonly column?: number;
}

/** An error in an input file, with the position a user needs to fix it. */
export class InputError extends Error {
  readonly position: FilePosition;
  constructor(position: FilePosition, message: string) {
    const where = [position.file, position.line, position.column].filter((part) => part !== undefined).join(':');
    super(`${where}: ${message}`);
    this.name = 'InputError';
    this.position = position;
  }
}

/**
 * A choice of the user that the inputs cannot honour (a reference run no run is named, two runs of
 * one name, no run at all): a one-line message, like an InputError, where no file position applies.
 * A RangeError, as these were before, so callers that caught those still do.
 */
export class ChoiceError extends RangeError {
  constructor(message: string) {
    super(message);
    this.name = 'ChoiceError';
  }
}

/** Formats epoch ms (naive time read as UTC) as `2019-02-01T09:35:00`, as the summary writes it. */
export function formatNaiveIso(ms: number): string {
  return new Date(ms).toISOString().slice(0, 19);
}

/** Formats epoch ms (naive time read as UTC) as `2019-02-01 09:35:00`, as pandas writes it. */
export function formatNaiveTimestamp(ms: number): string {
  return formatNaiveIso(ms).replace('T', ' ');
}

/**
 * The role a row label names by its suffix (`104.192.1.15source`, `2001:db8::7dst`),
 * or `undefined` when it names neither.
 */
export function roleOf(label: string): Role | undefined {
  if (label.endsWith('source')) return 'source';
  if (label.endsWith('dst')) return 'dst';
  return undefined;
}

/**
 * Statistics of every (row, window) value of one family for one group of rows and one role,
 * missing values skipped. `mean`, `max` and `nonzeroShare` are NaN when `values` is 0.
 */
export interface GroupStats {
  /** Rows in the group. */
  readonly ips: number;
  /** Non-missing values. */
  readonly values: number;
  readonly mean: number;
  readonly max: number;
  /** Share of non-missing values that are not 0. */
  readonly nonzeroShare: number;
}

/** Group statistics per role. */
export type RoleStats = Readonly<Record<Role, GroupStats>>;

/** Per family: statistics per role. */
export type FamilyStats = ReadonlyMap<string, RoleStats>;

/** Anomalous rows (the reference run) or normal rows (the rest of the full dataset). */
export type Group = 'anomalous' | 'normal';

/** One cell of a family's evidence: how one group of one role behaves. */
export interface EvidenceCell {
  readonly group: Group;
  readonly role: Role;
  /** Rows behind the figures (for normal medians and p95: the sample's rows). */
  readonly ips: number;
  readonly mean: number;
  readonly median: number;
  readonly p95: number;
  readonly max: number;
  /** Share of non-missing (row, window) values that are not 0. */
  readonly nonzeroShare: number;
}

/** Anomalous vs normal, source vs destination, for one family: four cells, group-major. */
export interface FamilyEvidence {
  readonly family: string;
  readonly cells: readonly EvidenceCell[];
}

/** A statistic as JSON allows it: NaN → null, ±Infinity → "Infinity" / "-Infinity". */
export type JsonNumber = number | null | 'Infinity' | '-Infinity';

/** Converts a statistic to its JSON form (see JsonNumber). */
export function jsonNumber(x: number): JsonNumber {
  if (Number.isNaN(x)) return null;
  if (x === Infinity) return 'Infinity';
  if (x === -Infinity) return '-Infinity';
  return x;
}
