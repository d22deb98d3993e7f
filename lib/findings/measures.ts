/**
 * What the findings measure on one IP: its level where it is active, its variation, how often a
 * marker shows, its peak. An IP is *active* in a window when it sent or received packets there:
 * its {@link ACTIVITY_FAMILY} is non-zero (or, for data without it, any of its values). Silent
 * windows are 0 in every family, and averaging them in would measure how busy an IP is rather than
 * the property a finding names.
 */
import type { Frame } from '../table/frame';
import { quantileSorted } from '../evaluation/evidence';

/**
 * When a window's value of a family is defined: a standard deviation needs two packets (the
 * pipeline writes 0 for one); a time difference needs an earlier packet (0 when there was none or
 * it was too long ago, so a time-difference average or sum of 0 measured no gap at all). Other
 * families are defined wherever the IP is active. Undefined windows are left out of an IP's level,
 * never counted as 0 (quiet IPs would read as "lower").
 */
export type Definition = 'active' | 'twoPackets' | 'measuredGap';

/** How a family's windows are defined (see {@link Definition}), from its name. */
export function definitionOf(family: string): Definition {
  if (family.startsWith('std_')) return 'twoPackets';
  if (/time_diff/.test(family) && /^(avg|sum)_/.test(family)) return 'measuredGap';
  return 'active';
}

/** How each definition reads in an evidence sentence (what is left out). */
export const DEFINITION_WORDS: Readonly<Record<Definition, string>> = {
  active: '',
  twoPackets: 'windows with one packet have no spread and are left out',
  measuredGap: 'windows that measured no gap (0: one packet, or none within the idle timeout) are left out',
};

/**
 * A per-IP reduction of one family's timeline:
 * - `activeMean`: mean over the IP's active windows where the family is defined (its level while active);
 * - `activeStd`: standard deviation over its active windows (how much it varies while active);
 * - `activeCv`: that deviation over the mean (variation relative to the level);
 * - `markerShare`: share of its active windows where the family is non-zero (how often a marker shows);
 * - `peak`: its largest value over all windows;
 * - `total`: its sum over all windows (for claims about the whole timeline, e.g. "more connections").
 */
export type Reducer = 'activeMean' | 'activeStd' | 'activeCv' | 'markerShare' | 'peak' | 'total';

/** How each reducer reads in an evidence sentence. */
export const REDUCER_WORDS: Readonly<Record<Reducer, string>> = {
  activeMean: 'mean over its active windows',
  activeStd: 'standard deviation over its active windows',
  activeCv: 'variation (std / mean) over its active windows',
  markerShare: 'share of its active windows where it is non-zero',
  peak: 'largest value',
  total: 'sum over the whole timeline',
};

/** Active windows needed for a reducer to say something about an IP. */
const MIN_ACTIVE: Readonly<Record<Reducer, number>> = {
  activeMean: 1,
  activeStd: 2,
  activeCv: 2,
  markerShare: 1,
  peak: 1,
  total: 1,
};

/** The family that counts an IP's packets per window: where it is non-zero, the IP is active. */
export const ACTIVITY_FAMILY = 'count_Length';

const masks = new WeakMap<
  Frame,
  { readonly active: Uint8Array; readonly windows: number; readonly slot: Map<number, number> }
>();

/**
 * Which windows each row is active in, row-major (`active[row * windows + slot]`), with the slot of
 * every window start. Computed once per frame.
 */
export function activity(frame: Frame): {
  readonly active: Uint8Array;
  readonly windows: number;
  readonly slot: Map<number, number>;
} {
  let memo = masks.get(frame);
  if (memo) return memo;
  const slot = new Map<number, number>();
  const columnSlot = new Int32Array(frame.nCols).fill(-1);
  const counted = frame.families().includes(ACTIVITY_FAMILY);
  frame.columns.forEach((key, c) => {
    if (key.kind !== 'value') return;
    let s = slot.get(key.start);
    if (s === undefined) slot.set(key.start, (s = slot.size));
    if (!counted || key.family === ACTIVITY_FAMILY) columnSlot[c] = s;
  });
  const windows = slot.size;
  const active = new Uint8Array(frame.nRows * windows);
  const scratch = new Float64Array(frame.nCols);
  // Only the columns that say when an IP is active are read (count_Length's: one a window).
  const read: number[] = [];
  columnSlot.forEach((s, c) => {
    if (s >= 0) read.push(c);
  });
  const readColumns = Int32Array.from(read);
  const readSlots = Int32Array.from(read, (c) => columnSlot[c]);
  for (let r = 0; r < frame.nRows; r++) {
    const values = frame.rowValues(r, scratch);
    const out = r * windows;
    for (let i = 0; i < readColumns.length; i++) {
      const v = values[readColumns[i]];
      if (v !== 0 && v === v) active[out + readSlots[i]] = 1;
    }
  }
  memo = { active, windows, slot };
  masks.set(frame, memo);
  return memo;
}

/** Share of windows each row is active in (the busyness that activity-matched nulls match on). */
export function activeShares(frame: Frame): Float64Array {
  const { active, windows } = activity(frame);
  const out = new Float64Array(frame.nRows);
  for (let r = 0; r < frame.nRows; r++) {
    let n = 0;
    for (let s = 0; s < windows; s++) n += active[r * windows + s];
    out[r] = windows > 0 ? n / windows : 0;
  }
  return out;
}

/**
 * What every {@link Reducer} needs of each row's timeline, read in one pass: over the windows where
 * the IP is active and the family defined, how many, their sum, sum of squares and non-zero count;
 * over all windows with a value, the peak and the total. One pass serves every reducer of a family.
 */
export interface TimelineSums {
  readonly n: Int32Array;
  readonly sum: Float64Array;
  readonly sumSq: Float64Array;
  readonly nonzero: Int32Array;
  readonly peak: Float64Array;
  readonly total: Float64Array;
}

/**
 * The {@link TimelineSums} of each of `families` over each of `rows`. Row by row, every family in
 * turn: a row's values are fetched from memory once for all families, not once per family.
 */
export function timelineSums(
  frame: Frame,
  families: readonly string[],
  rows: ArrayLike<number>,
): Map<string, TimelineSums> {
  const { active, windows, slot } = activity(frame);
  const hasCounts = frame.families().includes(ACTIVITY_FAMILY);
  const size = rows.length;
  const plans = families.map((family) => {
    const view = frame.family(family);
    const definition = definitionOf(family);
    return {
      columns: view.columns,
      slots: Int32Array.from(view.starts, (start) => slot.get(start) ?? -1),
      measuredGap: definition === 'measuredGap',
      // Packets per window, for the spread's two-packet rule (count_Length, aligned on this family's windows).
      counts: definition === 'twoPackets' && hasCounts ? windowColumns(frame, view.starts) : undefined,
      out: {
        n: new Int32Array(size),
        sum: new Float64Array(size),
        sumSq: new Float64Array(size),
        nonzero: new Int32Array(size),
        peak: new Float64Array(size),
        total: new Float64Array(size),
      },
    };
  });
  const scratch = new Float64Array(frame.nCols);
  for (let i = 0; i < size; i++) {
    const r = rows[i];
    const values = frame.rowValues(r, scratch);
    const activeBase = r * windows;
    for (const { columns, slots, measuredGap, counts, out } of plans) {
      let n = 0;
      let sum = 0;
      let sumSq = 0;
      let nonzero = 0;
      let peak = -Infinity;
      let total = 0;
      for (let w = 0; w < columns.length; w++) {
        const v = values[columns[w]];
        if (v !== v) continue;
        if (v > peak) peak = v;
        total += v;
        if (!active[activeBase + slots[w]]) continue;
        if (measuredGap && v === 0) continue;
        if (counts && counts[w] >= 0 && !(values[counts[w]] >= 2)) continue;
        n++;
        sum += v;
        sumSq += v * v;
        if (v !== 0) nonzero++;
      }
      out.n[i] = n;
      out.sum[i] = sum;
      out.sumSq[i] = sumSq;
      out.nonzero[i] = nonzero;
      out.peak[i] = peak;
      out.total[i] = total;
    }
  }
  return new Map(plans.map(({ out }, f) => [families[f], out]));
}

/** One {@link Reducer} of every row of `sums`; NaN where the IP has too few active windows. */
export function reduceTimelines(sums: TimelineSums, reducer: Reducer): Float64Array {
  const size = sums.n.length;
  const out = new Float64Array(size);
  const minActive = MIN_ACTIVE[reducer];
  for (let i = 0; i < size; i++) {
    const peak = sums.peak[i];
    if (reducer === 'peak' || reducer === 'total') {
      out[i] = peak === -Infinity ? NaN : reducer === 'peak' ? peak : sums.total[i];
      continue;
    }
    const n = sums.n[i];
    if (n < minActive) {
      out[i] = NaN;
      continue;
    }
    const mean = sums.sum[i] / n;
    const std = Math.sqrt(Math.max(0, sums.sumSq[i] / n - mean * mean));
    out[i] =
      reducer === 'activeMean'
        ? mean
        : reducer === 'activeStd'
          ? std
          : reducer === 'activeCv'
            ? mean !== 0
              ? std / Math.abs(mean)
              : NaN
            : sums.nonzero[i] / n;
  }
  return out;
}

/** The column of {@link ACTIVITY_FAMILY} at each of `starts` (-1 where it has none). */
function windowColumns(frame: Frame, starts: Float64Array): Int32Array {
  const view = frame.family(ACTIVITY_FAMILY);
  const at = new Map<number, number>();
  view.starts.forEach((start, w) => at.set(start, view.columns[w]));
  return Int32Array.from(starts, (start) => at.get(start) ?? -1);
}

/** Median of the finite numbers among `values` at `positions` (all of them when omitted); NaN if none. */
export function medianAt(values: Float64Array, positions?: ArrayLike<number>): number {
  const n = positions ? positions.length : values.length;
  const picked = new Float64Array(n);
  let k = 0;
  for (let i = 0; i < n; i++) {
    const v = values[positions ? positions[i] : i];
    if (Number.isFinite(v)) picked[k++] = v;
  }
  return quantileSorted(picked.subarray(0, k).sort(), 0.5);
}

/**
 * Mean of the finite numbers among `values` at `positions` (all of them when omitted); NaN if none.
 * The level of a group: the mean over its IPs of each IP's measure, so that rare markers (a median
 * of 0 for nearly every group) and single-packet windows (a spread of 0) still compare.
 */
export function meanAt(values: Float64Array, positions?: ArrayLike<number>): number {
  const n = positions ? positions.length : values.length;
  let sum = 0;
  let k = 0;
  for (let i = 0; i < n; i++) {
    const v = values[positions ? positions[i] : i];
    if (Number.isFinite(v)) {
      sum += v;
      k++;
    }
  }
  return k > 0 ? sum / k : NaN;
}

/** How many of `values` are finite (the IPs a reducer could measure). */
export function countFinite(values: Float64Array): number {
  let n = 0;
  for (const v of values) if (Number.isFinite(v)) n++;
  return n;
}
