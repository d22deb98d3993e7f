/**
 * The allowed words and ranges of the figure options, checked where options enter (the notebook's
 * `figure`, and any caller that builds options at run time): `normal: 'line'` or `bins: 1.5` is an
 * error naming the allowed values instead of a silently different figure. Typed by the options
 * interfaces of lib/figures/timeline.ts and lib/display.ts, so an option added there must be added here.
 */
import type { FigureBundleOptions } from './display';
import type { AllIpsOptions } from './figures/timeline';
import { type OptionCheckers, checkOptions, flag, keyword, positiveNumber, text, wholeNumber } from './options';

const ALL_IPS_CHECKERS: OptionCheckers<AllIpsOptions> = {
  yScale: (v, name) => keyword(v, name, ['linear', 'log']),
  normal: (v, name) => keyword(v, name, ['auto', 'lines', 'density']),
  maxLines: (v, name) => wholeNumber(v, name, 0),
  anomalous: (v, name) => keyword(v, name, ['lines', 'density']),
  standoutLines: (v, name) => wholeNumber(v, name, 0),
  bins: (v, name) => wholeNumber(v, name, 2),
  lineTraces: (v, name) => keyword(v, name, ['per-ip', 'grouped']),
  hoverStride: (v, name) => wholeNumber(v, name, 1),
  height: (v, name) => positiveNumber(v, name),
  title: (v, name) => text(v, name),
};

const FIGURE_BUNDLE_CHECKERS: OptionCheckers<FigureBundleOptions> = {
  lazy: (v, name) => flag(v, name),
  description: (v, name) => text(v, name),
  compress: (v, name) => flag(v, name),
  lines: (v, name) => keyword(v, name, ['grouped', 'as-built']),
  hoverStride: (v, name) => wholeNumber(v, name, 1),
  release: (v, name) => (v === false ? v : wholeNumber(v, name, 0)),
};

/** The options of `plotAllIps`, unchanged, or an OptionError naming the option and its allowed values. */
export function checkAllIpsOptions(options: AllIpsOptions | undefined): AllIpsOptions {
  return checkOptions(options, ALL_IPS_CHECKERS, 'plotAllIps');
}

/** The options of `figureBundle`/`showFigure`, unchanged, or an OptionError naming the option and its allowed values. */
export function checkFigureBundleOptions(options: FigureBundleOptions | undefined): FigureBundleOptions {
  return checkOptions(options, FIGURE_BUNDLE_CHECKERS, 'showFigure');
}
