/**
 * The generated demo dataset written into a test's folder, as the tests that evaluate it read it:
 * the model run folders (in name order) and the full windowed table.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { generateDataset } from '../data/synth/dataset';
import { DEMO_SCALE } from '../data/synth/layout';

/** Writes the demo dataset (seed 2019, as `npm run data`) under `outDir`; returns its run folders and full table. */
export function demoDataset(outDir: string): { models: string[]; full: string } {
  generateDataset({ scale: DEMO_SCALE, seed: 2019, outDir });
  const models = fs
    .readdirSync(path.join(outDir, 'models'))
    .sort()
    .map((d) => path.join(outDir, 'models', d));
  return { models, full: path.join(outDir, 'final', 'final_dataset_5T.csv') };
}
