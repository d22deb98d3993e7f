/**
 * `npm run data -- [--scale demo|seed] [--seed N] [--out DIR] [--tiny-fixture DIR] [--dense [--rows N]]`
 *
 * Writes the detector runs' anomaly files and the full 5-minute table in the exact format the
 * seed notebook reads (see data/README.md). Default: demo scale, seed 2019, into the project's
 * `data/` folder. `--tiny-fixture DIR` instead rewrites the small hand-checked fixture. `--dense`
 * instead writes a table whose every value is a full-precision decimal (data/synth/dense.ts; 6,000
 * rows by default, `--rows N`), with three small model runs, into the OS temp dir unless `--out`.
 */
import * as path from 'node:path';
import { generateDataset } from './synth/dataset';
import { type ScaleName, SCALES } from './synth/layout';
import { writeTinyFixture } from './synth/tiny';
import {
  HELP,
  type OptionTable,
  UsageError,
  helpText,
  integer,
  parseOptions,
  single,
  synopsis,
  wantsHelp,
} from '../cli/args';
import { DENSE_DIR, DENSE_ROWS, generateDense } from './synth/dense';

/** Parsed command line. */
interface Args {
  scale: ScaleName;
  seed: number;
  out: string;
  tiny?: string;
  /** Rows of a dense table (`--dense`), else undefined. */
  denseRows?: number;
  /** Whether `--out` was given (a dense table goes to the OS temp dir by default, not over the demo data). */
  outGiven?: boolean;
}

const COMMAND = 'npm run data --';
/** Defaults: demo scale, seed 2019, into the project's `data/` folder. */
const DEFAULT_SCALE: ScaleName = 'demo';
const DEFAULT_SEED = 2019;
const OPTIONS: OptionTable = {
  scale: {
    kind: 'value',
    value: Object.keys(SCALES).join('|'),
    help: "demo: 57 MB, the report in seconds; seed: the seed's shapes, 1.2 GB",
    default: DEFAULT_SCALE,
  },
  seed: { kind: 'value', value: 'N', help: 'seed of the simulated traffic', default: DEFAULT_SEED },
  out: { kind: 'value', value: 'DIR', help: 'where to write models/... and final/...', default: 'data/' },
  'tiny-fixture': {
    kind: 'value',
    value: 'DIR',
    help: 'instead rewrite the small hand-checked fixture (tests/fixtures/tiny) into DIR',
  },
  dense: {
    kind: 'boolean',
    help: 'instead write a dense table: every value a full-precision decimal (into the OS temp dir unless --out)',
  },
  rows: { kind: 'value', value: 'N', help: 'rows of the dense table', default: DENSE_ROWS },
  ...HELP,
};
const USAGE = synopsis(COMMAND, OPTIONS);
const ABOUT = 'Writes generated data: three detector runs (30, 10 and 5 minutes) and the full 5-minute table.';
const NOTES =
  "The files are in the seed's format (pandas to_csv(sep='\\t')); how the traffic is simulated: data/README.md.";

/** Parses argv; throws a message a user can act on (UsageError), or returns undefined after printing the help. */
function parseArgs(argv: readonly string[]): Args | undefined {
  const parsed = parseOptions(argv, OPTIONS);
  if (wantsHelp(parsed)) {
    process.stdout.write(helpText(COMMAND, ABOUT, OPTIONS, { notes: NOTES }));
    return undefined;
  }
  const scale = single(parsed, 'scale', DEFAULT_SCALE)!;
  if (!(scale in SCALES))
    throw new UsageError(`--scale must be one of ${Object.keys(SCALES).join(', ')}, got ${JSON.stringify(scale)}`);
  const seed = integer(parsed, 'seed', DEFAULT_SEED);
  const out = single(parsed, 'out');
  const tiny = single(parsed, 'tiny-fixture');
  const rows = integer(parsed, 'rows', DENSE_ROWS, { min: 1 });
  if (parsed.has('rows') && !parsed.has('dense')) throw new UsageError('--rows goes with --dense');
  return {
    scale: scale as ScaleName,
    seed,
    out: out === undefined ? path.resolve(__dirname, '..', '..', 'data') : path.resolve(out),
    tiny: tiny === undefined ? undefined : path.resolve(tiny),
    denseRows: parsed.has('dense') ? rows : undefined,
    outGiven: out !== undefined,
  };
}

function main(): void {
  let args: Args | undefined;
  try {
    args = parseArgs(process.argv.slice(2));
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    console.error(`data: ${error.message}\n${USAGE}`);
    process.exit(2);
  }
  if (!args) return;
  if (args.tiny) {
    const files = writeTinyFixture(args.tiny);
    for (const file of files) console.log(`wrote ${path.relative(process.cwd(), file)}`);
    return;
  }
  const started = process.hrtime.bigint();
  const onProgress = (done: number, total: number) => process.stderr.write(`  ${done}/${total} rows\r`);
  const result =
    args.denseRows !== undefined
      ? generateDense({
          rows: args.denseRows,
          seed: args.seed,
          outDir: args.outGiven ? args.out : DENSE_DIR,
          onProgress,
        })
      : generateDataset({
          scale: SCALES[args.scale],
          seed: args.seed,
          outDir: args.out,
          progressEvery: 5000,
          onProgress,
        });
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const lines = [...Object.entries(result.runs).map(([name, f]) => ({ name, ...f })), { name: 'full', ...result.full }];
  if (args.denseRows !== undefined)
    console.log(`dense, seed ${args.seed}: ${args.denseRows} rows of lognormal decimals in ${seconds.toFixed(1)} s`);
  else
    console.log(
      `scale ${args.scale}, seed ${args.seed}: ${result.packets.toLocaleString('en-US')} packets simulated in ${seconds.toFixed(1)} s`,
    );
  for (const f of lines) {
    console.log(
      `  ${f.name.padEnd(4)} ${String(f.rows).padStart(6)} rows × ${String(f.columns).padStart(5)} columns  ${(f.bytes / 1e6).toFixed(1).padStart(8)} MB  ${path.relative(process.cwd(), f.path)}`,
    );
  }
}

main();
