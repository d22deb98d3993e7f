/**
 * The figure builders, gathered under their old module name: each lives in its own file under
 * lib/figures/ (one figure a file); import from the package entry (lib/index.ts).
 */
export * from './figures/spec';
export { AllIpsOptions, panelTitle, plotAllIps } from './figures/timeline';
export { drawnSpan, traceWithTemplate } from './figures/lines';
export { groupLines } from './figures/group-lines';
export { combinationWords, overlapFigure, uniqueToRunRows } from './figures/overlap';
export { evidenceFigure } from './figures/evidence';
