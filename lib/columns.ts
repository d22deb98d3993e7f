/**
 * Column keys: parse the Python tuple headers pandas writes for a MultiIndex flattened to text,
 * recognise metadata columns, and infer a run's window grid from its window starts.
 */
import { ColumnKey, FilePosition, InputError, ValueKey, WindowGrid } from './types';

/** Metadata columns the seed drops before evaluating: not values. */
export const META_COLUMNS: readonly string[] = [
  'host0', 'host1', 'host2', 'host3', 'host4', 'host5', 'host6', 'host7', 'is_src', 'is_anomaly',
];

// PROVISIONAL: a first version so that other modules can build; the loader work hardens it
// (escaped quotes, double quotes, full tests).
const TUPLE = /^\(\s*'([^']*)'\s*,\s*'([^']*)'\s*,?\s*\)$/;
const WINDOW = /^([A-Za-z0-9]+)_(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2})$/;

/**
 * Parses one header. Tuple headers become value keys; plain names become meta keys.
 * Throws an InputError at `where` for a tuple that is not `('<stat>_<feature>', '<stat>_<timestamp>')`.
 */
export function parseColumnKey(header: string, where: FilePosition = { file: '(header)' }): ColumnKey {
  if (!header.startsWith('(')) return { kind: 'meta', header, name: header };
  const tuple = TUPLE.exec(header);
  if (!tuple) {
    throw new InputError(where, `header ${JSON.stringify(header)} is not a tuple of two quoted strings like ('avg_Length', 'avg_2019-02-01 09:35:00')`);
  }
  const [, family, window] = tuple;
  const split = family.indexOf('_');
  const time = WINDOW.exec(window);
  if (split <= 0 || !time) {
    throw new InputError(where, `header ${JSON.stringify(header)}: expected ('<stat>_<feature>', '<stat>_YYYY-MM-DD HH:MM:SS')`);
  }
  const [, , y, mo, d, h, mi, s] = time;
  const start = Date.UTC(+y, +mo - 1, +d, +h, +mi, +s);
  const key: ValueKey = {
    kind: 'value', header, family, stat: family.slice(0, split), feature: family.slice(split + 1), window, start,
  };
  return key;
}

/** Pandas offset alias for a window length in ms: `5T`, `30T`, `1H`, `1D`, `30S`. */
export function freqAlias(stepMs: number): string {
  const units: [number, string][] = [[86_400_000, 'D'], [3_600_000, 'H'], [60_000, 'T'], [1000, 'S']];
  for (const [size, unit] of units) {
    if (stepMs % size === 0) return `${stepMs / size}${unit}`;
  }
  return `${stepMs}L`;
}

/**
 * The window grid of a set of value keys: distinct starts, sorted, evenly spaced.
 * Throws an InputError naming `file` when the spacing is irregular.
 */
export function inferGrid(keys: readonly ValueKey[], file: string): WindowGrid {
  const starts = Float64Array.from(new Set(keys.map((k) => k.start))).sort();
  if (starts.length < 2) return { freq: 'unknown', stepMs: NaN, starts };
  const stepMs = starts[1] - starts[0];
  for (let i = 2; i < starts.length; i++) {
    if (starts[i] - starts[i - 1] !== stepMs) {
      throw new InputError({ file }, `irregular window spacing: ${starts.length} windows, step ${stepMs / 60000} min then ${(starts[i] - starts[i - 1]) / 60000} min at window ${i + 1}`);
    }
  }
  return { freq: freqAlias(stepMs), stepMs, starts };
}
