/**
 * The power of an absence: "no clear pattern" says something only when the same test would have
 * found a pattern of the size the sentence denies in these timelines. Sparse timelines (IPs active
 * in a few windows) or too few of them cannot show one, and then their "no pattern" is inconclusive.
 */
import { ASSOCIATION, type Selection } from './claims';
import { coherenceMeasure } from './coherence';
import type { FindingContext } from './context';
import { activity } from './measures';
import { shiftBand } from './nulls';
import type { Random } from './random';

/** Planted patterns a power check tries, and how many of them the test must find. */
export const POWER = { plants: 5, found: 4 } as const;

/** A smooth shape over `length` windows (three slow waves of random period and phase), mean 0 and standard deviation 1. */
function plantedShape(random: Random, length: number): Float64Array {
  const shape = new Float64Array(length);
  for (let k = 0; k < 3; k++) {
    const period = length / (2 + 6 * random());
    const phase = 2 * Math.PI * random();
    for (let w = 0; w < length; w++) shape[w] += Math.sin((2 * Math.PI * w) / period + phase);
  }
  let mean = 0;
  for (const v of shape) mean += v / length;
  let sd = 0;
  for (const v of shape) sd += ((v - mean) * (v - mean)) / length;
  sd = Math.sqrt(sd);
  return shape.map((v) => (v - mean) / (sd || 1));
}

/**
 * Strengths of a planted shape, in units of each IP's own spread, tried from the weakest: the first
 * a coherence of 0.5 on complete timelines (0.5 / √(1 − 0.5²)), then stronger ones, since silent
 * windows (where nothing can be planted) dilute it.
 */
export const PLANT_STRENGTHS: readonly number[] = [0.58, 1.5, 4];

/**
 * The power of "no clear pattern" on these timelines: a shared shape is added to each IP's active
 * windows (scaled to its own spread) at the weakest of {@link PLANT_STRENGTHS} that makes the
 * timelines' coherence reach the "clear pattern" line, the size the sentence denies, and the same
 * test is run on the result: is it beyond its shifted null? Returns in how many of
 * {@link POWER}.plants shapes it is. Sparse or few timelines cannot show a clear pattern at any
 * strength, so their "no pattern" says nothing.
 */
export function absencePower(
  ctx: FindingContext,
  selection: Selection,
  rows: readonly number[],
  random: Random,
): number {
  const frame = ctx.frame(selection.group);
  const view = frame.family(selection.family);
  const { active, windows, slot } = activity(frame);
  const slots = Int32Array.from(view.starts, (start) => slot.get(start) ?? -1);
  const { holdsAt } = ASSOCIATION.pattern;
  const series = rows.map((r) => view.series(r));
  const spreads = series.map((s) => {
    let m = 0;
    let k = 0;
    for (const v of s) {
      if (v !== v) continue;
      m += v;
      k++;
    }
    m /= k || 1;
    let q = 0;
    for (const v of s) if (v === v) q += (v - m) * (v - m);
    return Math.sqrt(q / (k || 1)) || Math.abs(m) || 1;
  });
  let found = 0;
  for (let p = 0; p < POWER.plants; p++) {
    const shape = plantedShape(random, view.starts.length);
    for (const strength of PLANT_STRENGTHS) {
      const planted = series.map((s, i) =>
        s.map((v, w) =>
          slots[w] >= 0 && active[rows[i] * windows + slots[w]]
            ? (v === v ? v : 0) + strength * spreads[i] * shape[w]
            : v,
        ),
      );
      const measure = coherenceMeasure(planted);
      const coherence = measure();
      if (!(coherence >= holdsAt)) continue;
      if (coherence > shiftBand(random, planted.length, shape.length, measure)) found++;
      break;
    }
  }
  return found;
}
