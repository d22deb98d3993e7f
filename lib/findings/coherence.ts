/**
 * Coherence: how far a group's timelines share one shape, as the median correlation of each
 * timeline with the mean of the others (leave-one-out), optionally with each timeline rotated in
 * time (the circular-shift null). Complete timelines take a fast path; timelines with gaps (NaN)
 * are compared on the windows they share.
 */
import { pearson, quantileSorted } from '../evaluation/evidence';

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
  let complete = true;
  for (const s of series) for (let w = 0; w < s.length && complete; w++) complete = s[w] === s[w];
  return complete ? coherenceComplete(series) : (shifts) => coherenceWithGaps(series, shifts);
}

/**
 * {@link coherenceOf} for timelines without missing values: the mean of the others is (S − s)/(k − 1)
 * with S the sum timeline, so corr(s, S − s) = (cov(s,S) − var(s)) / √(var(s)·(var(S) − 2cov(s,S) + var(s))),
 * one pass per timeline. Each timeline's mean and variance do not change when it is rotated, so they
 * are computed once for all shifts.
 */
function coherenceComplete(series: readonly Float64Array[]): (shifts?: Int32Array) => number {
  const k = series.length;
  const nw = series[0].length;
  const means = new Float64Array(k);
  const vars = new Float64Array(k);
  for (let i = 0; i < k; i++) {
    const s = series[i];
    let m = 0;
    for (let w = 0; w < nw; w++) m += s[w];
    m /= nw;
    let q = 0;
    for (let w = 0; w < nw; w++) q += (s[w] - m) * (s[w] - m);
    means[i] = m;
    vars[i] = q / nw;
  }
  return (shifts) => {
    // Window w of timeline i lands in window w + shift (mod nw): two runs, [0, nw − shift) and the rest.
    const sum = new Float64Array(nw);
    for (let i = 0; i < k; i++) {
      const s = series[i];
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
    const correlations: number[] = [];
    for (let i = 0; i < k; i++) {
      if (!(vars[i] > 0)) continue;
      const s = series[i];
      const shift = shifts ? shifts[i] % nw : 0;
      const split = nw - shift;
      let c = 0;
      for (let w = 0; w < split; w++) c += s[w] * sum[w + shift];
      for (let w = split; w < nw; w++) c += s[w] * sum[w - split];
      const cov = c / nw - means[i] * mS;
      const varOthers = varS - 2 * cov + vars[i];
      if (!(varOthers > 1e-12 * varS)) continue;
      correlations.push((cov - vars[i]) / Math.sqrt(vars[i] * varOthers));
    }
    correlations.sort((a, b) => a - b);
    return correlations.length > 0 ? quantileSorted(correlations, 0.5) : NaN;
  };
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
