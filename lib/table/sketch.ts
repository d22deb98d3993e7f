/**
 * The distribution of every value column's normal values, per role, in bounded memory: a mergeable
 * quantile sketch filled in the same streaming pass as the family statistics. Zeros (about 98% of
 * the normal values at seed scale) cost nothing: they are counted as rows minus missing minus the
 * rest. Every other value goes into a log-scaled bucket of its column and role, as in DDSketch:
 * bucket k holds the values whose magnitude lies in (γ^(k−1), γ^k]. A column keeps at most
 * `BUCKETS_PER_CELL` buckets: when a new one would not fit, the column's buckets are paired up
 * (γ becomes γ², its level rises), so a column starts at ±`SKETCH_ACCURACY` relative and loses
 * accuracy only as its values spread over many orders of magnitude. A bucket whose values are all
 * the same number remembers that number, so a column with few distinct values (counts, flags,
 * steps of 1/32) is held exactly. Counts are integers and a column's level is the lowest at which
 * its values fit, so merging the threads' sketches gives the same sketch however rows were split.
 *
 * Cost: a value's bucket key comes from a table indexed by the high bits of the double (no
 * logarithm), and its bucket from a small per-column hash index (no search). Values wait in
 * batches so that a column's buckets are fetched into the CPU cache once per batch.
 */
import type { ColumnKey, Role } from '../types';
import { NonzeroCells } from './nonzero';
import { HIGH, coarser, ensureKeyTable, rankKey } from './sketch-key';
import {
  BUCKETS_PER_CELL,
  type ColumnDistribution,
  type SketchState,
  cellDistribution,
  mergeSketchStates,
  sortBuckets,
} from './sketch-state';

export { SKETCH_ACCURACY, logKey, logKeyByMath } from './sketch-key';
export { BUCKETS_PER_CELL, quantileOfCounts } from './sketch-state';
export type { ColumnDistribution, SketchState } from './sketch-state';

const B = BUCKETS_PER_CELL;
/** A row whose share of non-zero values is above this is added through its role's block of whole rows. */
const DENSE_SHARE = 0.25;
/** Entries of a cell's slot index (a power of two, at least 2B). */
const SLOT_INDEX = 2 * B;
const ROLE_INDEX: Readonly<Record<Role, number>> = { source: 0, dst: 1 };
/**
 * Values buffered before a batch is added (12 bytes each, 3 MB): about 20 values per column and role
 * of a dense 6,309-column table per batch. (2^16, 2^18 and 2^20 measured within noise of each other.)
 */
const PENDING = 1 << 18;

/**
 * A per role × value column sketch of normal values. Add rows (all columns, in `columns` order),
 * merge the sketches of other threads, then read each column's distribution.
 */
export class ValueSketch {
  readonly columns: readonly ColumnKey[];
  /** Frame column of each value column. */
  readonly valueColumns: Int32Array;
  private readonly sketchState: SketchState;
  private readonly contiguousFrom: number;
  /**
   * Values waiting to be added, in batches, so that a cell's buckets are fetched into the CPU cache
   * once per batch, not once per value. Mostly-zero rows leave their non-zero values with their
   * cells (grouped by cell when the batch is added); rows with many non-zero values are copied
   * whole into their role's block of rows, read column by column when the block is full.
   */
  private pendingCells = new Int32Array(0);
  private pendingValues = new Float64Array(0);
  private pending = 0;
  /** The non-zero cells of a row added without them. */
  private readonly scanned: NonzeroCells;
  /** Per role: a block of whole rows (value columns only, allocated on the first dense row) and its rows used. */
  private readonly blocks: [Float64Array | undefined, Float64Array | undefined] = [undefined, undefined];
  /** The blocks' and `order`'s 32-bit words (the high word of value i is word 2i + HIGH). */
  private readonly blockWords: [Uint32Array | undefined, Uint32Array | undefined] = [undefined, undefined];
  /** The pending values grouped by cell (reused by every batch). */
  private order = new Float64Array(0);
  private orderWords = new Uint32Array(0);
  private readonly blockRows = new Int32Array(2);
  /** Rows a block holds. */
  private readonly blockCapacity: number;
  /** Whether the next row is likely to have many non-zero values (as the last one seen had). */
  private denseRows = false;
  // The state's arrays, for the hot loop.
  private readonly keys: Int32Array;
  private readonly counts: Float64Array;
  private readonly exact: Float64Array;
  private readonly size: Uint8Array;
  private readonly level: Uint8Array;
  /**
   * Per cell, an open-addressing index of its buckets by key: SLOT_INDEX entries, each 0 (free) or
   * 1 + the bucket's slot. At most half full (B buckets), so a probe sequence always ends.
   */
  private slots = new Uint8Array(0);
  /** Whether `slots` describes the buckets (not after they were sorted or handed out as state). */
  private indexed = false;
  /** Whether every cell's buckets are sorted by key (true of a state given to the constructor). */
  private sorted = true;
  /** The arrays `distribution` returns (a column's buckets and its zeros). */
  private readonly distributionValues = new Float64Array(B + 1);
  private readonly distributionCounts = new Float64Array(B + 1);

  constructor(columns: readonly ColumnKey[], state?: SketchState) {
    this.columns = columns;
    this.scanned = new NonzeroCells(columns);
    ({ valueColumns: this.valueColumns, contiguousFrom: this.contiguousFrom } = this.scanned);
    const cells = 2 * this.valueColumns.length;
    if (state) {
      if (state.missing.length !== cells)
        throw new RangeError(
          `ValueSketch: state for ${state.missing.length / 2} value columns, columns have ${cells / 2}`,
        );
      this.sketchState = state;
    } else {
      this.sketchState = {
        rows: new Float64Array(2),
        missing: new Float64Array(cells),
        size: new Uint8Array(cells),
        level: new Uint8Array(cells),
        keys: new Int32Array(cells * B),
        counts: new Float64Array(cells * B),
        exact: new Float64Array(cells * B),
      };
    }
    ({
      keys: this.keys,
      counts: this.counts,
      exact: this.exact,
      size: this.size,
      level: this.level,
    } = this.sketchState);
    this.blockCapacity = Math.max(1, Math.floor(PENDING / Math.max(1, this.valueColumns.length)));
  }

  /** The raw state, every added value in it (to send to another thread, or merge). */
  get state(): SketchState {
    this.drain();
    this.sortAll();
    return this.sketchState;
  }

  /**
   * Adds one row of the given role; a zero costs one comparison. `nonzero`, when given, holds the
   * row's non-zero cells already (`NonzeroCells.scan` over the same columns): the row is not scanned again.
   */
  addRow(role: Role, row: ArrayLike<number>, nonzero?: NonzeroCells): void {
    const r = ROLE_INDEX[role];
    const n = this.valueColumns.length;
    const first = this.contiguousFrom;
    this.sketchState.rows[r]++;
    if (this.pendingCells.length === 0) this.allocate();
    if (this.denseRows && first >= 0 && row instanceof Float64Array) {
      let block = this.blocks[r];
      if (block === undefined) {
        block = this.blocks[r] = new Float64Array(this.blockCapacity * n);
        this.blockWords[r] = new Uint32Array(block.buffer);
      }
      block.set(row.subarray(first, first + n), this.blockRows[r]++ * n);
      if (this.blockRows[r] === this.blockCapacity) this.addBlock(r);
      return;
    }
    const found = nonzero ?? this.scanned;
    if (!nonzero) found.scan(row);
    const offset = r * n;
    const missing = this.sketchState.missing;
    const cells = this.pendingCells;
    const values = this.pendingValues;
    let nonZero = 0;
    for (let k = 0; k < found.count; k++) {
      const v = found.values[k];
      if (v !== v) missing[offset + found.cells[k]]++;
      else {
        if (this.pending === PENDING) this.drain();
        cells[this.pending] = offset + found.cells[k];
        values[this.pending++] = v;
        nonZero++;
      }
    }
    this.denseRows = nonZero > n * DENSE_SHARE;
  }

  /** Allocates the buffers adding rows needs (~8 MB for a table of 6,309 value columns; none for a sketch only read or merged). */
  private allocate(): void {
    this.pendingCells = new Int32Array(PENDING);
    this.pendingValues = new Float64Array(PENDING);
    this.order = new Float64Array(PENDING);
    this.orderWords = new Uint32Array(this.order.buffer);
    this.slots = new Uint8Array(this.size.length * SLOT_INDEX);
  }

  /** Adds every waiting value. */
  private drain(): void {
    this.addPending();
    this.addBlock(0);
    this.addBlock(1);
  }

  /** Adds the pending values, grouped by cell (a counting sort). */
  private addPending(): void {
    const count = this.pending;
    if (count === 0) return;
    this.pending = 0;
    const cells = this.size.length;
    const starts = new Int32Array(cells + 1);
    for (let i = 0; i < count; i++) starts[this.pendingCells[i] + 1]++;
    for (let c = 0; c < cells; c++) starts[c + 1] += starts[c];
    const order = this.order;
    for (let i = 0; i < count; i++) order[starts[this.pendingCells[i]]++] = this.pendingValues[i];
    // starts[c] is now the end of cell c's values, and the start of cell c + 1's.
    let from = 0;
    for (let c = 0; c < cells; c++) {
      const to = starts[c];
      if (to > from) this.addValues(c, order, this.orderWords, from, to - from, 1);
      from = to;
    }
  }

  /** Adds a role's block of rows, column by column; whether the next rows are dense follows this block. */
  private addBlock(r: number): void {
    const rows = this.blockRows[r];
    const block = this.blocks[r];
    const words = this.blockWords[r];
    if (rows === 0 || block === undefined || words === undefined) return;
    this.blockRows[r] = 0;
    const n = this.valueColumns.length;
    let nonZero = 0;
    for (let j = 0; j < n; j++) nonZero += this.addValues(r * n + j, block, words, j, rows, n);
    this.denseRows = nonZero > rows * n * DENSE_SHARE;
  }

  /**
   * Adds `count` values of a cell, `values[from + i·stride]` (`words`: the 32-bit words of `values`'
   * buffer): zeros are skipped, NaN counted as missing.
   * A value whose bucket exists is found through the cell's slot index in one or two probes; a new
   * bucket takes the cell's next free slot (buckets are sorted only when paired up or read).
   * Returns how many values were neither zero nor missing.
   */
  private addValues(
    cell: number,
    values: Float64Array,
    words: Uint32Array,
    from: number,
    count: number,
    stride: number,
  ): number {
    if (!this.indexed) this.indexAll();
    ensureKeyTable();
    this.sorted = false;
    const { keys, counts, exact, slots } = this;
    const base = cell * B;
    const slotBase = cell * SLOT_INDEX;
    let level = this.level[cell];
    let used = this.size[cell];
    let missing = 0;
    let zeros = 0;
    const end = from + count * stride;
    for (let i = from; i < end; i += stride) {
      const v = values[i];
      if (v === 0) {
        zeros++;
        continue;
      }
      if (v !== v) {
        missing++;
        continue;
      }
      const key = rankKey(v, words[2 * i + HIGH], level);
      const h = this.probe(cell, key);
      const slot = slots[slotBase + h];
      if (slot !== 0) {
        const at = base + slot - 1;
        counts[at]++;
        if (exact[at] !== v) exact[at] = NaN; // NaN once two values differ (zeros never come here)
      } else if (used < B) {
        keys[base + used] = key;
        counts[base + used] = 1;
        exact[base + used] = v;
        slots[slotBase + h] = ++used;
      } else {
        // No room for another bucket: pair them up (one level up), then add v again.
        used = this.coarsenCell(cell, used);
        level++;
        i -= stride;
      }
    }
    this.level[cell] = level;
    this.size[cell] = used;
    if (missing > 0) this.sketchState.missing[cell] += missing;
    return count - missing - zeros;
  }

  /**
   * Where `key` is, or would go, in a cell's slot index: the position of the slot holding its bucket,
   * or of the free slot that ends its probe sequence (linear probing; the index is at most half full).
   * Small, so that it is inlined into the hot loop.
   */
  private probe(cell: number, key: number): number {
    const { keys, slots } = this;
    const base = cell * B;
    const slotBase = cell * SLOT_INDEX;
    let h = key & (SLOT_INDEX - 1);
    let slot = slots[slotBase + h];
    while (slot !== 0 && keys[base + slot - 1] !== key) {
      h = (h + 1) & (SLOT_INDEX - 1);
      slot = slots[slotBase + h];
    }
    return h;
  }

  /**
   * Pairs up a cell's buckets in place, in their slot order (unsorted), merging buckets that meet
   * through a fresh slot index; returns the new size.
   */
  private coarsenCell(cell: number, used: number): number {
    const { keys, counts, exact, slots } = this;
    const base = cell * B;
    const slotBase = cell * SLOT_INDEX;
    slots.fill(0, slotBase, slotBase + SLOT_INDEX);
    let out = 0;
    for (let s = 0; s < used; s++) {
      const key = coarser(keys[base + s]);
      const h = this.probe(cell, key);
      const slot = slots[slotBase + h];
      if (slot !== 0) {
        const at = base + slot - 1;
        counts[at] += counts[base + s];
        if (!Object.is(exact[at], exact[base + s])) exact[at] = NaN;
      } else {
        // out <= s: the bucket moves down to the first free slot (or stays)
        keys[base + out] = key;
        counts[base + out] = counts[base + s];
        exact[base + out] = exact[base + s];
        slots[slotBase + h] = ++out;
      }
    }
    return out;
  }

  /** Rebuilds a cell's slot index from its buckets. */
  private indexCell(cell: number, used: number): void {
    const { keys, slots } = this;
    const base = cell * B;
    const slotBase = cell * SLOT_INDEX;
    slots.fill(0, slotBase, slotBase + SLOT_INDEX);
    for (let s = 0; s < used; s++) {
      let h = keys[base + s] & (SLOT_INDEX - 1);
      while (slots[slotBase + h] !== 0) h = (h + 1) & (SLOT_INDEX - 1);
      slots[slotBase + h] = s + 1;
    }
  }

  private indexAll(): void {
    for (let cell = 0; cell < this.size.length; cell++) this.indexCell(cell, this.size[cell]);
    this.indexed = true;
  }

  /** Sorts every cell's buckets by key (what the state promises); the slot index is rebuilt on the next add. */
  private sortAll(): void {
    if (this.sorted) return;
    for (let cell = 0; cell < this.size.length; cell++)
      sortBuckets(this.keys, this.counts, this.exact, cell * B, this.size[cell]);
    this.sorted = true;
    this.indexed = false;
  }

  /** Adds another sketch's rows (same columns) into this one; the other sketch is consumed. */
  merge(other: ValueSketch): void {
    mergeSketchStates(this.state, other.state);
  }

  /**
   * Every column's distribution, per role: `result[role][j]` for value column j (in column order).
   * Buckets holding one distinct value give it exactly; others their log midpoint.
   */
  distributions(): Record<Role, ColumnDistribution[]> {
    const n = this.valueColumns.length;
    const out: Record<Role, ColumnDistribution[]> = { source: [], dst: [] };
    for (const role of ['source', 'dst'] as const) {
      for (let j = 0; j < n; j++) {
        const d = this.distribution(role, j);
        out[role].push({ n: d.n, values: d.values.slice(), counts: d.counts.slice() });
      }
    }
    return out;
  }

  /**
   * One column's distribution (see `distributions`) in arrays this sketch reuses: valid until its
   * next call. What reads every column once, as the baseline does, allocates nothing per column.
   */
  distribution(role: Role, j: number): ColumnDistribution {
    const cell = ROLE_INDEX[role] * this.valueColumns.length + j;
    return cellDistribution(this.state, cell, ROLE_INDEX[role], this.distributionValues, this.distributionCounts);
  }
}
