/**
 * Coherence: how far a group's timelines share one shape, as the median correlation of each
 * timeline with the mean of the others (leave-one-out), optionally with each timeline rotated in
 * time (the circular-shift null). Complete timelines take a fast path; timelines with gaps (NaN)
 * are compared on the windows they share.
 */
import { pearson, quantileSorted } from '../evaluation/evidence';
import { medianInPlace } from './median';

/**
 * Median over timelines of the correlation of each with the mean of the others (leave-one-out),
 * each rotated by `shifts[i]` windows when given. Near 1: one shared shape; near 0: none. NaN for
 * fewer than 2 timelines.
 */
export function coherenceOf(series: readonly Float64Array[], shifts?: Int32Array): number {
  return coherenceMeasure(series)(shifts);
}

/** {@link coherenceOf} of fixed timelines, for many shifts: whether values are missing is looked at once. */
export function coherenceMeasure(series: readonly Float64Array[]): (shifts?: Int32Array) => number {
  if (series.length < 2) return () => NaN;
  const pool = coherencePool(series);
  const all = Int32Array.from(series, (_, i) => i);
  return (shifts) => pool(all, shifts);
}

/**
 * {@link coherenceOf} of subsets of one pool of timelines (`pool(positions)` is the coherence of
 * `positions.map((p) => series[p])`, in that order), for the permutation nulls that split a pool
 * again and again: each timeline's moments and gaps are looked at once, not once per draw.
 */
export function coherencePool(series: readonly Float64Array[]): (positions: Int32Array, shifts?: Int32Array) => number {
  const k = series.length;
  const nw = k > 0 ? series[0].length : 0;
  const complete = new Uint8Array(k);
  const means = new Float64Array(k);
  const vars = new Float64Array(k);
  for (let i = 0; i < k; i++) {
    const s = series[i];
    let gaps = false;
    for (let w = 0; w < s.length && !gaps; w++) gaps = s[w] !== s[w];
    complete[i] = gaps ? 0 : 1;
    if (gaps) continue;
    let m = 0;
    for (let w = 0; w < nw; w++) m += s[w];
    m /= nw;
    let q = 0;
    for (let w = 0; w < nw; w++) q += (s[w] - m) * (s[w] - m);
    means[i] = m;
    vars[i] = q / nw;
  }
  // Memory reused by every call: the null loops call this hundreds of times per check.
  const sum = new Float64Array(nw);
  const correlations = new Float64Array(k);
  return (positions, shifts) => {
    if (positions.length < 2) return NaN;
    for (const p of positions) {
      if (!complete[p])
        return coherenceWithGaps(
          Array.from(positions, (q) => series[q]),
          shifts,
        );
    }
    return coherenceComplete(series, positions, means, vars, shifts, sum, correlations);
  };
}

/**
 * {@link coherenceOf} of the timelines at `positions` when none misses a value: the mean of the
 * others is (S − s)/(k − 1) with S the sum timeline, so
 * corr(s, S − s) = (cov(s,S) − var(s)) / √(var(s)·(var(S) − 2cov(s,S) + var(s))), one pass per
 * timeline. A timeline's mean and variance (`means`, `vars`) do not change when it is rotated or
 * grouped with others, so they are computed once. `sum` and `correlations` are scratch memory.
 */
function coherenceComplete(
  series: readonly Float64Array[],
  positions: Int32Array,
  means: Float64Array,
  vars: Float64Array,
  shifts: Int32Array | undefined,
  sum: Float64Array,
  correlations: Float64Array,
): number {
  const k = positions.length;
  const nw = sum.length;
  // Window w of timeline i lands in window w + shift (mod nw): two runs, [0, nw − shift) and the rest.
  sum.fill(0);
  for (let i = 0; i < k; i++) {
    const s = series[positions[i]];
    const shift = shifts ? shifts[i] % nw : 0;
    const split = nw - shift;
    for (let w = 0; w < split; w++) sum[w + shift] += s[w];
    for (let w = split; w < nw; w++) sum[w - split] += s[w];
  }
  let mS = 0;
  for (let w = 0; w < nw; w++) mS += sum[w];
  mS /= nw;
  let varS = 0;
  for (let w = 0; w < nw; w++) varS += (sum[w] - mS) * (sum[w] - mS);
  varS /= nw;
  let n = 0;
  for (let i = 0; i < k; i++) {
    const p = positions[i];
    const v = vars[p];
    if (!(v > 0)) continue;
    const s = series[p];
    const shift = shifts ? shifts[i] % nw : 0;
    const split = nw - shift;
    let c = 0;
    for (let w = 0; w < split; w++) c += s[w] * sum[w + shift];
    for (let w = split; w < nw; w++) c += s[w] * sum[w - split];
    const cov = c / nw - means[p] * mS;
    const varOthers = varS - 2 * cov + v;
    if (!(varOthers > 1e-12 * varS)) continue;
    correlations[n++] = (cov - v) / Math.sqrt(v * varOthers);
  }
  return medianInPlace(correlations, n);
}

/** {@link coherenceOf} when some values are missing: the mean of the others window by window. */
function coherenceWithGaps(series: readonly Float64Array[], shifts?: Int32Array): number {
  const nw = series[0].length;
  const at = (i: number, w: number): number => series[i][shifts ? (w - (shifts[i] % nw) + nw) % nw : w];
  const sum = new Float64Array(nw);
  const count = new Float64Array(nw);
  for (let i = 0; i < series.length; i++) {
    for (let w = 0; w < nw; w++) {
      const v = at(i, w);
      if (v === v) {
        sum[w] += v;
        count[w]++;
      }
    }
  }
  const own = new Float64Array(nw);
  const others = new Float64Array(nw);
  const correlations: number[] = [];
  for (let i = 0; i < series.length; i++) {
    for (let w = 0; w < nw; w++) {
      const v = at(i, w);
      own[w] = v;
      const present = v === v;
      const k = count[w] - (present ? 1 : 0);
      others[w] = k > 0 ? (sum[w] - (present ? v : 0)) / k : NaN;
    }
    const r = pearson(own, others);
    if (!Number.isNaN(r)) correlations.push(r);
  }
  correlations.sort((a, b) => a - b);
  return correlations.length > 0 ? quantileSorted(correlations, 0.5) : NaN;
}
