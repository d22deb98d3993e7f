/**
 * Rows of a matrix held as their non-zero cells: the streamed evaluation's sample of normal rows is
 * ~1% non-zero at seed scale, so a Frame keeps such rows here (a few MB) instead of in its matrix
 * (~125 MB of mostly zeros), and writes them into the matrix only when the matrix is read whole.
 */

/**
 * Mostly-zero rows as the reader's threads return them: row `slots[i]` has the cells
 * `cols[ends[i-1]..ends[i])` (ascending) with `values[...]`; each of its other cells is +0.
 */
export interface SparseRowsPart {
  readonly slots: Int32Array;
  readonly ends: Int32Array;
  readonly cols: Int32Array;
  readonly values: Float64Array;
}

/**
 * The non-zero cells (anything but +0: -0 and NaN included) of some rows of an nRows × nCols matrix,
 * each row's cells in ascending column order. Reads give exactly the numbers the dense row holds.
 */
export class SparseRows {
  /** Per row: its first cell in `cols`/`values`, or -1 when the row is not held here. */
  private readonly from: Int32Array;
  private readonly to: Int32Array;
  private readonly cols: Int32Array;
  private readonly values: Float64Array;

  /** Gathers the parts' rows (each row in at most one part). */
  constructor(
    readonly nRows: number,
    readonly nCols: number,
    parts: readonly SparseRowsPart[],
  ) {
    const cells = parts.reduce((n, part) => n + part.cols.length, 0);
    this.from = new Int32Array(nRows).fill(-1);
    this.to = new Int32Array(nRows).fill(-1);
    this.cols = new Int32Array(cells);
    this.values = new Float64Array(cells);
    let offset = 0;
    for (const part of parts) {
      this.cols.set(part.cols, offset);
      this.values.set(part.values, offset);
      let start = 0;
      part.slots.forEach((row, i) => {
        if (!(row >= 0 && row < nRows)) throw new RangeError(`SparseRows: row ${row} out of 0..${nRows - 1}`);
        if (this.from[row] >= 0) throw new RangeError(`SparseRows: row ${row} given twice`);
        this.from[row] = offset + start;
        this.to[row] = offset + part.ends[i];
        start = part.ends[i];
      });
      offset += part.cols.length;
    }
  }

  /** How many rows are held here. */
  get rows(): number {
    let n = 0;
    for (const start of this.from) if (start >= 0) n++;
    return n;
  }

  /** Whether `row` is held here (else its numbers are in the dense matrix). */
  holds(row: number): boolean {
    return this.from[row] >= 0;
  }

  /** The number at (row, col) of a held row: its stored cell, or +0. */
  get(row: number, col: number): number {
    let lo = this.from[row];
    let hi = this.to[row] - 1;
    const cols = this.cols;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const c = cols[mid];
      if (c === col) return this.values[mid];
      if (c < col) lo = mid + 1;
      else hi = mid - 1;
    }
    return 0;
  }

  /** A held row's numbers in column order, into `out` (length ≥ nCols); returns `out`. */
  fill(row: number, out: Float64Array): Float64Array {
    out.fill(0, 0, this.nCols);
    const { cols, values } = this;
    for (let j = this.from[row]; j < this.to[row]; j++) out[cols[j]] = values[j];
    return out;
  }

  /**
   * A held row's numbers at `columns`, into `out[0..columns.length)`, given `position` (per column of
   * the matrix, its place in `columns` or -1; each column listed once). Returns `out`.
   */
  pick(row: number, position: Int32Array, count: number, out: Float64Array): Float64Array {
    out.fill(0, 0, count);
    const { cols, values } = this;
    for (let j = this.from[row]; j < this.to[row]; j++) {
      const k = position[cols[j]];
      if (k >= 0) out[k] = values[j];
    }
    return out;
  }

  /** Writes every held row's cells into its row of the row-major `target` (whose other cells of those rows are +0). */
  writeInto(target: Float64Array | Float32Array): void {
    const { cols, values, nCols } = this;
    for (let row = 0; row < this.nRows; row++) {
      const base = row * nCols;
      for (let j = this.from[row]; j < this.to[row]; j++) target[base + cols[j]] = values[j];
    }
  }
}
