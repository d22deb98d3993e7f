/**
 * Reading a baseline: an earlier summary.json to compare a new evaluation with. The one I/O edge
 * of the rerun comparison; everything wrong with the file is an InputError naming it (and the
 * line and column, for JSON that does not parse), raised before anything is computed or written.
 */
import * as fs from 'node:fs';
import { InputError } from '../types';
import { jsonErrorOffset } from '../reader/json-error';
import { fileProblem } from '../files';
import type { Summary } from './schema';

/** What a baseline must hold: a summary of schema version 2 or later, with its anomalies and findings. */
export type Baseline = Pick<Summary, 'reference' | 'families' | 'findings'> & {
  /** 2 or 3 (version 3 lists every run's flagged IPs in `anomalies`, each with its `runs`). */
  readonly schemaVersion: number;
  readonly anomalies: readonly {
    readonly label: string;
    /** Version 3: the runs that flagged it. */
    readonly runs?: readonly string[];
    readonly reasons?: readonly { readonly family: string; readonly direction: string }[];
  }[];
};

/** Line and column (1-based) of a character offset in `text`. */
function positionOf(text: string, offset: number): { line: number; column: number } {
  const before = text.slice(0, offset);
  const line = before.split('\n').length;
  return { line, column: offset - before.lastIndexOf('\n') };
}

function isRecord(x: unknown): x is Record<string, unknown> {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}

/**
 * Reads and checks a baseline summary.json. Refuses, naming the file: a missing or unreadable
 * file; text that is not JSON (with line and column); JSON that is not a summary; a summary of
 * version 1, which has no anomalies or findings to compare.
 */
export function readBaseline(file: string): Baseline {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new InputError(
      { file },
      code === 'ENOENT'
        ? 'no such baseline file'
        : code === 'EISDIR'
          ? 'is a folder; expected an earlier summary.json file'
          : `cannot read the baseline: ${fileProblem(error)}`,
    );
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    const offset = Math.max(0, jsonErrorOffset(text));
    const where = positionOf(text, offset);
    const found = text.charAt(offset);
    throw new InputError(
      { file, ...where },
      `not JSON (${found ? `found ${JSON.stringify(found)}` : 'it ends early'}); expected an earlier summary.json`,
    );
  }
  if (
    !isRecord(json) ||
    typeof json.schemaVersion !== 'number' ||
    !isRecord(json.families) ||
    !Array.isArray(json.runs)
  ) {
    throw new InputError(
      { file },
      'not a summary.json (expected an object with schemaVersion, runs and families, as npm run summary or npm run report write)',
    );
  }
  const summary = json;
  const version = json.schemaVersion;
  const missing = ['anomalies', 'findings'].filter((field) => !Array.isArray(summary[field]));
  if (version < 2 || missing.length > 0) {
    const lacks = version < 2 ? 'no anomalies and findings' : `no ${missing.join(' and ')}`;
    throw new InputError(
      { file },
      `a summary.json of version ${version} has ${lacks} to compare with; evaluate those outputs again with this version to make a baseline`,
    );
  }
  return json as unknown as Baseline;
}
