/**
 * The median of numbers held in scratch memory, in linear time: the null loops take the median of
 * hundreds of correlations for every draw, where sorting them would cost more than computing them.
 */
import { selectInPlace } from '../evaluation/evidence';

/**
 * The median of `a[0..n)` (numbers, no NaN), exactly as `quantileSorted(sorted, 0.5)` gives it on
 * the same numbers sorted; NaN when `n` is 0. Reorders `a[0..n)`.
 */
export function medianInPlace(a: Float64Array, n: number): number {
  if (n === 0) return NaN;
  const k = (n - 1) >> 1;
  selectInPlace(a, k, 0, n - 1);
  if (n % 2 === 1) return a[k];
  let next = Infinity;
  for (let j = k + 1; j < n; j++) if (a[j] < next) next = a[j];
  return a[k] === next ? a[k] : a[k] + (next - a[k]) * 0.5;
}
