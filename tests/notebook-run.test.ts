/**
 * The runner's events folded into the report's cells, failure and timings (lib/notebook/notebook-run.ts),
 * from the lines scripts/run_notebook.py prints.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  INITIAL_RUN_STATE,
  type RunState,
  exportSeconds,
  kernelStartSeconds,
  nextRunState,
  progressLine,
} from '../lib/notebook/notebook-run';
import { parseRunnerEvent } from '../lib/notebook/report';

/** Folds runner lines, each at its time (ms), returning the state and the lines printed. */
function fold(lines: readonly [number, string][]): { state: RunState; printed: string[] } {
  return lines.reduce(
    ({ state, printed }, [at, line]) => {
      const event = parseRunnerEvent(line);
      if (!event) return { state, printed };
      const said = progressLine(state, event);
      return { state: nextRunState(state, event, at), printed: said ? [...printed, said] : printed };
    },
    { state: INITIAL_RUN_STATE, printed: [] as string[] },
  );
}

test('a run: cells timed in order, progress lines numbered, kernel start and export measured', () => {
  const { state, printed } = fold([
    [1000, '{"event": "start", "cells": 14, "code": 12}'],
    [1500, 'kernel log line, not an event'],
    [
      4000,
      '{"event": "cell", "index": 2, "code": 1, "first": "const models = [", "tags": ["parameters", "phase-setup"]}',
    ],
    [4100, '{"event": "cell-done", "index": 2, "seconds": 0.13}'],
    [4200, '{"event": "cell", "index": 4, "code": 2, "first": "import {"}'],
    [4300, '{"event": "cell-done", "index": 3, "seconds": 9}'],
    [4700, '{"event": "cell-done", "index": 4, "seconds": 0.47}'],
    [5000, '{"event": "executed", "seconds": 1}'],
    [6000, '{"event": "html", "html": "b"}'],
    [7500, '{"event": "written", "notebook": "a", "html": "b"}'],
  ]);
  assert.deepEqual(state.cells, [
    { index: 2, first: 'const models = [', tags: ['parameters', 'phase-setup'], seconds: 0.13 },
    { index: 4, first: 'import {', tags: [], seconds: 0.47 },
  ]);
  assert.deepEqual(printed, [
    '  [ 1/12]   0.13s  cell 3: const models = [',
    '  [ 2/12]   0.47s  cell 5: import {',
    'report: executed; signing the notebook and exporting HTML ...',
  ]);
  assert.equal(kernelStartSeconds(state, 1000), 3);
  assert.equal(exportSeconds(state), 2.5);
  assert.equal(state.htmlAt, 6000, 'the HTML is written before the notebook: the page is finished meanwhile');
  assert.equal(state.failure, undefined);
});

test('a failing cell and a missing module are kept; timings are 0 when their events never came', () => {
  const { state } = fold([
    [0, '{"event": "start", "cells": 3, "code": 2}'],
    [10, '{"event": "error", "index": -1, "first": "", "ename": "DeadKernelError", "evalue": "died", "traceback": []}'],
    [20, '{"event": "missing", "module": "No module named nbclient"}'],
  ]);
  assert.equal(state.failure?.ename, 'DeadKernelError');
  assert.equal(state.missing, 'No module named nbclient');
  assert.equal(kernelStartSeconds(state, 0), 0);
  assert.equal(exportSeconds(state), 0);
  assert.deepEqual(INITIAL_RUN_STATE, { codeCells: 0, cells: [] }, 'the initial state is never changed');
});

test("the kernel's CPU seconds: its start, then each cell's share; absent where the runner cannot read them", () => {
  const { state } = fold([
    [1000, '{"event": "start", "cells": 3, "code": 3}'],
    [3000, '{"event": "kernel", "cpu": 2.25}'],
    [3000, '{"event": "cell", "index": 0, "code": 1, "first": "a"}'],
    [3100, '{"event": "cell-done", "index": 0, "seconds": 0.1, "cpu": 2.3}'],
    [3100, '{"event": "cell", "index": 1, "code": 2, "first": "b"}'],
    [5100, '{"event": "cell-done", "index": 1, "seconds": 2, "cpu": 5.8}'],
  ]);
  assert.equal(state.kernelStartCpu, 2.25);
  assert.deepEqual(
    state.cells.map((c) => c.cpu),
    [0.05, 3.5],
  );
  const unknown = fold([
    [1000, '{"event": "kernel", "cpu": null}'],
    [1000, '{"event": "cell", "index": 0, "code": 1, "first": "a"}'],
    [1100, '{"event": "cell-done", "index": 0, "seconds": 0.1, "cpu": null}'],
  ]).state;
  assert.equal(unknown.kernelStartCpu, undefined);
  assert.equal('cpu' in unknown.cells[0], false);
});
