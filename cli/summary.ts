/**
 * `npm run summary -- --models DIR ... --full FILE [--reference NAME] [--sample N] [--seed N] [--baseline FILE]
 *  [--allow-missing] [--out FILE]`
 * Computes summary.json straight from the library, with no notebook: the fast path for pipelines.
 * Progress goes to stderr; the JSON to `--out` (written whole, then renamed) or stdout.
 */
import {
  DEFAULT_SAMPLE,
  DEFAULT_SEED,
  HELP,
  type OptionTable,
  UsageError,
  helpText,
  integer,
  parseOptions,
  runCommand,
  single,
  synopsis,
  wantsHelp,
} from './args';
import { evaluate } from '../lib/summary/evaluate';
import { collectGarbage } from './collect';
import { readBaseline } from '../lib/summary/baseline-summary';
import { samePath, writeFileAtomic } from '../lib/files';
import { missingWarning } from '../lib/evaluation/coverage';
import { OptionError } from '../lib/options';
import { ChoiceError, InputError } from '../lib/types';

const COMMAND = 'npm run summary --';
const OPTIONS: OptionTable = {
  models: { kind: 'list', value: 'DIR', help: 'model run folders holding detected_anomalies.csv' },
  full: { kind: 'value', value: 'FILE', help: 'the full windowed dataset (final_dataset_5T.csv)' },
  reference: {
    kind: 'value',
    value: 'NAME',
    help: 'the run whose rows are the anomalous IPs, e.g. 5T',
    default: 'the finest window',
  },
  sample: { kind: 'value', value: 'N', help: 'normal rows in the seeded sample', default: DEFAULT_SAMPLE },
  seed: { kind: 'value', value: 'N', help: 'seed of the sample', default: DEFAULT_SEED },
  baseline: { kind: 'value', value: 'FILE', help: 'an earlier summary.json: list what changed since (`changes`)' },
  'allow-missing': {
    kind: 'boolean',
    help: 'evaluate a full dataset that lacks more than half of the flagged rows (refused otherwise)',
  },
  out: {
    kind: 'value',
    value: 'FILE',
    help: 'where to write summary.json (written whole, then renamed)',
    default: 'stdout',
  },
  ...HELP,
};
const REQUIRED = ['models', 'full'];
const USAGE = synopsis(COMMAND, OPTIONS, REQUIRED);
const ABOUT = 'Computes summary.json from the model runs and the full dataset, with no notebook.';
const NOTES = `Progress and warnings go to stderr. Refused before the long read: a full dataset with no normal row
(a model run's file?) or lacking more than half of the flagged rows (cut short?); see README, "Input format".`;

async function main(argv: readonly string[]): Promise<void> {
  const args = parseOptions(argv, OPTIONS);
  if (wantsHelp(args)) {
    process.stdout.write(helpText(COMMAND, ABOUT, OPTIONS, { required: REQUIRED, notes: NOTES }));
    return;
  }
  const models = args.get('models') ?? [];
  const full = single(args, 'full');
  if (models.length === 0 || !full) throw new UsageError('--models and --full are required');
  const out = single(args, 'out');
  const sampleSize = integer(args, 'sample', DEFAULT_SAMPLE, { min: 1 });
  const seed = integer(args, 'seed', DEFAULT_SEED);
  // A baseline is read and checked first: a bad one stops the command before any work.
  const baselinePath = single(args, 'baseline');
  if (baselinePath !== undefined && out !== undefined && samePath(baselinePath, out)) {
    throw new UsageError(
      `--baseline ${baselinePath} is the file --out writes: it would be overwritten; write the new summary elsewhere (a new --out)`,
    );
  }
  const baseline = baselinePath === undefined ? undefined : { path: baselinePath, summary: readBaseline(baselinePath) };
  let lastReport = 0;
  let collected = false;
  const evaluation = await evaluate(
    {
      models,
      full,
      reference: single(args, 'reference'),
      sampleSize,
      seed,
      keepSampleValues: false,
      baseline,
      allowMissing: args.has('allow-missing'),
    },
    ({ step, detail, progress }) => {
      // The label pass's garbage is let go as the long pass starts (cli/collect.ts).
      if (step === 'full' && progress && !collected) {
        collected = true;
        collectGarbage();
      }
      const now = Date.now();
      if (progress && now - lastReport < 500 && progress.bytesRead < progress.bytesTotal) return;
      lastReport = now;
      const share = progress
        ? ` ${((100 * progress.bytesRead) / Math.max(1, progress.bytesTotal)).toFixed(0)}% (${progress.rowsParsed} rows)`
        : '';
      process.stderr.write(`[summary] ${step}: ${detail}${share}\n`);
    },
  );
  const warning = missingWarning({ file: full, flagged: evaluation.anomalous.nRows, missing: evaluation.full.missing });
  if (warning) process.stderr.write(`summary: warning: ${warning}\n`);
  const json = `${JSON.stringify(evaluation.summary, null, 2)}\n`;
  if (!out) {
    process.stdout.write(json);
    return;
  }
  writeFileAtomic(out, json);
  process.stderr.write(`[summary] wrote ${out}\n`);
}

runCommand(main, {
  name: 'summary',
  usage: USAGE,
  // Input errors print their one line; anything else (a bug) its stack.
  expected: (error) => error instanceof InputError || error instanceof ChoiceError || error instanceof OptionError,
});
