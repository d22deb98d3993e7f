/** Public API of the toolkit: import everything from here (the notebook imports `dist/lib`). */
export * from './types';
export * from './columns';
export * from './frame';
