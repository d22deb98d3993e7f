/**
 * The fixed layout of the generated files: window grids, families and their column order,
 * metadata columns, output paths and the row/overlap counts of each scale.
 */
import { formatNaiveTimestamp } from '../../lib/types';

/** The ten per-packet variables, in the column order of the original pipeline. */
export const FEATURES = [
  'Length',
  'IP1_IP2_time_diff_per_value',
  'IP1_time_diff_per_value',
  'IP2_time_diff_per_value',
  'IP_distance',
  'Port1_last_1',
  'Port2_last_1',
  'is_busybox',
  'is_enable',
  'is_sh',
] as const;

/** Index of each feature in per-packet feature arrays. */
export enum F {
  Length = 0,
  PairDiff = 1,
  Ip1Diff = 2,
  Ip2Diff = 3,
  Distance = 4,
  Port1 = 5,
  Port2 = 6,
  Busybox = 7,
  Enable = 8,
  Sh = 9,
}

/** Number of per-packet variables. */
export const FEATURE_COUNT = FEATURES.length;

/** The aggregates of each per-packet variable, in column order. */
export const STATS = ['avg', 'sum', 'std', 'count'] as const;

/**
 * The 42 families in column order: avg of each feature, then sum, std, count of each feature,
 * then the two distinct-address counts `count_IP1` and `count_IP2`.
 */
export const FAMILIES: readonly string[] = [
  ...STATS.flatMap((stat) => FEATURES.map((feature) => `${stat}_${feature}`)),
  'count_IP1',
  'count_IP2',
];

/** Families per window. */
export const FAMILY_COUNT = FAMILIES.length; // 42

/** Metadata columns after the value columns (anomaly files add `is_anomaly`). */
export const HOST_COLUMNS = ['host0', 'host1', 'host2', 'host3', 'host4', 'host5', 'host6', 'host7'] as const;

/** Simulated day: packets fall in [SIM_START, SIM_START + SIM_SECONDS), seconds since this instant. */
export const SIM_START_MS = Date.UTC(2019, 1, 1, 9, 30, 0);
/** 09:30 to 22:30: the last 30-minute window (22:00) ends here. */
export const SIM_SECONDS = 13 * 3600;

/** One window grid of a run: length and the windows that appear as columns. */
export interface RunGrid {
  /** Pandas offset alias, e.g. `5T`. */
  readonly freq: string;
  /** Window length in seconds. */
  readonly seconds: number;
  /** Index (since SIM_START, in window lengths) of the first window written. */
  readonly firstBin: number;
  /** Number of windows written. */
  readonly windows: number;
}

/** 30-minute run: 26 windows 09:30..22:00. */
export const GRID_30T: RunGrid = { freq: '30T', seconds: 1800, firstBin: 0, windows: 26 };
/** 10-minute run: 76 windows 09:30..22:00. */
export const GRID_10T: RunGrid = { freq: '10T', seconds: 600, firstBin: 0, windows: 76 };
/** 5-minute run and full dataset: 150 windows 09:35..22:00. */
export const GRID_5T: RunGrid = { freq: '5T', seconds: 300, firstBin: 1, windows: 150 };

/** Epoch ms (naive, read as UTC) of window `w` (0-based among the written windows) of a grid. */
export function windowStartMs(grid: RunGrid, w: number): number {
  return SIM_START_MS + (grid.firstBin + w) * grid.seconds * 1000;
}

/** Python `str(tuple)` of a value column: `('avg_Length', 'avg_2019-02-01 09:35:00')`. */
export function valueHeader(family: string, startMs: number): string {
  const stat = family.slice(0, family.indexOf('_'));
  return `('${family}', '${stat}_${formatNaiveTimestamp(startMs)}')`;
}

/** All value headers of a grid, family-major then window in time order. */
export function valueHeaders(grid: RunGrid): string[] {
  const out: string[] = [];
  for (const family of FAMILIES) {
    for (let w = 0; w < grid.windows; w++) out.push(valueHeader(family, windowStartMs(grid, w)));
  }
  return out;
}

/** The header line of a file (with trailing newline): empty index cell, values, metadata. */
export function headerLine(grid: RunGrid, withAnomalyFlag: boolean): string {
  const cells = ['', ...valueHeaders(grid), ...HOST_COLUMNS, 'is_src'];
  if (withAnomalyFlag) cells.push('is_anomaly');
  return `${cells.join('\t')}\n`;
}

/** The three detector runs, coarsest first, with the folder each writes to. */
export const RUNS = [
  { name: '30T', grid: GRID_30T, dir: 'models/models_2019_06_01_21_21' },
  { name: '10T', grid: GRID_10T, dir: 'models/models_2019_06_01_21_44' },
  { name: '5T', grid: GRID_5T, dir: 'models/models_2019_06_01_22_11' },
] as const;

/** Name of one of the three runs. */
export type RunName = (typeof RUNS)[number]['name'];

/** File name of every run's anomalies. */
export const ANOMALY_FILE = 'detected_anomalies.csv';
/** Path of the full 5-minute table, relative to the output root. */
export const FULL_FILE = 'final/final_dataset_5T.csv';

/**
 * How many flagged rows fall in each region of the 30T/10T/5T Venn diagram. The regions are
 * disjoint; a run's row count is the sum of the regions containing it.
 */
export interface VennCounts {
  readonly all: number; // 30T ∩ 10T ∩ 5T
  readonly only30and5: number;
  readonly only10and5: number;
  readonly only30and10: number;
  readonly only30: number;
  readonly only10: number;
  readonly only5: number;
}

/** Sizes of one scale: full-table rows and the Venn diagram of flagged rows. */
export interface ScaleSpec {
  readonly fullRows: number;
  readonly venn: VennCounts;
}

/**
 * `--scale seed`: the seed notebook's shapes. 30T 368, 10T 387, 5T 396 rows; 30T∩5T 362,
 * 10T∩5T 383, all three 360; full table 46,713 rows.
 */
export const SEED_SCALE: ScaleSpec = {
  fullRows: 46_713,
  venn: { all: 360, only30and5: 2, only10and5: 23, only30and10: 2, only30: 4, only10: 2, only5: 11 },
};

/**
 * `--scale demo` (default): same layout, ~4% of the rows. 30T 53, 10T 55, 5T 56 rows;
 * 30T∩5T 51, 10T∩5T 53, all three 50; one row unique to each run (two for 5T); 2,000 full rows.
 */
export const DEMO_SCALE: ScaleSpec = {
  fullRows: 2_000,
  venn: { all: 50, only30and5: 1, only10and5: 3, only30and10: 1, only30: 1, only10: 1, only5: 2 },
};

/** The scales by name. */
export const SCALES = { demo: DEMO_SCALE, seed: SEED_SCALE } as const;

/** Name of a scale. */
export type ScaleName = keyof typeof SCALES;

/** Expected counts a scale produces, derived from its Venn diagram (what the checks compare to). */
export interface ExpectedCounts {
  readonly fullRows: number;
  readonly rows: Readonly<Record<RunName, number>>;
  readonly common30and5: number;
  readonly common10and5: number;
  readonly commonAll: number;
}

/** Row and overlap counts implied by a scale. */
export function expectedCounts(scale: ScaleSpec): ExpectedCounts {
  const v = scale.venn;
  return {
    fullRows: scale.fullRows,
    rows: {
      '30T': v.all + v.only30and5 + v.only30and10 + v.only30,
      '10T': v.all + v.only10and5 + v.only30and10 + v.only10,
      '5T': v.all + v.only30and5 + v.only10and5 + v.only5,
    },
    common30and5: v.all + v.only30and5,
    common10and5: v.all + v.only10and5,
    commonAll: v.all,
  };
}
