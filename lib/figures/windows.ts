/**
 * What the panels of a timeline figure share: the window grid (`x0`/`dx` or explicit x), the hover
 * line naming a window, escaping for hover templates, and a panel's rows and axes.
 */
import type { Role } from '../types';
import type { Frame } from '../table/frame';
import { escapeHtml } from '../html';
import { formatNaiveTimestamp } from '../types';
import { typedArraySpec } from './spec';

/** How a hover names a window. */
export const HOVER_TIME = '%{x|%Y-%m-%d %H:%M}';

/** Escapes text for a Plotly hovertemplate: HTML escaping plus `%`, so file strings cannot inject `%{...}`. */
export function escapeTemplate(text: string): string {
  return escapeHtml(text).replace(/%/g, '&#37;');
}

/** Window positions of a family: `x0`/`dx` when evenly spaced, else explicit epoch-ms x values. */
export function xEncoding(starts: Float64Array): Record<string, unknown> {
  if (starts.length === 0) return { x: [] };
  const dx = starts.length > 1 ? starts[1] - starts[0] : 300_000;
  let regular = true;
  for (let i = 2; i < starts.length; i++) if (starts[i] - starts[i - 1] !== dx) regular = false;
  return regular ? { x0: formatNaiveTimestamp(starts[0]), dx } : { x: typedArraySpec(Float64Array.from(starts)) };
}

/** One panel of a timeline figure: a role and group, the frame and its rows to draw. */
export interface Panel {
  readonly role: Role;
  readonly group: 'anomalous' | 'normal';
  readonly frame: Frame;
  readonly rows: Int32Array;
}

/** The axes a panel draws on (`x2`, `y2`...). */
export interface Axes {
  readonly x: string;
  readonly y: string;
}
