/**
 * The population: which IPs exist, in which roles, which rows the three detectors flag and how
 * each flagged row behaves. Everything is drawn from generators seeded by (seed, purpose), so the
 * population is a pure function of (scale, seed).
 */
import type { Role } from '../../lib/types';
import { Rng } from './prng';
import type { ScaleSpec, VennCounts } from './layout';

/**
 * How a row behaves over the day. `normal` rows are the background; the rest are flagged:
 * persistent `scanner`, telnet `infector` (busybox/enable/sh payloads), `bulk` sender,
 * heavily `targeted` destination (a few of them `hotspot`s of port-randomising scanners), infection `victim`, `bulkDst` receiver, the two ends of the
 * standing-out `pair`, and the special cases behind the runs' disagreements: `burst` (5T only),
 * `slow` (30T/10T only), `episodic` (10T and 5T), `periodic` (30T and 5T).
 */
export type Behaviour =
  | 'normal'
  | 'scanner'
  | 'infector'
  | 'bulk'
  | 'targeted'
  | 'hotspot'
  | 'victim'
  | 'bulkDst'
  | 'pair'
  | 'burst'
  | 'slow'
  | 'episodic'
  | 'periodic';

/** Bit of each run in `RowSpec.flags`. */
export const FLAG_30T = 1;
/** Bit of the 10-minute run. */
export const FLAG_10T = 2;
/** Bit of the 5-minute run. */
export const FLAG_5T = 4;

/** One row of the full table. */
export interface RowSpec {
  /** Index label: IP + role, e.g. `104.192.1.15source`. */
  readonly label: string;
  readonly ip: string;
  readonly role: Role;
  behaviour: Behaviour;
  /** Runs that flag the row (FLAG_* bits); 0 for normal rows. */
  flags: number;
  /** For the `pair` rows: the key both ends seed their shared traffic from, and the peer's IP. */
  pair?: { key: string; peerIp: string };
}

const RESERVED_V4: readonly [number, number, number][] = [
  // [first octet, second octet low, second octet high] of ranges that are not public unicast
  [100, 64, 127],
  [169, 254, 254],
  [172, 16, 31],
  [192, 168, 168],
  [198, 18, 19],
];

/** A random public unicast IPv4 address (no private, loopback, CGN, link-local, multicast). */
function randomIpv4(rng: Rng): string {
  for (;;) {
    const a = rng.int(1, 223);
    const b = rng.int(0, 255);
    if (a === 10 || a === 127) continue;
    if (RESERVED_V4.some(([x, lo, hi]) => a === x && b >= lo && b <= hi)) continue;
    return `${a}.${b}.${rng.int(0, 255)}.${rng.int(1, 254)}`;
  }
}

/** Global unicast IPv6 prefixes of large hosting/ISP networks, for a realistic few IPv6 rows. */
const V6_PREFIXES = ['2a01:4f8', '2604:a880', '2001:470', '2a03:b0c0', '2400:6180', '2607:5300', '2a02:c207'];

/** A random IPv6 address in compressed lowercase form, e.g. `2a01:4f8:1c1c:8a3e::1`. */
function randomIpv6(rng: Rng): string {
  const group = () => rng.int(1, 0xffff).toString(16);
  const host = rng.chance(0.5) ? rng.int(1, 0xff).toString(16) : group();
  return `${rng.pick(V6_PREFIXES)}:${group()}:${group()}::${host}`;
}

/** Python-compatible string order (code points; the labels are ASCII). */
export function compareLabels(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** One entry of the list of flagged rows to place: behaviour, role, run flags. */
interface Slot {
  behaviour: Behaviour;
  role: Role;
  flags: number;
}

/** Targeted destinations also hit by port-randomising scanners, at every scale. */
const HOTSPOTS = 4;

/** The flagged rows a Venn diagram asks for, with their behaviours. */
function slotsFor(venn: VennCounts): Slot[] {
  const slots: Slot[] = [];
  const all = FLAG_30T | FLAG_10T | FLAG_5T;
  const bulkDst = Math.max(1, Math.round(venn.all * 0.006));
  const rest = venn.all - 2 - bulkDst;
  const shares: [Behaviour, Role, number][] = [
    ['scanner', 'source', 0.36],
    ['infector', 'source', 0.18],
    ['bulk', 'source', 0.06],
    ['targeted', 'dst', 0.25],
  ];
  let placed = 0;
  for (const [behaviour, role, share] of shares) {
    const count = Math.round(rest * share);
    for (let k = 0; k < count; k++) slots.push({ behaviour, role, flags: all });
    placed += count;
  }
  for (let k = placed; k < rest; k++) slots.push({ behaviour: 'victim', role: 'dst', flags: all });
  // Four of the targeted destinations are hotspots (the seed's "same four anomalous destinies").
  let hotspots = 0;
  for (const slot of slots) {
    if (slot.behaviour === 'targeted' && hotspots < HOTSPOTS) {
      slot.behaviour = 'hotspot';
      hotspots++;
    }
  }
  for (let k = 0; k < bulkDst; k++) slots.push({ behaviour: 'bulkDst', role: 'dst', flags: all });
  const special: [Behaviour, number, number][] = [
    ['periodic', venn.only30and5, FLAG_30T | FLAG_5T],
    ['episodic', venn.only10and5, FLAG_10T | FLAG_5T],
    ['slow', venn.only30and10, FLAG_30T | FLAG_10T],
    ['slow', venn.only30, FLAG_30T],
    ['slow', venn.only10, FLAG_10T],
    ['burst', venn.only5, FLAG_5T],
  ];
  let alternate = 0;
  for (const [behaviour, count, flags] of special) {
    for (let k = 0; k < count; k++) {
      slots.push({ behaviour, role: alternate++ % 2 === 0 ? 'source' : 'dst', flags });
    }
  }
  return slots;
}

/** Fisher-Yates shuffle in place. */
function shuffle<T>(items: T[], rng: Rng): T[] {
  for (let i = items.length - 1; i > 0; i--) {
    const j = Math.floor(rng.next() * (i + 1));
    [items[i], items[j]] = [items[j], items[i]];
  }
  return items;
}

/**
 * All rows of the full table, sorted by label as pandas' groupby emits them, with the flagged
 * rows and their behaviours assigned. Exactly `scale.fullRows` rows.
 */
export function buildPopulation(scale: ScaleSpec, seed: number): RowSpec[] {
  const rng = new Rng(seed, 'population');
  const seen = new Set<string>();
  const rows: RowSpec[] = [];
  let ipCount = 0;
  while (rows.length < scale.fullRows) {
    // Every 250th address is IPv6: a few, at every scale.
    const ip = ipCount % 250 === 7 ? randomIpv6(rng) : randomIpv4(rng);
    if (seen.has(ip)) continue;
    seen.add(ip);
    ipCount++;
    const u = rng.next();
    const roles: Role[] = u < 0.55 ? ['source'] : u < 0.8 ? ['dst'] : ['source', 'dst'];
    for (const role of roles) {
      if (rows.length < scale.fullRows) rows.push({ label: ip + role, ip, role, behaviour: 'normal', flags: 0 });
    }
  }
  rows.sort((a, b) => compareLabels(a.label, b.label));

  const pick = new Rng(seed, 'detectors');
  const byRole: Record<Role, RowSpec[]> = {
    source: shuffle(
      rows.filter((r) => r.role === 'source'),
      pick,
    ),
    dst: shuffle(
      rows.filter((r) => r.role === 'dst'),
      pick,
    ),
  };
  // One IPv6 row among the persistent anomalies, so every scale exercises IPv6 labels.
  for (const role of ['dst', 'source'] as const) {
    const list = byRole[role];
    const v6 = list.findIndex((r) => r.ip.includes(':'));
    if (v6 > 0) {
      const [row] = list.splice(v6, 1);
      list.unshift(row);
      break;
    }
  }
  const slots = slotsFor(scale.venn);
  const first = (s: Slot) => s.behaviour === 'targeted' || s.behaviour === 'hotspot' || s.behaviour === 'scanner';
  const ordered = [...slots.filter(first), ...slots.filter((s) => !first(s))];
  const taken: Record<Role, number> = { source: 0, dst: 0 };
  const take = (role: Role): RowSpec => {
    const row = byRole[role][taken[role]++];
    if (!row) throw new Error(`scale has too few ${role} rows for its flagged rows`);
    return row;
  };
  for (const slot of ordered) {
    const row = take(slot.role);
    row.behaviour = slot.behaviour;
    row.flags = slot.flags;
  }
  // The pair: one source and one destination whose traffic is the same stream.
  const all = FLAG_30T | FLAG_10T | FLAG_5T;
  let src = take('source');
  while (src.ip.includes(':')) src = take('source');
  let dst = take('dst');
  while (dst.ip === src.ip || dst.ip.includes(':')) dst = take('dst');
  const key = `pair:${src.ip}>${dst.ip}`;
  for (const [row, peerIp] of [
    [src, dst.ip],
    [dst, src.ip],
  ] as const) {
    row.behaviour = 'pair';
    row.flags = all;
    row.pair = { key, peerIp };
  }
  return rows;
}
