/**
 * Streaming table writer: rows go straight into a fixed-size byte buffer that is flushed to a
 * temporary file with synchronous writes (so memory stays bounded whatever the file size: the
 * write itself is the backpressure). `commit()` renames the temporary file to its final name, so
 * a half-written table never carries the final name.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { pandasFloatCell } from './pyfloat';

const TAB = 9;
const NEWLINE = 10;
const ZERO_CELL = Buffer.from('\t0.0', 'latin1');

/** Writes one tab-separated table as pandas `to_csv(sep='\t')` does. */
export class TableWriter {
  /** Bytes written so far (flushed or buffered). */
  bytes = 0;
  /** Data rows written so far. */
  rows = 0;
  readonly tmpPath: string;
  private fd: number;
  private buf: Buffer;
  private pos = 0;

  /** Opens `<finalPath>.<pid>.tmp` for writing, creating parent folders. */
  constructor(
    readonly finalPath: string,
    chunkBytes = 8 << 20,
  ) {
    fs.mkdirSync(path.dirname(finalPath), { recursive: true });
    this.tmpPath = `${finalPath}.${process.pid}.tmp`;
    this.fd = fs.openSync(this.tmpPath, 'w');
    this.buf = Buffer.allocUnsafe(chunkBytes);
  }

  /** Writes raw text (the header line). */
  writeText(text: string): void {
    const size = Buffer.byteLength(text, 'utf8');
    this.reserve(size);
    this.pos += this.buf.write(text, this.pos, 'utf8');
    this.bytes += size;
  }

  /**
   * Writes one row: the index label, float64 values (pandas float formatting), then int64
   * metadata cells, then a newline.
   */
  writeRow(label: string, values: Float64Array, ints: ArrayLike<number>): void {
    // Worst case: 24 bytes per float ("-1.2345678901234567e-308" plus tab), 21 per int.
    this.reserve(Buffer.byteLength(label, 'utf8') + values.length * 25 + ints.length * 21 + 1);
    const buf = this.buf;
    const start = this.pos;
    let pos = start + buf.write(label, start, 'utf8');
    for (let k = 0; k < values.length; k++) {
      const v = values[k];
      if (v === 0 && 1 / v > 0) {
        ZERO_CELL.copy(buf, pos);
        pos += 4;
      } else {
        buf[pos++] = TAB;
        pos += buf.write(pandasFloatCell(v), pos, 'latin1');
      }
    }
    for (let k = 0; k < ints.length; k++) {
      const v = ints[k];
      if (!Number.isInteger(v)) throw new RangeError(`metadata cell ${k} of ${label} is not an integer: ${v}`);
      buf[pos++] = TAB;
      pos += buf.write(String(v), pos, 'latin1');
    }
    buf[pos++] = NEWLINE;
    this.bytes += pos - start;
    this.pos = pos;
    this.rows++;
  }

  /** Flushes, closes and renames the temporary file to the final name. */
  commit(): void {
    this.flush();
    fs.closeSync(this.fd);
    this.fd = -1;
    fs.renameSync(this.tmpPath, this.finalPath);
  }

  /** Closes and deletes the temporary file (after an error). Safe to call more than once. */
  abort(): void {
    if (this.fd >= 0) {
      fs.closeSync(this.fd);
      this.fd = -1;
    }
    fs.rmSync(this.tmpPath, { force: true });
  }

  private reserve(size: number): void {
    if (this.pos + size <= this.buf.length) return;
    this.flush();
    if (size > this.buf.length) this.buf = Buffer.allocUnsafe(size);
  }

  private flush(): void {
    let off = 0;
    while (off < this.pos) off += fs.writeSync(this.fd, this.buf, off, this.pos - off);
    this.pos = 0;
  }
}
