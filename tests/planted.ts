/**
 * Planted data for the triage's tests: normal rows made by the project's generator, some of them
 * changed in known ways (a subtle rise, a silence, two families, campaigns and singletons) and
 * some left as they are (nulls), with the normal rows that stay normal as the baseline.
 */
import { aggregateRow, AggregateScratch } from '../data/synth/aggregate';
import { FAMILIES, GRID_5T, valueHeaders, type ScaleSpec } from '../data/synth/layout';
import { PacketBuffer } from '../data/synth/packets';
import { buildPopulation } from '../data/synth/population';
import { simulateRow } from '../data/synth/model';
import { Rng } from '../data/synth/prng';
import { parseColumnKey } from '../lib/table/columns';
import { Frame } from '../lib/table/frame';
import { ValueSketch } from '../lib/table/sketch';
import type { ValueKey } from '../lib/types';
import { type NormalBaseline, baselineOf } from '../lib/evaluation/baseline';

/** One planted row and what was done to it. */
export interface Plant {
  readonly label: string;
  readonly kind: 'rise' | 'silence' | 'two' | 'campaign' | 'singleton' | 'null';
  /** Families changed (the count families count as `count_Length`). */
  readonly families: readonly string[];
  /** First and last changed window (indices). */
  readonly from: number;
  readonly to: number;
  /** Campaign number (campaign plants), else a unique negative number. */
  readonly group: number;
}

/** The planted table, its baseline and the calibration rows. */
export interface PlantedData {
  readonly frame: Frame;
  readonly plants: readonly Plant[];
  readonly baseline: NormalBaseline;
  readonly normal: Frame;
  readonly starts: Float64Array;
}

const COUNT_FAMILIES = FAMILIES.filter((f) => f.startsWith('count_') && f !== 'count_IP1' && f !== 'count_IP2');
/** Families a rise is planted in (what an analyst would read: sizes, distances, ports, timing). */
const RISE_FAMILIES = [
  'sum_Length',
  'avg_Length',
  'std_Length',
  'avg_IP_distance',
  'sum_IP_distance',
  'avg_Port2_last_1',
  'avg_IP1_time_diff_per_value',
  'sum_IP1_IP2_time_diff_per_value',
];

/** Options of {@link plantedData}. */
export interface PlantOptions {
  readonly seed: number;
  /** Rows generated (normal ones are kept). Default 1500. */
  readonly rows?: number;
  readonly rises?: number;
  readonly silences?: number;
  readonly twos?: number;
  readonly campaigns?: number;
  readonly campaignSize?: number;
  readonly singletons?: number;
  readonly nulls?: number;
  /**
   * How high a rise goes: `normal` (default) 1.5–3× the 99th percentile of the normal IPs' non-zero
   * values; `own` 3–5× the row's own median in its active windows (often ordinary against other IPs).
   */
  readonly riseLevel?: 'normal' | 'own';
}

/** Generated normal rows: labels and the family-major values (42 × 150 a row). */
function normalRows(rows: number, seed: number): { labels: string[]; values: Float64Array[] } {
  const scale: ScaleSpec = {
    fullRows: rows,
    venn: { all: 0, only30and5: 0, only10and5: 0, only30and10: 0, only30: 0, only10: 0, only5: 0 },
  };
  const buffer = new PacketBuffer();
  const scratch = new AggregateScratch();
  const labels: string[] = [];
  const values: Float64Array[] = [];
  for (const spec of buildPopulation(scale, seed)) {
    if (spec.behaviour !== 'normal') continue;
    const out = new Float64Array(FAMILIES.length * GRID_5T.windows);
    aggregateRow(simulateRow(spec, seed, buffer), spec.role, GRID_5T, out, scratch);
    labels.push(spec.label);
    values.push(out);
  }
  return { labels, values };
}

/** Builds the planted data (deterministic in the options). */
export function plantedData(options: PlantOptions): PlantedData {
  const W = GRID_5T.windows;
  const { labels, values } = normalRows(options.rows ?? 1500, options.seed);
  const columns = valueHeaders(GRID_5T).map((h) => parseColumnKey(h) as ValueKey);
  const familyIndex = new Map(FAMILIES.map((f, i) => [f, i]));
  const rng = new Rng(options.seed, 'plants');
  const activeIn = (v: Float64Array, w: number): boolean => v[familyIndex.get('count_Length')! * W + w] > 0;
  const activeCount = (v: Float64Array): number => {
    let a = 0;
    for (let w = 0; w < W; w++) if (activeIn(v, w)) a++;
    return a;
  };
  const used = new Set<number>();
  const order = labels.map((_, i) => i);
  for (let i = order.length - 1; i > 0; i--) {
    const j = Math.floor(rng.next() * (i + 1));
    [order[i], order[j]] = [order[j], order[i]];
  }
  const take = (ok: (v: Float64Array) => boolean): number => {
    const i = order.find((r) => !used.has(r) && ok(values[r]));
    if (i === undefined) throw new Error('plantedData: no row left that fits');
    used.add(i);
    return i;
  };
  const busy = (min: number) => (v: Float64Array) => activeCount(v) >= min;
  // p99 of the non-zero normal values of a family and role (over all rows, before planting).
  const p99 = (family: string, role: string): number => {
    const f = familyIndex.get(family)!;
    const xs: number[] = [];
    labels.forEach((label, r) => {
      if (!label.endsWith(role)) return;
      for (let w = 0; w < W; w++) {
        const x = values[r][f * W + w];
        if (x !== 0) xs.push(x);
      }
    });
    xs.sort((a, b) => a - b);
    return xs[Math.floor(0.99 * (xs.length - 1))];
  };
  const roleOf = (label: string) => (label.endsWith('source') ? 'source' : 'dst');
  const rows: { row: number; values: Float64Array }[] = [];
  const plants: Plant[] = [];
  let alone = -1;
  /** The active windows of a row, and a stretch of `length` consecutive ones. */
  const stretch = (v: Float64Array, length: number): number[] => {
    const act: number[] = [];
    for (let w = 0; w < W; w++) if (activeIn(v, w)) act.push(w);
    const start = Math.floor(rng.next() * (act.length - length + 1));
    return act.slice(start, start + length);
  };
  const ownMedian = (v: Float64Array, family: string): number => {
    const xs: number[] = [];
    for (let w = 0; w < W; w++) if (activeIn(v, w)) xs.push(v[familyIndex.get(family)! * W + w]);
    xs.sort((a, b) => a - b);
    return xs[(xs.length - 1) >> 1];
  };
  const raise = (v: Float64Array, family: string, windows: readonly number[], role: string, own = false): void => {
    const level = own ? ownMedian(v, family) * (3 + 2 * rng.next()) : p99(family, role) * (1.5 + 1.5 * rng.next());
    const members = family === 'count_Length' ? COUNT_FAMILIES : [family];
    for (const w of windows) {
      const x = level * (1 + 0.05 * rng.next());
      for (const f of members) v[familyIndex.get(f)! * W + w] = x;
    }
  };
  const pick = <T>(list: readonly T[]): T => list[Math.floor(rng.next() * list.length)];
  for (let k = 0; k < (options.rises ?? 12); k++) {
    const length = 4 + Math.floor(rng.next() * 9);
    const row = take(busy(length + 8));
    const v = values[row].slice();
    const own = options.riseLevel === 'own';
    const family = pick(own ? RISE_FAMILIES.filter((f) => ownMedian(v, f) > 0) : RISE_FAMILIES);
    const windows = stretch(v, length);
    raise(v, family, windows, roleOf(labels[row]), own);
    rows.push({ row, values: v });
    plants.push({
      label: labels[row],
      kind: 'rise',
      families: [family],
      from: windows[0],
      to: windows[windows.length - 1],
      group: alone--,
    });
  }
  for (let k = 0; k < (options.silences ?? 8); k++) {
    // A family the row uses whenever it is active goes silent over 12 of its active windows.
    const nonzeroShare = (v: Float64Array, family: string): number => {
      let active = 0;
      let used = 0;
      for (let w = 0; w < W; w++) {
        if (!activeIn(v, w)) continue;
        active++;
        if (v[familyIndex.get(family)! * W + w] !== 0) used++;
      }
      return active > 0 ? used / active : 0;
    };
    const row = take((v) => activeCount(v) >= 24 && RISE_FAMILIES.some((f) => nonzeroShare(v, f) >= 0.9));
    const v = values[row].slice();
    const family = pick(RISE_FAMILIES.filter((f) => nonzeroShare(v, f) >= 0.9));
    const windows = stretch(v, 12);
    for (const w of windows) v[familyIndex.get(family)! * W + w] = 0;
    rows.push({ row, values: v });
    plants.push({
      label: labels[row],
      kind: 'silence',
      families: [family],
      from: windows[0],
      to: windows[11],
      group: alone--,
    });
  }
  for (let k = 0; k < (options.twos ?? 8); k++) {
    const length = 4 + Math.floor(rng.next() * 9);
    const row = take(busy(length + 8));
    const v = values[row].slice();
    const first = pick(RISE_FAMILIES);
    const second = pick(RISE_FAMILIES.filter((f) => f !== first));
    const windows = stretch(v, length);
    raise(v, first, windows, roleOf(labels[row]));
    raise(v, second, windows, roleOf(labels[row]));
    rows.push({ row, values: v });
    plants.push({
      label: labels[row],
      kind: 'two',
      families: [first, second],
      from: windows[0],
      to: windows[windows.length - 1],
      group: alone--,
    });
  }
  // Each campaign and each singleton in its own family (campaigns with more packets too), at its own time.
  const free = [...RISE_FAMILIES];
  const behaviour = (withPackets: boolean): { families: string[]; from: number; length: number } => {
    const length = 6 + Math.floor(rng.next() * 7);
    const family = free.splice(Math.floor(rng.next() * free.length), 1)[0];
    return {
      families: withPackets ? ['count_Length', family] : [family],
      from: Math.floor(rng.next() * (W - length)),
      length,
    };
  };
  // A behaviour planted on a fresh row: its families raised over its windows.
  const plantBehaviour = (b: ReturnType<typeof behaviour>, kind: 'campaign' | 'singleton', group: number): void => {
    const windows = Array.from({ length: b.length }, (_, i) => b.from + i);
    const row = take(() => true);
    const v = values[row].slice();
    for (const f of b.families) raise(v, f, windows, roleOf(labels[row]));
    rows.push({ row, values: v });
    plants.push({ label: labels[row], kind, families: b.families, from: b.from, to: b.from + b.length - 1, group });
  };
  for (let c = 0; c < (options.campaigns ?? 3); c++) {
    const b = behaviour(true);
    for (let m = 0; m < (options.campaignSize ?? 5); m++) plantBehaviour(b, 'campaign', c);
  }
  for (let k = 0; k < (options.singletons ?? 5); k++) plantBehaviour(behaviour(true), 'singleton', alone--);
  for (let k = 0; k < (options.nulls ?? 10); k++) {
    const row = take(() => true);
    rows.push({ row, values: values[row] });
    plants.push({ label: labels[row], kind: 'null', families: [], from: -1, to: -1, group: alone-- });
  }
  const matrix = (list: readonly Float64Array[]): Float64Array => {
    const out = new Float64Array(list.length * columns.length);
    list.forEach((v, i) => out.set(v, i * columns.length));
    return out;
  };
  const frame = new Frame({
    index: rows.map((r) => labels[r.row]),
    columns,
    values: matrix(rows.map((r) => r.values)),
  });
  const normalIndex = labels.map((_, i) => i).filter((i) => !used.has(i));
  const normal = new Frame({
    index: normalIndex.map((i) => labels[i]),
    columns,
    values: matrix(normalIndex.map((i) => values[i])),
  });
  const sketch = new ValueSketch(columns);
  for (let r = 0; r < normal.nRows; r++) sketch.addRow(normal.roles[r], normal.row(r));
  return {
    frame,
    plants,
    baseline: baselineOf(sketch),
    normal,
    starts: Float64Array.from(columns.slice(0, W), (c) => c.start),
  };
}

/** The adjusted Rand index of two labelings of the same items (1: identical partitions, ~0: chance). */
export function adjustedRand(a: readonly number[], b: readonly number[]): number {
  const n = a.length;
  const pairs = (x: number) => (x * (x - 1)) / 2;
  const table = new Map<string, number>();
  const rows = new Map<number, number>();
  const cols = new Map<number, number>();
  for (let i = 0; i < n; i++) {
    const key = `${a[i]}\u0000${b[i]}`;
    table.set(key, (table.get(key) ?? 0) + 1);
    rows.set(a[i], (rows.get(a[i]) ?? 0) + 1);
    cols.set(b[i], (cols.get(b[i]) ?? 0) + 1);
  }
  let index = 0;
  for (const v of table.values()) index += pairs(v);
  let sumRows = 0;
  for (const v of rows.values()) sumRows += pairs(v);
  let sumCols = 0;
  for (const v of cols.values()) sumCols += pairs(v);
  const expected = (sumRows * sumCols) / pairs(n);
  const max = (sumRows + sumCols) / 2;
  return max === expected ? 1 : (index - expected) / (max - expected);
}
