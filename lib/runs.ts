/**
 * Model runs: a run is one detector output folder holding `detected_anomalies.csv`. This module
 * finds the file, reads it, names the run by its inferred window (`30T`, `10T`, `5T`) and picks
 * the reference run (the finest window) that defines the anomalous rows.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Frame } from './frame';
import { ReadOptions, readTable } from './loaders';
import { InputError, WindowGrid } from './types';

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

/** The anomalies file of a run folder; a path to a file is taken as it is. */
export function anomaliesFile(runPath: string): string {
  const isDir = fs.existsSync(runPath) && fs.statSync(runPath).isDirectory();
  return isDir ? path.join(runPath, ANOMALIES_FILE) : runPath;
}

/**
 * Reads every run and names it by its window length (`30T`, ...). Two runs with the same window
 * get their folder name appended (`5T (models_a)`), so every name is unique.
 */
export async function loadRuns(specs: readonly (RunSpec | string)[], options: ReadOptions = {}): Promise<Run[]> {
  if (specs.length === 0) throw new RangeError('No model runs given: pass at least one folder holding detected_anomalies.csv');
  const loaded: { spec: RunSpec; file: string; frame: Frame; grid: WindowGrid }[] = [];
  for (const entry of specs) {
    const spec = typeof entry === 'string' ? { path: entry } : entry;
    const file = anomaliesFile(spec.path);
    const frame = await readTable(file, options);
    const grid = frame.grid();
    if (grid.starts.length === 0) throw new InputError({ file }, 'no value columns: expected tuple headers like (\'avg_Length\', \'avg_2019-02-01 09:35:00\')');
    loaded.push({ spec, file, frame, grid });
  }
  const baseNames = loaded.map(({ spec, grid }) => spec.name ?? grid.freq);
  return loaded.map(({ spec, file, frame, grid }, i) => {
    const clash = baseNames.filter((n) => n === baseNames[i]).length > 1;
    const name = clash && !spec.name ? `${baseNames[i]} (${path.basename(path.dirname(file))})` : baseNames[i];
    return { name, path: file, frame, grid };
  });
}

/**
 * The reference run: the one named, or else the one with the finest window (the first such run
 * when several share it). The reference run's rows are the anomalous rows of the evaluation.
 */
export function pickReference(runs: readonly Run[], name?: string): Run {
  if (name !== undefined) {
    const named = runs.find((run) => run.name === name);
    if (!named) throw new RangeError(`Reference run ${JSON.stringify(name)} not found; runs are: ${runs.map((r) => r.name).join(', ')}`);
    return named;
  }
  return runs.reduce((best, run) => (run.grid.stepMs < best.grid.stepMs ? run : best));
}
