/**
 * Command-line options of the benchmarks, through Node's `util.parseArgs`: unknown options are an
 * error (exit 2, with the usage), and `--help`/`-h` prints the usage and exits 0 before any work.
 */
import { parseArgs } from 'node:util';

/** What an option is: a value (`string`), repeatable values (`strings`) or a switch (`boolean`). */
export type OptionKind = 'string' | 'strings' | 'boolean';

/** Parsed options: a string, a list of strings or a boolean per option given. */
export type BenchValues = Record<string, string | string[] | boolean | undefined>;

/** Parses `argv` for the options `kinds`; prints `usage` and exits on `--help` or a bad option. */
export function benchArgs(
  usage: string,
  kinds: Readonly<Record<string, OptionKind>>,
  argv: readonly string[] = process.argv.slice(2),
): BenchValues {
  const options: Record<string, { type: 'string' | 'boolean'; multiple?: boolean; short?: string }> = {
    help: { type: 'boolean', short: 'h' },
  };
  for (const [name, kind] of Object.entries(kinds))
    options[name] = kind === 'strings' ? { type: 'string', multiple: true } : { type: kind };
  let values: BenchValues;
  try {
    values = parseArgs({ args: [...argv], options, strict: true, allowPositionals: false }).values as BenchValues;
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\n${usage}\n`);
    process.exit(2);
  }
  if (values.help) {
    process.stdout.write(`${usage}\n`);
    process.exit(0);
  }
  return values;
}

/** A whole number option ≥ `min`, or `fallback` when absent; exits 2 with a message when malformed. */
export function wholeNumber(values: BenchValues, name: string, fallback: number, min = 1): number {
  const text = values[name];
  if (text === undefined) return fallback;
  const n = Number(text);
  if (typeof text !== 'string' || !Number.isInteger(n) || n < min) {
    process.stderr.write(`--${name} must be a whole number ≥ ${min}, got ${JSON.stringify(text)}\n`);
    process.exit(2);
  }
  return n;
}

/** A string option, or undefined. */
export function stringOption(values: BenchValues, name: string): string | undefined {
  const v = values[name];
  return typeof v === 'string' ? v : undefined;
}
