/**
 * A dense table: the seed's layout (same headers, metadata columns, file names), but every value cell
 * a full-precision decimal, as a pipeline that scales or imputes its features writes them
 * (`repr(float)` of lognormal values: `3.4702258104581633`, `0.012840254166877414`, `2.1e-05`...).
 * The sparse generator's cells are 97% `0.0`; this one has none, so a reader's cost per number shows.
 * Three model runs (30T, 10T, 5T) flag a few rows each, so `npm run summary` runs on it as it is.
 */
import * as os from 'node:os';
import * as path from 'node:path';
import { hostBits } from './dataset';
import {
  ANOMALY_FILE,
  DEMO_SCALE,
  FAMILY_COUNT,
  FULL_FILE,
  GRID_5T,
  headerLine,
  type RunGrid,
  type RunName,
  RUNS,
} from './layout';
import { compareLabels, FLAG_10T, FLAG_30T, FLAG_5T } from './population';
import { Rng } from './prng';
import { TableWriter } from './writer';
import type { GenerateResult, WrittenFile } from './dataset';

/** What to generate and where. */
export interface DenseOptions {
  /** Rows of the full table (default 6,000). */
  readonly rows?: number;
  readonly seed: number;
  /** Output root; files go to `<outDir>/models/...` and `<outDir>/final/...`. */
  readonly outDir: string;
  /** Called every `progressEvery` rows with (rows done, rows total). */
  readonly onProgress?: (done: number, total: number) => void;
  readonly progressEvery?: number;
}

/** Where `npm run data -- --dense` and `npm run bench:load` put the dense data set by default (0.7 GB, not in the project). */
export const DENSE_DIR = path.join(os.tmpdir(), 'anomaly-eval-dense');

/** Default size: 6,000 rows × 6,309 columns, about 0.7 GB. */
export const DENSE_ROWS = 6_000;

/** Log-space spread of the values: most within a factor e^±2 of the family's median. */
const SIGMA = 1;

/** The median of family `f`: spread over 10^-2 .. 10^4 so that every decimal layout occurs. */
function familyMedian(f: number): number {
  return 10 ** ((f % 7) - 2);
}

/**
 * One row's values on a grid: family-major, lognormal around each family's median, drawn from a
 * generator seeded by (seed, grid, label), so a row's values do not depend on the other rows.
 */
export function denseValues(seed: number, label: string, grid: RunGrid, out: Float64Array): Float64Array {
  const rng = new Rng(seed, `dense ${grid.freq} ${label}`);
  for (let f = 0; f < FAMILY_COUNT; f++) {
    const median = familyMedian(f);
    for (let w = 0; w < grid.windows; w++) out[f * grid.windows + w] = rng.logNormal(median, SIGMA);
  }
  return out;
}

/** The labels of the table, sorted as Python sorts strings: distinct IPv4 addresses, alternating roles. */
export function denseLabels(rows: number, seed: number): string[] {
  const rng = new Rng(seed, 'dense labels');
  const seen = new Set<string>();
  while (seen.size < rows) {
    const ip = `${rng.int(1, 223)}.${rng.int(0, 255)}.${rng.int(0, 255)}.${rng.int(1, 254)}`;
    seen.add(`${ip}${seen.size % 2 === 0 ? 'source' : 'dst'}`);
  }
  return [...seen].sort(compareLabels);
}

/**
 * Which runs flag row `index` of `rows` (FLAG_* bits): the demo scale's Venn diagram of flagged rows
 * (30T 53, 10T 55, 5T 56 rows; 51/53/50 in common), spread evenly over the table.
 */
export function denseFlags(rows: number): Uint8Array {
  const v = DEMO_SCALE.venn;
  const regions: Array<[number, number]> = [
    [v.all, FLAG_30T | FLAG_10T | FLAG_5T],
    [v.only30and5, FLAG_30T | FLAG_5T],
    [v.only10and5, FLAG_10T | FLAG_5T],
    [v.only30and10, FLAG_30T | FLAG_10T],
    [v.only30, FLAG_30T],
    [v.only10, FLAG_10T],
    [v.only5, FLAG_5T],
  ];
  const flags = regions.flatMap(([count, flag]) => Array<number>(count).fill(flag));
  if (flags.length > rows) throw new RangeError(`a dense table needs at least ${flags.length} rows, got ${rows}`);
  const out = new Uint8Array(rows);
  const step = rows / flags.length;
  flags.forEach((flag, k) => (out[Math.floor(k * step)] = flag));
  return out;
}

const RUN_FLAGS: Record<RunName, number> = { '30T': FLAG_30T, '10T': FLAG_10T, '5T': FLAG_5T };

/** Writes the dense full table and three runs' anomaly files (temp files renamed at the end). */
export function generateDense(options: DenseOptions): GenerateResult {
  const rows = options.rows ?? DENSE_ROWS;
  const labels = denseLabels(rows, options.seed);
  const flags = denseFlags(rows);
  const writers: TableWriter[] = [];
  try {
    const full = new TableWriter(path.join(options.outDir, FULL_FILE));
    writers.push(full);
    full.writeText(headerLine(GRID_5T, false));
    const runs = RUNS.map((run) => {
      const writer = new TableWriter(path.join(options.outDir, run.dir, ANOMALY_FILE));
      writers.push(writer);
      writer.writeText(headerLine(run.grid, true));
      return { ...run, writer, flag: RUN_FLAGS[run.name], values: new Float64Array(FAMILY_COUNT * run.grid.windows) };
    });
    const values = new Float64Array(FAMILY_COUNT * GRID_5T.windows);
    const every = options.progressEvery ?? 1000;
    labels.forEach((label, index) => {
      const role = label.endsWith('dst') ? 'dst' : 'source';
      const meta = [...hostBits(label.slice(0, label.length - role.length)), role === 'source' ? 1 : 0];
      full.writeRow(label, denseValues(options.seed, label, GRID_5T, values), meta);
      for (const run of runs) {
        if ((flags[index] & run.flag) === 0) continue;
        // The 5T run holds the full table's own values; the coarser runs their own draws.
        const runValues = run.grid === GRID_5T ? values : denseValues(options.seed, label, run.grid, run.values);
        run.writer.writeRow(label, runValues, [...meta, -1]);
      }
      if (options.onProgress && (index + 1) % every === 0) options.onProgress(index + 1, rows);
    });
    for (const writer of writers) writer.commit();
    const describe = (w: TableWriter, windows: number, extra: number): WrittenFile => ({
      path: w.finalPath,
      rows: w.rows,
      columns: FAMILY_COUNT * windows + extra,
      bytes: w.bytes,
    });
    const written = Object.fromEntries(runs.map((r) => [r.name, describe(r.writer, r.grid.windows, 10)])) as Record<
      RunName,
      WrittenFile
    >;
    return { full: describe(full, GRID_5T.windows, 9), runs: written, packets: 0 };
  } catch (error) {
    for (const writer of writers) writer.abort();
    throw error;
  }
}
