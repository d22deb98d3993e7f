/**
 * How rare one row's behaviour in one family is, on one scale for every family: log10 of one over
 * a probability, for the best run of consecutive windows of each kind of deviation.
 *
 * - vs-normal (`high`/`low`): in each window where the row is active, the tail probability p of its
 *   value among the normal rows of its role (lib/triage/tails.ts). A run of L consecutive active
 *   windows counts as its weakest window's p raised to L (how likely L independent windows all are
 *   at least that extreme), so a deviation that lasts outweighs a one-window spike of the same
 *   height. The best run is the largest rectangle under the windows' −log10 p.
 * - vs-own-history `high` (a rise): among the row's own active windows, L consecutive ones whose
 *   weakest value is still among the row's g highest: p = C(g, L) / C(n, L), the chance that L
 *   windows drawn at random from the n are all among those g (L ≥ 2: a rise that lasts, not a spike).
 * - vs-own-history `low` (silence): the row is silent in the family over L consecutive windows
 *   after being active in k of n: p = C(n − L, k) / C(n, k), the chance that k active windows drawn
 *   at random all avoid that stretch. For the activity family the windows are all of them; for
 *   the others, the windows where the row is active.
 */

/** One kind of deviation of one family, at its best run of windows. */
export interface RunDeviation {
  readonly kind: 'vs-normal' | 'vs-own-history';
  readonly direction: 'high' | 'low';
  /** −log10 of the run's probability (before the correction for the cells tried). */
  readonly rarity: number;
  /** First and last window (indices into the row's windows) of the run. */
  readonly from: number;
  readonly to: number;
  /** Windows in the run that count (active ones). */
  readonly length: number;
  /** vs-own-history: the row's active windows in the family (k) among the windows considered (n). */
  readonly active?: number;
  readonly considered?: number;
  /** vs-own-history high: the run's weakest value ÷ the row's own median value in its other active windows. */
  readonly ratio?: number;
}

/** Longest run a rise against the row's own history is looked for over (2 hours of 5-minute windows). */
export const MAX_RISE_WINDOWS = 24;
/**
 * A window counts towards a vs-normal run only when its tail probability is at most this: an IP
 * that sits a little above most normal IPs all day long (a busy but normal IP) is no run of rare
 * windows, however long.
 */
export const CELL_TAIL = 0.01;
/** Active windows a row needs before its own history is a reference. */
export const MIN_HISTORY = 8;

const LOG10_FACTORIAL: number[] = [0];
function log10Factorial(n: number): number {
  for (let k = LOG10_FACTORIAL.length; k <= n; k++) LOG10_FACTORIAL.push(LOG10_FACTORIAL[k - 1] + Math.log10(k));
  return LOG10_FACTORIAL[n];
}
/** log10 of the binomial coefficient C(n, k) (−Infinity when k > n). */
export function log10Choose(n: number, k: number): number {
  if (k < 0 || k > n) return -Infinity;
  return log10Factorial(n) - log10Factorial(k) - log10Factorial(n - k);
}

let heightScratch = new Float64Array(0);
let positionsScratch = new Int32Array(0);
/** A reusable array of at least `n` window positions (runDeviations is called for every family of every row). */
function positionScratch(n: number): Int32Array {
  if (positionsScratch.length < n) positionsScratch = new Int32Array(2 * n);
  return positionsScratch;
}
let stackScratch = new Int32Array(0);

/**
 * The largest rectangle under a sequence of non-negative heights: the run [from, to] maximising
 * (to − from + 1) × its lowest height (ties: the longer run, then the earlier).
 */
export function largestRun(heights: ArrayLike<number>, n: number): { area: number; from: number; to: number } {
  if (stackScratch.length < n + 1) stackScratch = new Int32Array(2 * n + 2);
  const stack = stackScratch;
  let top = 0;
  let best = { area: 0, from: -1, to: -1 };
  for (let i = 0; i <= n; i++) {
    const h = i < n ? heights[i] : -1;
    while (top > 0 && heights[stack[top - 1]] >= h) {
      const k = stack[--top];
      const left = top > 0 ? stack[top - 1] + 1 : 0;
      const area = heights[k] * (i - left);
      if (heights[k] > 0 && (area > best.area || (area === best.area && i - left > best.to - best.from + 1)))
        best = { area, from: left, to: i - 1 };
    }
    stack[top++] = i;
  }
  return best;
}

/** What `runDeviations` reads of one row in one family. */
export interface FamilyRow {
  /** The row's values in the family, one per window (NaN: missing). */
  readonly values: ArrayLike<number>;
  /** Whether the row is active in each window (from its activity family). */
  readonly active: Uint8Array;
  /** True for the activity family itself (silence is then measured over every window). */
  readonly isActivity: boolean;
  /** Tail probability of the value of window w, high or low, against the normal rows (1: no evidence). */
  readonly tail: (w: number, x: number, high: boolean) => number;
  /** Runs of several windows (default true; false: single windows only, to test what duration brings). */
  readonly duration?: boolean;
  /** Deviations against the row's own history (default true). */
  readonly ownHistory?: boolean;
}

/** The best run of each kind and direction of one row in one family (absent kinds are left out). */
export function runDeviations(row: FamilyRow): RunDeviation[] {
  const { values, active } = row;
  const W = values.length;
  if (heightScratch.length < 2 * W) heightScratch = new Float64Array(4 * W);
  const positions = positionScratch(W);
  let n = 0;
  for (let w = 0; w < W; w++) if (active[w] && values[w] === values[w]) positions[n++] = w;
  const out: RunDeviation[] = [];
  if (n === 0) return out;
  // vs-normal, over the active windows: −log10 of each window's tail, high and low (a value in one
  // tail, p ≤ 1/2, cannot be in the other: one lookup where it is).
  const highs = heightScratch.subarray(0, n);
  const lows = heightScratch.subarray(W, W + n);
  let anyHigh = false;
  let anyLow = false;
  for (let k = 0; k < n; k++) {
    const w = positions[k];
    const x = values[w];
    const up = x === 0 ? 1 : row.tail(w, x, true);
    const down = x === 0 || up <= 0.5 ? 1 : row.tail(w, x, false);
    highs[k] = up <= CELL_TAIL ? -Math.log10(up) : 0;
    lows[k] = down <= CELL_TAIL ? -Math.log10(down) : 0;
    if (highs[k] > 0) anyHigh = true;
    if (lows[k] > 0) anyLow = true;
  }
  for (const high of [true, false]) {
    const h = high ? highs : lows;
    if (!(high ? anyHigh : anyLow)) continue;
    const run = row.duration === false ? tallest(h, n) : largestRun(h, n);
    if (run.from < 0) continue;
    out.push({
      kind: 'vs-normal',
      direction: high ? 'high' : 'low',
      rarity: run.area,
      from: positions[run.from],
      to: positions[run.to],
      length: run.to - run.from + 1,
    });
  }
  if (row.ownHistory === false) return out;
  const longest = row.duration === false ? 1 : MAX_RISE_WINDOWS;
  // vs-own-history: silence.
  const where = positions.subarray(0, n);
  const silence = silenceRun(row, where, longest === 1);
  if (silence) out.push(silence);
  // vs-own-history: a lasting rise among the row's own active windows.
  const rise = riseRun(values, where, longest);
  if (rise) out.push(rise);
  return out;
}

/** The single tallest window (ties: the first). */
function tallest(heights: ArrayLike<number>, n: number): { area: number; from: number; to: number } {
  let best = { area: 0, from: -1, to: -1 };
  for (let i = 0; i < n; i++) if (heights[i] > best.area) best = { area: heights[i], from: i, to: i };
  return best;
}

function silenceRun(row: FamilyRow, positions: Int32Array, single: boolean): RunDeviation | undefined {
  const { values } = row;
  // The row's lifetime: from its first to its last active window (silence before or after is no silence).
  const windows =
    row.isActivity && positions.length > 0
      ? Int32Array.from({ length: positions[positions.length - 1] - positions[0] + 1 }, (_, i) => positions[0] + i)
      : positions;
  const n = windows.length;
  let k = 0;
  for (const w of windows) if (values[w] !== 0 && !Number.isNaN(values[w])) k++;
  if (k < 2 || n - k < 1) return undefined;
  let best: RunDeviation | undefined;
  let runStart = -1;
  for (let i = 0; i <= n; i++) {
    const silent = i < n && values[windows[i]] === 0;
    if (silent) {
      if (runStart < 0) runStart = i;
      continue;
    }
    if (runStart < 0) continue;
    const L = single ? 1 : i - runStart;
    const rarity = log10Choose(n, k) - log10Choose(n - L, k);
    if (!best || rarity > best.rarity)
      best = {
        kind: 'vs-own-history',
        direction: 'low',
        rarity,
        from: windows[runStart],
        to: windows[runStart + L - 1],
        length: L,
        active: k,
        considered: n,
      };
    runStart = -1;
  }
  return best;
}

/** Reusable arrays of riseRun (called for every family of every row): the values, their order, their ranks. */
let riseValues = new Float64Array(0);
let riseOrder = new Int32Array(0);
let riseRanks = new Int32Array(0);

/** Sorts the indices `order[0 .. n)` by ascending `x` (insertion sort: n is at most the windows of a row). */
function sortOrder(order: Int32Array, x: Float64Array, n: number): void {
  for (let i = 0; i < n; i++) {
    const k = i;
    const v = x[k];
    let j = i - 1;
    while (j >= 0 && x[order[j]] > v) {
      order[j + 1] = order[j];
      j--;
    }
    order[j + 1] = k;
  }
}

function riseRun(values: ArrayLike<number>, positions: Int32Array, longest: number): RunDeviation | undefined {
  const n = positions.length;
  if (n < MIN_HISTORY) return undefined;
  if (riseValues.length < n) {
    riseValues = new Float64Array(2 * n);
    riseOrder = new Int32Array(2 * n);
    riseRanks = new Int32Array(2 * n);
  }
  const x = riseValues;
  let positive = 0;
  for (let k = 0; k < n; k++) if ((x[k] = values[positions[k]]) > 0) positive++;
  // A family the row seldom uses where it is active has no level of its own to rise over.
  if (positive < MIN_HISTORY) return undefined;
  const order = riseOrder;
  sortOrder(order, x, n);
  const median = x[order[(n - 1) >> 1]];
  /** Values at or above each window's value (its rank from the top, ties counted in). */
  const atOrAbove = riseRanks;
  let firstEqual = 0;
  for (let p = 0; p < n; p++) {
    if (p > 0 && x[order[p]] !== x[order[p - 1]]) firstEqual = p;
    atOrAbove[order[p]] = n - firstEqual;
  }
  let bestRarity = Number.NEGATIVE_INFINITY;
  let bestFrom = -1;
  let bestTo = -1;
  let bestWeakest = -1;
  for (let i = 0; i < n; i++) {
    if (!(x[i] > median)) continue;
    let weakest = i;
    for (let L = 1; L <= longest && i + L - 1 < n; L++) {
      const j = i + L - 1;
      if (!(x[j] > median)) break;
      if (x[j] < x[weakest]) weakest = j;
      if (L < Math.min(2, longest)) continue;
      const rarity = log10Choose(n, L) - log10Choose(atOrAbove[weakest], L);
      if (
        bestFrom < 0 ||
        rarity > bestRarity + 1e-12 ||
        (Math.abs(rarity - bestRarity) <= 1e-12 && j - i > bestTo - bestFrom)
      ) {
        bestRarity = rarity;
        bestFrom = i;
        bestTo = j;
        bestWeakest = weakest;
      }
    }
  }
  if (bestFrom < 0 || !(bestRarity > 0)) return undefined;
  const from = bestFrom;
  const to = bestTo;
  const length = to - from + 1;
  // The row's own median in its other active windows. The run's values are all above the median,
  // so taking them out leaves the lower half of the sorted values as it is: the median of the
  // n − length others is the ((n − length − 1) >> 1)-th smallest value of all n.
  const ownMedian = x[order[(n - length - 1) >> 1]];
  return {
    kind: 'vs-own-history',
    direction: 'high',
    rarity: bestRarity,
    from: positions[from],
    to: positions[to],
    length,
    active: n,
    considered: n,
    ratio: ownMedian > 0 ? x[bestWeakest] / ownMedian : Infinity,
  };
}
