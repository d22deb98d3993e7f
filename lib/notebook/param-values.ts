/**
 * How the notebook's parameters are read from text (an EVAL_* variable, a JSON file, a command-line
 * option): whole numbers, flags, words, lists; each refusal a ParamError naming where the value came
 * from, what was found and what was expected.
 */
import * as path from 'node:path';

/** A parameter that cannot be used, with where it came from (variable or file) and what was expected. */
export class ParamError extends Error {
  /** The environment variable or file the value came from. */
  readonly origin: string;
  constructor(origin: string, message: string) {
    super(`${origin}: ${message}`);
    this.name = 'ParamError';
    this.origin = origin;
  }
}

/** A whole number (≥ 1 unless `allowZero`), from a number or its text. */
export function parseCount(origin: string, raw: unknown, allowZero: boolean): number {
  const text = typeof raw === 'number' ? String(raw) : typeof raw === 'string' ? raw.trim() : undefined;
  if (
    text === undefined ||
    !/^\d+$/.test(text) ||
    (!allowZero && Number(text) === 0) ||
    !Number.isSafeInteger(Number(text))
  ) {
    const expected = allowZero ? 'a whole number ≥ 0' : 'a whole number ≥ 1';
    throw new ParamError(origin, `expected ${expected}, found ${JSON.stringify(raw)}`);
  }
  return Number(text);
}

/** true or false, from a boolean or its text (true/false, 1/0, yes/no). */
export function parseFlag(origin: string, raw: unknown): boolean {
  if (typeof raw === 'boolean') return raw;
  const text = typeof raw === 'string' ? raw.trim().toLowerCase() : undefined;
  if (text === 'true' || text === '1' || text === 'yes') return true;
  if (text === 'false' || text === '0' || text === 'no') return false;
  throw new ParamError(origin, `expected true or false (or 1/0, yes/no), found ${JSON.stringify(raw)}`);
}

/** One of `allowed`, from its text (blanks around it trimmed). */
export function parseWord<T extends string>(origin: string, raw: unknown, allowed: readonly T[]): T {
  const text = typeof raw === 'string' ? raw.trim() : undefined;
  const found = allowed.find((word) => word === text);
  if (found === undefined) {
    throw new ParamError(
      origin,
      `expected one of ${allowed.map((w) => JSON.stringify(w)).join(', ')}, found ${JSON.stringify(raw)}`,
    );
  }
  return found;
}

/** A non-empty string, trimmed. */
export function parseText(origin: string, raw: unknown): string {
  if (typeof raw !== 'string' || raw.trim() === '') {
    throw new ParamError(origin, `expected a non-empty string, found ${JSON.stringify(raw)}`);
  }
  return raw.trim();
}

/** How a list parameter is written as text, and what its items are called in a message. */
export interface ListSyntax {
  /** Separates the items of a plain-text list (a JSON array is always accepted too). */
  readonly split: RegExp | string;
  /** What the list holds, for messages: `run folders`, `IPs`. */
  readonly what: string;
  /** How a plain-text list separates its items, for messages. */
  readonly separated: string;
  /** True when an empty list is refused. */
  readonly nonEmpty: boolean;
}

/** Run folders: at least one, separated by the platform's path delimiter (`:` on Linux). */
export const FOLDER_LIST: ListSyntax = {
  split: path.delimiter,
  what: 'run folders',
  separated: `paths separated by "${path.delimiter}"`,
  nonEmpty: true,
};

/** IPs or row labels: separated by commas or white space (IPv6 addresses have colons). */
export const IP_LIST: ListSyntax = {
  split: /[\s,]+/,
  what: 'IPs or row labels',
  separated: 'separated by commas or spaces',
  nonEmpty: false,
};

/** A list of non-empty strings: a JSON array of strings, or text split by `syntax.split`; items trimmed. */
export function parseStringList(origin: string, raw: unknown, syntax: ListSyntax): string[] {
  let list: unknown = raw;
  if (typeof raw === 'string') {
    const text = raw.trim();
    if (text.startsWith('[')) {
      try {
        list = JSON.parse(text);
      } catch (err) {
        throw new ParamError(
          origin,
          `expected a JSON array of ${syntax.what}, found invalid JSON (${(err as Error).message})`,
        );
      }
    } else {
      list = text.split(syntax.split).filter((part) => part.trim() !== '');
    }
  }
  if (
    !Array.isArray(list) ||
    (syntax.nonEmpty && list.length === 0) ||
    !list.every((item) => typeof item === 'string' && item.trim() !== '')
  ) {
    const howMany = syntax.nonEmpty ? 'one or more ' : '';
    throw new ParamError(
      origin,
      `expected ${howMany}${syntax.what} (a JSON array of strings, or ${syntax.separated}), found ${JSON.stringify(raw)}`,
    );
  }
  return list.map((item: string) => item.trim());
}
