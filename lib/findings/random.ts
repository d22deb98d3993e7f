/**
 * Seeded random numbers for the findings' nulls: every check draws from its own stream, derived
 * from the evaluation's seed and the check's name, so a verdict does not depend on which other
 * findings were checked before it, and a run replays exactly.
 */

/** Uniform numbers in [0, 1) from a 32-bit seed (mulberry32). */
export type Random = () => number;

/** mulberry32: small, fast, and good enough to draw null groups. */
export function mulberry32(seed: number): Random {
  // The state lives in a typed array: a closure variable above 2^30 would be boxed anew on every draw.
  const state = Uint32Array.of(seed >>> 0);
  return () => {
    const a = (state[0] + 0x6d2b79f5) >>> 0;
    state[0] = a;
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
  return drawPositionsInto(random, n, new Int32Array(k));
}

// Scratch memory of drawPositionsInto, grown as needed and left clean after every draw: a mark per
// position (rejection), and a deck that is the identity again after every draw (Fisher–Yates).
let marks = new Uint8Array(0);
let deck = new Int32Array(0);
let swaps = new Int32Array(0);

/**
 * {@link drawPositions} into `out` (k = `out.length`), with the same random numbers and the same
 * positions, but no memory allocated per draw: the null loops draw thousands of groups.
 */
export function drawPositionsInto(random: Random, n: number, out: Int32Array): Int32Array {
  const k = out.length;
  if (k > n) {
    for (let i = 0; i < k; i++) out[i] = randomIndex(random, n);
    return out;
  }
  if (k * 4 < n) {
    if (marks.length < n) marks = new Uint8Array(n);
    for (let i = 0; i < k; i++) {
      let p = randomIndex(random, n);
      while (marks[p]) p = randomIndex(random, n);
      marks[p] = 1;
      out[i] = p;
    }
    for (let i = 0; i < k; i++) marks[out[i]] = 0;
    return out;
  }
  if (deck.length < n) {
    deck = Int32Array.from({ length: n }, (_, i) => i);
    swaps = new Int32Array(n);
  }
  for (let i = 0; i < k; i++) {
    const j = i + randomIndex(random, n - i);
    swaps[i] = j;
    const t = deck[i];
    deck[i] = deck[j];
    deck[j] = t;
    out[i] = deck[i];
  }
  // Undo the swaps, last first: the deck is the identity again.
  for (let i = k - 1; i >= 0; i--) {
    const j = swaps[i];
    const t = deck[i];
    deck[i] = deck[j];
    deck[j] = t;
  }
  return out;
}
