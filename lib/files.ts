/**
 * File output that never leaves a half-written file under its final name: write a temp file
 * beside the target, then rename it (atomic on one file system).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

/** Writes `text` (or bytes) to `file` through a temp file and a rename; creates the folder if needed. */
export function writeFileAtomic(file: string, text: string | Uint8Array): void {
  fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
  const temp = path.join(path.dirname(path.resolve(file)), `.${path.basename(file)}.${process.pid}.tmp`);
  try {
    fs.writeFileSync(temp, text);
    fs.renameSync(temp, file);
  } catch (error) {
    fs.rmSync(temp, { force: true });
    throw error;
  }
}
