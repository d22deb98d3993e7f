/**
 * Null groups: what a finding's statistic looks like when the "anomalous" IPs are ordinary ones.
 * A ✔ needs the real group to go beyond the 95th percentile of both:
 * - random groups: the same number of normal IPs of the same role, drawn uniformly;
 * - activity-matched groups: for each anomalous IP, a distinct normal IP of the same role whose share
 *   of active windows is nearest to its own (busy IPs differ from quiet ones in many ways; a finding
 *   about anomalies must beat the busiest normal IPs too).
 * And, for statements within one group, label permutations and circular time shifts.
 * A statistic is handed its group in memory that the next draw reuses: it reads it, never keeps it.
 */
import { type Random, drawPositionsInto, randomIndex } from './random';

/** Draws per null (p-values in steps of 1/200). */
export const NULL_DRAWS = 199;
/** The null's quantile a ✔ must exceed. */
export const NULL_QUANTILE = 0.95;
/** Candidates an activity match picks from at random. */
export const MATCH_WIDTH = 5;
/** Fewer finite draws than this and the null cannot be trusted (reported as not reached). */
const MIN_DRAWS = 20;

/** The upper {@link NULL_QUANTILE} of finite draws (Infinity when too few are finite: nothing can beat it). */
export function upperQuantile(draws: ArrayLike<number>): number {
  const finite: number[] = [];
  for (let i = 0; i < draws.length; i++) if (!Number.isNaN(draws[i])) finite.push(draws[i]);
  if (finite.length < MIN_DRAWS) return Infinity;
  finite.sort((a, b) => a - b);
  return finite[Math.min(finite.length - 1, Math.ceil(NULL_QUANTILE * finite.length) - 1)];
}

/** The 95th percentile of `statistic` over random groups of `size` positions in a pool of `poolSize`. */
export function randomGroupsBand(
  random: Random,
  poolSize: number,
  size: number,
  statistic: (group: Int32Array) => number,
): number {
  if (poolSize === 0 || size === 0) return Infinity;
  const draws = new Float64Array(NULL_DRAWS);
  const group = new Int32Array(size);
  for (let d = 0; d < NULL_DRAWS; d++) draws[d] = statistic(drawPositionsInto(random, poolSize, group));
  return upperQuantile(draws);
}

/**
 * The 95th percentile of `statistic` over activity-matched groups: one distinct pool position per
 * target, assigned from the busiest target down, each the nearest in activity still free or one
 * of the {@link MATCH_WIDTH} free ones below it, at random. Targets busier than every pool member
 * therefore get the pool's busiest: the null is "as busy as normal IPs get".
 */
export function matchedGroupsBand(
  random: Random,
  targets: ArrayLike<number>,
  pool: ArrayLike<number>,
  statistic: (group: Int32Array) => number,
): number {
  return upperQuantile(matchedGroupsDraws(random, targets, pool, statistic));
}

/** The statistic of each of {@link NULL_DRAWS} activity-matched groups (see {@link matchedGroupsBand}); empty for an empty pool. */
export function matchedGroupsDraws(
  random: Random,
  targets: ArrayLike<number>,
  pool: ArrayLike<number>,
  statistic: (group: Int32Array) => number,
): Float64Array {
  if (pool.length === 0 || targets.length === 0) return new Float64Array(0);
  const { order, sortedPool, targetOrder, nearest } = matching(targets, pool);
  const draws = new Float64Array(NULL_DRAWS);
  const group = new Int32Array(targets.length);
  for (let d = 0; d < NULL_DRAWS; d++) {
    let free = sortedPool.length - 1;
    for (let k = 0; k < targetOrder.length; k++) {
      let p: number;
      if (free < 0)
        p = randomIndex(random, sortedPool.length); // more targets than pool members: reuse at random
      else {
        const top = Math.min(nearest[k], free);
        p = top - randomIndex(random, Math.min(MATCH_WIDTH, top + 1));
        free = p - 1;
      }
      group[targetOrder[k]] = order[p];
    }
    draws[d] = statistic(group);
  }
  return draws;
}

/** How targets meet a pool, sorted once per pair of arrays: the checks draw from the same ones again and again. */
interface Matching {
  /** Pool positions by activity, least active first, and their activities. */
  readonly order: Int32Array;
  readonly sortedPool: Float64Array;
  /** Targets, busiest first, and the sorted pool position nearest to each. */
  readonly targetOrder: Int32Array;
  readonly nearest: Int32Array;
}

const matchings = new WeakMap<ArrayLike<number>, WeakMap<ArrayLike<number>, Matching>>();

function matching(targets: ArrayLike<number>, pool: ArrayLike<number>): Matching {
  let byPool = matchings.get(targets);
  if (!byPool) matchings.set(targets, (byPool = new WeakMap()));
  let found = byPool.get(pool);
  if (found) return found;
  const order = Int32Array.from({ length: pool.length }, (_, i) => i).sort((a, b) => pool[a] - pool[b]);
  const sortedPool = Float64Array.from(order, (i) => pool[i]);
  const targetOrder = Int32Array.from({ length: targets.length }, (_, i) => i).sort((a, b) => targets[b] - targets[a]);
  const nearest = Int32Array.from(targetOrder, (t) => {
    const x = targets[t];
    let lo = 0;
    let hi = sortedPool.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (sortedPool[mid] < x) lo = mid + 1;
      else hi = mid;
    }
    return lo > 0 && (lo === sortedPool.length || x - sortedPool[lo - 1] <= sortedPool[lo] - x) ? lo - 1 : lo;
  });
  found = { order, sortedPool, targetOrder, nearest };
  byPool.set(pool, found);
  return found;
}

/** The median of the finite draws (NaN when none). */
export function medianDraw(draws: Float64Array): number {
  const finite = draws.filter((d) => !Number.isNaN(d)).sort();
  return finite.length > 0 ? finite[(finite.length - 1) >> 1] : NaN;
}

/**
 * The 95th percentile of `statistic(first, second)` when `first` (the first `size` positions of a
 * shuffled pool of `poolSize`) and `second` (the rest) are split at random: a label-permutation null.
 */
export function permutationBand(
  random: Random,
  poolSize: number,
  size: number,
  statistic: (first: Int32Array, second: Int32Array) => number,
): number {
  if (size === 0 || size >= poolSize) return Infinity;
  const draws = new Float64Array(NULL_DRAWS);
  const order = new Int32Array(poolSize);
  const first = order.subarray(0, size);
  const second = order.subarray(size);
  for (let d = 0; d < NULL_DRAWS; d++) {
    drawPositionsInto(random, poolSize, order);
    draws[d] = statistic(first, second);
  }
  return upperQuantile(draws);
}

/**
 * The 95th percentile of `statistic` when each of `count` timelines of `length` windows is rotated
 * by its own random shift (at least a tenth of the timeline away from its place): same values,
 * timing destroyed. A null for "these timelines share a shape".
 */
export function shiftBand(
  random: Random,
  count: number,
  length: number,
  statistic: (shifts: Int32Array) => number,
): number {
  const margin = Math.max(1, Math.floor(length / 10));
  if (count === 0 || length < 2 * margin + 1) return Infinity;
  const draws = new Float64Array(NULL_DRAWS);
  const shifts = new Int32Array(count);
  for (let d = 0; d < NULL_DRAWS; d++) {
    for (let i = 0; i < count; i++) shifts[i] = margin + randomIndex(random, length - 2 * margin);
    draws[d] = statistic(shifts);
  }
  return upperQuantile(draws);
}
