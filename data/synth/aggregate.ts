/**
 * Window aggregation: turn one row's packets into the 42 values per window of a run, the way the
 * original pandas pipeline did (groupby window, then mean/sum/std/count per variable, distinct
 * address counts, missing values filled with 0).
 */
import type { Role } from '../../lib/types';
import { FAMILY_COUNT, FEATURE_COUNT, type RunGrid } from './layout';
import type { Packets } from './packets';

/** Offsets of the stat blocks inside the 42 families (see FAMILIES). */
const AVG = 0;
const SUM = FEATURE_COUNT;
const STD = 2 * FEATURE_COUNT;
const COUNT = 3 * FEATURE_COUNT;
const COUNT_IP1 = 4 * FEATURE_COUNT;
const COUNT_IP2 = COUNT_IP1 + 1;

/** Scratch space reused between calls (distinct-peer stamps). */
export class AggregateScratch {
  private stamps = new Int32Array(256);
  private generation = 0;

  /** Stamp array covering `peers` ids and a fresh stamp value for one window. */
  next(peers: number): { stamps: Int32Array; mark: number } {
    if (peers > this.stamps.length) {
      this.stamps = new Int32Array(Math.max(peers, this.stamps.length * 2));
      this.generation = 0;
    }
    if (this.generation >= 0x7ffffff0) {
      this.stamps.fill(0);
      this.generation = 0;
    }
    this.generation++;
    return { stamps: this.stamps, mark: this.generation };
  }
}

/**
 * Values of one row on one grid, family-major (`out[family * windows + w]`), into `out`
 * (length 42 × windows), which is overwritten.
 *
 * Per window and variable: `count` = packets, `sum` = compensated (Kahan) sum as pandas' groupby
 * sum, `avg` = sum / count as pandas' groupby mean, `std` = sample standard deviation (ddof = 1,
 * Welford as pandas' groupby std) with NaN for count ≤ 1 filled with 0. `count_IP1` / `count_IP2`
 * = distinct sending / receiving addresses: for a source row, 1 and the distinct peers; for a dst
 * row, the distinct peers and 1. Silent windows are all 0.
 */
export function aggregateRow(
  packets: Packets,
  role: Role,
  grid: RunGrid,
  out: Float64Array,
  scratch: AggregateScratch = new AggregateScratch(),
): Float64Array {
  const W = grid.windows;
  if (out.length !== FAMILY_COUNT * W) {
    throw new RangeError(`output holds ${out.length} values, expected ${FAMILY_COUNT * W}`);
  }
  out.fill(0);
  const { n, t, feat, peer } = packets;
  const sum = new Float64Array(FEATURE_COUNT);
  const comp = new Float64Array(FEATURE_COUNT);
  const mean = new Float64Array(FEATURE_COUNT);
  const m2 = new Float64Array(FEATURE_COUNT);
  let i = 0;
  const first = grid.firstBin * grid.seconds;
  while (i < n && t[i] < first) i++;
  for (let w = 0; w < W; w++) {
    const end = (grid.firstBin + w + 1) * grid.seconds;
    const lo = i;
    while (i < n && t[i] < end) i++;
    const count = i - lo;
    if (count === 0) continue;
    sum.fill(0);
    comp.fill(0);
    mean.fill(0);
    m2.fill(0);
    const { stamps, mark } = scratch.next(packets.peers);
    let distinct = 0;
    for (let j = lo; j < i; j++) {
      const k = j - lo + 1;
      const base = j * FEATURE_COUNT;
      for (let f = 0; f < FEATURE_COUNT; f++) {
        const x = feat[base + f];
        // Kahan summation (pandas group_sum / group_mean).
        const y = x - comp[f];
        const s = sum[f] + y;
        comp[f] = s - sum[f] - y;
        sum[f] = s;
        // Welford (pandas group_var).
        const delta = x - mean[f];
        mean[f] += delta / k;
        m2[f] += delta * (x - mean[f]);
      }
      const p = peer[j];
      if (stamps[p] !== mark) {
        stamps[p] = mark;
        distinct++;
      }
    }
    for (let f = 0; f < FEATURE_COUNT; f++) {
      out[(AVG + f) * W + w] = sum[f] / count;
      out[(SUM + f) * W + w] = sum[f];
      out[(STD + f) * W + w] = count > 1 ? Math.sqrt(Math.max(0, m2[f]) / (count - 1)) : 0;
      out[(COUNT + f) * W + w] = count;
    }
    out[COUNT_IP1 * W + w] = role === 'source' ? 1 : distinct;
    out[COUNT_IP2 * W + w] = role === 'source' ? distinct : 1;
  }
  return out;
}
