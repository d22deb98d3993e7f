/**
 * Per-row packet tables: the simulated packets of one row (one IP in one role), in time order,
 * with the ten per-packet variables and the peer each packet came from or went to.
 */
import { FEATURE_COUNT } from './layout';

/** The packets of one row, sorted by time. Arrays may be longer than `n`; only `[0, n)` is valid. */
export interface Packets {
  /** Number of packets. */
  readonly n: number;
  /** Seconds since 09:30:00, ascending. */
  readonly t: Float64Array;
  /** Row-major per-packet variables: `feat[i * 10 + f]`, `f` in the order of FEATURES. */
  readonly feat: Float64Array;
  /** Peer of each packet as a small row-local id in `[0, peers)`. */
  readonly peer: Int32Array;
  /** Number of distinct peer ids the row may use. */
  readonly peers: number;
}

/**
 * Growable packet storage, reused from row to row so that simulating tens of thousands of rows
 * does not allocate tens of thousands of arrays.
 */
export class PacketBuffer {
  n = 0;
  peers = 0;
  t = new Float64Array(1024);
  feat = new Float64Array(1024 * FEATURE_COUNT);
  peer = new Int32Array(1024);

  /** Empties the buffer, keeping its capacity. */
  reset(): void {
    this.n = 0;
    this.peers = 0;
  }

  /** Makes room for `count` packets in total. */
  ensure(count: number): void {
    if (count <= this.t.length) return;
    let size = this.t.length;
    while (size < count) size *= 2;
    const t = new Float64Array(size);
    t.set(this.t.subarray(0, this.n));
    const feat = new Float64Array(size * FEATURE_COUNT);
    feat.set(this.feat.subarray(0, this.n * FEATURE_COUNT));
    const peer = new Int32Array(size);
    peer.set(this.peer.subarray(0, this.n));
    this.t = t;
    this.feat = feat;
    this.peer = peer;
  }

  /** Appends one packet; `values` holds the ten variables in FEATURES order. Times must ascend. */
  push(t: number, peer: number, values: ArrayLike<number>): void {
    this.ensure(this.n + 1);
    const i = this.n++;
    this.t[i] = t;
    this.peer[i] = peer;
    const base = i * FEATURE_COUNT;
    for (let f = 0; f < FEATURE_COUNT; f++) this.feat[base + f] = values[f];
    if (peer >= this.peers) this.peers = peer + 1;
  }

  /** A read-only view of the current packets. */
  view(): Packets {
    return { n: this.n, t: this.t, feat: this.feat, peer: this.peer, peers: this.peers };
  }
}
