/**
 * The options every read takes (threads, Float32, progress), apart from the readers so that the
 * thread pool and the readers can both name them without importing each other.
 */

/** How far a read has got; reported through `ReadOptions.onProgress`, at most every 100 ms. */
export interface Progress {
  bytesRead: number;
  bytesTotal: number;
  rowsParsed: number;
}

/** Options of `readTable` and `evaluateFull`. */
export interface ReadOptions {
  /** Store numbers as Float32 (half the memory; each value is `Math.fround(Number(text))`). */
  float32?: boolean;
  /** Threads that parse (default: one per core, at most 8; 1 for files under 8 MB: no worker then). */
  workers?: number;
  /** Called with bytes read and rows parsed while reading, throttled, and once at the end. */
  onProgress?: (p: Progress) => void;
}
