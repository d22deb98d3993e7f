/**
 * Reading a table file's lines in byte ranges from a reused buffer, with no per-line strings: the
 * reader's line loop (each parse thread reads its own range with its own buffer).
 */
import * as fs from 'node:fs';

const LF = 10;
const CR = 13;

/** A reused read buffer; grows when a single line does not fit. */
export interface LineBuffer {
  buf: Buffer;
}

/** Creates a line buffer of `bytes` (default 1 MiB; grows for longer lines). */
export function lineBuffer(bytes = 1 << 20): LineBuffer {
  return { buf: Buffer.allocUnsafe(bytes) };
}

/**
 * Calls `onLine(buf, start, end, lineNumber)` for every non-blank line in the file byte range
 * [from, to), which must start at a line start; `end` is the position of the line's `\r` or `\n`
 * (a final line without a newline gets one written after it in the buffer). `firstLine` is the
 * 1-based line number of the line at `from`. `onBytes(n)` reports bytes consumed, per chunk.
 * Returns the number of lines seen, blank ones included.
 */
export function forEachLine(
  fd: number,
  from: number,
  to: number,
  firstLine: number,
  lines: LineBuffer,
  onLine: (buf: Buffer, start: number, end: number, lineNumber: number) => void,
  onBytes?: (bytes: number) => void,
): number {
  let buf = lines.buf;
  let filled = 0;
  let position = from;
  let lineNumber = firstLine;
  for (;;) {
    if (filled >= buf.length - 1) {
      const bigger = Buffer.allocUnsafe(buf.length * 2);
      buf.copy(bigger, 0, 0, filled);
      lines.buf = buf = bigger;
    }
    const want = Math.min(buf.length - 1 - filled, to - position);
    const got = want > 0 ? fs.readSync(fd, buf, filled, want, position) : 0;
    position += got;
    filled += got;
    const atEnd = got === 0 || position >= to;
    if (atEnd && filled > 0 && buf[filled - 1] !== LF) buf[filled++] = LF; // missing final newline
    let start = 0;
    for (;;) {
      const nl = buf.indexOf(LF, start);
      if (nl < 0 || nl >= filled) break;
      const end = nl > start && buf[nl - 1] === CR ? nl - 1 : nl;
      if (end > start) onLine(buf, start, end, lineNumber);
      lineNumber++;
      start = nl + 1;
    }
    if (onBytes && start > 0) onBytes(start);
    if (atEnd) return lineNumber - firstLine;
    buf.copy(buf, 0, start, filled);
    filled -= start;
  }
}

/**
 * Counts the lines in [from, to): `lines` all of them, `rows` the non-blank ones (data rows).
 * A fast memchr-style scan: no field is looked at.
 */
export function countLines(fd: number, from: number, to: number, lines: LineBuffer): { lines: number; rows: number } {
  let rows = 0;
  const total = forEachLine(fd, from, to, 1, lines, () => {
    rows++;
  });
  return { lines: total, rows };
}
