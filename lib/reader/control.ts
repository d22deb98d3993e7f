/**
 * Control characters in table text: which are refused and how to name them. A pandas table holds
 * none (tab separates fields; CR only ends a line, before LF); a NUL, ESC or stray CR inside a label
 * or cell is damage, read differently by other tools (pandas cuts a label at a NUL) and invisible
 * in a report, so the readers refuse it with its position instead of keeping it.
 */

/** Characters refused in labels, headers and cells: below 0x20 except tab, and DEL (0x7F). */
// biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is this regex's job
const CONTROL = /[\x00-\x08\x0a-\x1f\x7f]/;

/** ASCII names of the control characters, by code. */
const NAMES = [
  'NUL',
  'SOH',
  'STX',
  'ETX',
  'EOT',
  'ENQ',
  'ACK',
  'BEL',
  'BS',
  'TAB',
  'LF',
  'VT',
  'FF',
  'CR',
  'SO',
  'SI',
  'DLE',
  'DC1',
  'DC2',
  'DC3',
  'DC4',
  'NAK',
  'SYN',
  'ETB',
  'CAN',
  'EM',
  'SUB',
  'ESC',
  'FS',
  'GS',
  'RS',
  'US',
];

/** 0-based index of the first refused control character in `text`, or -1 (tab is allowed). */
export function firstControlCharacter(text: string): number {
  const match = CONTROL.exec(text);
  return match ? match.index : -1;
}

/** A control character as a message names it: `NUL byte (0x00)`, `CR byte (0x0D) not directly before a line feed`. */
export function controlCharacterName(code: number): string {
  const hex = `0x${code.toString(16).toUpperCase().padStart(2, '0')}`;
  const name = code === 0x7f ? 'DEL' : (NAMES[code] ?? 'control');
  return `${name} byte (${hex})${code === 13 ? ' not directly before a line feed' : ''}`;
}

/**
 * Why `text` (a label, header or cell, as `what` names it; `where` follows the text) is refused, or
 * undefined when it holds no control character: the character, where it is, and what is expected.
 */
export function controlCharacterProblem(what: string, text: string, where = ''): string | undefined {
  const at = firstControlCharacter(text);
  if (at < 0) return undefined;
  // Up to 60 characters, always including the one refused.
  const from = at < 50 ? 0 : at - 30;
  const shown = `${from > 0 ? '…' : ''}${text.slice(from, from + 60)}${text.length > from + 60 ? '…' : ''}`;
  const quoted = JSON.stringify(shown).replace(/\x7f/g, '\\u007f');
  return (
    `${what} ${quoted}${where} holds a control character, ${controlCharacterName(text.charCodeAt(at))}, at character ${at + 1}; ` +
    'expected text without control characters (bytes below 0x20 other than tab, CR only before LF, and 0x7F), which other tools read differently'
  );
}
