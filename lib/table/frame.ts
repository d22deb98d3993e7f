/**
 * Frame: a windowed table held as one row-major typed-array matrix, with its row labels,
 * their roles and the parsed column keys. Views per family are cheap (index arrays, no copies).
 */
import { type ColumnKey, type Role, type ValueKey, type WindowGrid, roleOf } from '../types';
import { inferGrid } from './columns';
import type { SparseRows } from './sparse-rows';

/** Numbers of a frame: Float64 by default, Float32 when a reader opted in to halve memory. */
export type Values = Float64Array | Float32Array;

/** What a frame is built from. `values` is row-major: `values[row * columns.length + col]`. */
export interface FrameInit {
  readonly index: readonly string[];
  readonly columns: readonly ColumnKey[];
  readonly values: Values;
  /** The file the frame was read from, for messages and the summary. */
  readonly source?: string;
  /**
   * Rows held as their non-zero cells (Float64 `values` only): their cells of `values` must be +0;
   * they are written there only when the matrix is read whole (`values`, `row`), so a mostly-zero
   * sample costs a few MB until then (an untouched zero-filled buffer takes no memory).
   */
  readonly sparse?: SparseRows;
}

/** One family (e.g. `avg_Length`) as a rows × windows matrix, windows in time order. */
export interface FamilyView {
  readonly family: string;
  /** Window starts, epoch ms, ascending. */
  readonly starts: Float64Array;
  /** For each window, the frame column that holds it. */
  readonly columns: Int32Array;
  /** Value of `row` in window number `w` (0-based, time order). */
  value(row: number, w: number): number;
  /** A copy of one row's timeline, in time order. */
  series(row: number): Float64Array;
}

/** A windowed table: rows are IP+role labels, columns are parsed keys, numbers in one matrix. */
export class Frame {
  readonly index: readonly string[];
  readonly roles: readonly Role[];
  readonly columns: readonly ColumnKey[];
  readonly nRows: number;
  readonly nCols: number;
  readonly source?: string;
  private familyColumns?: Map<string, Int32Array>;
  private rowByLabel?: Map<string, number>;
  private cachedGrid?: WindowGrid;
  private readonly matrix: Values;
  /** Rows not yet written into `matrix` (undefined once they are, or when there are none). */
  private sparse?: SparseRows;

  constructor(init: FrameInit) {
    this.index = init.index;
    this.columns = init.columns;
    this.matrix = init.values;
    this.source = init.source;
    this.nRows = init.index.length;
    this.nCols = init.columns.length;
    if (this.matrix.length !== this.nRows * this.nCols) {
      throw new RangeError(`Frame: ${this.matrix.length} values for ${this.nRows} rows × ${this.nCols} columns`);
    }
    if (init.sparse) {
      if (!(this.matrix instanceof Float64Array)) throw new RangeError('Frame: sparse rows need Float64 values');
      if (init.sparse.nRows !== this.nRows || init.sparse.nCols !== this.nCols)
        throw new RangeError(
          `Frame: sparse rows of ${init.sparse.nRows} × ${init.sparse.nCols} for ${this.nRows} × ${this.nCols}`,
        );
      this.sparse = init.sparse;
    }
    this.roles = init.index.map((label) => {
      const role = roleOf(label);
      if (role === undefined) {
        throw new RangeError(`Frame: row label ${JSON.stringify(label)} ends with neither 'source' nor 'dst'`);
      }
      return role;
    });
  }

  /**
   * The row-major matrix, `values[row * nCols + col]`. A frame holding rows sparsely (the streamed
   * sample) writes them into it on this first read: prefer `get`, `rowValues`, `picker` or `family`.
   */
  get values(): Values {
    if (this.sparse) {
      this.sparse.writeInto(this.matrix);
      this.sparse = undefined;
    }
    return this.matrix;
  }

  /** Whether some rows are still held as their non-zero cells only (not yet written into the matrix). */
  get holdsSparseRows(): boolean {
    return this.sparse !== undefined;
  }

  /** The number at (row, col). */
  get(row: number, col: number): number {
    const sparse = this.sparse;
    if (sparse?.holds(row)) return sparse.get(row, col);
    return this.matrix[row * this.nCols + col];
  }

  /** A view (no copy) of one row's numbers, in column order. */
  row(row: number): Values {
    return this.values.subarray(row * this.nCols, (row + 1) * this.nCols);
  }

  /**
   * One row's numbers in column order, to read before the next call: a view of the matrix, or, for a
   * row held sparsely, `scratch` (length ≥ nCols) filled with them. Never writes the matrix whole.
   */
  rowValues(row: number, scratch: Float64Array): Values {
    const sparse = this.sparse;
    if (sparse?.holds(row)) return sparse.fill(row, scratch);
    return this.matrix.subarray(row * this.nCols, (row + 1) * this.nCols);
  }

  /**
   * A reader of the numbers at `columns` (in any order): `read(row, out)` puts the number at
   * (row, columns[i]) in `out[i]` and returns `out`. Rows held sparsely are read from their cells.
   */
  picker(columns: Int32Array): (row: number, out: Float64Array) => Float64Array {
    const { nCols } = this;
    const count = columns.length;
    const dense = (row: number, out: Float64Array): Float64Array => {
      const matrix = this.matrix;
      const base = row * nCols;
      for (let i = 0; i < count; i++) out[i] = matrix[base + columns[i]];
      return out;
    };
    const sparse = this.sparse;
    if (!sparse) return dense;
    const position = new Int32Array(nCols).fill(-1);
    let repeated = false;
    columns.forEach((c, i) => {
      repeated ||= position[c] >= 0;
      position[c] = i;
    });
    const cellwise = (row: number, out: Float64Array): Float64Array => {
      for (let i = 0; i < count; i++) out[i] = sparse.get(row, columns[i]);
      return out;
    };
    const held = repeated ? cellwise : (row: number, out: Float64Array) => sparse.pick(row, position, count, out);
    return (row, out) => (sparse.holds(row) ? held(row, out) : dense(row, out));
  }

  /** A copy of one column's numbers as Float64. */
  column(col: number): Float64Array {
    const out = new Float64Array(this.nRows);
    for (let r = 0; r < this.nRows; r++) out[r] = this.get(r, col);
    return out;
  }

  /** Row number of a label, or -1. */
  rowOf(label: string): number {
    if (!this.rowByLabel) this.rowByLabel = new Map(this.index.map((l, i) => [l, i]));
    return this.rowByLabel.get(label) ?? -1;
  }

  /** Column number of a header (as written in the file), or -1. */
  columnOf(header: string): number {
    return this.columns.findIndex((key) => key.header === header);
  }

  /** The value columns' keys. */
  valueKeys(): ValueKey[] {
    return this.columns.filter((key): key is ValueKey => key.kind === 'value');
  }

  /** Families in order of first appearance, e.g. `['avg_Length', 'std_Length', ...]`. */
  families(): string[] {
    return [...this.familyMap().keys()];
  }

  /** The rows × windows view of one family; throws naming the known families if absent. */
  family(name: string): FamilyView {
    const columns = this.familyMap().get(name);
    if (!columns) {
      throw new RangeError(`No family ${JSON.stringify(name)}; known: ${this.families().join(', ')}`);
    }
    const starts = Float64Array.from(columns, (c) => (this.columns[c] as ValueKey).start);
    const { matrix, nCols } = this;
    if (this.sparse) {
      let read: ((row: number, out: Float64Array) => Float64Array) | undefined;
      return {
        family: name,
        starts,
        columns,
        value: (row, w) => this.get(row, columns[w]),
        series: (row) => {
          read ??= this.picker(columns);
          return read(row, new Float64Array(columns.length));
        },
      };
    }
    return {
      family: name,
      starts,
      columns,
      value: (row, w) => matrix[row * nCols + columns[w]],
      series: (row) => {
        const out = new Float64Array(columns.length);
        const base = row * nCols;
        for (let w = 0; w < columns.length; w++) out[w] = matrix[base + columns[w]];
        return out;
      },
    };
  }

  /** The window grid (length and starts) inferred from the value columns. */
  grid(): WindowGrid {
    if (!this.cachedGrid) this.cachedGrid = inferGrid(this.valueKeys(), this.source ?? '(frame)');
    return this.cachedGrid;
  }

  /** Row numbers whose label has the given role. */
  rowsWithRole(role: Role): Int32Array {
    const rows: number[] = [];
    this.roles.forEach((r, i) => {
      if (r === role) rows.push(i);
    });
    return Int32Array.from(rows);
  }

  /** A new frame of the given rows (copied), in the given order. */
  selectRows(rows: ArrayLike<number>): Frame {
    const Ctor = this.matrix instanceof Float32Array ? Float32Array : Float64Array;
    const values = new Ctor(rows.length * this.nCols);
    const scratch = this.sparse ? new Float64Array(this.nCols) : values;
    const index: string[] = [];
    for (let i = 0; i < rows.length; i++) {
      const r = rows[i];
      if (!(r >= 0 && r < this.nRows)) throw new RangeError(`selectRows: row ${r} out of 0..${this.nRows - 1}`);
      values.set(this.rowValues(r, scratch as Float64Array), i * this.nCols);
      index.push(this.index[r]);
    }
    return new Frame({ index, columns: this.columns, values, source: this.source });
  }

  /** The first `n` rows, like pandas `head()`. */
  head(n = 5): Frame {
    return this.selectRows(Array.from({ length: Math.min(n, this.nRows) }, (_, i) => i));
  }

  /** `[rows, columns]`, like pandas `shape`. */
  get shape(): [number, number] {
    return [this.nRows, this.nCols];
  }

  private familyMap(): Map<string, Int32Array> {
    if (!this.familyColumns) {
      const byFamily = new Map<string, number[]>();
      this.columns.forEach((key, col) => {
        if (key.kind !== 'value') return;
        let list = byFamily.get(key.family);
        if (!list) byFamily.set(key.family, (list = []));
        list.push(col);
      });
      this.familyColumns = new Map(
        [...byFamily].map(([family, cols]) => {
          cols.sort((a, b) => (this.columns[a] as ValueKey).start - (this.columns[b] as ValueKey).start);
          return [family, Int32Array.from(cols)];
        }),
      );
    }
    return this.familyColumns;
  }
}
