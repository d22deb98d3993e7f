/**
 * Model runs: a run is one detector output folder holding `detected_anomalies.csv`. This module
 * finds the file, reads it, names the run by its inferred window (`30T`, `10T`, `5T`) and picks
 * the reference run (the finest window) that defines the anomalous rows.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Frame } from '../table/frame';
import type { ReadOptions } from '../reader/read-options';
import { readTable } from '../reader/read-table';
import { ChoiceError, InputError, type WindowGrid } from '../types';

/** The file a detector run leaves in its folder. */
export const ANOMALIES_FILE = 'detected_anomalies.csv';

/** A loaded run: its name, where it came from, its rows and its window grid. */
export interface Run {
  /** `freq` unless the user named the run; made unique with the folder name if two runs share a window. */
  readonly name: string;
  /** The CSV file read. */
  readonly path: string;
  readonly frame: Frame;
  readonly grid: WindowGrid;
}

/** A run to load: a folder (or the CSV itself), optionally with a user-chosen name. */
export interface RunSpec {
  readonly path: string;
  readonly name?: string;
}

/**
 * The anomalies file of a run folder; a path to a file is taken as it is. A path that does not exist
 * is an InputError saying which, a folder or a file, is missing; a folder without the file, one
 * saying so.
 */
export function anomaliesFile(runPath: string): string {
  if (!fs.existsSync(runPath)) {
    const file = /\.(csv|tsv|txt)$/i.test(runPath);
    throw new InputError(
      { file: runPath },
      file
        ? `file not found; expected a model run's ${ANOMALIES_FILE}, or its folder`
        : `folder not found; expected a model run folder holding ${ANOMALIES_FILE}`,
    );
  }
  if (!fs.statSync(runPath).isDirectory()) return runPath;
  const file = path.join(runPath, ANOMALIES_FILE);
  if (!fs.existsSync(file))
    throw new InputError({ file: runPath }, `the folder holds no ${ANOMALIES_FILE}; expected a model run folder`);
  return file;
}

/**
 * Reads every run and names it by its window length (`30T`, ...). Runs that would share a name get
 * what tells them apart appended: their folder (`5T (models_a)`), or the file's name when both sit
 * in one folder (`5T (one.csv)`), or at last their position (`5T (x, run 2)`): every name is unique,
 * so a run can be chosen as reference by name.
 */
export async function loadRuns(specs: readonly (RunSpec | string)[], options: ReadOptions = {}): Promise<Run[]> {
  if (specs.length === 0)
    throw new ChoiceError('No model runs given: pass at least one folder holding detected_anomalies.csv');
  const loaded: { spec: RunSpec; file: string; frame: Frame; grid: WindowGrid }[] = [];
  for (const entry of specs) {
    const spec = typeof entry === 'string' ? { path: entry } : entry;
    const file = anomaliesFile(spec.path);
    const frame = await readTable(file, options);
    const grid = frame.grid();
    if (grid.starts.length === 0)
      throw new InputError(
        { file },
        "no value columns: expected tuple headers like ('avg_Length', 'avg_2019-02-01 09:35:00')",
      );
    loaded.push({ spec, file, frame, grid });
  }
  const names = uniqueNames(
    loaded.map(({ spec, file, grid }) => ({ base: spec.name ?? grid.freq, named: spec.name !== undefined, file })),
  );
  return loaded.map(({ file, frame, grid }, i) => ({ name: names[i], path: file, frame, grid }));
}

/** Names for runs, unique: a clashing name the user did not choose gets its folder, file or position appended. */
function uniqueNames(runs: readonly { base: string; named: boolean; file: string }[]): string[] {
  const clashes = (names: readonly string[], i: number): boolean => names.some((n, j) => j !== i && n === names[i]);
  const bases = runs.map((run) => run.base);
  const candidates: ((run: { file: string }, i: number) => string)[] = [
    (run) => path.basename(path.dirname(run.file)),
    (run) => path.basename(run.file),
    (run, i) => `${path.basename(path.dirname(run.file))}, run ${i + 1}`,
  ];
  let names = bases;
  for (const suffix of candidates) {
    if (!names.some((_, i) => clashes(names, i))) break;
    names = runs.map((run, i) => (clashes(bases, i) && !run.named ? `${run.base} (${suffix(run, i)})` : run.base));
  }
  if (names.some((_, i) => clashes(names, i))) {
    const twice = names.find((_, i) => clashes(names, i));
    throw new ChoiceError(`Two runs are named ${JSON.stringify(twice)}: give each run its own name`);
  }
  return names;
}

/**
 * The reference run: the one named, or else the one with the finest window (the first such run
 * when several share it; a run with a single window, whose length is unknown, only when no run has
 * a known one). The reference run's rows are the anomalous rows of the evaluation.
 */
export function pickReference(runs: readonly Run[], name?: string): Run {
  if (name !== undefined) {
    const named = runs.find((run) => run.name === name);
    if (!named)
      throw new ChoiceError(
        `Reference run ${JSON.stringify(name)} not found; runs are: ${runs.map((r) => r.name).join(', ')}`,
      );
    return named;
  }
  const finer = (a: number, b: number): boolean => !Number.isNaN(a) && (Number.isNaN(b) || a < b);
  return runs.reduce((best, run) => (finer(run.grid.stepMs, best.grid.stepMs) ? run : best));
}
