/**
 * Seeded, reproducible row sampling by label: the sample is the `n` rows whose labels have the
 * smallest seeded hash (bottom-k). It is uniform, independent of file order and of how the work is
 * split across threads, and the streaming reader can pick the same rows without holding the table.
 */
import type { Frame } from './frame';

const TWO32 = 4294967296;

function mix32(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** MurmurHash3 (x86, 32-bit) over the UTF-16 code units of `text`. */
function murmur32(text: string, seed: number): number {
  let h = seed | 0;
  for (let i = 0; i < text.length; i++) {
    let k = Math.imul(text.charCodeAt(i), 0xcc9e2d51);
    k = (k << 15) | (k >>> 17);
    k = Math.imul(k, 0x1b873593);
    h ^= k;
    h = (h << 13) | (h >>> 19);
    h = (Math.imul(h, 5) + 0xe6546b64) | 0;
  }
  return mix32(h ^ text.length);
}

/**
 * A seeded 53-bit hash of a row label, uniform on [0, 2^53): the sampling key. `seed` must be a
 * safe integer; the same (label, seed) always gives the same hash, on every platform.
 */
export function labelHash(label: string, seed: number): number {
  if (!Number.isSafeInteger(seed)) throw new RangeError(`labelHash: seed ${seed} is not a safe integer`);
  const low = seed >>> 0;
  const high = Math.floor(seed / TWO32) >>> 0;
  const h1 = murmur32(label, mix32(low ^ 0x9e3779b9) ^ high);
  const h2 = murmur32(label, mix32(high ^ 0x7f4a7c15) ^ mix32(low + 0x632be5ab));
  return (h1 >>> 11) * TWO32 + h2;
}

/**
 * The rows (positions in `labels`) of the seeded bottom-k sample of size `n`, in ascending order:
 * the `n` labels with the smallest `labelHash` (ties broken by the label itself). All rows when
 * there are no more than `n`.
 */
export function sampleRows(labels: readonly string[], n: number, seed: number): Int32Array {
  if (!Number.isInteger(n) || n < 0) throw new RangeError(`sampleRows: sample size ${n} is not a whole number ≥ 0`);
  if (n >= labels.length) return Int32Array.from(labels.keys());
  const hashes = Float64Array.from(labels, (label) => labelHash(label, seed));
  const order = Int32Array.from(labels.keys());
  order.sort((a, b) => hashes[a] - hashes[b] || (labels[a] < labels[b] ? -1 : labels[a] > labels[b] ? 1 : 0));
  return order.slice(0, n).sort();
}

/**
 * The normal rows of a table (positions of the labels not in `exclude`) and, among them, the rows of
 * the seeded sample of `n` (positions in `labels`, ascending): the one choice `evaluateFull` and
 * `evaluateFrame` both make, so the streamed and the in-memory evaluation keep the same rows.
 */
export function sampleNormalRows(
  labels: readonly string[],
  exclude: ReadonlySet<string>,
  n: number,
  seed: number,
): { normal: Int32Array; sample: Int32Array } {
  const normal = Int32Array.from(labels.keys()).filter((row) => !exclude.has(labels[row]));
  const picked = sampleRows(
    Array.from(normal, (row) => labels[row]),
    n,
    seed,
  );
  return { normal, sample: picked.map((i) => normal[i]) };
}

/** The seeded sample of `n` rows of a frame, in frame order: the same rows `evaluateFull` keeps. */
export function sampleFrame(frame: Frame, n: number, seed: number): Frame {
  return frame.selectRows(sampleRows(frame.index, n, seed));
}
