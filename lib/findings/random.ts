/**
 * Seeded random numbers for the findings' nulls: every check draws from its own stream, derived
 * from the evaluation's seed and the check's name, so a verdict does not depend on which other
 * findings were checked before it, and a run replays exactly.
 */

/** Uniform numbers in [0, 1) from a 32-bit seed (mulberry32). */
export type Random = () => number;

/** mulberry32: small, fast, and good enough to draw null groups. */
export function mulberry32(seed: number): Random {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A stream for one named check: FNV-1a of the name mixed with the evaluation's seed. */
export function streamFor(seed: number, name: string): Random {
  let h = 0x811c9dc5 ^ (seed | 0);
  for (let i = 0; i < name.length; i++) h = Math.imul(h ^ name.charCodeAt(i), 0x01000193);
  return mulberry32(h >>> 0);
}

/** A whole number in [0, n). */
export function randomIndex(random: Random, n: number): number {
  return Math.min(n - 1, Math.floor(random() * n));
}

/** `k` distinct positions of [0, n) (partial Fisher–Yates, or rejection when k is small); with replacement when `k > n`. */
export function drawPositions(random: Random, n: number, k: number): Int32Array {
  const out = new Int32Array(k);
  if (k > n) {
    for (let i = 0; i < k; i++) out[i] = randomIndex(random, n);
    return out;
  }
  if (k * 4 < n) {
    const taken = new Set<number>();
    for (let i = 0; i < k; i++) {
      let p = randomIndex(random, n);
      while (taken.has(p)) p = randomIndex(random, n);
      taken.add(p);
      out[i] = p;
    }
    return out;
  }
  const deck = new Int32Array(n);
  for (let i = 0; i < n; i++) deck[i] = i;
  for (let i = 0; i < k; i++) {
    const j = i + randomIndex(random, n - i);
    const t = deck[i];
    deck[i] = deck[j];
    deck[j] = t;
    out[i] = deck[i];
  }
  return out;
}
