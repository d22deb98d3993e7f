/**
 * The bucket key of a sketched value (lib/table/sketch.ts): which log-scaled bucket (γ^(k−1), γ^k] a
 * value falls in, at a level (γ^(2^level)), computed without a logarithm from a table indexed by
 * the double's high bits and equal to the definition `ceil(ln|v| / ln γ)` by construction; the
 * rank key that orders buckets of both signs; pairing buckets one level up; the value a bucket
 * stands for. Apart from the sketch so that the exactness argument reads on its own.
 */

/** Relative accuracy of a value that shares its bucket with other values, at level 0. */
export const SKETCH_ACCURACY = 0.01;
const GAMMA = (1 + SKETCH_ACCURACY) / (1 - SKETCH_ACCURACY);
const LOG_GAMMA = Math.log(GAMMA);
/** Level-0 bucket exponents are clamped to ±K (γ^K is far beyond any double). */
const K = 1 << 18;
/** Rank key of a bucket, monotone in value: ±(OFFSET + k) for positive / negative values. */
const OFFSET = 1 << 19;
/** Rank keys of ±Infinity (never paired up). */
const INFINITY_KEY = (1 << 20) + 1;
/** Index of the high word of a double in a Uint32Array over Float64 values (1 on little-endian machines). */
export const HIGH = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1 ? 1 : 0;

/**
 * The level-0 bucket exponent `ceil(ln|v| / ln γ)` of a finite non-zero value, by the libm
 * logarithm: the definition, used where the table below cannot decide.
 */
export function logKeyByMath(v: number): number {
  const e = Math.ceil(Math.log(Math.abs(v)) / LOG_GAMMA);
  return e > K ? K : Math.max(e, -K);
}

/**
 * The level-0 exponent without a logarithm: the high 32 bits of |v| (11 exponent bits, then the
 * mantissa's) give a slice [a, b) of the number line 2^-6 wide relative to a, narrower than one
 * bucket (γ − 1 ≈ 2^-5.6), so at most one bucket boundary t = γ^k lies in it or above it within the
 * slice's bucket. The slice's table entry holds the key up to t and 1/t: the key is one more where
 * |v|/t ≥ 1 (no branch). Within 2^-33 of t (relatively), where the libm logarithm's own rounding
 * (below 2^-40 here) could fall either side, and in slices whose lower edge is that close to the
 * boundary below, the definition decides (`logKeyByMath`); so do subnormal values (1/t is NaN for
 * them). So the result always equals `logKeyByMath` (tests/sketch.test.ts checks both sides of
 * every boundary within the doubles' range).
 */
const SLICE_SHIFT = 14; // 32 − 1 sign − 11 exponent − 6 mantissa bits
const SLICE_BITS = 17;
const GUARD = 2 ** -33;
/** Per slice: the key up to the boundary, and 1 / the boundary (NaN: ask `logKeyByMath`). */
let sliceKey = new Int32Array(0);
let sliceInverse = new Float64Array(0);
const wordOf = new Float64Array(1);
const wordsOf = new Uint32Array(wordOf.buffer);

/** Fills the slice table (once per thread: 1.5 MB, a few milliseconds). */
function buildSlices(): void {
  const keys = new Int32Array(1 << SLICE_BITS);
  const inverses = new Float64Array(1 << SLICE_BITS).fill(NaN);
  const words = new Uint32Array(2);
  const value = new Float64Array(words.buffer);
  // Normal doubles only: slices of exponent field 0 (subnormals) and 2047 (infinities) keep NaN.
  for (let slice = 1 << 6; slice < 2047 << 6; slice++) {
    words[HIGH] = slice << SLICE_SHIFT;
    words[1 - HIGH] = 0;
    const a = value[0];
    // a's bucket: the smallest k with γ^k ≥ a, by the boundaries themselves (computed as
    // exp(k ln γ), within 2^-43 of the true γ^k).
    let k = Math.ceil(Math.log(a) / LOG_GAMMA) - 1;
    while (Math.exp(k * LOG_GAMMA) < a) k++;
    if (Math.exp((k - 1) * LOG_GAMMA) >= a * (1 - GUARD)) continue;
    keys[slice] = k;
    inverses[slice] = 1 / Math.exp(k * LOG_GAMMA);
  }
  sliceKey = keys;
  sliceInverse = inverses;
}

/**
 * The level-0 key of a finite non-zero magnitude `a` whose double has the high word `high`:
 * `logKeyByMath(a)`, by the slice table. Small, to be inlined where it is called.
 */
function keyOfMagnitude(a: number, high: number): number {
  const slice = high >>> SLICE_SHIFT;
  const q = a * sliceInverse[slice];
  if (!(Math.abs(q - 1) >= GUARD)) return logKeyByMath(a);
  return sliceKey[slice] + (q | 0);
}

/** Builds the slice table unless built: once per thread, before the first `rankKey`. */
export function ensureKeyTable(): void {
  if (sliceKey.length === 0) buildSlices();
}

/** The level-0 bucket exponent of a finite non-zero value, by the slice table: equal to `logKeyByMath(v)`. */
export function logKey(v: number): number {
  ensureKeyTable();
  const a = Math.abs(v);
  wordOf[0] = a;
  return keyOfMagnitude(a, wordsOf[HIGH]);
}

/**
 * The rank key of a non-zero value at a level, given its double's high word. Small enough to be
 * inlined into the hot loop, where a call would box its double argument. A level never exceeds 12
 * (at 12 every finite key of a sign is within ⌈±36,900 / 4096⌉, fewer than 64 buckets), so the
 * pairing is an arithmetic shift: ⌈e / 2^level⌉ = −⌊−e / 2^level⌋.
 */
export function rankKey(v: number, high: number, level: number): number {
  if (v === Infinity) return INFINITY_KEY;
  if (v === -Infinity) return -INFINITY_KEY;
  const k = 0 - ((0 - keyOfMagnitude(v < 0 ? -v : v, high & 0x7fffffff)) >> level);
  return v > 0 ? OFFSET + k : -(OFFSET + k);
}

/** The key of a bucket one level up (buckets 2k−1 and 2k become k). */
export function coarser(key: number): number {
  if (key === INFINITY_KEY || key === -INFINITY_KEY) return key;
  return key > 0 ? OFFSET + Math.ceil((key - OFFSET) / 2) : -(OFFSET + Math.ceil((-key - OFFSET) / 2));
}

/** γ^(2^level) + 1 for every level a cell reaches (at most 12; see `rankKey`). */
const MIDPOINT_DIVISORS = Float64Array.from({ length: 16 }, (_, level) => Math.exp(LOG_GAMMA * 2 ** level) + 1);

/** The value a bucket stands for when its values differ: its log midpoint. */
export function bucketValue(key: number, level: number): number {
  if (key === INFINITY_KEY) return Infinity;
  if (key === -INFINITY_KEY) return -Infinity;
  const logGamma = LOG_GAMMA * 2 ** level;
  const k = Math.abs(key) - OFFSET;
  const mid = (2 * Math.exp(k * logGamma)) / MIDPOINT_DIVISORS[level];
  return key > 0 ? mid : -mid;
}
