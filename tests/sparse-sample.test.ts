/**
 * The streamed sample of normal rows holds its mostly-zero rows as their non-zero cells (a few MB
 * instead of a dense matrix): every reader gets the numbers the dense sample gives, and the
 * evaluation never writes the sample out whole.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { demoDataset } from './demo-dataset';
import {
  type Evaluation,
  SEED_SECTIONS,
  evaluate,
  evaluateFindings,
  evaluateFrame,
  explainRows,
  findingContext,
  plotAllIps,
  readTable,
} from '../lib/index';
import type { FullEvaluation } from '../lib/evaluation/full';
import { findingFamilies } from '../lib/findings';
import { familyEvidence } from '../lib/evaluation/evidence';
import { activeShares, timelineSums } from '../lib/findings/measures';
import { Frame } from '../lib/table/frame';
import { SparseRows } from '../lib/table/sparse-rows';
import { timelineFrame } from './frames';

describe('the streamed sample held sparsely', () => {
  let dir = '';
  let streamed: Evaluation;
  let dense: FullEvaluation;
  let sparseHeldAfterSummary = false;

  before(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sparse-sample-'));
    const { models, full } = demoDataset(dir);
    // 600 of the ~1,900 normal rows: a real sample, its rows spread over the file.
    streamed = await evaluate({ models, full, sampleSize: 600, seed: 42 });
    sparseHeldAfterSummary = streamed.full.sample.holdsSparseRows;
    dense = evaluateFrame(await readTable(full), {
      exclude: new Set(streamed.anomalous.index),
      sampleSize: 600,
      seed: 42,
    });
  });

  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  const sparse = (): Frame => streamed.full.sample;

  test('the sample holds mostly-zero rows and dense rows, and the summary never wrote it out whole', () => {
    assert.ok(sparseHeldAfterSummary, 'the summary (findings, evidence, triage) read the sample without its matrix');
    assert.ok(!dense.sample.holdsSparseRows);
    assert.deepEqual(sparse().index, dense.sample.index);
    assert.equal(sparse().nRows, 600);
    // Both kinds of row the reader keeps (a row over a quarter non-zero is written straight in the matrix).
    let mostlyZero = 0;
    for (let r = 0; r < dense.sample.nRows; r++) {
      const row = dense.sample.row(r);
      const nonzero = row.filter((v) => !Object.is(v, 0)).length;
      if (nonzero <= row.length / 4) mostlyZero++;
    }
    assert.ok(mostlyZero > 100 && mostlyZero < 600, `${mostlyZero} mostly-zero rows of 600`);
  });

  test('cell by cell, family by family and row by row it reads as the dense sample', () => {
    const a = sparse();
    const b = dense.sample;
    const scratch = new Float64Array(a.nCols);
    for (let r = 0; r < a.nRows; r++) {
      assert.deepEqual(Array.from(a.rowValues(r, scratch)), Array.from(b.row(r)), `row ${r}`);
      for (let c = 0; c < a.nCols; c += 97) assert.ok(Object.is(a.get(r, c), b.get(r, c)), `cell ${r},${c}`);
    }
    for (const family of a.families()) {
      const x = a.family(family);
      const y = b.family(family);
      const read = a.picker(x.columns);
      const out = new Float64Array(x.columns.length);
      for (let r = 0; r < a.nRows; r += 7) {
        assert.deepEqual(x.series(r), y.series(r), `${family} row ${r}`);
        assert.deepEqual(read(r, out), y.series(r), `${family} row ${r} picked`);
        for (let w = 0; w < x.columns.length; w += 13) assert.ok(Object.is(x.value(r, w), y.value(r, w)));
      }
    }
    assert.deepEqual(a.column(a.nCols - 1), b.column(b.nCols - 1));
    const some = [599, 0, 17, 300];
    assert.deepEqual(a.selectRows(some).values, b.selectRows(some).values);
    assert.ok(a.holdsSparseRows, 'reading cells, families, rows and a selection keeps it sparse');
  });

  test('the evidence, the per-IP measures, the findings and the triage line are those of the dense sample', () => {
    const anomalous = streamed.anomalous;
    const a = sparse();
    const b = dense.sample;
    for (const family of a.families())
      assert.deepEqual(familyEvidence(family, anomalous, a), familyEvidence(family, anomalous, b), family);
    const rows = Int32Array.from(a.index.keys());
    assert.deepEqual(timelineSums(a, a.families(), rows), timelineSums(b, b.families(), rows));
    assert.deepEqual(activeShares(a), activeShares(b));
    const verdicts = (sample: Frame) =>
      SEED_SECTIONS.flatMap((section) =>
        evaluateFindings(section, findingContext({ anomalous, normalSample: sample, seed: 42 })),
      );
    assert.deepEqual(verdicts(a), verdicts(b));
    const triage = (sample: Frame) =>
      explainRows([anomalous], streamed.full.normalBaseline, {
        calibration: sample,
        calibrationFamilies: findingFamilies(),
      });
    const fromSparse = triage(a);
    assert.ok(fromSparse.line > 0, 'a calibrated line');
    assert.deepEqual(fromSparse, triage(b));
    assert.ok(a.holdsSparseRows);
  });

  test("the notebook's timelines of every family are those of the dense sample", () => {
    for (const family of sparse().families())
      assert.deepEqual(
        plotAllIps(streamed.anomalous, sparse(), family),
        plotAllIps(streamed.anomalous, dense.sample, family),
        family,
      );
    assert.ok(sparse().holdsSparseRows, 'the figures read the sample without its matrix');
  });

  test('read whole, its matrix is the dense sample’s, bit for bit', () => {
    const values = sparse().values;
    assert.ok(!sparse().holdsSparseRows);
    assert.equal(values.length, dense.sample.values.length);
    for (let i = 0; i < values.length; i++)
      if (!Object.is(values[i], dense.sample.values[i]))
        assert.fail(`cell ${i}: ${values[i]} vs ${dense.sample.values[i]}`);
  });
});

test('a frame of sparse rows keeps -0 and NaN, reads repeated columns, and is written whole only once asked', () => {
  const dense = timelineFrame({
    '10.0.0.1source': { avg_Length: [0, -0, 3, Number.NaN], count_Length: [0, 0, 1, 0] },
    '10.0.0.2dst': { avg_Length: [1, 2, 3, 4], count_Length: [1, 1, 1, 1] },
    '10.0.0.3source': { avg_Length: [0, 0, 0, 0], count_Length: [0, 0, 0, 0] },
  });
  // Rows 0 and 2 held sparsely (row 2 has no cell at all); row 1 stays in the matrix.
  const values = new Float64Array(dense.values.length);
  values.set(dense.row(1), dense.nCols);
  const cells = [1, 2, 3, 6].filter((c) => !Object.is(dense.get(0, c), 0));
  const part = {
    slots: Int32Array.of(0, 2),
    ends: Int32Array.of(cells.length, cells.length),
    cols: Int32Array.from(cells),
    values: Float64Array.from(cells, (c) => dense.get(0, c)),
  };
  const frame = new Frame({
    index: dense.index,
    columns: dense.columns,
    values,
    sparse: new SparseRows(dense.nRows, dense.nCols, [part]),
  });
  for (let r = 0; r < 3; r++)
    for (let c = 0; c < dense.nCols; c++) assert.ok(Object.is(frame.get(r, c), dense.get(r, c)), `${r},${c}`);
  const repeated = frame.picker(Int32Array.of(1, 3, 1, 6));
  for (let r = 0; r < 3; r++)
    assert.deepEqual(
      Array.from(repeated(r, new Float64Array(4))),
      [1, 3, 1, 6].map((c) => dense.get(r, c)),
    );
  assert.ok(frame.holdsSparseRows);
  assert.deepEqual(frame.values, dense.values);
  assert.ok(!frame.holdsSparseRows);
  assert.throws(
    () =>
      new Frame({
        index: dense.index,
        columns: dense.columns,
        values: new Float32Array(values.length),
        sparse: new SparseRows(3, dense.nCols, []),
      }),
    /sparse rows need Float64 values/,
  );
});
