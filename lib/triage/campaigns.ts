/**
 * Campaigns: anomalous IPs that deviate the same way. Each IP is a vector of its signed family
 * scores (lib/triage/reasons.ts: + high, − low); IPs are clustered hierarchically (Ward's linkage on
 * Euclidean distance, by the nearest-neighbour chain: O(n²) time and memory), rows are ordered by
 * the dendrogram so that similar IPs sit together, and the tree is cut into the number of groups
 * with the best mean silhouette. Each group is named by its size, its roles and the families that
 * define it (where it stands out most against the other anomalous IPs). Pure: explanations in,
 * groups out.
 */
import { type RowExplanation, STANDOUT } from './reasons';
import type { Role } from '../types';

/** Scores beyond this are capped in the clustering (an infinite score would swallow every distance). */
export const SCORE_CAP = 50;

/** IPs × families of signed deviation scores. */
export interface DeviationMatrix {
  readonly labels: readonly string[];
  readonly roles: readonly Role[];
  readonly families: readonly string[];
  /** Row-major, labels × families: +score for a high deviation, −score for a low one, capped at ±SCORE_CAP. */
  readonly values: Float64Array;
}

/** The signed, capped family scores of explained rows (families: the union, in first-seen order). */
export function deviationMatrix(explanations: readonly RowExplanation[]): DeviationMatrix {
  const families = [...new Set(explanations.flatMap((e) => e.families.map((f) => f.family)))];
  const column = new Map(families.map((f, j) => [f, j]));
  const values = new Float64Array(explanations.length * families.length);
  explanations.forEach((e, i) => {
    for (const d of e.families) {
      const capped = Math.min(d.score, SCORE_CAP);
      values[i * families.length + column.get(d.family)!] = d.direction === 'high' ? capped : -capped;
    }
  });
  return { labels: explanations.map((e) => e.label), roles: explanations.map((e) => e.role), families, values };
}

/** One merge of the hierarchical clustering: clusters `a` and `b` (ids; leaves are 0..n−1) at `height`. */
export interface Merge {
  readonly a: number;
  readonly b: number;
  readonly height: number;
  /** Id of the new cluster: n + the merge's position in height order. */
  readonly id: number;
  readonly size: number;
}

/**
 * Ward's hierarchical clustering of the rows of a row-major matrix (Euclidean), by the
 * nearest-neighbour chain algorithm. Merges come back by increasing height (Ward's distance:
 * the increase in within-cluster sum of squares, as a distance √(2·Δ)).
 */
export function wardClustering(values: Float64Array, rows: number, cols: number): Merge[] {
  if (rows < 2) return [];
  const d = squaredDistances(values, rows, cols);
  const size = new Float64Array(rows).fill(1);
  const active = new Uint8Array(rows).fill(1);
  /** The cluster id each slot currently holds. */
  const idOf = Int32Array.from({ length: rows }, (_, i) => i);
  const raw: { a: number; b: number; height: number; size: number; slot: number }[] = [];
  const chain: number[] = [];
  let remaining = rows;
  while (remaining > 1) {
    if (chain.length === 0) chain.push(active.indexOf(1));
    const a = chain[chain.length - 1];
    const previous = chain.length > 1 ? chain[chain.length - 2] : -1;
    let best = previous;
    let bestD = previous >= 0 ? d[a * rows + previous] : Infinity;
    for (let x = 0; x < rows; x++) {
      if (!active[x] || x === a) continue;
      const dx = d[a * rows + x];
      if (dx < bestD || (dx === bestD && x < best && best !== previous)) {
        best = x;
        bestD = dx;
      }
    }
    if (best !== previous) {
      chain.push(best);
      continue;
    }
    // a and previous are reciprocal nearest neighbours: merge them into slot min(a, previous).
    chain.pop();
    chain.pop();
    const [keep, drop] = a < previous ? [a, previous] : [previous, a];
    const ni = size[keep];
    const nj = size[drop];
    const dij = d[keep * rows + drop];
    for (let x = 0; x < rows; x++) {
      if (!active[x] || x === keep || x === drop) continue;
      const nk = size[x];
      const updated = ((ni + nk) * d[x * rows + keep] + (nj + nk) * d[x * rows + drop] - nk * dij) / (ni + nj + nk);
      d[x * rows + keep] = updated;
      d[keep * rows + x] = updated;
    }
    raw.push({ a: idOf[keep], b: idOf[drop], height: Math.sqrt(Math.max(0, dij)), size: ni + nj, slot: keep });
    size[keep] = ni + nj;
    active[drop] = 0;
    remaining--;
    idOf[keep] = -raw.length; // provisional id of the merge (renumbered below)
  }
  // Renumber merges by height (stable), as a dendrogram lists them.
  const order = raw.map((_, k) => k).sort((x, y) => raw[x].height - raw[y].height || x - y);
  const newId = new Int32Array(raw.length);
  order.forEach((k, position) => {
    newId[k] = rows + position;
  });
  const resolve = (id: number): number => (id < 0 ? newId[-id - 1] : id);
  return order.map((k) => ({
    a: resolve(raw[k].a),
    b: resolve(raw[k].b),
    height: raw[k].height,
    id: newId[k],
    size: raw[k].size,
  }));
}

/** The leaves of a dendrogram in display order (each merge lists its larger child first). */
export function leafOrder(merges: readonly Merge[], rows: number): number[] {
  if (rows === 0) return [];
  if (merges.length === 0) return Array.from({ length: rows }, (_, i) => i);
  const byId = new Map(merges.map((m) => [m.id, m]));
  const sizeOf = (id: number): number => (id < rows ? 1 : byId.get(id)!.size);
  const out: number[] = [];
  const stack = [merges[merges.length - 1].id];
  while (stack.length > 0) {
    const id = stack.pop()!;
    if (id < rows) {
      out.push(id);
      continue;
    }
    const m = byId.get(id)!;
    const [first, second] = sizeOf(m.a) >= sizeOf(m.b) ? [m.a, m.b] : [m.b, m.a];
    stack.push(second, first);
  }
  return out;
}

/** Group of each row when the tree is cut into `k` groups (the first rows − k merges applied); ids 0..k−1 by first row. */
export function cutTree(merges: readonly Merge[], rows: number, k: number): Int32Array {
  const parent = Int32Array.from({ length: rows + merges.length }, (_, i) => i);
  const find = (x: number): number => {
    while (parent[x] !== x) x = parent[x] = parent[parent[x]];
    return x;
  };
  for (const m of merges.slice(0, Math.max(0, rows - k))) {
    parent[find(m.a)] = m.id;
    parent[find(m.b)] = m.id;
  }
  const ids = new Map<number, number>();
  return Int32Array.from({ length: rows }, (_, i) => {
    const root = find(i);
    if (!ids.has(root)) ids.set(root, ids.size);
    return ids.get(root)!;
  });
}

/** Squared Euclidean distances between the rows of a row-major matrix, as a full n × n matrix (n ≤ a few thousand). */
function squaredDistances(values: Float64Array, rows: number, cols: number): Float64Array {
  const d = new Float64Array(rows * rows);
  for (let i = 0; i < rows; i++) {
    for (let j = i + 1; j < rows; j++) {
      let s = 0;
      for (let c = 0; c < cols; c++) {
        const diff = values[i * cols + c] - values[j * cols + c];
        s += diff * diff;
      }
      d[i * rows + j] = s;
      d[j * rows + i] = s;
    }
  }
  return d;
}

/** Euclidean distances between the rows of a row-major matrix (n × n, row-major). */
export function distanceMatrix(values: Float64Array, rows: number, cols: number): Float64Array {
  const d = squaredDistances(values, rows, cols);
  for (let k = 0; k < d.length; k++) d[k] = Math.sqrt(d[k]);
  return d;
}

/** The mean silhouette of a grouping, from the rows' distances: near 1 when groups are tight and apart. */
export function meanSilhouette(distances: Float64Array, rows: number, groups: Int32Array): number {
  const k = Math.max(...groups) + 1;
  if (k < 2 || rows < 3) return 0;
  const count = new Float64Array(k);
  for (const g of groups) count[g]++;
  let total = 0;
  const sums = new Float64Array(k);
  for (let i = 0; i < rows; i++) {
    sums.fill(0);
    for (let j = 0; j < rows; j++) if (i !== j) sums[groups[j]] += distances[i * rows + j];
    const own = groups[i];
    if (count[own] <= 1) continue; // a singleton's silhouette is 0
    const a = sums[own] / (count[own] - 1);
    let b = Infinity;
    for (let g = 0; g < k; g++) if (g !== own && count[g] > 0) b = Math.min(b, sums[g] / count[g]);
    total += b > a ? 1 - a / b : a > b ? b / a - 1 : 0;
  }
  return total / rows;
}

/** One family that sets a group apart. */
export interface DefiningFamily {
  readonly family: string;
  readonly direction: 'high' | 'low';
  /** The group's mean signed score in the family. */
  readonly mean: number;
}

/** A group of IPs that deviate alike. */
export interface CampaignGroup {
  /** A, B, C... in display order. */
  readonly name: string;
  readonly size: number;
  readonly roles: Readonly<Record<Role, number>>;
  /**
   * Up to three families that set the group apart: where its mean score stands out (|mean| ≥
   * STANDOUT) and differs most from the other IPs' mean, in the same direction.
   */
  readonly defining: readonly DefiningFamily[];
  /** Rows of the matrix in the group, in display order. */
  readonly rows: readonly number[];
  /** `A · 41 IPs (41 source): high std_Port1_last_1, high std_IP_distance` */
  readonly title: string;
}

/** The campaigns of a set of anomalous IPs. */
export interface Campaigns {
  readonly matrix: DeviationMatrix;
  /** Matrix rows in display order (similar IPs together, groups contiguous). */
  readonly order: readonly number[];
  /** Group of each matrix row (index into `groups`). */
  readonly groupOf: Int32Array;
  readonly groups: readonly CampaignGroup[];
  /** The mean silhouette of the chosen cut. */
  readonly silhouette: number;
}

/** Options of {@link findCampaigns}. */
export interface CampaignOptions {
  /** Groups to cut into; default: the count in 2..maxGroups with the best mean silhouette. */
  readonly groups?: number;
  /** Most groups tried. Default 12. */
  readonly maxGroups?: number;
}

function defineGroup(matrix: DeviationMatrix, rows: readonly number[]): DefiningFamily[] {
  const nf = matrix.families.length;
  const n = matrix.labels.length;
  const inGroup = new Set(rows);
  const ranked = matrix.families
    .map((family, j) => {
      let inside = 0;
      let outside = 0;
      for (let r = 0; r < n; r++) {
        if (inGroup.has(r)) inside += matrix.values[r * nf + j];
        else outside += matrix.values[r * nf + j];
      }
      const mean = inside / rows.length;
      const contrast = mean - (n > rows.length ? outside / (n - rows.length) : 0);
      return { family, mean, contrast };
    })
    .sort((a, b) => Math.abs(b.contrast) - Math.abs(a.contrast));
  // What sets the group apart from the other anomalous IPs, among the families where it stands out.
  const strong = ranked
    .filter((m) => Math.abs(m.mean) >= STANDOUT && Math.sign(m.contrast) === Math.sign(m.mean))
    .slice(0, 3);
  const chosen = strong.length > 0 ? strong : ranked.filter((m) => m.mean !== 0).slice(0, 1);
  return chosen.map((m) => ({ family: m.family, direction: m.mean >= 0 ? 'high' : 'low', mean: m.mean }));
}

/** Clusters explained rows into campaigns (see the module's doc). */
export function findCampaigns(explanations: readonly RowExplanation[], options: CampaignOptions = {}): Campaigns {
  const matrix = deviationMatrix(explanations);
  const n = matrix.labels.length;
  const nf = matrix.families.length;
  const merges = wardClustering(matrix.values, n, nf);
  const order = leafOrder(merges, n);
  let k = Math.min(options.groups ?? 0, n);
  let silhouette = 0;
  const distances = distanceMatrix(matrix.values, n, nf);
  if (!options.groups) {
    k = Math.min(n, 1);
    const most = Math.min(options.maxGroups ?? 12, n - 1);
    let best = -Infinity;
    for (let g = 2; g <= most; g++) {
      const s = meanSilhouette(distances, n, cutTree(merges, n, g));
      if (s > best + 1e-12) {
        best = s;
        k = g;
      }
    }
    silhouette = Number.isFinite(best) ? best : 0;
  } else {
    silhouette = meanSilhouette(distances, n, cutTree(merges, n, k));
  }
  const raw = cutTree(merges, n, Math.max(1, k));
  // Groups renamed A, B, C... in display order.
  const rename = new Map<number, number>();
  for (const r of order) if (!rename.has(raw[r])) rename.set(raw[r], rename.size);
  const groupOf = Int32Array.from(raw, (g) => rename.get(g)!);
  const groups: CampaignGroup[] = Array.from({ length: rename.size }, (_, g) => {
    const rows = order.filter((r) => groupOf[r] === g);
    const roles = {
      source: rows.filter((r) => matrix.roles[r] === 'source').length,
      dst: rows.filter((r) => matrix.roles[r] === 'dst').length,
    };
    const defining = defineGroup(matrix, rows);
    const name = groupName(g);
    const roleText = [roles.source ? `${roles.source} source` : '', roles.dst ? `${roles.dst} dst` : '']
      .filter(Boolean)
      .join(', ');
    const families =
      defining.length > 0 ? defining.map((d) => `${d.direction} ${d.family}`).join(', ') : 'no family stands out';
    return {
      name,
      size: rows.length,
      roles,
      defining,
      rows,
      title: `${name} · ${rows.length} IP${rows.length === 1 ? '' : 's'} (${roleText}): ${families}`,
    };
  });
  return { matrix, order, groupOf, groups, silhouette };
}

/** A, B, ..., Z, AA, AB, ... */
function groupName(g: number): string {
  let name = '';
  let x = g;
  do {
    name = String.fromCharCode(65 + (x % 26)) + name;
    x = Math.floor(x / 26) - 1;
  } while (x >= 0);
  return name;
}
