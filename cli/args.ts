/**
 * Command-line arguments shared by the `summary` and `report` commands:
 * `--models DIR ...` (several values after one flag, or the flag repeated), `--full FILE`,
 * `--reference NAME`, `--sample N`, `--seed N`, `--out PATH`, and boolean flags.
 */

/** Parsed arguments: each flag's values, in order. */
export type ParsedArgs = Map<string, string[]>;

/** A usage error: the command prints it with its usage line and exits 2. */
export class UsageError extends Error {}

/**
 * Parses `argv` against the known flags. Flags in `booleans` take no value; every other flag takes
 * one value, except those in `lists`, which take every value up to the next flag.
 */
export function parseArgs(
  argv: readonly string[],
  spec: { values: readonly string[]; lists?: readonly string[]; booleans?: readonly string[] },
): ParsedArgs {
  const parsed: ParsedArgs = new Map();
  const known = new Set([...spec.values, ...(spec.lists ?? []), ...(spec.booleans ?? [])]);
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const [flag, inline] = arg.startsWith('--') && arg.includes('=') ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)] : [arg, undefined];
    if (!flag.startsWith('--') || !known.has(flag.slice(2))) {
      throw new UsageError(`unknown argument ${JSON.stringify(arg)}`);
    }
    const name = flag.slice(2);
    const values = parsed.get(name) ?? [];
    parsed.set(name, values);
    if (spec.booleans?.includes(name)) {
      if (inline !== undefined) throw new UsageError(`--${name} takes no value`);
      values.push('true');
    } else if (inline !== undefined) {
      values.push(inline);
    } else if (spec.lists?.includes(name)) {
      const before = values.length;
      while (i + 1 < argv.length && !argv[i + 1].startsWith('--')) values.push(argv[++i]);
      if (values.length === before) throw new UsageError(`--${name} needs at least one value`);
    } else {
      if (i + 1 >= argv.length || argv[i + 1].startsWith('--')) throw new UsageError(`--${name} needs a value`);
      values.push(argv[++i]);
    }
  }
  return parsed;
}

/** The single value of a flag, or `fallback`; a flag given twice is a usage error. */
export function single(args: ParsedArgs, name: string, fallback?: string): string | undefined {
  const values = args.get(name);
  if (!values || values.length === 0) return fallback;
  if (values.length > 1) throw new UsageError(`--${name} given ${values.length} times`);
  return values[0];
}

/** A flag's value as a non-negative safe integer (exact as a JS number), or `fallback`. */
export function integer(args: ParsedArgs, name: string, fallback: number): number {
  const text = single(args, name);
  if (text === undefined) return fallback;
  if (!/^\d+$/.test(text) || !Number.isSafeInteger(Number(text))) {
    throw new UsageError(`--${name} expects a whole number from 0 to ${Number.MAX_SAFE_INTEGER}, got ${JSON.stringify(text)}`);
  }
  return Number(text);
}
