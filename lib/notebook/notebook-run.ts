/**
 * The notebook runner's progress (scripts/run_notebook.py prints one JSON event a line) folded into
 * what the report needs: cell timings, the failing cell, a missing Jupyter module, and when the
 * kernel started and the export ended. Pure: `nextRunState` returns a new state per event, so the
 * report command keeps one immutable state instead of locals changed inside an event switch.
 */
import type { RunnerEvent } from './report';

/** Time spent in one executed code cell. */
export interface CellTiming {
  /** 0-based position in the notebook. */
  readonly index: number;
  readonly first: string;
  readonly tags: readonly string[];
  readonly seconds: number;
  /** The kernel's CPU seconds in this cell (compiling and running it, all threads), when the runner knows them. */
  readonly cpu?: number;
}

/** The runner's `error` event: the failing cell and its error. */
export type CellFailure = Extract<RunnerEvent, { event: 'error' }>;

/** What the events so far say; `at` times are milliseconds (Date.now()). */
export interface RunState {
  /** Code cells in the notebook (from `start`). */
  readonly codeCells: number;
  /** The cell running now (the last `cell` event). */
  readonly current?: {
    readonly index: number;
    readonly code: number;
    readonly first: string;
    readonly tags: readonly string[];
  };
  /** Cells done, in order. */
  readonly cells: readonly CellTiming[];
  readonly failure?: CellFailure;
  /** The Jupyter module the runner could not import. */
  readonly missing?: string;
  readonly firstCellAt?: number;
  /** The kernel's CPU seconds so far (its start, then after each cell), when the runner knows them. */
  readonly kernelCpu?: number;
  /** The kernel's CPU seconds spent starting, when known. */
  readonly kernelStartCpu?: number;
  readonly executedAt?: number;
  /** When nbconvert's HTML was written (before the notebook is signed and written). */
  readonly htmlAt?: number;
  readonly writtenAt?: number;
}

/** The state before any event. */
export const INITIAL_RUN_STATE: RunState = { codeCells: 0, cells: [] };

/** The state after `event`, which arrived at `at` (ms). */
export function nextRunState(state: RunState, event: RunnerEvent, at: number): RunState {
  switch (event.event) {
    case 'start':
      return { ...state, codeCells: event.code };
    case 'kernel':
      return typeof event.cpu === 'number' ? { ...state, kernelCpu: event.cpu, kernelStartCpu: event.cpu } : state;
    case 'cell':
      return {
        ...state,
        firstCellAt: state.firstCellAt ?? at,
        current: { index: event.index, code: event.code, first: event.first, tags: event.tags ?? [] },
      };
    case 'cell-done': {
      const cell = state.current;
      if (!cell || cell.index !== event.index) return state;
      const cpu = typeof event.cpu === 'number' ? event.cpu : undefined;
      const spent = cpu !== undefined && state.kernelCpu !== undefined ? cpu - state.kernelCpu : undefined;
      return {
        ...state,
        kernelCpu: cpu,
        cells: [
          ...state.cells,
          {
            index: cell.index,
            first: cell.first,
            tags: cell.tags,
            seconds: event.seconds,
            ...(spent === undefined ? {} : { cpu: Math.round(spent * 100) / 100 }),
          },
        ],
      };
    }
    case 'error':
      return { ...state, failure: event };
    case 'executed':
      return { ...state, executedAt: at };
    case 'html':
      return { ...state, htmlAt: at };
    case 'written':
      return { ...state, writtenAt: at };
    case 'missing':
      return { ...state, missing: event.module };
  }
}

/** The line to print for `event` given the state before it (`  [ 3/54]   0.28s  cell 8: ...`), or undefined. */
export function progressLine(before: RunState, event: RunnerEvent): string | undefined {
  if (event.event === 'executed') return 'report: executed; signing the notebook and exporting HTML ...';
  if (event.event !== 'cell-done') return undefined;
  const cell = before.current;
  if (!cell || cell.index !== event.index) return undefined;
  const width = String(before.codeCells).length;
  return `  [${String(cell.code).padStart(width)}/${before.codeCells}] ${event.seconds.toFixed(2).padStart(6)}s  cell ${cell.index + 1}: ${cell.first}`;
}

/** Seconds from the runner's start to its first cell (the kernel's start), 0 when no cell ran. */
export function kernelStartSeconds(state: RunState, startedAt: number): number {
  return state.firstCellAt !== undefined ? (state.firstCellAt - startedAt) / 1000 : 0;
}

/** Seconds from the last cell's end to the notebook and HTML written (nbconvert export and signing), 0 when unknown. */
export function exportSeconds(state: RunState): number {
  return state.executedAt !== undefined && state.writtenAt !== undefined
    ? (state.writtenAt - state.executedAt) / 1000
    : 0;
}
