/**
 * The notebook `npm run lab` opens: a working copy beside the committed one (`X.ipynb` →
 * `X.lab.ipynb`, git-ignored), so that running and saving in Lab never changes a tracked file (Lab
 * writes outputs, execution counts, the kernel's language_info and jupyterlab-plotly's PNGs into
 * what it saves). Beside it, so the notebook's relative paths (`../dist/lib/index`, `../data/`)
 * resolve as in the committed one. A copy is never overwritten unless asked: it holds the user's
 * runs and edits.
 */
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { writeFileAtomic } from '../lib/files';

/** What a working copy's name ends with (git-ignored: `*.lab.ipynb` in .gitignore). */
export const WORKING_COPY_SUFFIX = '.lab.ipynb';

/** The working copy of `notebook`: `evaluation_5T.ipynb` → `evaluation_5T.lab.ipynb`, same folder. */
export function workingCopyPath(notebook: string): string {
  return path.join(path.dirname(notebook), `${path.basename(notebook, '.ipynb')}${WORKING_COPY_SUFFIX}`);
}

/** The working copy of a notebook, and how it relates to the notebook it was made from. */
export interface WorkingCopy {
  readonly path: string;
  /** Made (or made again, with `fresh`) by this call. */
  readonly created: boolean;
  /** The notebook has changed since the copy was made from it (the copy is left as it is). */
  readonly stale: boolean;
}

/** Where in a copy's metadata the notebook it came from is recorded. */
interface CopyMetadata {
  anomaly_eval?: { copied_from?: { file?: string; sha256?: string } };
}

const sha256 = (text: string): string => createHash('sha256').update(text).digest('hex');

/**
 * Makes the working copy of `notebook` when there is none (or when `fresh`), recording the
 * notebook's name and hash in the copy's metadata (`anomaly_eval.copied_from`; Lab keeps notebook
 * metadata it does not know); else leaves the copy alone and says whether the notebook changed
 * since. Written whole under its final name or not at all.
 */
export function labWorkingCopy(notebook: string, options: { readonly fresh?: boolean } = {}): WorkingCopy {
  const copy = workingCopyPath(notebook);
  const source = fs.readFileSync(notebook, 'utf8');
  const hash = sha256(source);
  if (!options.fresh && fs.existsSync(copy)) {
    let recorded: string | undefined;
    try {
      recorded = (JSON.parse(fs.readFileSync(copy, 'utf8')) as { metadata?: CopyMetadata }).metadata?.anomaly_eval
        ?.copied_from?.sha256;
    } catch {
      recorded = undefined; // not JSON (a half-edited file): the user's to mend; never overwritten
    }
    return { path: copy, created: false, stale: recorded !== hash };
  }
  const nb = JSON.parse(source) as { metadata?: Record<string, unknown> & CopyMetadata };
  nb.metadata = { ...nb.metadata, anomaly_eval: { copied_from: { file: path.basename(notebook), sha256: hash } } };
  writeFileAtomic(copy, `${JSON.stringify(nb, null, 1)}\n`);
  return { path: copy, created: true, stale: false };
}
