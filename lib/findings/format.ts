/** Words and numbers of the evidence sentences, shared by the checks. */
import { humanNumber, humanShare, roleWord } from '../evaluation/evidence';
import type { Group, Role } from '../types';

export { humanNumber, humanShare, roleWord };

/** `a / b`, with 0/0 = 1 and x/0 = ±∞, so that "both silent" reads as "no difference". */
export function ratio(a: number, b: number): number {
  if (b === 0) return a === 0 ? 1 : a > 0 ? Infinity : -Infinity;
  return a / b;
}

/** A ratio for a reader: `1.3×`, `37×`, `∞×`. */
export function times(r: number): string {
  if (Number.isNaN(r)) return '–';
  if (r === Infinity) return '∞×';
  if (r === -Infinity) return '−∞×';
  return `${r >= 10 ? Math.round(r) : Number(r.toPrecision(2))}×`;
}

/** What a null reached, for a reader: `1.2×`, or `–` when too few draws could be made. */
export function reached(band: number, format: (x: number) => string = times): string {
  return band === Infinity ? 'not measurable' : format(band);
}

/** A correlation or coherence: two decimals. */
export function corr(x: number): string {
  return Number.isFinite(x) ? x.toFixed(2) : reached(x, (y) => y.toFixed(2));
}

/** `anomalous source`, `normal destination`. */
export function groupRole(group: Group, role: Role): string {
  return `${group} ${roleWord(role)}`;
}

/** `sources` or `destinations`. */
export function rolePlural(role: Role): string {
  return `${roleWord(role)}s`;
}

/** `for source IPs`, or `for both roles`. */
export function forRoles(roles: readonly Role[]): string {
  return roles.length === 1 ? `for ${roleWord(roles[0])} IPs` : 'for both roles';
}
