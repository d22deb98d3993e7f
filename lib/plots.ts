/**
 * The public face of plotting: every figure the evaluation draws, as a pure function from data to a
 * Plotly spec (lib/figures/, one figure a file), their options, and the one I/O edge that shows a
 * figure in a notebook (lib/notebook/display.ts).
 */

/** Every IP's timeline of one family, anomalous vs normal, source vs destination: the seed's `plot_all_ips`. */
export { plotAllIps } from './figures/timeline';
/** The options of `plotAllIps`, and their check (an unknown option or word is an error naming the allowed ones). */
export { checkAllIpsOptions } from './figures/timeline-options';
/** Options of `plotAllIps`. */
export type { AllIpsOptions } from './figures/timeline-options';
/** One family's evidence beside a finding: anomalous vs normal, source vs destination. */
export { evidenceFigure } from './figures/evidence';
/** How far the runs agree: their common anomalies and the IPs only one run flagged. */
export { overlapFigure } from './figures/overlap';
/** Each family's level for anomalous vs normal IPs, with the findings' verdicts. */
export { levelsFigure } from './figures/levels';
/** The campaigns heatmap: anomalous IPs by family, grouped by how alike they deviate. */
export { campaignsFigure } from './figures/campaigns';
/** Options of `campaignsFigure`. */
export type { CampaignsFigureOptions } from './figures/campaigns';
/** One IP's profile: its families over time against the normal band of its role. */
export { profileFigure } from './figures/profile';
/** Options of `profileFigure`. */
export type { ProfileOptions } from './figures/profile';
/** Several figures as one, a dropdown choosing which is shown (the profiles of the special IPs). */
export { figurePicker } from './figures/picker';
/** One figure of `figurePicker` and its name in the dropdown. */
export type { FigureChoice } from './figures/picker';
/** The family means that moved most since a baseline evaluation. */
export { changesFigure } from './figures/changes';
/** A figure as Plotly takes it: data, layout, config. */
export type { PlotlyFigure } from './figures/spec';
/** Shows a figure in the notebook (a self-drawing HTML twin; the Plotly JSON too with `plotlyJson: true`), or builds its bundle. */
export { figureBundle, loadPlotly, showFigure } from './notebook/display';
/** Options of a figure's bundle (lazy drawing, compression, line grouping), and their check. */
export { checkFigureBundleOptions } from './notebook/figure-options';
/** Options of `figureBundle` and `showFigure`. */
export type { FigureBundleOptions } from './notebook/figure-options';
