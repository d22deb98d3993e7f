/**
 * The tiny hand-checked fixture (tests/fixtures/tiny): six rows, a few windows, every packet
 * written out below, so each cell can be recomputed by hand (see tests/fixtures/tiny/README.md).
 * It goes through the same aggregation and writer as the generator.
 */
import * as path from 'node:path';
import type { Role } from '../../lib/types';
import { aggregateRow } from './aggregate';
import { ANOMALY_FILE, FAMILY_COUNT, FULL_FILE, headerLine, type RunGrid, type RunName } from './layout';
import { PacketBuffer } from './packets';
import { hostBits } from './dataset';
import { TableWriter } from './writer';

/** The fixture's grids: 30T 09:30 and 10:00; 10T 09:30, 09:40, 09:50; 5T 09:35, 09:40, 09:45. */
export const TINY_GRIDS: Readonly<Record<RunName, RunGrid>> = {
  '30T': { freq: '30T', seconds: 1800, firstBin: 0, windows: 2 },
  '10T': { freq: '10T', seconds: 600, firstBin: 0, windows: 3 },
  '5T': { freq: '5T', seconds: 300, firstBin: 1, windows: 3 },
};

/**
 * One packet: [t (s since 09:30), peer, Length, IP1_IP2_diff, IP1_diff, IP2_diff, IP_distance,
 * Port1_last_1, Port2_last_1, is_busybox, is_enable, is_sh].
 */
export type TinyPacket = readonly [
  number,
  number,
  number,
  number,
  number,
  number,
  number,
  number,
  number,
  number,
  number,
  number,
];

/** One fixture row: label parts, the runs that flag it, its packets. */
export interface TinyRow {
  readonly ip: string;
  readonly role: Role;
  readonly runs: readonly RunName[];
  readonly packets: readonly TinyPacket[];
}

/** The six rows, in label order. */
export const TINY_ROWS: readonly TinyRow[] = [
  {
    ip: '192.0.2.10',
    role: 'source',
    runs: ['30T', '10T', '5T'],
    packets: [
      [310, 0, 40, 0, 0, 2.5, 0.25, 1, 1, 0, 0, 0],
      [320, 1, 44, 0, 10, 0.5, 1, 2, 2, 0, 0, 0],
      [330, 0, 100, 20, 10, 1.5, 0.25, 3, 2, 1, 1, 0],
      [610, 0, 40, 280, 280, 3, 0.25, 1, 1, 0, 0, 0],
      [1000, 1, 44, 680, 390, 0.00001, 1, 1, 1, 0, 0, 0],
      [1900, 0, 40, 1290, 900, 7, 0.25, 1, 1, 0, 0, 0],
    ],
  },
  {
    ip: '198.51.100.7',
    role: 'dst',
    runs: ['30T', '10T', '5T'],
    packets: [
      [310, 0, 40, 0, 0, 0, 0.25, 1, 1, 0, 0, 0],
      [330, 0, 100, 20, 10, 20, 0.25, 3, 2, 1, 1, 0],
      [340, 1, 52, 0, 4, 10, 0.75, 1, 1, 0, 0, 0],
      [610, 0, 40, 280, 280, 270, 0.25, 1, 1, 0, 0, 0],
      [1900, 0, 40, 1290, 900, 1290, 0.25, 1, 1, 0, 0, 0],
    ],
  },
  {
    ip: '198.51.100.99',
    role: 'dst',
    runs: [],
    packets: [[100, 0, 60, 0, 3.25, 0, 0.5, 1, 1, 0, 0, 0]],
  },
  {
    ip: '2001:db8::7',
    role: 'dst',
    runs: ['30T', '10T'],
    packets: [
      [450, 0, 40, 0, 0.5, 0, 1, 30, 25, 0, 0, 0],
      [900, 1, 40, 0, 0.75, 450, 1, 32, 25, 0, 0, 0],
      [1350, 2, 44, 0, 0.5, 450, 1, 28, 27, 0, 0, 0],
    ],
  },
  {
    ip: '203.0.113.200',
    role: 'source',
    runs: [],
    packets: [
      [700, 0, 60, 0, 0, 120, 1, 1, 1, 0, 0, 0],
      [700.5, 0, 52, 0.5, 0.5, 0.5, 1, 1, 1, 0, 0, 0],
      [701, 0, 40, 0.5, 0.5, 0.5, 1, 1, 1, 0, 0, 0],
    ],
  },
  {
    ip: '203.0.113.5',
    role: 'source',
    runs: ['5T'],
    packets: [
      [905, 0, 44, 0, 0, 2, 0.5, 4, 1, 0, 0, 0],
      [906, 1, 44, 0, 1, 2, 0.5, 4, 1, 0, 0, 0],
      [907, 2, 44, 0, 1, 2, 0.5, 4, 1, 0, 0, 0],
      [908, 3, 44, 0, 1, 2, 0.5, 4, 1, 0, 0, 0],
    ],
  },
];

/** Folder of each run inside the fixture, as in the generated data. */
const TINY_DIRS: Readonly<Record<RunName, string>> = {
  '30T': 'models/models_2019_06_01_21_21',
  '10T': 'models/models_2019_06_01_21_44',
  '5T': 'models/models_2019_06_01_22_11',
};

/** Writes the fixture's four files under `dir`; returns their paths (30T, 10T, 5T, full). */
export function writeTinyFixture(dir: string): string[] {
  const targets: { run?: RunName; grid: RunGrid; file: string }[] = [
    ...(['30T', '10T', '5T'] as const).map((run) => ({
      run,
      grid: TINY_GRIDS[run],
      file: path.join(dir, TINY_DIRS[run], ANOMALY_FILE),
    })),
    { grid: TINY_GRIDS['5T'], file: path.join(dir, FULL_FILE) },
  ];
  const writers = targets.map((target) => new TableWriter(target.file, 1 << 16));
  try {
    targets.forEach((target, k) => writers[k].writeText(headerLine(target.grid, target.run !== undefined)));
    const buffer = new PacketBuffer();
    for (const row of TINY_ROWS) {
      buffer.reset();
      for (const [t, peer, ...values] of row.packets) buffer.push(t, peer, values);
      const packets = buffer.view();
      targets.forEach((target, k) => {
        if (target.run && !row.runs.includes(target.run)) return;
        const values = aggregateRow(
          packets,
          row.role,
          target.grid,
          new Float64Array(FAMILY_COUNT * target.grid.windows),
        );
        const meta = [...hostBits(row.ip), row.role === 'source' ? 1 : 0, ...(target.run ? [-1] : [])];
        writers[k].writeRow(row.ip + row.role, values, meta);
      });
    }
    for (const writer of writers) writer.commit();
  } catch (error) {
    for (const writer of writers) writer.abort();
    throw error;
  }
  return targets.map((t) => t.file);
}
