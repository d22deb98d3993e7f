/**
 * The whole data set: build the population, simulate each row once, aggregate it at every window
 * length it is needed for and stream it into the full 5-minute table and the three runs' anomaly
 * files. All four files are written in one pass in label order and renamed into place at the end.
 */
import * as path from 'node:path';
import { aggregateRow, AggregateScratch } from './aggregate';
import {
  ANOMALY_FILE,
  FAMILY_COUNT,
  FULL_FILE,
  GRID_5T,
  headerLine,
  type RunName,
  RUNS,
  type ScaleSpec,
} from './layout';
import { PacketBuffer } from './packets';
import { buildPopulation, FLAG_10T, FLAG_30T, FLAG_5T, type RowSpec } from './population';
import { simulateRow } from './model';
import { TableWriter } from './writer';
import { GENERATED_MARK, type GeneratedMark } from '../../lib/evaluation/provenance';
import { writeFileAtomic } from '../../lib/files';

/** What to generate and where. */
export interface GenerateOptions {
  readonly scale: ScaleSpec;
  readonly seed: number;
  /** Output root; files go to `<outDir>/models/...` and `<outDir>/final/...`. */
  readonly outDir: string;
  /** Called every `progressEvery` rows with (rows done, rows total). */
  readonly onProgress?: (done: number, total: number) => void;
  readonly progressEvery?: number;
}

/** One written file. */
export interface WrittenFile {
  readonly path: string;
  readonly rows: number;
  readonly columns: number;
  readonly bytes: number;
}

/** What was written. */
export interface GenerateResult {
  readonly full: WrittenFile;
  readonly runs: Readonly<Record<RunName, WrittenFile>>;
  /** Total simulated packets (over all rows). */
  readonly packets: number;
}

const RUN_FLAGS: Record<RunName, number> = { '30T': FLAG_30T, '10T': FLAG_10T, '5T': FLAG_5T };

/** The eight host bits of a row's address (last IPv4 octet, or the low byte of the last IPv6 group), MSB first. */
export function hostBits(ip: string): number[] {
  let byte: number;
  if (ip.includes(':')) {
    const groups = ip.split(':');
    byte = parseInt(groups[groups.length - 1] || '0', 16) & 0xff;
  } else {
    byte = Number(ip.slice(ip.lastIndexOf('.') + 1));
  }
  return Array.from({ length: 8 }, (_, k) => (byte >> (7 - k)) & 1);
}

/** Metadata cells of a row: host0..host7, is_src, and is_anomaly (-1) in anomaly files. */
function metaCells(row: RowSpec, anomaly: boolean): number[] {
  const cells = [...hostBits(row.ip), row.role === 'source' ? 1 : 0];
  if (anomaly) cells.push(-1);
  return cells;
}

/** Leaves the generator's mark (lib/provenance) in every folder written, so evaluations say the data are generated. */
function markGenerated(folders: readonly string[], options: GenerateOptions): void {
  const mark: GeneratedMark = { generator: 'anomaly-eval data', fullRows: options.scale.fullRows, seed: options.seed };
  for (const folder of new Set(folders))
    writeFileAtomic(path.join(folder, GENERATED_MARK), `${JSON.stringify(mark, null, 2)}\n`);
}

/** Generates the four files of a scale. Synchronous; memory stays bounded by one row's packets. */
export function generateDataset(options: GenerateOptions): GenerateResult {
  const rows = buildPopulation(options.scale, options.seed);
  const fullPath = path.join(options.outDir, FULL_FILE);
  const writers: TableWriter[] = [];
  try {
    const full = new TableWriter(fullPath);
    writers.push(full);
    full.writeText(headerLine(GRID_5T, false));
    const runWriters = RUNS.map((run) => {
      const writer = new TableWriter(path.join(options.outDir, run.dir, ANOMALY_FILE));
      writers.push(writer);
      writer.writeText(headerLine(run.grid, true));
      return { ...run, writer, flag: RUN_FLAGS[run.name], values: new Float64Array(FAMILY_COUNT * run.grid.windows) };
    });
    const run5 = runWriters.find((r) => r.name === '5T');
    const fullValues = new Float64Array(FAMILY_COUNT * GRID_5T.windows);
    const buffer = new PacketBuffer();
    const scratch = new AggregateScratch();
    let packets = 0;
    const every = options.progressEvery ?? 5000;
    rows.forEach((row, index) => {
      const simulated = simulateRow(row, options.seed, buffer);
      packets += simulated.n;
      aggregateRow(simulated, row.role, GRID_5T, fullValues, scratch);
      full.writeRow(row.label, fullValues, metaCells(row, false));
      for (const run of runWriters) {
        if ((row.flags & run.flag) === 0) continue;
        // The 5T run reuses the full table's values: the same aggregation of the same packets.
        const values = run === run5 ? fullValues : aggregateRow(simulated, row.role, run.grid, run.values, scratch);
        run.writer.writeRow(row.label, values, metaCells(row, true));
      }
      if (options.onProgress && (index + 1) % every === 0) options.onProgress(index + 1, rows.length);
    });
    for (const writer of writers) writer.commit();
    markGenerated(
      writers.map((w) => path.dirname(w.finalPath)),
      options,
    );
    const describe = (w: TableWriter, windows: number, extra: number): WrittenFile => ({
      path: w.finalPath,
      rows: w.rows,
      columns: FAMILY_COUNT * windows + extra,
      bytes: w.bytes,
    });
    const runs = Object.fromEntries(runWriters.map((r) => [r.name, describe(r.writer, r.grid.windows, 10)])) as Record<
      RunName,
      WrittenFile
    >;
    return { full: describe(full, GRID_5T.windows, 9), runs, packets };
  } catch (error) {
    for (const writer of writers) writer.abort();
    throw error;
  }
}
