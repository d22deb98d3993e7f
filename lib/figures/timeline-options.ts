/**
 * The options of the timeline figure (`plotAllIps`) and their allowed words and ranges, checked where
 * options enter (the notebook's `figure`, and any caller that builds options at run time):
 * `normal: 'line'` or `bins: 1.5` is an error naming the allowed values instead of a silently
 * different figure. An option added to the interface must be added to its checkers below.
 */
import { type OptionCheckers, checkOptions, keyword, positiveNumber, text, wholeNumber } from '../options';

/** Options of {@link plotAllIps}, checked where they enter (checkAllIpsOptions below). */
export interface AllIpsOptions {
  /** Y axis scale of every panel. Default `linear`; `log` drops values ≤ 0 (as any log plot must). */
  yScale?: 'linear' | 'log';
  /**
   * How normal panels draw: `lines` one line per IP always; `density` a heatmap of how many IPs
   * sit in each value bin per window, with median, p95 and max lines; `auto` (default) lines
   * up to `maxLines` IPs, density above.
   */
  normal?: 'auto' | 'lines' | 'density';
  /** Most lines a normal panel draws in `auto` mode. Default 500. */
  maxLines?: number;
  /**
   * How anomalous panels draw: `lines` one line per IP; `density` as normal density panels do (IPs
   * per value bin and window, median, p95 and max lines, the max naming its IP), plus the lines of
   * the IPs that stand out in the family ({@link standoutIps}: robust z of their total or peak ≥ 3.5
   * among the anomalous IPs of their role), at most `standoutLines` per role, highest first;
   * `auto` (default) lines up to `maxAnomalousLines` IPs, density above, each panel on its own. At
   * seed scale a notebook of 27 timelines would hold ~9,000 anomalous lines, which JupyterLab's
   * Plotly renderer draws all at once when it opens (bench/README.md, bench:lab).
   */
  anomalous?: 'auto' | 'lines' | 'density';
  /** Most lines an anomalous panel draws in `auto` mode. Default 30 (`MAX_ANOMALOUS_LINES`, timeline.ts: why 30). */
  maxAnomalousLines?: number;
  /** Most standout lines an anomalous density panel draws per role. Default 10; 0 draws none. */
  standoutLines?: number;
  /** Value bins of a density panel. Default 60. */
  bins?: number;
  /**
   * How line panels hold their lines: `per-ip` (default) one trace per IP; `grouped` ten traces
   * per panel (one per colour), IPs separated by gaps, hover naming the IP through per-point text
   * ({@link groupLines}): about twice as fast to draw, but a Plotly JSON about three times bigger.
   * The HTML twin of `figureBundle` groups per-IP lines in the browser anyway, so `per-ip` gives
   * the small notebook and the fast page; `grouped` also speeds up jupyterlab-plotly (figures shown with `plotlyJson`).
   */
  lineTraces?: 'per-ip' | 'grouped';
  /** Grouped lines only: see {@link groupLines}. Default 3: hover finds a point at most one window away. */
  hoverStride?: number;
  /** Figure height in px. Default 1000 (the seed's 15×10 inch figure). */
  height?: number;
  /** Figure title. Default `<family> along the timeline`. */
  title?: string;
}

const ALL_IPS_CHECKERS: OptionCheckers<AllIpsOptions> = {
  yScale: (v, name) => keyword(v, name, ['linear', 'log']),
  normal: (v, name) => keyword(v, name, ['auto', 'lines', 'density']),
  maxLines: (v, name) => wholeNumber(v, name, 0),
  anomalous: (v, name) => keyword(v, name, ['auto', 'lines', 'density']),
  maxAnomalousLines: (v, name) => wholeNumber(v, name, 0),
  standoutLines: (v, name) => wholeNumber(v, name, 0),
  bins: (v, name) => wholeNumber(v, name, 2),
  lineTraces: (v, name) => keyword(v, name, ['per-ip', 'grouped']),
  hoverStride: (v, name) => wholeNumber(v, name, 1),
  height: (v, name) => positiveNumber(v, name),
  title: (v, name) => text(v, name),
};

/** The options of `plotAllIps`, unchanged, or an OptionError naming the option and its allowed values. */
export function checkAllIpsOptions(options: AllIpsOptions | undefined): AllIpsOptions {
  return checkOptions(options, ALL_IPS_CHECKERS, 'plotAllIps');
}
