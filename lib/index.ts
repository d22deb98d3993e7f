/**
 * Public API of the toolkit, in one import: `import * as ev from '../dist/lib/index'` from a
 * notebook. Modules can also be imported one by one (`../dist/lib/loaders`), as the notebook does.
 */
export * from './types';
export * from './columns';
export * from './frame';
export * from './tsv';
export * from './loaders';
export * from './sample';
export * from './stats';
export * from './interop';
export * from './runs';
export * from './overlap';
export * from './evidence';
export * from './findings';
export * from './standouts';
export * from './summary';
export * from './evaluation';
export * from './html';
export * from './plots';
export * from './plotly-bundle';
export * from './display';
export * from './params';
export * from './files';
export * from './sketch';
export * from './baseline';
export * from './reasons';
export * from './anomalies';
export * from './campaigns';
export * from './profiles';
export * from './figures/campaigns';
export * from './figures/profile';
