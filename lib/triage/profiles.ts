/**
 * Which IPs get a profile figure, and why: the IPs only one run flagged (the special cases worth a
 * look) and the IPs a user names (`focusIps`: an IP names both its rows, a label names one row).
 * Pure: run labels and names in, labels with a reason out.
 */
import { ROLES } from '../types';

/** An IP to profile and why. */
export interface ProfileTarget {
  readonly label: string;
  /** `only 30T flagged it`, `named in focusIps`. */
  readonly why: string;
}

/** The row labels an IP or label names: itself when it ends with a role, else its two rows. */
export function labelsFor(ipOrLabel: string): string[] {
  const text = ipOrLabel.trim();
  if (ROLES.some((role) => text.endsWith(role))) return [text];
  return ROLES.map((role) => `${text}${role}`);
}

/**
 * The labels to profile: every label unique to one run (runs in the order given), then the focus
 * IPs' labels (a label named twice is listed once, with its first reason).
 */
export function profileTargets(
  uniqueByRun: ReadonlyMap<string, readonly string[]>,
  focus: readonly string[] = [],
): ProfileTarget[] {
  const out = new Map<string, string>();
  for (const [run, labels] of uniqueByRun)
    for (const label of labels) if (!out.has(label)) out.set(label, `only ${run} flagged it`);
  for (const name of focus)
    for (const label of labelsFor(name)) if (!out.has(label)) out.set(label, 'named in focusIps');
  return [...out].map(([label, why]) => ({ label, why }));
}
