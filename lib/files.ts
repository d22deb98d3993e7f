/**
 * Files as a user meets them: output that never leaves a half-written file under its final name
 * (a temp file beside the target, then a rename: atomic on one file system); a failed file-system
 * call in words; whether two paths name one file; and paths shown as the user typed them, so what
 * a user shares never names this machine's home or temporary folders the user did not type.
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

/** What a failed file-system call means, in words (the system's code in parentheses), for a message. */
export function fileProblem(error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code;
  const words: Record<string, string> = {
    ENOENT: 'not found',
    EISDIR: 'is a folder, not a file',
    ENOTDIR: 'a part of the path is a file, not a folder',
    EACCES: 'permission denied',
    EPERM: 'operation not permitted',
    ELOOP: 'too many symbolic links',
    ENAMETOOLONG: 'the name is too long',
    EMFILE: 'too many open files',
    EIO: 'input/output error',
  };
  if (code && words[code]) return `${words[code]} (${code})`;
  return error instanceof Error ? error.message : String(error);
}

/** True when `a` and `b` name the same file, through symbolic links and `..`; either may not exist yet. */
export function samePath(a: string, b: string): boolean {
  const real = (file: string): string => {
    const full = path.resolve(file);
    try {
      return fs.realpathSync(full);
    } catch {
      try {
        return path.join(fs.realpathSync(path.dirname(full)), path.basename(full));
      } catch {
        return full;
      }
    }
  };
  return real(a) === real(b);
}

/**
 * `file` as the user gave it: `shownAs` maps resolved paths to the text typed for them (lib/params
 * `resolveParams` records it); a path inside one of them (a run folder's detected_anomalies.csv)
 * shows under the typed folder. Anything else is returned unchanged. So what a user shares names
 * only folders the user typed, never this machine's home or temporary folders.
 */
export function shownPath(file: string, shownAs: Readonly<Record<string, string>> = {}): string {
  const resolved = Object.keys(shownAs).sort((a, b) => b.length - a.length);
  for (const from of resolved) {
    if (file === from) return shownAs[from];
    if (file.startsWith(from.endsWith(path.sep) ? from : `${from}${path.sep}`))
      return path.join(shownAs[from], file.slice(from.length));
  }
  return file;
}

/** `text` (an error message) with every resolved path of `shownAs` replaced by how the user gave it. */
export function shownText(text: string, shownAs: Readonly<Record<string, string>> = {}): string {
  let shown = text;
  for (const from of Object.keys(shownAs).sort((a, b) => b.length - a.length)) {
    const given = shownAs[from].length > 1 ? shownAs[from].replace(/[\\/]+$/, '') : shownAs[from];
    // Only the whole path: followed by a separator, a position (`:12`), a quote, a blank or the end.
    const pattern = new RegExp(`${from.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(?=$|[\\\\/:\\s"'),;])`, 'g');
    shown = shown.replace(pattern, () => given);
  }
  return shown;
}
