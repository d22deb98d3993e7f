/**
 * `npm run summary -- --models DIR ... --full FILE [--reference NAME] [--sample N] [--seed N] [--out FILE]`
 * Computes summary.json straight from the library, with no notebook: the fast path for pipelines.
 * Progress goes to stderr; the JSON to `--out` (written whole, then renamed) or stdout.
 */
import { UsageError, integer, parseArgs, single } from './args';
import { evaluate } from '../lib/evaluation';
import { writeFileAtomic } from '../lib/files';
import { InputError } from '../lib/types';

const USAGE =
  'usage: npm run summary -- --models DIR [DIR ...] --full FILE [--reference NAME] [--sample N] [--seed N] [--out FILE]';

async function main(argv: readonly string[]): Promise<void> {
  const args = parseArgs(argv, { values: ['full', 'reference', 'sample', 'seed', 'out'], lists: ['models'] });
  const models = args.get('models') ?? [];
  const full = single(args, 'full');
  if (models.length === 0 || !full) throw new UsageError('--models and --full are required');
  const out = single(args, 'out');
  let lastReport = 0;
  const evaluation = await evaluate(
    {
      models,
      full,
      reference: single(args, 'reference'),
      sampleSize: integer(args, 'sample', 4000),
      seed: integer(args, 'seed', 42),
      keepSampleValues: false,
    },
    ({ step, detail, progress }) => {
      const now = Date.now();
      if (progress && now - lastReport < 500 && progress.bytesRead < progress.bytesTotal) return;
      lastReport = now;
      const share = progress ? ` ${((100 * progress.bytesRead) / Math.max(1, progress.bytesTotal)).toFixed(0)}% (${progress.rowsParsed} rows)` : '';
      process.stderr.write(`[summary] ${step}: ${detail}${share}\n`);
    },
  );
  const json = JSON.stringify(evaluation.summary, null, 2) + '\n';
  if (!out) {
    process.stdout.write(json);
    return;
  }
  writeFileAtomic(out, json);
  process.stderr.write(`[summary] wrote ${out}\n`);
}

main(process.argv.slice(2)).catch((error: unknown) => {
  if (error instanceof UsageError) {
    process.stderr.write(`summary: ${error.message}\n${USAGE}\n`);
    process.exit(2);
  }
  const message = error instanceof InputError || error instanceof RangeError ? error.message : error instanceof Error ? error.stack ?? error.message : String(error);
  process.stderr.write(`summary: ${message}\n`);
  process.exit(1);
});
