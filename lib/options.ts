/**
 * Options checked where they enter (after Observable Plot's `keyword()`): a word that is not one of
 * the allowed ones, an option name that does not exist, or a number out of its range is an error
 * naming the option, what was found and what is allowed. Nothing is clamped or rounded silently:
 * a caller who wrote `bins: 1.5` or `normal: 'line'` learns so instead of getting another figure.
 */

/** An option a function cannot use; the message names the option, the value found and what is allowed. */
export class OptionError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'OptionError';
  }
}

/** How a value shows in a message: strings quoted, everything else as JSON. */
function shown(value: unknown): string {
  return typeof value === 'string' ? JSON.stringify(value) : (JSON.stringify(value) ?? String(value));
}

/**
 * `value` when it is one of `allowed` (or undefined: the caller's default applies), else an
 * OptionError: `invalid normal "line"; expected one of "auto", "lines", "density"`.
 */
export function keyword<T extends string>(value: unknown, name: string, allowed: readonly T[]): T | undefined {
  if (value === undefined) return undefined;
  if (typeof value === 'string' && (allowed as readonly string[]).includes(value)) return value as T;
  throw new OptionError(
    `invalid ${name} ${shown(value)}; expected one of ${allowed.map((word) => JSON.stringify(word)).join(', ')}`,
  );
}

/** `value` when it is a whole number from `min` to `max` (or undefined), else an OptionError naming the range. */
export function wholeNumber(value: unknown, name: string, min = 0, max = Number.MAX_SAFE_INTEGER): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    const range = max === Number.MAX_SAFE_INTEGER ? `a whole number ≥ ${min}` : `a whole number from ${min} to ${max}`;
    throw new OptionError(`invalid ${name} ${shown(value)}; expected ${range}`);
  }
  return value;
}

/** `value` when it is a finite number above 0 (or undefined), else an OptionError. */
export function positiveNumber(value: unknown, name: string): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0)
    throw new OptionError(`invalid ${name} ${shown(value)}; expected a number > 0`);
  return value;
}

/** `value` when it is a string (or undefined), else an OptionError. */
export function text(value: unknown, name: string): string | undefined {
  if (value === undefined || typeof value === 'string') return value;
  throw new OptionError(`invalid ${name} ${shown(value)}; expected a string`);
}

/** `value` when it is true or false (or undefined), else an OptionError. */
export function flag(value: unknown, name: string): boolean | undefined {
  if (value === undefined || typeof value === 'boolean') return value;
  throw new OptionError(`invalid ${name} ${shown(value)}; expected true or false`);
}

/**
 * One checker per option of an options object: each returns the value, or throws an OptionError.
 * Typed by the options interface, so an option added there and not here fails to compile.
 */
export type OptionCheckers<T> = { readonly [K in keyof Required<T>]: (value: unknown, name: string) => unknown };

/**
 * `options` unchanged when every name is known and every value passes its checker; else an
 * OptionError whose message starts with the function the options are for (`what`), as every
 * option error does: `plotAllIps: unknown option "lineTrace"; expected one of ...`,
 * `plotAllIps: invalid normal "line"; expected one of "auto", "lines", "density"`.
 */
export function checkOptions<T extends object>(options: T | undefined, checkers: OptionCheckers<T>, what: string): T {
  if (options === undefined) return {} as T;
  if (options === null || typeof options !== 'object' || Array.isArray(options)) {
    throw new OptionError(`${what}: invalid options ${shown(options)}; expected an object`);
  }
  const names = Object.keys(checkers);
  for (const [name, value] of Object.entries(options)) {
    if (!names.includes(name)) {
      throw new OptionError(`${what}: unknown option ${JSON.stringify(name)}; expected one of ${names.join(', ')}`);
    }
    try {
      (checkers as Record<string, (value: unknown, name: string) => unknown>)[name](value, name);
    } catch (error) {
      if (error instanceof OptionError) throw new OptionError(`${what}: ${error.message}`);
      throw error;
    }
  }
  return options;
}
