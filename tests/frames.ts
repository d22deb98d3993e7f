/**
 * Test helpers: hand-built frames of five-minute timelines, and a seeded PRNG so that failures
 * reproduce.
 */
import { Frame } from '../lib/table/frame';
import { parseColumnKey } from '../lib/table/columns';
import { type ColumnKey, formatNaiveTimestamp } from '../lib/types';

/** Start of the seed's first five-minute window, 2019-02-01 09:35. */
export const T0 = Date.UTC(2019, 1, 1, 9, 35);

/** A timeline: the values window by window, or a function of the window number. */
export type Timeline = readonly number[] | ((w: number) => number);

/**
 * A frame whose rows give, per family (`avg_Length`...), a timeline over five-minute windows from
 * T0. Families are the union over rows, in order of appearance; a family a row lacks is all 0.
 * `windows` defaults to the length of the first array timeline.
 */
export function timelineFrame(rows: Record<string, Record<string, Timeline>>, windows?: number): Frame {
  const labels = Object.keys(rows);
  const families = [...new Set(labels.flatMap((label) => Object.keys(rows[label])))];
  const nw =
    windows ??
    Object.values(rows)
      .flatMap((row) => Object.values(row))
      .find((t): t is readonly number[] => typeof t !== 'function')?.length ??
    0;
  const columns: ColumnKey[] = families.flatMap((family) => {
    const stat = family.slice(0, family.indexOf('_'));
    return Array.from({ length: nw }, (_, w) =>
      parseColumnKey(`('${family}', '${stat}_${formatNaiveTimestamp(T0 + w * 300_000)}')`),
    );
  });
  const values = new Float64Array(labels.length * columns.length);
  labels.forEach((label, r) => {
    families.forEach((family, f) => {
      const timeline = rows[label][family];
      for (let w = 0; w < nw; w++) {
        values[r * columns.length + f * nw + w] =
          timeline === undefined ? 0 : typeof timeline === 'function' ? timeline(w) : timeline[w];
      }
    });
  });
  return new Frame({ index: labels, columns, values });
}

/** A seeded PRNG (mulberry32): uniform numbers in [0, 1). */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
