/**
 * Command-line options of the project's commands, declared once per command as a table (kind,
 * placeholder, help, default) from which both the parsing (Node's `util.parseArgs`) and the
 * `--help` text come. Lists take every value up to the next option (`--models a b c`), or the flag
 * is repeated; `--name=value` works for every value option; `-h`/`--help` on every command.
 */
import { parseArgs as parseNodeArgs } from 'node:util';

/** Defaults shared by the `report` and `summary` commands, declared once in lib/defaults.ts. */
export { DEFAULT_SAMPLE, DEFAULT_SEED } from '../lib/defaults';

/** One option: `value` takes one value, `list` one or more, `boolean` none. */
export interface OptionSpec {
  readonly kind: 'value' | 'list' | 'boolean';
  /** One-letter alias (`h` for `-h`). */
  readonly short?: string;
  /** Placeholder of the value in the help text (`FILE`, `N`, `DIR`). */
  readonly value?: string;
  /** One line of help. */
  readonly help: string;
  /** The default, as the help shows it. */
  readonly default?: string | number;
}

/** A command's options by name (without the leading `--`). */
export type OptionTable = Readonly<Record<string, OptionSpec>>;

/** The help option every command has. */
export const HELP: OptionTable = { help: { kind: 'boolean', short: 'h', help: 'print this help and exit' } };

/** Parsed arguments: each flag's values, in order (`'true'` for a boolean). */
export type ParsedArgs = Map<string, string[]>;

/** A usage error: the command prints it with its usage line and exits 2. */
export class UsageError extends Error {}

/**
 * Parses `argv` against an option table: unknown options, positional arguments, a missing value
 * or a value given to a boolean are usage errors naming the argument.
 */
export function parseOptions(argv: readonly string[], table: OptionTable): ParsedArgs {
  const options: Record<string, { type: 'string' | 'boolean'; short?: string }> = {};
  for (const [name, spec] of Object.entries(table)) {
    options[name] = spec.short
      ? { type: spec.kind === 'boolean' ? 'boolean' : 'string', short: spec.short }
      : { type: spec.kind === 'boolean' ? 'boolean' : 'string' };
  }
  const { tokens } = parseNodeArgs({ args: [...argv], options, strict: false, allowPositionals: true, tokens: true });
  const parsed: ParsedArgs = new Map();
  let list: { name: string; values: string[] } | undefined;
  for (const token of tokens) {
    if (token.kind === 'positional') {
      if (list && !token.value.startsWith('-')) {
        list.values.push(token.value);
        continue;
      }
      throw new UsageError(`unknown argument ${JSON.stringify(token.value)}`);
    }
    list = undefined;
    if (token.kind === 'option-terminator') throw new UsageError('unknown argument "--"');
    const spec = Object.hasOwn(table, token.name) ? table[token.name] : undefined;
    const raw = argv[token.index];
    if (
      !spec ||
      (token.rawName !== `--${token.name}` && token.rawName !== `-${spec.short}`) ||
      (raw !== token.rawName && !token.inlineValue)
    ) {
      throw new UsageError(
        `unknown argument ${JSON.stringify(raw.includes('=') && raw.startsWith('--') ? raw.slice(0, raw.indexOf('=')) : raw)}`,
      );
    }
    const values = parsed.get(token.name) ?? [];
    parsed.set(token.name, values);
    if (spec.kind === 'boolean') {
      if (token.inlineValue) throw new UsageError(`--${token.name} takes no value`);
      values.push('true');
      continue;
    }
    const value = token.value;
    if (
      value === undefined ||
      (!token.inlineValue && value.startsWith('-') && value.length > 1 && !/^-\d/.test(value))
    ) {
      throw new UsageError(`--${token.name} ${spec.kind === 'list' ? 'needs at least one value' : 'needs a value'}`);
    }
    values.push(value);
    if (spec.kind === 'list' && !token.inlineValue) list = { name: token.name, values };
  }
  return parsed;
}

/**
 * Parses `argv` against the known flags (the older form of `parseOptions`): flags in `booleans`
 * take no value; every other flag takes one value, except those in `lists`, which take every value
 * up to the next flag. `-h`/`--help` is always known.
 */
export function parseArgs(
  argv: readonly string[],
  spec: { values: readonly string[]; lists?: readonly string[]; booleans?: readonly string[] },
): ParsedArgs {
  const table: Record<string, OptionSpec> = { ...HELP };
  for (const name of spec.values) table[name] = { kind: 'value', help: '' };
  for (const name of spec.lists ?? []) table[name] = { kind: 'list', help: '' };
  for (const name of spec.booleans ?? []) table[name] = { kind: 'boolean', help: '' };
  return parseOptions(argv, table);
}

/** True when `-h` or `--help` was given. */
export function wantsHelp(args: ParsedArgs): boolean {
  return args.has('help');
}

/** The synopsis of a command: `usage: npm run summary -- --models DIR [DIR ...] ...`, required options first, unbracketed. */
export function synopsis(command: string, table: OptionTable, required: readonly string[] = []): string {
  const shown = (name: string): string => {
    const spec = table[name];
    const value =
      spec.kind === 'list'
        ? ` ${spec.value ?? 'VALUE'} [${spec.value ?? 'VALUE'} ...]`
        : spec.kind === 'value'
          ? ` ${spec.value ?? 'VALUE'}`
          : '';
    return `--${name}${value}`;
  };
  const names = Object.keys(table).filter((name) => name !== 'help');
  const parts = [
    ...required.map(shown),
    ...names.filter((name) => !required.includes(name)).map((name) => `[${shown(name)}]`),
  ];
  return `usage: ${command} ${parts.join(' ')}`;
}

/**
 * The `--help` text of a command: its synopsis, what it does, one line per option with its default,
 * and any closing notes.
 */
export function helpText(
  command: string,
  about: string,
  table: OptionTable,
  opts: { required?: readonly string[]; notes?: string } = {},
): string {
  const rows = Object.entries(table).map(([name, spec]) => {
    const value =
      spec.kind === 'list' ? ` ${spec.value ?? 'VALUE'} ...` : spec.kind === 'value' ? ` ${spec.value ?? 'VALUE'}` : '';
    const flag = `${spec.short ? `-${spec.short}, ` : ''}--${name}${value}`;
    const required = opts.required?.includes(name) ? ' (required)' : '';
    const fallback = spec.default !== undefined ? ` (default ${spec.default})` : '';
    return [flag, `${spec.help}${required}${fallback}`];
  });
  const width = Math.max(...rows.map(([flag]) => flag.length)) + 2;
  const lines = [
    synopsis(command, table, opts.required),
    '',
    about,
    '',
    'options:',
    ...rows.map(([flag, help]) => `  ${flag.padEnd(width)}${help}`),
  ];
  if (opts.notes) lines.push('', opts.notes);
  return `${lines.join('\n')}\n`;
}

/** The single value of a flag, or `fallback`; a flag given twice is a usage error. */
export function single(args: ParsedArgs, name: string, fallback?: string): string | undefined {
  const values = args.get(name);
  if (!values || values.length === 0) return fallback;
  if (values.length > 1) throw new UsageError(`--${name} given ${values.length} times`);
  return values[0];
}

/**
 * A flag's value as a whole number from `min` to `max` (default 0 to the largest exact JS integer),
 * or `fallback` when absent; anything else (`0` for `--sample`, `1.5`, `-1`, `1e3`) is a usage error
 * naming the option, the range and what was found.
 */
export function integer(
  args: ParsedArgs,
  name: string,
  fallback: number,
  range: { readonly min?: number; readonly max?: number } = {},
): number {
  const text = single(args, name);
  if (text === undefined) return fallback;
  const min = range.min ?? 0;
  const max = range.max ?? Number.MAX_SAFE_INTEGER;
  const value = Number(text);
  if (!/^\d+$/.test(text) || !Number.isSafeInteger(value) || value < min || value > max) {
    throw new UsageError(`--${name} expects a whole number from ${min} to ${max}, got ${JSON.stringify(text)}`);
  }
  return value;
}

/** How `runCommand` reports a failure. */
export interface CommandOptions {
  /** Prefix of every error line (`report` gives `report: ...`); none by default. */
  readonly name?: string;
  /** Printed after a UsageError's message. */
  readonly usage?: string;
  /** Errors whose message is enough (a user's input, a missing tool); any other prints its stack. Default: every error. */
  readonly expected?: (error: unknown) => boolean;
}

/**
 * Runs a command's `main(argv)` and turns its outcome into the exit status, the same for every
 * command: the number `main` returns (0 when it returns nothing); a UsageError prints its message
 * and the usage, status 2; an expected error its message, any other its stack, status 1.
 */
export function runCommand(
  // biome-ignore lint/suspicious/noConfusingVoidType: a command's main may return nothing (status 0) or a status
  main: (argv: readonly string[]) => Promise<number | void>,
  options: CommandOptions = {},
): void {
  const prefix = options.name ? `${options.name}: ` : '';
  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code ?? 0;
    },
    (error: unknown) => {
      if (error instanceof UsageError) {
        process.stderr.write(`${prefix}${error.message}\n${options.usage ? `${options.usage}\n` : ''}`);
        process.exit(2);
      }
      const expected = (options.expected ?? (() => true))(error);
      const message =
        error instanceof Error ? (expected ? error.message : (error.stack ?? error.message)) : String(error);
      process.stderr.write(`${prefix}${message}\n`);
      process.exit(1);
    },
  );
}
