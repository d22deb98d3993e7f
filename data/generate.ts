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
import { ScaleName, SCALES } from './synth/layout';
import { writeTinyFixture } from './synth/tiny';
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

const USAGE = 'usage: npm run data -- [--scale demo|seed] [--seed N] [--out DIR] [--tiny-fixture DIR] [--dense [--rows N]]';

/** Parses argv; throws a message a user can act on. */
function parseArgs(argv: readonly string[]): Args {
  const args: Args = { scale: 'demo', seed: 2019, out: path.resolve(__dirname, '..', '..', 'data') };
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i];
    const value = argv[i + 1];
    const need = () => {
      if (value === undefined || value.startsWith('--')) throw new Error(`${flag} needs a value\n${USAGE}`);
      i++;
      return value;
    };
    switch (flag) {
      case '--scale': {
        const scale = need();
        if (!(scale in SCALES)) throw new Error(`--scale must be one of ${Object.keys(SCALES).join(', ')}, got ${JSON.stringify(scale)}`);
        args.scale = scale as ScaleName;
        break;
      }
      case '--seed': {
        const text = need();
        const seed = Number(text);
        if (!Number.isSafeInteger(seed)) throw new Error(`--seed must be an integer, got ${JSON.stringify(text)}`);
        args.seed = seed;
        break;
      }
      case '--out':
        args.out = path.resolve(need());
        args.outGiven = true;
        break;
      case '--tiny-fixture':
        args.tiny = path.resolve(need());
        break;
      case '--dense':
        args.denseRows ??= DENSE_ROWS;
        break;
      case '--rows': {
        const text = need();
        const rows = Number(text);
        if (!Number.isSafeInteger(rows) || rows < 1) throw new Error(`--rows must be a positive integer, got ${JSON.stringify(text)}`);
        args.denseRows = rows;
        break;
      }
      case '--help':
      case '-h':
        console.log(USAGE);
        process.exit(0);
        break;
      default:
        throw new Error(`unknown option ${JSON.stringify(flag)}\n${USAGE}`);
    }
  }
  return args;
}

function main(): void {
  let args: Args;
  try {
    args = parseArgs(process.argv.slice(2));
  } catch (error) {
    console.error((error as Error).message);
    process.exit(2);
  }
  if (args.tiny) {
    const files = writeTinyFixture(args.tiny);
    for (const file of files) console.log(`wrote ${path.relative(process.cwd(), file)}`);
    return;
  }
  const started = process.hrtime.bigint();
  const onProgress = (done: number, total: number) => process.stderr.write(`  ${done}/${total} rows\r`);
  const result = args.denseRows !== undefined
    ? generateDense({ rows: args.denseRows, seed: args.seed, outDir: args.outGiven ? args.out : DENSE_DIR, onProgress })
    : generateDataset({ scale: SCALES[args.scale], seed: args.seed, outDir: args.out, progressEvery: 5000, onProgress });
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const lines = [
    ...Object.entries(result.runs).map(([name, f]) => ({ name, ...f })),
    { name: 'full', ...result.full },
  ];
  if (args.denseRows !== undefined) console.log(`dense, seed ${args.seed}: ${args.denseRows} rows of lognormal decimals in ${seconds.toFixed(1)} s`);
  else console.log(`scale ${args.scale}, seed ${args.seed}: ${result.packets.toLocaleString('en-US')} packets simulated in ${seconds.toFixed(1)} s`);
  for (const f of lines) {
    console.log(`  ${f.name.padEnd(4)} ${String(f.rows).padStart(6)} rows × ${String(f.columns).padStart(5)} columns  ${(f.bytes / 1e6).toFixed(1).padStart(8)} MB  ${path.relative(process.cwd(), f.path)}`);
  }
}

main();
