/**
 * Evidence beside each finding: how one feature family behaves for anomalous vs normal rows,
 * source vs destination, computed from the data at hand. Pure functions, no I/O.
 *
 * Also the small numeric helpers the findings' checks share (exact quantiles, Pearson correlation,
 * group timelines). Strings from files reach markdown through html.ts's escapeMarkdown.
 */
import type { Frame } from '../table/frame';
import { escapeMarkdown } from '../html';
import { type EvidenceCell, type FamilyEvidence, type FamilyStats, type Group, type Role, ROLES } from '../types';

/** One evidence cell with the provenance a reader needs to judge it. */
export interface EvidenceCellDetail extends EvidenceCell {
  /** Non-missing (row, window) values behind `median` and `p95`. */
  readonly values: number;
  /**
   * Where `mean`, `max` and `nonzeroShare` come from: `'all normal rows'` when the full dataset's
   * statistics were given for a normal cell, else `'rows shown'` (the anomalous rows, or the sample).
   */
  readonly summaryFrom: 'all normal rows' | 'rows shown';
  /** Rows behind `mean`, `max` and `nonzeroShare` (all normal rows when `summaryFrom` says so). */
  readonly summaryIps: number;
  /** Mean over the non-zero values only (`mean / nonzeroShare`): the level while an IP is active. */
  readonly activeMean: number;
}

/** A family's evidence with detailed cells, group-major: anomalous source, anomalous dst, normal source, normal dst. */
export interface FamilyEvidenceDetail extends FamilyEvidence {
  readonly cells: readonly EvidenceCellDetail[];
}

/** Groups in the order the evidence lists them. */
export const GROUPS: readonly Group[] = ['anomalous', 'normal'];

/**
 * Exact quantile `q` (0..1) of ascending-sorted numbers, interpolating linearly between the two
 * nearest ranks (numpy's and pandas' default). Empty input gives NaN.
 */
export function quantileSorted(sorted: ArrayLike<number>, q: number): number {
  const n = sorted.length;
  if (n === 0) return NaN;
  const pos = (n - 1) * Math.min(1, Math.max(0, q));
  const lo = Math.floor(pos);
  const hi = Math.min(n - 1, lo + 1);
  const frac = pos - lo;
  if (frac === 0 || sorted[lo] === sorted[hi]) return sorted[lo];
  return sorted[lo] + (sorted[hi] - sorted[lo]) * frac;
}

/** Every non-missing value of `family` over the given rows (all windows), as a new Float64Array. */
export function familyValues(frame: Frame, family: string, rows: ArrayLike<number>): Float64Array {
  const { columns } = frame.family(family);
  const read = frame.picker(columns);
  const nw = columns.length;
  const out = new Float64Array(rows.length * nw);
  const row = new Float64Array(nw);
  let n = 0;
  for (let i = 0; i < rows.length; i++) {
    read(rows[i], row);
    for (let w = 0; w < nw; w++) {
      const v = row[w];
      if (v === v) out[n++] = v; // skips NaN
    }
  }
  return out.slice(0, n);
}

/**
 * Moves the k-th smallest of `a[lo..hi]` to `a[k]`, smaller ones before it, larger ones after
 * (Hoare's quickselect): the one selection behind {@link quantiles} and the findings' medians.
 */
export function selectInPlace(a: Float64Array, k: number, lo: number, hi: number): void {
  while (hi > lo) {
    const x = a[lo];
    const y = a[(lo + hi) >> 1];
    const z = a[hi];
    const pivot = x < y ? (y < z ? y : Math.max(x, z)) : x < z ? x : Math.max(y, z);
    let i = lo;
    let j = hi;
    while (i <= j) {
      while (a[i] < pivot) i++;
      while (a[j] > pivot) j--;
      if (i <= j) {
        const t = a[i];
        a[i] = a[j];
        a[j] = t;
        i++;
        j--;
      }
    }
    if (k <= j) hi = j;
    else if (k >= i) lo = i;
    else return;
  }
}

/**
 * Exact quantiles of numbers without missing values, each as {@link quantileSorted} would give on
 * the sorted numbers, in linear time (quickselect on a copy; the input is not changed).
 */
export function quantiles(values: Float64Array, qs: readonly number[]): Float64Array {
  const n = values.length;
  const out = new Float64Array(qs.length).fill(NaN);
  if (n === 0) return out;
  const a = values.slice();
  const order = qs.map((q, i) => ({ q: Math.min(1, Math.max(0, q)), i })).sort((x, y) => x.q - y.q);
  let from = 0;
  let lastK = -1;
  for (const { q, i } of order) {
    const pos = (n - 1) * q;
    const k = Math.floor(pos);
    if (k !== lastK) {
      selectInPlace(a, k, Math.max(from, 0), n - 1);
      from = k + 1;
      lastK = k;
    }
    const frac = pos - k;
    if (frac === 0 || k + 1 >= n) {
      out[i] = a[k];
      continue;
    }
    let next = Infinity;
    for (let j = k + 1; j < n; j++) if (a[j] < next) next = a[j];
    out[i] = a[k] === next ? a[k] : a[k] + (next - a[k]) * frac;
  }
  return out;
}

/** Mean, max and share of non-zero values of a set of numbers; NaN for an empty set. */
function summarise(values: Float64Array): { mean: number; max: number; nonzeroShare: number } {
  if (values.length === 0) return { mean: NaN, max: NaN, nonzeroShare: NaN };
  let sum = 0;
  let max = -Infinity;
  let nonzero = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    sum += v;
    if (v > max) max = v;
    if (v !== 0) nonzero++;
  }
  return { mean: sum / values.length, max, nonzeroShare: nonzero / values.length };
}

function cellOfRows(
  group: Group,
  role: Role,
  frame: Frame,
  family: string,
  stats: FamilyStats | undefined,
): EvidenceCellDetail {
  const rows = frame.rowsWithRole(role);
  const values = familyValues(frame, family, rows);
  const [median, p95] = quantiles(values, [0.5, 0.95]);
  const own = summarise(values);
  const whole = group === 'normal' ? stats?.get(family)?.[role] : undefined;
  const summary = whole ?? own;
  const activeMean = summary.nonzeroShare > 0 ? summary.mean / summary.nonzeroShare : NaN;
  return {
    group,
    role,
    ips: rows.length,
    mean: summary.mean,
    median,
    p95,
    max: summary.max,
    nonzeroShare: summary.nonzeroShare,
    values: values.length,
    summaryFrom: whole ? 'all normal rows' : 'rows shown',
    summaryIps: whole ? whole.ips : rows.length,
    activeMean,
  };
}

/**
 * Evidence for one family: four cells (anomalous/normal × source/destination) of mean, median,
 * p95, max and share of non-zero values over every (row, window) value, missing values skipped.
 * Anomalous cells come from `anomalous`. Normal medians and p95 come from `normalSample` (exact
 * quantiles need the values); normal mean, max and non-zero share come from `normalStats` (ALL
 * normal rows) when it is given and holds the family, else from the sample — each cell's
 * `summaryFrom` says which. Throws a RangeError naming the known families if a frame lacks `family`.
 */
export function familyEvidence(
  family: string,
  anomalous: Frame,
  normalSample: Frame,
  normalStats?: FamilyStats,
): FamilyEvidenceDetail {
  const cells: EvidenceCellDetail[] = [];
  for (const role of ROLES) cells.push(cellOfRows('anomalous', role, anomalous, family, undefined));
  for (const role of ROLES) cells.push(cellOfRows('normal', role, normalSample, family, normalStats));
  return { family, cells };
}

/** The cell of one group and role; throws if the evidence lacks it. */
export function evidenceCell(ev: FamilyEvidenceDetail, group: Group, role: Role): EvidenceCellDetail;
export function evidenceCell(ev: FamilyEvidence, group: Group, role: Role): EvidenceCell;
export function evidenceCell(ev: FamilyEvidence, group: Group, role: Role): EvidenceCell {
  const cell = ev.cells.find((c) => c.group === group && c.role === role);
  if (!cell) throw new RangeError(`evidence for ${ev.family} has no ${group} ${role} cell`);
  return cell;
}

/**
 * A number formatted for a reader: three significant digits, thousands grouped, tiny or huge
 * values in exponent form, `–` for not-a-number, `∞` for infinities.
 */
export function humanNumber(x: number): string {
  if (Number.isNaN(x)) return '–';
  if (x === Infinity) return '∞';
  if (x === -Infinity) return '−∞';
  if (x === 0) return '0';
  const abs = Math.abs(x);
  if (abs >= 1e9 || abs < 1e-3) return x.toExponential(2).replace('e+', 'e');
  if (abs >= 1000) return groupThousands(Math.round(x));
  // Three significant digits, trailing zeros dropped: 61.2, 5.43, 0.0123, 44.
  return String(Number(x.toPrecision(3)));
}

/**
 * A whole number below 1e21 with its thousands grouped, as `toLocaleString('en-US')` writes it, but
 * without loading the locale data: that takes 0.05–0.15 s on each thread's first call.
 */
function groupThousands(whole: number): string {
  const digits = String(Math.abs(whole));
  const first = digits.length % 3 || 3;
  let out = digits.slice(0, first);
  for (let i = first; i < digits.length; i += 3) out += `,${digits.slice(i, i + 3)}`;
  return whole < 0 ? `-${out}` : out;
}

/** A share (0..1) as a percentage for a reader: `91%`, `0.4%`, `<0.1%`, `–` for not-a-number. */
export function humanShare(share: number): string {
  if (Number.isNaN(share)) return '–';
  if (share === 0) return '0%';
  const pct = share * 100;
  if (pct < 0.1) return '<0.1%';
  if (pct < 10) return `${Number(pct.toFixed(1))}%`;
  if (pct > 99 && pct < 100) return `${Number(pct.toFixed(1))}%`;
  return `${Math.round(pct)}%`;
}

const ROLE_WORD: Readonly<Record<Role, string>> = { source: 'source', dst: 'destination' };

/** `source` or `destination`: the role in plain English. */
export function roleWord(role: Role): string {
  return ROLE_WORD[role];
}

/** Options of {@link evidenceTableMarkdown}. */
export interface EvidenceTableOptions {
  /** Put a one-line caption naming the family above the table (default true). */
  readonly caption?: boolean;
}

/**
 * A compact markdown table of a family's evidence (rows: anomalous/normal × source/destination;
 * columns: IPs, mean, median, p95, max, non-zero share), numbers formatted for humans, followed by a
 * note saying which normal figures come from all normal rows and which from the sample.
 */
export function evidenceTableMarkdown(ev: FamilyEvidence, options: EvidenceTableOptions = {}): string {
  const lines: string[] = [];
  if (options.caption ?? true) lines.push(`**Evidence for ${escapeMarkdown(ev.family)}**`, '');
  lines.push('| group | IPs | mean | median | p95 | max | non-zero |', '|---|--:|--:|--:|--:|--:|--:|');
  for (const cell of ev.cells) {
    const detail = cell as Partial<EvidenceCellDetail>;
    const ips =
      detail.summaryFrom === 'all normal rows' && detail.summaryIps !== undefined
        ? `${humanNumber(detail.summaryIps)} (sample ${humanNumber(cell.ips)})`
        : humanNumber(cell.ips);
    lines.push(
      `| ${cell.group} ${roleWord(cell.role)} | ${ips} | ${humanNumber(cell.mean)} | ${humanNumber(cell.median)} | ` +
        `${humanNumber(cell.p95)} | ${humanNumber(cell.max)} | ${humanShare(cell.nonzeroShare)} |`,
    );
  }
  const normal = ev.cells.filter((c) => c.group === 'normal') as Partial<EvidenceCellDetail>[];
  const fromAll = normal.length > 0 && normal.every((c) => c.summaryFrom === 'all normal rows');
  lines.push(
    '',
    fromAll
      ? '_Over every (IP, window) value, silent windows included (so it mixes level and activity; the findings compare levels over active windows). Normal mean, max and non-zero share: all normal rows; normal median and p95: the sample._'
      : '_Over every (IP, window) value, silent windows included (so it mixes level and activity; the findings compare levels over active windows). Normal figures: the sample of normal rows._',
  );
  return lines.join('\n');
}

/** Pearson correlation of two equally long series over the positions where `use(i)` holds; NaN if fewer than 2 or constant. */
export function pearson(a: ArrayLike<number>, b: ArrayLike<number>, use?: (i: number) => boolean): number {
  let n = 0;
  let sa = 0;
  let sb = 0;
  for (let i = 0; i < a.length; i++) {
    if (use && !use(i)) continue;
    if (Number.isNaN(a[i]) || Number.isNaN(b[i])) continue;
    n++;
    sa += a[i];
    sb += b[i];
  }
  if (n < 2) return NaN;
  const ma = sa / n;
  const mb = sb / n;
  let cov = 0;
  let va = 0;
  let vb = 0;
  for (let i = 0; i < a.length; i++) {
    if (use && !use(i)) continue;
    if (Number.isNaN(a[i]) || Number.isNaN(b[i])) continue;
    const da = a[i] - ma;
    const db = b[i] - mb;
    cov += da * db;
    va += da * da;
    vb += db * db;
  }
  if (va === 0 || vb === 0) return NaN;
  return cov / Math.sqrt(va * vb);
}

/** The mean timeline (per window, missing values skipped) of a family over the rows of one role. */
export function groupTimeline(frame: Frame, family: string, role: Role): { starts: Float64Array; mean: Float64Array } {
  const view = frame.family(family);
  const rows = frame.rowsWithRole(role);
  const nw = view.columns.length;
  const sum = new Float64Array(nw);
  const count = new Float64Array(nw);
  for (const r of rows) {
    for (let w = 0; w < nw; w++) {
      const v = view.value(r, w);
      if (!Number.isNaN(v)) {
        sum[w] += v;
        count[w]++;
      }
    }
  }
  const mean = sum.map((s, w) => (count[w] > 0 ? s / count[w] : NaN));
  return { starts: view.starts, mean };
}
