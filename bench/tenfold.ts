/**
 * `node dist/bench/tenfold.js --from DIR --out DIR [--times N]`: writes the scaled table of issue 23's
 * last target. The full table of `--from` (`final/final_dataset_5T.csv`) is written N times into
 * one (default 10): its rows once as they are, then N − 1 more times with each row label prefixed
 * by `cK-` (K = 1 … N − 1), so every label stays unique and keeps its `src`/`dst` ending. The model
 * runs are copied unchanged: every flagged row is in the first copy. The table is written under a
 * temporary name and renamed when whole, so a failed run leaves no table behind.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { benchArgs, stringOption, wholeNumber } from './args';

const USAGE = `usage: node dist/bench/tenfold.js --from DIR --out DIR [--times N]
  --from DIR   a data root holding models/... and final/final_dataset_5T.csv (e.g. the seed-scale data)
  --out DIR    where to write models/... and final/final_dataset_5T.csv
  --times N    copies of the rows (default 10)`;
const TABLE = path.join('final', 'final_dataset_5T.csv');
const CHUNK = 16 << 20;

/** Writes `times` copies of the rows of `source` into the open file `out`, the header once. */
function writeCopies(source: string, out: number, times: number): number {
  const input = fs.openSync(source, 'r');
  const buffer = Buffer.allocUnsafe(CHUNK);
  let written = 0;
  const write = (bytes: Buffer) => {
    fs.writeSync(out, bytes);
    written += bytes.length;
  };
  try {
    for (let copy = 0; copy < times; copy++) {
      const prefix = Buffer.from(copy === 0 ? '' : `c${copy}-`);
      let position = 0;
      let inHeader = true;
      let atLineStart = false;
      for (;;) {
        const n = fs.readSync(input, buffer, 0, CHUNK, position);
        if (n === 0) break;
        position += n;
        let start = 0;
        if (inHeader) {
          const end = buffer.indexOf(10, 0);
          if (end < 0 || end >= n) throw new Error(`${source}: the header is longer than ${CHUNK} bytes`);
          if (copy === 0) write(buffer.subarray(0, end + 1));
          start = end + 1;
          inHeader = false;
          atLineStart = true;
        }
        while (start < n) {
          if (atLineStart && prefix.length > 0) write(prefix);
          const end = buffer.indexOf(10, start);
          const stop = end < 0 || end >= n ? n : end + 1;
          write(buffer.subarray(start, stop));
          atLineStart = stop === end + 1;
          start = stop;
        }
      }
      if (!atLineStart) write(Buffer.from('\n'));
    }
  } finally {
    fs.closeSync(input);
  }
  return written;
}

function main(): void {
  const args = benchArgs(USAGE, { from: 'string', out: 'string', times: 'string' });
  const from = stringOption(args, 'from');
  const outRoot = stringOption(args, 'out');
  if (!from || !outRoot) {
    process.stderr.write(`--from and --out are required\n${USAGE}\n`);
    process.exit(2);
  }
  const times = wholeNumber(args, 'times', 10);
  const source = path.join(from, TABLE);
  if (!fs.existsSync(source)) {
    process.stderr.write(`no table at ${source}\n`);
    process.exit(2);
  }
  fs.cpSync(path.join(from, 'models'), path.join(outRoot, 'models'), { recursive: true });
  const target = path.join(outRoot, TABLE);
  fs.mkdirSync(path.dirname(target), { recursive: true });
  const partial = `${target}.partial`;
  const out = fs.openSync(partial, 'w');
  let bytes: number;
  try {
    bytes = writeCopies(source, out, times);
  } catch (error) {
    fs.closeSync(out);
    fs.rmSync(partial, { force: true });
    throw error;
  }
  fs.closeSync(out);
  fs.renameSync(partial, target);
  process.stdout.write(`${target}: ${times} copies, ${(bytes / 1e9).toFixed(2)} GB\n`);
}

main();
