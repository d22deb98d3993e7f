/**
 * The behaviour model: simulate the packets of one row (one IP in one role) over the day.
 * A row is a set of episodes (a normal session, a scan, a telnet infection campaign, a bulk
 * transfer, the pair's flood); each episode emits packets as a Poisson process, and each packet's
 * ten variables are derived from the episode and the row's own history (see data/README.md).
 */
import type { Role } from '../../lib/types';
import { F, FEATURE_COUNT, SIM_SECONDS } from './layout';
import { PacketBuffer, type Packets } from './packets';
import { Rng } from './prng';
import type { RowSpec } from './population';

/** Kinds of traffic an episode carries. */
type Kind = 'session' | 'scan' | 'infect' | 'loader' | 'bulk' | 'flood';

/** Packet-length models. */
type LengthModel = 'client' | 'server' | 'syn' | 'synMix' | 'login' | 'loader' | 'bulk' | 'flood';

/** One stretch of activity of a row. */
interface Episode {
  kind: Kind;
  /** Seconds since 09:30, [start, end). */
  start: number;
  end: number;
  /** Packets per second (Poisson). */
  rate: number;
  /** Optional rate per 5-minute slot, replacing `rate` (the pair's shaped flood). */
  slotRates?: Float64Array;
  /** Row-local peer ids [peerBase, peerBase + peerCount). */
  peerBase: number;
  peerCount: number;
  /** Peer choice: id = floor(count × u^skew); > 1 favours a few heavy peers. */
  skew: number;
  /** Probability that a packet goes to the same peer as the episode's previous packet. */
  stickiness: number;
  /** Mean distinct source / destination ports the sender uses over 5 minutes (modelled kinds). */
  port1: number;
  port2: number;
  /** Mean gap (s) of the other end's traffic, for the time diff not observable from this row. */
  otherGap: number;
  /** Share of peers inside the same /12-/28 (IP_distance ≤ 16/32): local sweeps. */
  localShare: number;
  length: LengthModel;
  /** Scanner's fixed SYN length (syn model). */
  synLength: number;
  /** A multi-module scanner's probe length per 5-minute slot, replacing `synLength`. */
  synSchedule?: Float64Array;
  /** Probability that a payload packet carries busybox / enable / sh. */
  busybox: number;
  enable: number;
  sh: number;
  /** Service port of a session (for counting distinct destination ports). */
  service: number;
  /** Forced first packet at `start` (sessions always have at least one packet). */
  forceFirst: boolean;
  /**
   * Programmatic target list: when > 0, each peer is revisited after `revisit` × the campaign's
   * tempo seconds (first in, first out), a new peer is taken when none is due. 0: random peers.
   */
  revisit: number;
  /** The other end's gaps follow the campaign's tempo (`otherGap` × tempo). */
  paced: boolean;
}

/** Episodes per row are limited by the 6 bits used to tag packets while sorting. */
const MAX_EPISODES = 64;
const TAG = 64;
const MICRO = 1e6;

/**
 * The capture's flow table forgets an address (or a pair of addresses) after 30 idle minutes: a
 * longer gap is not measured and counts 0, as for the very first packet.
 */
const IDLE_TIMEOUT = 1800;

/** Rounds to whole microseconds, the resolution of the capture. */
function micros(x: number): number {
  return Math.round(x * MICRO) / MICRO;
}

/** A measured gap: whole microseconds, 0 when there was no earlier packet or it is older than IDLE_TIMEOUT. */
function gap(now: number, before: number): number {
  return before < 0 || now - before > IDLE_TIMEOUT ? 0 : micros(now - before);
}

/** A uniformly random instant inside the union of `spans` (disjoint [start, end) pairs). */
function timeWithin(rng: Rng, spans: readonly [number, number][]): number {
  let at = rng.uniform(
    0,
    spans.reduce((a, [s, e]) => a + (e - s), 0),
  );
  for (const [s, e] of spans) {
    if (at <= e - s) return s + at;
    at -= e - s;
  }
  return spans[spans.length - 1][0];
}

/** Builds one row's episodes, holding the row's generator and the peer-id counter. */
class EpisodeBuilder {
  readonly episodes: Episode[] = [];
  private peerIds = 0;
  constructor(
    readonly rng: Rng,
    readonly role: Role,
  ) {}

  /** Adds an episode, allocating `peerCount` fresh peer ids unless `reusePeer` is given. */
  add(
    partial: Partial<Episode> & Pick<Episode, 'kind' | 'start' | 'end' | 'rate' | 'length'>,
    peerCount = 1,
    reusePeer?: number,
  ): Episode {
    if (this.episodes.length >= MAX_EPISODES) throw new Error('too many episodes in one row');
    const episode: Episode = {
      peerBase: reusePeer ?? this.peerIds,
      peerCount,
      skew: 1,
      stickiness: 0,
      port1: 1,
      port2: 1,
      otherGap: 600,
      localShare: 0.02,
      synLength: 44,
      busybox: 0,
      enable: 0,
      sh: 0,
      service: 0,
      forceFirst: false,
      revisit: 0,
      paced: false,
      ...partial,
    };
    episode.start = Math.max(0, episode.start);
    episode.end = Math.min(SIM_SECONDS, episode.end);
    if (reusePeer === undefined) this.peerIds += peerCount;
    this.episodes.push(episode);
    return episode;
  }

  /**
   * Ordinary background sessions (a few short exchanges with one peer each), at any time of the
   * day or, for a device that is only sometimes online, inside its online `spans`.
   */
  sessions(count: number, spans?: readonly [number, number][]): void {
    const rng = this.rng;
    const earlier: Episode[] = [];
    for (let s = 0; s < count && this.episodes.length < MAX_EPISODES; s++) {
      const start = spans ? Math.min(SIM_SECONDS - 30, timeWithin(rng, spans)) : rng.uniform(0, SIM_SECONDS - 30);
      const duration = Math.min(900, rng.logNormal(8, 1.2));
      const packets = 1 + Math.min(200, rng.geometric(0.12));
      const reuse = earlier.length > 0 && rng.chance(0.3) ? rng.pick(earlier).peerBase : undefined;
      const episode = this.add(
        {
          kind: 'session',
          start,
          end: start + duration,
          rate: Math.max(packets - 1, 0.01) / duration,
          length: this.role === 'source' ? 'client' : 'server',
          service: rng.pick([80, 443, 443, 443, 53, 123, 22, 8080]),
          port1: 1 + rng.geometric(0.8),
          port2: 1 + rng.geometric(0.9),
          otherGap: rng.logNormal(300, 1.5),
          forceFirst: true,
          busybox: 0.002,
          enable: 0.003,
          sh: 0.004,
        },
        1,
        reuse,
      );
      earlier.push(episode);
    }
  }

  /** Splits a share of the day into `pieces` episodes separated by random gaps; returns [start, end) pairs. */
  spans(coverage: number, pieces: number): [number, number][] {
    const rng = this.rng;
    const active = coverage * SIM_SECONDS;
    const gaps = Array.from({ length: pieces + 1 }, () => rng.next());
    const gapScale = (SIM_SECONDS - active) / gaps.reduce((a, b) => a + b, 0);
    const out: [number, number][] = [];
    let t = gaps[0] * gapScale;
    for (let k = 0; k < pieces; k++) {
      const length = active / pieces;
      out.push([t, t + length]);
      t += length + gaps[k + 1] * gapScale;
    }
    return out;
  }
}

/** Seconds per slot of the campaign's tempo and of the bots' own rate changes. */
const SLOT = 300;
/** Number of 5-minute slots in the simulated day. */
const SLOTS = SIM_SECONDS / SLOT;

const tempoCache = new Map<number, Float64Array>();

/**
 * The botnet campaign's tempo per 5-minute slot, shared by every flagged row of a data set: the
 * command-and-control server switches the bots between phases of 20-60 minutes (tempo 0.5, 1, 2
 * or 4: higher is slower). A bot's revisit period of a target and the gaps of the far ends of its
 * connections scale with it, so those timelines share one shape across the flagged rows (the
 * seed's "clear connection pattern"). Deterministic in `seed`.
 */
export function campaignTempo(seed: number): Float64Array {
  const cached = tempoCache.get(seed);
  if (cached) return cached;
  const rng = new Rng(seed, 'campaign');
  const tempo = new Float64Array(SLOTS);
  const levels = [0.4, 1, 2.5, 6];
  let previous = -1;
  for (let slot = 0; slot < SLOTS; ) {
    const length = rng.int(4, 12);
    let level = rng.pick(levels);
    while (level === previous) level = rng.pick(levels);
    previous = level;
    tempo.fill(level, slot, Math.min(SLOTS, slot + length));
    slot += length;
  }
  tempoCache.set(seed, tempo);
  return tempo;
}

/**
 * A bot's own sending rate per slot: its base rate, slower when the campaign's tempo is slow,
 * times its own irregularity (a log-normal factor per slot: bots share the CPU and the uplink of
 * the device they run on). Irregular enough that one bot's own gaps show no clear pattern, while
 * the average over many bots follows the campaign.
 */
function botRates(rng: Rng, rate: number, tempo: Float64Array): Float64Array {
  const rates = new Float64Array(SLOTS);
  for (let s = 0; s < SLOTS; s++) {
    const own = Math.min(3, Math.max(1 / 3, Math.exp(1.0 * rng.normal())));
    rates[s] = (rate / tempo[s]) * own;
  }
  return rates;
}

/** Scanning traffic as seen by its sender (source) or by a scanned address (dst). */
function scanParams(rng: Rng, role: Role, rate: number): Partial<Episode> & Pick<Episode, 'kind' | 'length'> {
  const perWindow = rate * 300;
  return role === 'source'
    ? {
        kind: 'scan',
        length: 'syn',
        synLength: rng.pick([40, 40, 44, 60]),
        localShare: rng.uniform(0.05, 0.4),
        port1: rng.chance(0.25) ? 1 : Math.min(perWindow, rng.uniform(30, 600)),
        port2: rng.chance(0.5) ? rng.int(1, 4) : Math.min(perWindow, rng.uniform(50, 1000)),
        otherGap: rng.uniform(5, 60),
        revisit: rng.uniform(40, 150),
        paced: true,
        // Each target gets a SYN on two ports back to back, some retransmitted.
        stickiness: rng.uniform(0.3, 0.5),
      }
    : {
        kind: 'scan',
        length: 'synMix',
        localShare: rng.uniform(0.05, 0.3),
        port1: rng.uniform(20, 120),
        port2: rng.uniform(20, 300),
        otherGap: rng.uniform(1, 5),
        revisit: rng.uniform(40, 150),
        paced: true,
        stickiness: rng.uniform(0.3, 0.5),
      };
}

/**
 * Telnet brute force: short login attempts (a few packets to one target, sticky), each target
 * retried on the campaign's schedule; as sent (source) or received by a victim (dst). The
 * attempts carry credentials only, no busybox/enable/sh: those come with the loader.
 */
function bruteForceParams(rng: Rng, role: Role): Partial<Episode> & Pick<Episode, 'kind' | 'length'> {
  return {
    kind: 'infect',
    length: 'login',
    stickiness: rng.uniform(0.6, 0.8),
    port1: role === 'source' ? rng.uniform(5, 80) : rng.uniform(5, 60),
    port2: rng.int(1, 3),
    otherGap: role === 'source' ? rng.uniform(10, 120) : rng.uniform(1, 5),
    localShare: rng.uniform(0.1, 0.3),
    revisit: rng.uniform(40, 150),
    paced: true,
  };
}

/**
 * After a successful login the bot echo-loads its binary and runs `enable`, `sh`,
 * `/bin/busybox ...`: a short session of long payload packets to one victim.
 */
function loaderParams(rng: Rng, weight: number): Partial<Episode> & Pick<Episode, 'kind' | 'length'> {
  return {
    kind: 'loader',
    length: 'loader',
    stickiness: 1,
    port1: 1,
    port2: 1,
    otherGap: rng.uniform(0.5, 3),
    busybox: weight * rng.uniform(0.15, 0.45),
    enable: weight * rng.uniform(0.1, 0.35),
    sh: weight * rng.uniform(0.15, 0.45),
  };
}

/**
 * Adds `count` loader sessions inside the given spans: as sent by a bot (1-3 minutes, 2-5
 * packets/s, full markers) or as received by one of its many victims (the part that reached it:
 * 20-60 s, 1-2 packets/s, fewer markers).
 */
function addLoaders(b: EpisodeBuilder, spans: readonly [number, number][], count: number): void {
  const rng = b.rng;
  const sender = b.role === 'source';
  for (let k = 0; k < count && b.episodes.length < MAX_EPISODES; k++) {
    const start = timeWithin(rng, spans);
    const duration = sender ? rng.uniform(60, 180) : rng.uniform(20, 60);
    const rate = sender ? rng.uniform(2, 5) : rng.uniform(1, 2);
    b.add({ ...loaderParams(rng, sender ? 1 : 0.3), start, end: start + duration, rate, forceFirst: true });
  }
}

/** Bulk transfer, as sender or receiver. */
function bulkParams(rng: Rng): Partial<Episode> & Pick<Episode, 'kind' | 'length'> {
  return {
    kind: 'bulk',
    length: 'bulk',
    stickiness: 0.98,
    port1: rng.int(1, 4),
    port2: rng.int(1, 2),
    otherGap: 0.05,
    localShare: 0.2,
  };
}

/**
 * Rate of the pair's flood per 5-minute slot: a baseline with a morning ramp, a plateau, two
 * spikes and a silent stretch, far above anyone else's counts so both ends stand out together.
 */
function pairShape(rng: Rng): Float64Array {
  const rates = new Float64Array(SLOTS);
  const base = rng.uniform(2.5, 3.5);
  const spikeA = rng.int(60, 80);
  const spikeB = rng.int(100, 115);
  for (let s = 0; s < SLOTS; s++) {
    let r = base;
    if (s >= 18 && s < 42) r += ((s - 18) / 24) * 15; // 11:00-13:00 ramp
    if (s >= 42 && s < 54) r += 15; // plateau to 14:00
    if (s >= spikeA && s < spikeA + 2) r += 60;
    if (s >= spikeB && s < spikeB + 3) r += 40;
    if (s >= 126 && s < 132) r = 0; // 20:00-20:30 silent
    rates[s] = r * rng.uniform(0.9, 1.1);
  }
  return rates;
}

/** IPv4 address as a 32-bit unsigned integer, or undefined for IPv6. */
function ipv4Number(ip: string): number | undefined {
  const parts = ip.split('.');
  if (parts.length !== 4) return undefined;
  return parts.reduce((acc, part) => acc * 256 + Number(part), 0);
}

/** Leading bits two IPv4 addresses share (0..32). */
function commonPrefix(a: number, b: number): number {
  const x = (a ^ b) >>> 0;
  return x === 0 ? 32 : Math.clz32(x);
}

/**
 * Probe lengths of a multi-module scanner per 5-minute slot: a bare SYN (40/44 bytes), a SYN with
 * options (60/64) and sometimes a UDP probe (48-78), each run for 2-8 slots in turn.
 */
function probeSchedule(rng: Rng): Float64Array {
  const modules = [rng.pick([40, 44]), rng.pick([60, 64])];
  if (rng.chance(0.4)) modules.push(rng.pick([48, 56, 78]));
  const schedule = new Float64Array(SLOTS);
  let module = rng.int(0, modules.length - 1);
  for (let slot = 0; slot < SLOTS; ) {
    const length = rng.int(2, 8);
    schedule.fill(modules[module], slot, Math.min(SLOTS, slot + length));
    slot += length;
    module = (module + rng.int(1, modules.length - 1)) % modules.length;
  }
  return schedule;
}

/** Loader sessions of a bot over its active spans: about one every 4-10 five-minute windows. */
function loaderCount(rng: Rng, spans: readonly [number, number][]): number {
  const seconds = spans.reduce((a, [s, e]) => a + (e - s), 0);
  return Math.max(1, Math.round((seconds / SLOT) * rng.uniform(0.1, 0.25)));
}

/** Builds the episodes of one row from its behaviour. */
function buildEpisodes(spec: RowSpec, rng: Rng, tempo: Float64Array): Episode[] {
  const b = new EpisodeBuilder(rng, spec.role);
  const role = spec.role;
  const source = role === 'source';
  /** A bot's own rate: per slot for senders, steady for receivers. */
  const paced = (rate: number): Partial<Episode> => (source ? { slotRates: botRates(rng, rate, tempo) } : {});
  switch (spec.behaviour) {
    case 'normal':
      b.sessions(rng.chance(0.04) ? rng.int(8, 40) : 1 + rng.geometric(0.55));
      break;
    case 'scanner': {
      // Some scanners are Mirai-like (they log in to what answers and load their binary); most
      // are multi-module SYN scanners that switch probe (and so packet length) every 10-40 minutes.
      const rate = Math.min(1.8, Math.max(0.5, rng.logNormal(1, 0.25)));
      const params = scanParams(rng, role, rate);
      const loads = rng.chance(0.2);
      if (!loads) params.synSchedule = probeSchedule(rng);
      const spans = b.spans(rng.uniform(0.5, 1), rng.int(1, 3));
      let first: number | undefined;
      for (const [start, end] of spans) {
        const e = b.add({ ...params, ...paced(rate), start, end, rate }, 1, first);
        first ??= e.peerBase;
      }
      if (loads) addLoaders(b, spans, loaderCount(rng, spans));
      b.sessions(rng.int(0, 3), spans);
      break;
    }
    case 'targeted':
    case 'hotspot': {
      const rate = Math.min(3, Math.max(0.5, rng.logNormal(1.2, 0.4)));
      const params = scanParams(rng, role, rate);
      // A hotspot is also hit by port-randomising scanners: hundreds of source ports in 5 minutes.
      if (spec.behaviour === 'hotspot') params.port1 = rng.uniform(500, 1000);
      let first: number | undefined;
      const spans = b.spans(rng.uniform(0.7, 1), rng.int(1, 2));
      for (const [start, end] of spans) {
        const e = b.add({ ...params, start, end, rate }, 1, first);
        first ??= e.peerBase;
      }
      b.sessions(rng.int(0, 2), spans);
      break;
    }
    case 'infector':
    case 'victim': {
      const rate = source
        ? Math.min(2, Math.max(0.2, rng.logNormal(0.8, 0.4)))
        : Math.min(1.5, Math.max(0.1, rng.logNormal(0.5, 0.5)));
      const params = bruteForceParams(rng, role);
      const spans = source
        ? b.spans(rng.uniform(0.4, 0.9), rng.int(1, 4))
        : b.spans(rng.uniform(0.3, 0.8), rng.int(2, 6));
      let first: number | undefined;
      for (const [start, end] of spans) {
        const e = b.add({ ...params, ...paced(rate), start, end, rate }, 1, first);
        first ??= e.peerBase;
      }
      // The infector loads its binary on the victims that let it in; a victim is loaded once or twice.
      addLoaders(b, spans, source ? loaderCount(rng, spans) : rng.int(1, 2));
      b.sessions(rng.int(0, 3), spans);
      break;
    }
    case 'bulk':
    case 'bulkDst': {
      const params = bulkParams(rng);
      const peers = rng.int(1, 3);
      const pieces = spec.behaviour === 'bulk' ? rng.int(3, 12) : rng.int(4, 10);
      let first: number | undefined;
      const spans: [number, number][] = [];
      for (let k = 0; k < pieces; k++) {
        const start = rng.uniform(0, SIM_SECONDS - 300);
        const e = b.add(
          { ...params, start, end: start + rng.uniform(120, 1500), rate: rng.uniform(1, 4) },
          peers,
          first,
        );
        spans.push([e.start, e.end]);
        first ??= e.peerBase;
      }
      b.sessions(rng.int(0, 3), spans);
      break;
    }
    case 'pair': {
      // Both ends' generators are seeded from the pair key, so their packets are the same stream.
      const rates = pairShape(rng);
      b.add(
        { kind: 'flood', length: 'flood', start: 0, end: SIM_SECONDS, rate: 0, slotRates: rates, port1: 2, port2: 1 },
        1,
      );
      break;
    }
    case 'burst': {
      const rate = rng.uniform(2, 3);
      const start = rng.uniform(300, SIM_SECONDS - 1200);
      b.add({ ...scanParams(rng, role, rate), start, end: start + rng.uniform(120, 420), rate }, 1);
      b.sessions(rng.int(1, 3));
      break;
    }
    case 'slow': {
      const rate = rng.uniform(0.03, 0.12);
      const params = scanParams(rng, role, rate);
      b.add(
        {
          ...params,
          ...paced(rate),
          start: 0,
          end: SIM_SECONDS,
          rate,
          port1: Math.max(params.port1 ?? 1, 20),
          port2: Math.max(params.port2 ?? 1, 20),
        },
        1,
      );
      b.sessions(rng.int(0, 2));
      break;
    }
    case 'episodic': {
      const rate = rng.uniform(0.5, 1.5);
      const params = source && rng.chance(0.5) ? bruteForceParams(rng, role) : scanParams(rng, role, rate);
      const spans: [number, number][] = [];
      let first: number | undefined;
      for (let k = rng.int(3, 6); k > 0; k--) {
        const start = rng.uniform(0, SIM_SECONDS - 1500);
        const end = start + rng.uniform(600, 1500);
        spans.push([start, end]);
        const e = b.add({ ...params, ...paced(rate), start, end, rate }, 1, first);
        first ??= e.peerBase;
      }
      if (source) addLoaders(b, spans, rng.int(1, 3));
      b.sessions(rng.int(0, 2), spans);
      break;
    }
    case 'periodic': {
      const rate = rng.uniform(2, 5);
      const length = source ? ('loader' as const) : ('login' as const);
      const params = {
        ...bruteForceParams(rng, role),
        ...loaderParams(rng, source ? 1 : 0.3),
        kind: 'infect' as const,
        length,
        stickiness: 0.8,
      };
      const offset = rng.uniform(0, 1500);
      let first: number | undefined;
      for (let start = offset; start < SIM_SECONDS - 120; start += 1800) {
        const e = b.add({ ...params, start, end: start + rng.uniform(60, 120), rate }, 1, first);
        first ??= e.peerBase;
      }
      break;
    }
  }
  return b.episodes;
}

/** Emits one episode's packet times as sort keys (µs × 64 + episode index) into `keys`. */
function emitTimes(episode: Episode, index: number, rng: Rng, keys: number[]): void {
  const push = (t: number) => keys.push(Math.round(t * MICRO) * TAG + index);
  if (episode.forceFirst) push(episode.start);
  if (episode.slotRates) {
    // Thinning: candidates at the episode's highest slot rate, kept with probability rate / max.
    const rates = episode.slotRates;
    let max = 0;
    const last = Math.min(rates.length - 1, Math.floor(episode.end / SLOT));
    for (let s = Math.floor(episode.start / SLOT); s <= last; s++) max = Math.max(max, rates[s]);
    if (max <= 0) return;
    for (let t = episode.start + rng.exponential(1 / max); t < episode.end; t += rng.exponential(1 / max)) {
      if (rng.next() * max < rates[Math.floor(t / SLOT)]) push(t);
    }
    return;
  }
  if (episode.rate <= 0) return;
  const mean = 1 / episode.rate;
  for (let t = episode.start + rng.exponential(mean); t < episode.end; t += rng.exponential(mean)) push(t);
}

/** Packet length (bytes) under a length model. */
function packetLength(model: LengthModel, episode: Episode, slot: number, rng: Rng): number {
  const u = rng.next();
  switch (model) {
    case 'client':
      if (u < 0.6) return rng.pick([40, 44, 52, 60]);
      if (u < 0.95) return Math.min(600, 60 + Math.floor(rng.exponential(80)));
      return rng.int(400, 1460);
    case 'server':
      if (u < 0.78) return rng.pick([40, 40, 52, 60]);
      if (u < 0.96) return Math.min(600, 60 + Math.floor(rng.exponential(50)));
      return rng.int(300, 1460);
    case 'syn': {
      const probe = episode.synSchedule ? episode.synSchedule[slot] : episode.synLength;
      return u < 0.98 ? probe : probe + rng.int(1, 20);
    }
    case 'synMix':
      // Most probes carry no TCP options (Mirai, masscan): a scanned address sees bare 40-byte SYNs.
      return u < 0.93 ? 40 : 44;
    case 'login':
      // ACKs, then credential lines of a few bytes ("root\r\n", "xc3511\r\n").
      if (u < 0.55) return 40;
      return rng.int(44, 50);
    case 'loader':
      // ACKs and echo-loaded binary chunks / shell commands.
      if (u < 0.25) return rng.pick([40, 52]);
      return rng.int(100, 500);
    case 'bulk':
      return u < 0.97 ? 1460 : rng.int(1000, 1459);
    case 'flood':
      return u < 0.97 ? 60 : rng.int(61, 90);
  }
}

/** Noisy integer around a mean breadth, at least 1. */
function breadth(mean: number, rng: Rng): number {
  return Math.max(1, Math.round(mean * (0.75 + 0.5 * rng.next())));
}

/** First-in-first-out target lists of the programmatic (revisit) episodes, one per peer group. */
class RevisitQueue {
  private readonly ids: Int32Array;
  private head = 0;
  private tail = 0;
  constructor(capacity: number) {
    this.ids = new Int32Array(capacity);
  }

  /**
   * The oldest target if it is due (last visited at least `period` × `jitter` s before `t`), else -1.
   * Targets overdue by more than twice the period are dropped from the list (the bot moves on
   * when it falls behind or the campaign speeds up), so the list stays about rate × period long.
   */
  due(t: number, period: number, jitter: number, lastVisit: Float64Array): number {
    while (this.head < this.tail && t - lastVisit[this.ids[this.head]] > 2 * period) this.head++;
    if (this.head === this.tail) return -1;
    const peer = this.ids[this.head];
    if (t - lastVisit[peer] < period * jitter) return -1;
    this.head++;
    return peer;
  }

  /** Appends a just-visited target at the end of the list. */
  push(peer: number): void {
    this.ids[this.tail++] = peer;
  }
}

/**
 * Simulates one row's packets for the whole day (09:30-22:30), sorted by time, into `buffer`
 * (reset first). Deterministic in (seed, label); the two `pair` rows share one stream.
 */
export function simulateRow(spec: RowSpec, seed: number, buffer: PacketBuffer = new PacketBuffer()): Packets {
  const rng = spec.behaviour === 'pair' ? new Rng(seed, spec.pair?.key ?? spec.label) : new Rng(seed, spec.label);
  const tempo = campaignTempo(seed);
  const episodes = buildEpisodes(spec, rng, tempo);
  const keyList: number[] = [];
  episodes.forEach((episode, index) => emitTimes(episode, index, rng, keyList));
  const keys = Float64Array.from(keyList).sort();
  buffer.reset();
  buffer.ensure(keys.length);

  // Fixed peers come first; programmatic episodes take fresh ids after them, at most one a packet.
  const fixedPeers = episodes.reduce((max, e) => Math.max(max, e.peerBase + e.peerCount), 0);
  let nextPeer = fixedPeers;
  const revisiting = episodes.some((e) => e.revisit > 0);
  const peerSpace = fixedPeers + (revisiting ? keys.length : 0);
  const lastPair = new Float64Array(peerSpace).fill(-1);
  const peerDistance = new Float64Array(peerSpace).fill(-1);
  const lastInEpisode = new Float64Array(episodes.length).fill(-1);
  const currentPeer = new Int32Array(episodes.length).fill(-1);
  const queues = new Map<number, RevisitQueue>();
  const own = ipv4Number(spec.ip);
  const pairPeer = spec.pair ? ipv4Number(spec.pair.peerIp) : undefined;
  const values = new Float64Array(FEATURE_COUNT);
  let lastOwn = -1;

  for (let i = 0; i < keys.length; i++) {
    const key = keys[i];
    const index = key % TAG;
    const t = (key - index) / TAG / MICRO;
    const e = episodes[index];
    const slot = Math.min(SLOTS - 1, Math.floor(t / SLOT));
    const slowdown = tempo[slot];

    let peer: number;
    if (e.stickiness > 0 && currentPeer[index] >= 0 && rng.next() < e.stickiness) {
      peer = currentPeer[index];
    } else if (e.revisit > 0) {
      let queue = queues.get(e.peerBase);
      if (!queue) queues.set(e.peerBase, (queue = new RevisitQueue(keys.length)));
      peer = queue.due(t, e.revisit * slowdown, rng.uniform(0.5, 1.5), lastPair);
      if (peer < 0) peer = nextPeer++;
      queue.push(peer);
    } else {
      const local = e.peerCount > 1 ? Math.min(e.peerCount - 1, Math.floor(e.peerCount * rng.next() ** e.skew)) : 0;
      peer = e.peerBase + local;
    }
    currentPeer[index] = peer;

    const pairDiff = gap(t, lastPair[peer]);
    lastPair[peer] = t;
    const ownDiff = gap(t, lastOwn);
    lastOwn = t;
    const episodeDiff = lastInEpisode[index] < 0 ? -1 : micros(t - lastInEpisode[index]);
    lastInEpisode[index] = t;

    let other: number;
    if (e.kind === 'flood') other = ownDiff;
    else if (e.kind === 'session' && episodeDiff >= 0) other = episodeDiff;
    else other = gap(rng.exponential(e.paced ? e.otherGap * slowdown : e.otherGap), 0);

    if (peerDistance[peer] < 0) {
      if (own !== undefined && pairPeer !== undefined) {
        peerDistance[peer] = (32 - commonPrefix(own, pairPeer)) / 32;
      } else if (rng.next() < e.localShare) {
        peerDistance[peer] = rng.int(4, 16) / 32;
      } else {
        peerDistance[peer] = (32 - Math.min(31, rng.geometric(0.5))) / 32;
      }
    }

    const length = packetLength(e.length, e, slot, rng);
    let port1: number;
    let port2: number;
    if (e.kind === 'session' && spec.role === 'source') {
      // Distinct source ports (one per session) and services this IP used in the last 5 minutes.
      port1 = 0;
      const services = new Set<number>();
      for (const s of episodes) {
        if (s.kind === 'session' && s.start <= t && s.start > t - 300) {
          port1++;
          services.add(s.service);
        }
      }
      port1 = Math.max(port1, 1);
      port2 = Math.max(services.size, 1);
    } else if (e.kind === 'session') {
      port1 = e.port1;
      port2 = e.port2;
    } else {
      port1 = breadth(e.port1, rng);
      port2 = breadth(e.port2, rng);
    }
    const payload = length > 60;

    values[F.Length] = length;
    values[F.PairDiff] = pairDiff;
    values[F.Ip1Diff] = spec.role === 'source' ? ownDiff : other;
    values[F.Ip2Diff] = spec.role === 'source' ? other : ownDiff;
    values[F.Distance] = peerDistance[peer];
    values[F.Port1] = port1;
    values[F.Port2] = port2;
    values[F.Busybox] = payload && rng.next() < e.busybox ? 1 : 0;
    values[F.Enable] = payload && rng.next() < e.enable ? 1 : 0;
    values[F.Sh] = payload && rng.next() < e.sh ? 1 : 0;
    buffer.push(t, peer, values);
  }
  buffer.peers = Math.max(buffer.peers, fixedPeers);
  return buffer.view();
}
