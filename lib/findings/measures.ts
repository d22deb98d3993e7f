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
  const { values, nCols } = frame;
  for (let r = 0; r < frame.nRows; r++) {
    const base = r * nCols;
    const out = r * windows;
    for (let c = 0; c < nCols; c++) {
      const s = columnSlot[c];
      const v = values[base + c];
      if (s >= 0 && v !== 0 && v === v) active[out + s] = 1;
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

/** Per row of `rows`, the reducer over `family`'s timeline; NaN where the IP has too few active windows. */
export function perIp(frame: Frame, family: string, rows: ArrayLike<number>, reducer: Reducer): Float64Array {
  const view = frame.family(family);
  const { active, windows, slot } = activity(frame);
  const slots = Int32Array.from(view.starts, (start) => slot.get(start) ?? -1);
  const nw = slots.length;
  const definition = definitionOf(family);
  // Packets per window, for the spread's two-packet rule (count_Length, aligned on this family's windows).
  const counts =
    definition === 'twoPackets' && frame.families().includes(ACTIVITY_FAMILY)
      ? windowColumns(frame, view.starts)
      : undefined;
  const out = new Float64Array(rows.length);
  const minActive = MIN_ACTIVE[reducer];
  const { values, nCols } = frame;
  const columns = view.columns;
  for (let i = 0; i < rows.length; i++) {
    const r = rows[i];
    const base = r * nCols;
    let n = 0;
    let sum = 0;
    let sumSq = 0;
    let nonzero = 0;
    let peak = -Infinity;
    let total = 0;
    for (let w = 0; w < nw; w++) {
      const v = values[base + columns[w]];
      if (v !== v) continue;
      if (v > peak) peak = v;
      total += v;
      if (!active[r * windows + slots[w]]) continue;
      if (definition === 'measuredGap' && v === 0) continue;
      if (counts && counts[w] >= 0 && !(values[base + counts[w]] >= 2)) continue;
      n++;
      sum += v;
      sumSq += v * v;
      if (v !== 0) nonzero++;
    }
    if (reducer === 'peak' || reducer === 'total') {
      out[i] = peak === -Infinity ? NaN : reducer === 'peak' ? peak : total;
      continue;
    }
    if (n < minActive) {
      out[i] = NaN;
      continue;
    }
    const mean = sum / n;
    const std = Math.sqrt(Math.max(0, sumSq / n - mean * mean));
    out[i] =
      reducer === 'activeMean'
        ? mean
        : reducer === 'activeStd'
          ? std
          : reducer === 'activeCv'
            ? mean !== 0
              ? std / Math.abs(mean)
              : NaN
            : nonzero / n;
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
