/**
 * Campaigns: anomalous IPs that deviate alike, i.e. in the same families, the same direction, at
 * the same time. Each IP is the set of its deviating cells, (family, direction, window) for every
 * window in the span of each deviation above the calibrated line (lib/triage/reasons.ts); two IPs
 * are as alike as the Jaccard index of their sets. IPs are clustered by average linkage (the
 * nearest-neighbour chain: O(n²)) and a group is kept while its members share on average at least
 * `JOIN_SIMILARITY` of their cells, so unrelated IPs stay apart, an IP like no other is in no
 * campaign, and no catch-all group can form. A campaign is named by what its members share: the
 * families (with direction) most of them deviate in, and the windows most of them cover.
 */
import { type Role, formatNaiveIso } from '../types';
import type { RowExplanation, Triage } from './reasons';

/** Average Jaccard similarity of the cells two groups must share to be one campaign. */
export const JOIN_SIMILARITY = 0.5;
/** Scores beyond this are capped in the heatmap (an infinite score would wash out every colour). */
export const SCORE_CAP = 50;

/** IPs × family groups of signed deviation scores (the heatmap's matrix). */
export interface DeviationMatrix {
  readonly labels: readonly string[];
  readonly roles: readonly Role[];
  /** Group names (`packets`, `avg_Length`...). */
  readonly families: readonly string[];
  /** Row-major, labels × families: +score for high, −score for low, 0 below the line; capped at ±SCORE_CAP. */
  readonly values: Float64Array;
}

/** One family (group) that sets a campaign apart. */
export interface DefiningFamily {
  readonly family: string;
  /** The families it stands for (equal on every row). */
  readonly families: readonly string[];
  readonly direction: 'high' | 'low';
  /** Share of the members that deviate so. */
  readonly share: number;
}

/** A campaign: IPs that deviate alike. */
export interface CampaignGroup {
  /** `c1`, `c2`... in display order. */
  readonly id: string;
  /** Unique: what sets the group apart and when, e.g. `high packets and sum_Length, 14:05–15:30`. */
  readonly name: string;
  readonly size: number;
  readonly roles: Readonly<Record<Role, number>>;
  readonly defining: readonly DefiningFamily[];
  /** Starts (epoch ms) of the first and last window most members share; null when they share none. */
  readonly windows: { readonly from: number; readonly to: number } | null;
  /** Rows of the matrix in the campaign, in display order. */
  readonly rows: readonly number[];
  /** `c1 · 5 IPs (5 source): high packets and sum_Length, 14:05–15:30` */
  readonly title: string;
}

/** The campaigns of a set of explained IPs. */
export interface Campaigns {
  readonly matrix: DeviationMatrix;
  /** Matrix rows in display order: each campaign's members together, then the IPs in none. */
  readonly order: readonly number[];
  /** Campaign of each matrix row (index into `groups`), −1 for none. */
  readonly groupOf: Int32Array;
  readonly groups: readonly CampaignGroup[];
}

/** Options of {@link findCampaigns}. */
export interface CampaignOptions {
  /** Average similarity to join (default JOIN_SIMILARITY); 0 joins everything (the singleton rule off). */
  readonly joinSimilarity?: number;
}

/** The deviating cells of an explanation: sorted keys ((group × 2 + low) × windows + window). */
function cellsOf(
  e: RowExplanation,
  group: ReadonlyMap<string, number>,
  starts: ReadonlyMap<number, number>,
  W: number,
  line: number,
): Int32Array {
  const keys: number[] = [];
  for (const d of e.deviations) {
    if (!(d.score > line)) continue;
    const g = group.get(d.family);
    const a = starts.get(d.windows.from);
    const b = starts.get(d.windows.to);
    if (g === undefined || a === undefined || b === undefined) continue;
    const base = (g * 2 + (d.direction === 'low' ? 1 : 0)) * W;
    for (let w = a; w <= b; w++) keys.push(base + w);
  }
  return Int32Array.from(new Set(keys)).sort();
}

/** A key set as a bitset of `size` bits. */
function bitsetOf(keys: Int32Array, size: number): Uint32Array {
  const bits = new Uint32Array(Math.ceil(size / 32));
  for (const key of keys) bits[key >>> 5] |= 1 << (key & 31);
  return bits;
}

/** Set bits of a 32-bit word. */
function popcount(x: number): number {
  let v = x - ((x >>> 1) & 0x55555555);
  v = (v & 0x33333333) + ((v >>> 2) & 0x33333333);
  return (Math.imul((v + (v >>> 4)) & 0x0f0f0f0f, 0x01010101) >>> 24) & 0xff;
}

/** Jaccard index of two key sets given as bitsets with their sizes (0 when both are empty). */
function jaccard(a: Uint32Array, sizeA: number, b: Uint32Array, sizeB: number): number {
  let common = 0;
  for (let k = 0; k < a.length; k++) if (a[k] & b[k]) common += popcount(a[k] & b[k]);
  const union = sizeA + sizeB - common;
  return union > 0 ? common / union : 0;
}

/**
 * Average-linkage clustering of n items from a distance matrix (row-major, n × n; overwritten), by
 * the nearest-neighbour chain, cut at `limit`: items end in one cluster when they are joined by
 * merges at most `limit` apart (average linkage has no inversions, so this is the dendrogram's cut).
 * Returns each item's cluster (0..k−1) and the items in an order that keeps clusters together.
 */
export function averageLinkage(d: Float64Array, n: number, limit: number): { cluster: Int32Array; order: number[] } {
  const size = new Float64Array(n).fill(1);
  const active = new Uint8Array(n).fill(1);
  const parent = Int32Array.from({ length: n }, (_, i) => i);
  const find = (x: number): number => {
    while (parent[x] !== x) x = parent[x] = parent[parent[x]];
    return x;
  };
  const chain: number[] = [];
  let remaining = n;
  while (remaining > 1) {
    if (chain.length === 0) chain.push(active.indexOf(1));
    const a = chain[chain.length - 1];
    const previous = chain.length > 1 ? chain[chain.length - 2] : -1;
    let best = previous;
    let bestD = previous >= 0 ? d[a * n + previous] : Infinity;
    for (let x = 0; x < n; x++) {
      if (!active[x] || x === a) continue;
      const dx = d[a * n + x];
      if (dx < bestD) {
        best = x;
        bestD = dx;
      }
    }
    if (best !== previous) {
      chain.push(best);
      continue;
    }
    // a and previous are reciprocal nearest neighbours: merge them into the lower slot.
    chain.pop();
    chain.pop();
    const [keep, drop] = a < previous ? [a, previous] : [previous, a];
    const ni = size[keep];
    const nj = size[drop];
    for (let x = 0; x < n; x++) {
      if (!active[x] || x === keep || x === drop) continue;
      const updated = (ni * d[x * n + keep] + nj * d[x * n + drop]) / (ni + nj);
      d[x * n + keep] = updated;
      d[keep * n + x] = updated;
    }
    if (bestD <= limit) parent[find(drop)] = find(keep);
    size[keep] = ni + nj;
    active[drop] = 0;
    remaining--;
  }
  const ids = new Map<number, number>();
  const cluster = Int32Array.from({ length: n }, (_, i) => {
    const root = find(i);
    if (!ids.has(root)) ids.set(root, ids.size);
    return ids.get(root)!;
  });
  const order = Array.from({ length: n }, (_, i) => i).sort((x, y) => cluster[x] - cluster[y] || x - y);
  return { cluster, order };
}

function hhmm(ms: number): string {
  return new Date(ms).toISOString().slice(11, 16);
}

/** Groups IPs that deviate alike (see the module's doc). */
export function findCampaigns(triage: Triage, options: CampaignOptions = {}): Campaigns {
  const explanations = triage.explanations;
  const n = explanations.length;
  const groupIndex = new Map<string, number>();
  triage.groups.forEach((g, i) => {
    groupIndex.set(g.families[0], i);
  });
  const allStarts = [
    ...new Set(explanations.flatMap((e) => e.deviations.flatMap((d) => [d.windows.from, d.windows.to]))),
  ].sort((a, b) => a - b);
  // Window grid of the spans: every step from the first to the last start.
  const step = Number.isFinite(triage.stepMs) ? triage.stepMs : 1;
  const first = allStarts.length > 0 ? allStarts[0] : 0;
  const W = allStarts.length > 0 ? Math.round((allStarts[allStarts.length - 1] - first) / step) + 1 : 0;
  const startIndex = new Map<number, number>();
  for (let w = 0; w < W; w++) startIndex.set(first + w * step, w);
  const cells = explanations.map((e) => cellsOf(e, groupIndex, startIndex, W, triage.line));
  const bits = cells.map((keys) => bitsetOf(keys, triage.groups.length * 2 * W));
  const d = new Float64Array(n * n);
  for (let i = 0; i < n; i++)
    for (let j = i + 1; j < n; j++) {
      const distance =
        cells[i].length === 0 || cells[j].length === 0
          ? 1
          : 1 - jaccard(bits[i], cells[i].length, bits[j], cells[j].length);
      d[i * n + j] = distance;
      d[j * n + i] = distance;
    }
  const join = options.joinSimilarity ?? JOIN_SIMILARITY;
  const { cluster, order: linkageOrder } = averageLinkage(d, n, 1 - join);
  const sizes = new Map<number, number>();
  for (const c of cluster) sizes.set(c, (sizes.get(c) ?? 0) + 1);
  // Campaigns (two or more IPs) by size, then first member; the IPs in none after them.
  const ids = [...sizes.keys()].filter((c) => sizes.get(c)! >= 2);
  const firstAt = new Map<number, number>();
  linkageOrder.forEach((item, k) => {
    if (!firstAt.has(cluster[item])) firstAt.set(cluster[item], k);
  });
  ids.sort((a, b) => sizes.get(b)! - sizes.get(a)! || firstAt.get(a)! - firstAt.get(b)!);
  const groupOf = new Int32Array(n).fill(-1);
  const names = new Set<string>();
  const groups: CampaignGroup[] = ids.map((c, k) => {
    const rows = linkageOrder.filter((item) => cluster[item] === c);
    for (const r of rows) groupOf[r] = k;
    return describe(`c${k + 1}`, rows, explanations, cells, triage, W, first, step, names);
  });
  const order = [...groups.flatMap((g) => g.rows), ...linkageOrder.filter((r) => groupOf[r] < 0)];
  return { matrix: deviationMatrix(triage), order, groupOf, groups };
}

function describe(
  id: string,
  rows: readonly number[],
  explanations: readonly RowExplanation[],
  cells: readonly Int32Array[],
  triage: Triage,
  W: number,
  first: number,
  step: number,
  names: Set<string>,
): CampaignGroup {
  const half = rows.length / 2;
  const keyCount = new Map<number, number>();
  const cellCount = new Map<number, number>();
  for (const r of rows) {
    const keys = new Set<number>();
    for (const cell of cells[r]) {
      keys.add(Math.floor(cell / W));
      cellCount.set(cell, (cellCount.get(cell) ?? 0) + 1);
    }
    for (const key of keys) keyCount.set(key, (keyCount.get(key) ?? 0) + 1);
  }
  const shared = [...keyCount]
    .filter(([, count]) => count >= half)
    .sort((a, b) => b[1] - a[1] || a[0] - b[0])
    .slice(0, 3);
  const defining: DefiningFamily[] = shared.map(([key, count]) => {
    const group = triage.groups[key >> 1];
    return {
      family: group.name,
      families: group.families,
      direction: key & 1 ? 'low' : 'high',
      share: count / rows.length,
    };
  });
  const sharedKeys = new Set(shared.map(([key]) => key));
  let lo = Infinity;
  let hi = -Infinity;
  for (const [cell, count] of cellCount) {
    if (count < half || !sharedKeys.has(Math.floor(cell / W))) continue;
    lo = Math.min(lo, cell % W);
    hi = Math.max(hi, cell % W);
  }
  const windows = Number.isFinite(lo) ? { from: first + lo * step, to: first + hi * step } : null;
  const roles = {
    source: rows.filter((r) => explanations[r].role === 'source').length,
    dst: rows.filter((r) => explanations[r].role === 'dst').length,
  };
  const byDirection = (direction: string) => defining.filter((f) => f.direction === direction).map((f) => f.family);
  const parts = ['high', 'low']
    .map((direction) => {
      const list = byDirection(direction);
      return list.length === 0
        ? ''
        : `${direction} ${list.length > 1 ? `${list.slice(0, -1).join(', ')} and ${list[list.length - 1]}` : list[0]}`;
    })
    .filter(Boolean);
  let name = `${parts.length > 0 ? parts.join(', ') : 'alike'}${windows ? `, ${hhmm(windows.from)}–${hhmm(windows.to)}` : ''}`;
  if (names.has(name)) {
    const roleText = roles.source && roles.dst ? 'both roles' : roles.source ? 'source' : 'dst';
    name = `${name} (${roleText})`;
    for (let k = 2; names.has(name); k++) name = `${name.replace(/ #\d+$/, '')} #${k}`;
  }
  names.add(name);
  const roleText = [roles.source ? `${roles.source} source` : '', roles.dst ? `${roles.dst} dst` : '']
    .filter(Boolean)
    .join(', ');
  return {
    id,
    name,
    size: rows.length,
    roles,
    defining,
    windows,
    rows,
    title: `${id} · ${rows.length} IPs (${roleText}): ${name}`,
  };
}

/** The signed, capped scores of every IP's deviations above the line, per family group. */
export function deviationMatrix(triage: Triage): DeviationMatrix {
  const families = triage.groups.map((g) => g.name);
  const column = new Map(triage.groups.map((g, j) => [g.families[0], j]));
  const { explanations } = triage;
  const values = new Float64Array(explanations.length * families.length);
  explanations.forEach((e, i) => {
    for (const d of e.deviations) {
      const j = column.get(d.family);
      if (j === undefined || !(d.score > triage.line)) continue;
      const capped = Math.min(d.score, SCORE_CAP);
      const at = i * families.length + j;
      if (capped > Math.abs(values[at])) values[at] = d.direction === 'high' ? capped : -capped;
    }
  });
  return { labels: explanations.map((e) => e.label), roles: explanations.map((e) => e.role), families, values };
}

/** One entry of summary.json's `campaigns` (version 3). */
export interface CampaignJson {
  id: string;
  name: string;
  members: string[];
  /** The families that set the campaign apart (the first of each group of equal ones). */
  families: string[];
  /** Starts (`2019-02-01T14:05:00`) of the first and last window most members share; null when none. */
  windows: { from: string; to: string } | null;
}

/** summary.json's `campaigns`: each campaign with its members (in display order). */
export function campaignsJson(campaigns: Campaigns): CampaignJson[] {
  return campaigns.groups.map((g) => ({
    id: g.id,
    name: g.name,
    members: g.rows.map((r) => campaigns.matrix.labels[r]),
    families: g.defining.map((d) => d.families[0]),
    windows: g.windows ? { from: formatNaiveIso(g.windows.from), to: formatNaiveIso(g.windows.to) } : null,
  }));
}
