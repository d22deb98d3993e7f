/**
 * The behaviour model: simulate the packets of one row (one IP in one role) over the day.
 * A row is a set of episodes (a normal session, a scan, a telnet infection campaign, a bulk
 * transfer, the pair's flood); each episode emits packets as a Poisson process, and each packet's
 * ten variables are derived from the episode and the row's own history (see data/README.md).
 */
import { Role } from '../../lib/types';
import { F, FEATURE_COUNT, SIM_SECONDS } from './layout';
import { PacketBuffer, Packets } from './packets';
import { Rng } from './prng';
import { RowSpec } from './population';

/** Kinds of traffic an episode carries. */
type Kind = 'session' | 'scan' | 'infect' | 'bulk' | 'flood';

/** Packet-length models. */
type LengthModel = 'client' | 'server' | 'syn' | 'synMix' | 'telnet' | 'bulk' | 'flood';

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
  /** Probability that a payload packet carries busybox / enable / sh. */
  busybox: number;
  enable: number;
  sh: number;
  /** Service port of a session (for counting distinct destination ports). */
  service: number;
  /** Forced first packet at `start` (sessions always have at least one packet). */
  forceFirst: boolean;
}

/** Episodes per row are limited by the 6 bits used to tag packets while sorting. */
const MAX_EPISODES = 64;
const TAG = 64;
const MICRO = 1e6;

/** Rounds to whole microseconds, the resolution of the capture. */
function micros(x: number): number {
  return Math.round(x * MICRO) / MICRO;
}

/** Builds one row's episodes, holding the row's generator and the peer-id counter. */
class EpisodeBuilder {
  readonly episodes: Episode[] = [];
  private peerIds = 0;
  constructor(readonly rng: Rng, readonly role: Role) {}

  /** Adds an episode, allocating `peerCount` fresh peer ids unless `reusePeer` is given. */
  add(partial: Partial<Episode> & Pick<Episode, 'kind' | 'start' | 'end' | 'rate' | 'length'>, peerCount = 1, reusePeer?: number): Episode {
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
      ...partial,
    };
    episode.start = Math.max(0, episode.start);
    episode.end = Math.min(SIM_SECONDS, episode.end);
    if (reusePeer === undefined) this.peerIds += peerCount;
    this.episodes.push(episode);
    return episode;
  }

  /** Ordinary background sessions (a few short exchanges with one peer each). */
  sessions(count: number): void {
    const rng = this.rng;
    const earlier: Episode[] = [];
    for (let s = 0; s < count && this.episodes.length < MAX_EPISODES; s++) {
      const start = rng.uniform(0, SIM_SECONDS - 30);
      const duration = Math.min(900, rng.logNormal(8, 1.2));
      const packets = 1 + Math.min(200, rng.geometric(0.12));
      const reuse = earlier.length > 0 && rng.chance(0.3) ? rng.pick(earlier).peerBase : undefined;
      const episode = this.add({
        kind: 'session', start, end: start + duration, rate: Math.max(packets - 1, 0.01) / duration,
        length: this.role === 'source' ? 'client' : 'server',
        service: rng.pick([80, 443, 443, 443, 53, 123, 22, 8080]),
        port1: 1 + rng.geometric(0.8), port2: 1 + rng.geometric(0.9),
        otherGap: rng.logNormal(300, 1.5), forceFirst: true,
        busybox: 0.002, enable: 0.003, sh: 0.004,
      }, 1, reuse);
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

/** Scanning traffic as seen by its sender (source) or by a scanned address (dst). */
function scanParams(rng: Rng, role: Role, rate: number): Partial<Episode> & Pick<Episode, 'kind' | 'length'> {
  const perWindow = rate * 300;
  return role === 'source'
    ? {
        kind: 'scan', length: 'syn', synLength: rng.pick([40, 44, 44, 60]), localShare: rng.uniform(0.05, 0.4),
        port1: rng.chance(0.25) ? 1 : Math.min(perWindow, rng.uniform(30, 600)),
        port2: rng.chance(0.5) ? rng.int(1, 4) : Math.min(perWindow, rng.uniform(50, 1000)),
        otherGap: rng.uniform(5, 60),
      }
    : {
        kind: 'scan', length: 'synMix', skew: 2.5, localShare: rng.uniform(0.05, 0.3),
        port1: rng.uniform(50, 800), port2: rng.uniform(20, 900), otherGap: rng.uniform(0.05, 1.5),
      };
}

/** Telnet brute force / loader traffic (sender) or the same received by a victim (dst, fewer markers). */
function infectParams(rng: Rng, role: Role): Partial<Episode> & Pick<Episode, 'kind' | 'length'> {
  const weight = role === 'source' ? 1 : 0.3;
  return {
    kind: 'infect', length: 'telnet', stickiness: role === 'source' ? 0.85 : 0.8,
    busybox: weight * rng.uniform(0.15, 0.45), enable: weight * rng.uniform(0.1, 0.35), sh: weight * rng.uniform(0.15, 0.45),
    port1: role === 'source' ? rng.uniform(5, 80) : rng.uniform(5, 60), port2: rng.int(1, 3),
    otherGap: role === 'source' ? rng.uniform(10, 120) : rng.uniform(0.2, 3), localShare: rng.uniform(0.1, 0.3),
  };
}

/** Bulk transfer, as sender or receiver. */
function bulkParams(rng: Rng): Partial<Episode> & Pick<Episode, 'kind' | 'length'> {
  return { kind: 'bulk', length: 'bulk', stickiness: 0.98, port1: rng.int(1, 4), port2: rng.int(1, 2), otherGap: 0.05, localShare: 0.2 };
}

/**
 * Rate of the pair's flood per 5-minute slot: a baseline with a morning ramp, a plateau, two
 * spikes and a silent stretch, far above anyone else's counts so both ends stand out together.
 */
function pairShape(rng: Rng): Float64Array {
  const slots = SIM_SECONDS / 300;
  const rates = new Float64Array(slots);
  const base = rng.uniform(2.5, 3.5);
  const spikeA = rng.int(60, 80);
  const spikeB = rng.int(100, 115);
  for (let s = 0; s < slots; s++) {
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

/** Builds the episodes of one row from its behaviour. */
function buildEpisodes(spec: RowSpec, rng: Rng): Episode[] {
  const b = new EpisodeBuilder(rng, spec.role);
  const role = spec.role;
  switch (spec.behaviour) {
    case 'normal':
      b.sessions(rng.chance(0.04) ? rng.int(8, 40) : 1 + rng.geometric(0.55));
      break;
    case 'scanner': {
      const rate = Math.min(8, Math.max(0.3, rng.logNormal(1.5, 0.7)));
      const peers = rng.int(200, 4000);
      const params = scanParams(rng, role, rate);
      for (const [start, end] of b.spans(rng.uniform(0.5, 1), rng.int(1, 3))) b.add({ ...params, start, end, rate }, peers);
      b.sessions(rng.int(0, 3));
      break;
    }
    case 'targeted': {
      const rate = Math.min(10, Math.max(0.5, rng.logNormal(2, 0.6)));
      const params = scanParams(rng, role, rate);
      const peers = rng.int(100, 3000);
      for (const [start, end] of b.spans(rng.uniform(0.7, 1), rng.int(1, 2))) b.add({ ...params, start, end, rate }, peers);
      b.sessions(rng.int(0, 2));
      break;
    }
    case 'infector':
    case 'victim': {
      const source = spec.behaviour === 'infector';
      const rate = source ? Math.min(4, Math.max(0.1, rng.logNormal(0.8, 0.6))) : Math.min(3, Math.max(0.1, rng.logNormal(0.6, 0.6)));
      const params = infectParams(rng, role);
      const peers = source ? rng.int(50, 600) : rng.int(5, 80);
      const spans = source ? b.spans(rng.uniform(0.4, 0.9), rng.int(1, 4)) : b.spans(rng.uniform(0.3, 0.8), rng.int(2, 6));
      for (const [start, end] of spans) b.add({ ...params, start, end, rate }, peers);
      b.sessions(rng.int(0, 3));
      break;
    }
    case 'bulk':
    case 'bulkDst': {
      const params = bulkParams(rng);
      const peers = rng.int(1, 3);
      const pieces = spec.behaviour === 'bulk' ? rng.int(3, 12) : rng.int(4, 10);
      let first: number | undefined;
      for (let k = 0; k < pieces; k++) {
        const start = rng.uniform(0, SIM_SECONDS - 300);
        const e = b.add({ ...params, start, end: start + rng.uniform(120, 1500), rate: rng.uniform(3, 15) }, peers, first);
        first ??= e.peerBase;
      }
      b.sessions(rng.int(0, 3));
      break;
    }
    case 'pair': {
      // Both ends' generators are seeded from the pair key, so their packets are the same stream.
      const rates = pairShape(rng);
      b.add({ kind: 'flood', length: 'flood', start: 0, end: SIM_SECONDS, rate: 0, slotRates: rates, port1: 2, port2: 1 }, 1);
      break;
    }
    case 'burst': {
      const rate = rng.uniform(10, 25);
      const start = rng.uniform(300, SIM_SECONDS - 1200);
      b.add({ ...scanParams(rng, role, rate), start, end: start + rng.uniform(120, 420), rate }, rng.int(300, 2000));
      b.sessions(rng.int(1, 3));
      break;
    }
    case 'slow': {
      const rate = rng.uniform(0.03, 0.12);
      const params = scanParams(rng, role, rate);
      b.add({ ...params, start: 0, end: SIM_SECONDS, rate, port1: Math.max(params.port1 ?? 1, 20), port2: Math.max(params.port2 ?? 1, 20) }, rng.int(500, 3000));
      b.sessions(rng.int(0, 2));
      break;
    }
    case 'episodic': {
      const rate = rng.uniform(2, 8);
      const params = role === 'source' && rng.chance(0.5) ? infectParams(rng, role) : scanParams(rng, role, rate);
      const peers = rng.int(100, 1500);
      let first: number | undefined;
      for (let k = rng.int(3, 6); k > 0; k--) {
        const start = rng.uniform(0, SIM_SECONDS - 1500);
        const e = b.add({ ...params, start, end: start + rng.uniform(600, 1500), rate }, peers, first);
        first ??= e.peerBase;
      }
      b.sessions(rng.int(0, 2));
      break;
    }
    case 'periodic': {
      const rate = rng.uniform(3, 8);
      const params = infectParams(rng, role);
      const offset = rng.uniform(0, 1500);
      const peers = rng.int(20, 200);
      let first: number | undefined;
      for (let start = offset; start < SIM_SECONDS - 120; start += 1800) {
        const e = b.add({ ...params, start, end: start + rng.uniform(60, 120), rate }, peers, first);
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
    const rates = episode.slotRates;
    const max = rates.reduce((a, b) => Math.max(a, b), 0);
    if (max <= 0) return;
    for (let t = episode.start + rng.exponential(1 / max); t < episode.end; t += rng.exponential(1 / max)) {
      if (rng.next() * max < rates[Math.floor(t / 300)]) push(t);
    }
    return;
  }
  if (episode.rate <= 0) return;
  const mean = 1 / episode.rate;
  for (let t = episode.start + rng.exponential(mean); t < episode.end; t += rng.exponential(mean)) push(t);
}

/** Packet length (bytes) under a length model. */
function packetLength(model: LengthModel, episode: Episode, rng: Rng): number {
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
    case 'syn':
      return u < 0.96 ? episode.synLength : episode.synLength + rng.int(1, 20);
    case 'synMix':
      if (u < 0.45) return 40;
      if (u < 0.85) return 44;
      return u < 0.97 ? 60 : rng.int(61, 120);
    case 'telnet':
      if (u < 0.45) return rng.pick([40, 52, 60]);
      if (u < 0.9) return rng.int(61, 140);
      return rng.int(141, 400);
    case 'bulk':
      return u < 0.8 ? 1460 : rng.int(1000, 1459);
    case 'flood':
      return u < 0.85 ? rng.int(60, 90) : rng.int(400, 1460);
  }
}

/** Noisy integer around a mean breadth, at least 1. */
function breadth(mean: number, rng: Rng): number {
  return Math.max(1, Math.round(mean * (0.75 + 0.5 * rng.next())));
}

/**
 * Simulates one row's packets for the whole day (09:30-22:30), sorted by time, into `buffer`
 * (reset first). Deterministic in (seed, label); the two `pair` rows share one stream.
 */
export function simulateRow(spec: RowSpec, seed: number, buffer: PacketBuffer = new PacketBuffer()): Packets {
  const rng = spec.behaviour === 'pair' ? new Rng(seed, spec.pair?.key ?? spec.label) : new Rng(seed, spec.label);
  const episodes = buildEpisodes(spec, rng);
  const keyList: number[] = [];
  episodes.forEach((episode, index) => emitTimes(episode, index, rng, keyList));
  const keys = Float64Array.from(keyList).sort();
  buffer.reset();
  buffer.ensure(keys.length);

  const peers = episodes.reduce((max, e) => Math.max(max, e.peerBase + e.peerCount), 0);
  const lastPair = new Float64Array(peers).fill(-1);
  const peerDistance = new Float64Array(peers).fill(-1);
  const lastInEpisode = new Float64Array(episodes.length).fill(-1);
  const currentPeer = new Int32Array(episodes.length).fill(-1);
  const own = ipv4Number(spec.ip);
  const pairPeer = spec.pair ? ipv4Number(spec.pair.peerIp) : undefined;
  const values = new Float64Array(FEATURE_COUNT);
  let lastOwn = -1;

  for (let i = 0; i < keys.length; i++) {
    const key = keys[i];
    const index = key % TAG;
    const t = (key - index) / TAG / MICRO;
    const e = episodes[index];

    let local = 0;
    if (e.peerCount > 1) {
      local = e.stickiness > 0 && currentPeer[index] >= 0 && rng.next() < e.stickiness
        ? currentPeer[index]
        : Math.min(e.peerCount - 1, Math.floor(e.peerCount * Math.pow(rng.next(), e.skew)));
    }
    currentPeer[index] = local;
    const peer = e.peerBase + local;

    const pairDiff = lastPair[peer] < 0 ? 0 : micros(t - lastPair[peer]);
    lastPair[peer] = t;
    const ownDiff = lastOwn < 0 ? 0 : micros(t - lastOwn);
    lastOwn = t;
    const episodeDiff = lastInEpisode[index] < 0 ? -1 : micros(t - lastInEpisode[index]);
    lastInEpisode[index] = t;

    let other: number;
    if (e.kind === 'flood') other = ownDiff;
    else if (e.kind === 'session' && episodeDiff >= 0) other = episodeDiff;
    else other = micros(rng.exponential(e.otherGap));

    if (peerDistance[peer] < 0) {
      if (own !== undefined && pairPeer !== undefined) {
        peerDistance[peer] = (32 - commonPrefix(own, pairPeer)) / 32;
      } else if (rng.next() < e.localShare) {
        peerDistance[peer] = rng.int(4, 16) / 32;
      } else {
        peerDistance[peer] = (32 - Math.min(31, rng.geometric(0.5))) / 32;
      }
    }

    const length = packetLength(e.length, e, rng);
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
  buffer.peers = Math.max(buffer.peers, peers);
  return buffer.view();
}
