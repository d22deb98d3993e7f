/**
 * The options of a figure's display bundle (lazy drawing, compression, line grouping, release, the
 * optional Plotly JSON) and their check where they enter: an unknown option or word is an
 * OptionError naming the allowed ones.
 */
import { type OptionCheckers, checkOptions, flag, keyword, text, wholeNumber } from '../options';

/** Options of {@link figureBundle}. */
export interface FigureBundleOptions {
  /** Draw only when the figure nears the viewport (default true): keeps a 27-figure page fast. */
  readonly lazy?: boolean;
  /** The text/plain line; default: `Plotly figure: <title> (<n> traces)`. */
  readonly description?: string;
  /**
   * Gzip the HTML twin's spec (base64; the browser inflates it with DecompressionStream:
   * Chrome 80+, Firefox 113+, Safari 16.4+). Default true: a seed-scale page shrinks ~3×.
   * The Plotly JSON (when `plotlyJson` is set) is never compressed.
   */
  readonly compress?: boolean;
  /**
   * How the HTML twin draws one-trace-per-IP lines: `grouped` (default) merges them in the browser
   * with {@link groupLines} just before drawing (about twice as fast, a third of the DOM nodes, hover
   * still naming IP and window), while the stored spec (and the Plotly JSON) stay one trace per IP
   * (small notebook); `as-built` draws the spec as it is.
   */
  readonly lines?: 'grouped' | 'as-built';
  /** Thinning of flat runs when lines are grouped (see {@link groupLines}). Default 3. */
  readonly hoverStride?: number;
  /**
   * Lazy figures farther than this many px from the viewport are freed (`Plotly.purge`, the div
   * keeps its height and its note) and drawn again when they come back within 200 px: memory stays
   * bounded by the few figures near the viewport, whatever the notebook holds. Default 2000;
   * `false` keeps every figure once drawn. Ignored when `lazy` is false.
   */
  readonly release?: number | false;
  /**
   * Also store the figure as `application/vnd.plotly.v1+json`, which JupyterLab's Plotly extension
   * (`jupyterlab-plotly`) and VS Code draw themselves, even in an untrusted notebook. Default false:
   * the extension draws every such figure of a notebook before Lab paints the first one (at seed
   * scale, 2.6 s after Lab's floor), it does not draw them lazily nor free them, and following an IP
   * cannot highlight its figures; the HTML twin alone draws everywhere a notebook is trusted.
   */
  readonly plotlyJson?: boolean;
}

const FIGURE_BUNDLE_CHECKERS: OptionCheckers<FigureBundleOptions> = {
  lazy: (v, name) => flag(v, name),
  description: (v, name) => text(v, name),
  compress: (v, name) => flag(v, name),
  lines: (v, name) => keyword(v, name, ['grouped', 'as-built']),
  hoverStride: (v, name) => wholeNumber(v, name, 1),
  release: (v, name) => (v === false ? v : wholeNumber(v, name, 0)),
  plotlyJson: (v, name) => flag(v, name),
};

/** The options of `figureBundle`/`showFigure`, unchanged, or an OptionError naming the option and its allowed values. */
export function checkFigureBundleOptions(options: FigureBundleOptions | undefined): FigureBundleOptions {
  return checkOptions(options, FIGURE_BUNDLE_CHECKERS, 'showFigure');
}
