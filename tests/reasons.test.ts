import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { evaluateFull, readTable } from '../lib/loaders';
import { evaluate, evaluateFrame } from '../lib/summary/evaluate';
import { generateDataset } from '../data/synth/dataset';
import { ANOMALY_FILE, DEMO_SCALE, FULL_FILE, RUNS } from '../data/synth/layout';
import { MAX_REASONS, STANDOUT, explainRows, familyDeviation, cellDeviation } from '../lib/triage/reasons';
import { readTsv, valueHeaders } from './independent';
import { prng as random } from './frames';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'reasons-test-'));
process.on('exit', () => fs.rmSync(tmp, { recursive: true, force: true }));

const FAMILIES = ['count_Length', 'avg_Length', 'std_IP_distance'];
const STARTS = Array.from(
  { length: 8 },
  (_, w) =>
    `2019-02-01 ${String(9 + Math.floor((35 + 5 * w) / 60)).padStart(2, '0')}:${String((35 + 5 * w) % 60).padStart(2, '0')}:00`,
);

/** Writes a table in pandas' to_csv(sep='\t') layout: tuple headers, then is_src (and is_anomaly). */
function writeTable(
  file: string,
  labels: string[],
  values: (label: string, family: string, w: number) => number,
  anomaly: boolean,
): void {
  const headers = FAMILIES.flatMap((f) => STARTS.map((s) => `('${f}', '${f.split('_')[0]}_${s}')`));
  const lines = [['', ...headers, 'is_src', ...(anomaly ? ['is_anomaly'] : [])].join('\t')];
  for (const label of labels) {
    const cells = FAMILIES.flatMap((f) =>
      STARTS.map((_, w) => {
        const v = values(label, f, w);
        return Number.isNaN(v) ? '' : v === Infinity ? 'inf' : String(v);
      }),
    );
    lines.push([label, ...cells, label.endsWith('source') ? '1' : '0', ...(anomaly ? ['-1'] : [])].join('\t'));
  }
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, `${lines.join('\n')}\n`);
}

// The straightforward computation, from the files, with plain arrays.
const slog = (x: number): number => Math.sign(x) * Math.log1p(Math.abs(x));
function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  if (s.length === 0) return NaN;
  const h = (s.length - 1) / 2;
  return s[Math.floor(h)] + (h - Math.floor(h)) * (s[Math.ceil(h)] - s[Math.floor(h)]);
}

interface PlainReason {
  family: string;
  direction: string;
  score: number;
  windows: { from: number; to: number } | null;
}

function straightforwardReasons(fullFile: string, anomalyFile: string): Map<string, PlainReason[]> {
  const full = readTsv(fullFile);
  const anomalies = readTsv(anomalyFile);
  const anomalous = new Set(anomalies.index);
  const role = (label: string): string => (label.endsWith('source') ? 'source' : 'dst');
  const fullCols = valueHeaders(full);
  const normalValues = (col: number, r: string): number[] =>
    full.rows
      .filter((_, i) => !anomalous.has(full.index[i]) && role(full.index[i]) === r)
      .map((row) => row[col])
      .filter((v) => !Number.isNaN(v));
  const out = new Map<string, PlainReason[]>();
  anomalies.index.forEach((label, i) => {
    const r = role(label);
    const reasons: PlainReason[] = [];
    for (const family of FAMILIES) {
      const cols = valueHeaders(anomalies)
        .filter((h) => h.family === family)
        .sort((a, b) => a.start - b.start);
      const pooled = fullCols
        .filter((h) => h.family === family)
        .flatMap((h) => normalValues(h.col, r))
        .map(slog);
      const centre = median(pooled);
      const typical = median(pooled.filter((x) => x !== centre).map((x) => Math.abs(x - centre)));
      const floor = typical > 0 ? typical : 1;
      const z = cols.map((h) => {
        const fullCol = fullCols.find((f) => f.family === family && f.start === h.start)!;
        const logs = normalValues(fullCol.col, r).map(slog);
        const m = median(logs);
        const spread = Math.max(1.4826 * median(logs.map((x) => Math.abs(x - m))), floor);
        const v = anomalies.rows[i][h.col];
        return Number.isNaN(v) ? NaN : slog(v) === m ? 0 : (slog(v) - m) / spread;
      });
      const high = Math.max(0, ...z.filter((v) => !Number.isNaN(v)));
      const low = Math.max(0, ...z.filter((v) => !Number.isNaN(v)).map((v) => -v));
      const direction = high >= low ? 'high' : 'low';
      const score = Math.max(high, low);
      const sign = direction === 'high' ? 1 : -1;
      let windows: PlainReason['windows'] = null;
      if (score >= 3) {
        const peak = z.findIndex((v) => sign * v === score);
        let a = peak;
        while (a > 0 && sign * z[a - 1] >= 3) a--;
        let b = peak;
        while (b < z.length - 1 && sign * z[b + 1] >= 3) b++;
        windows = { from: cols[a].start, to: cols[b].start };
      }
      if (score > 0) reasons.push({ family, direction, score, windows });
    }
    reasons.sort((a, b) => b.score - a.score || FAMILIES.indexOf(a.family) - FAMILIES.indexOf(b.family));
    out.set(label, reasons.slice(0, 5));
  });
  return out;
}

test('reasons equal a straightforward computation on small data, streamed and whole', async () => {
  const rnd = random(7);
  const normal = Array.from({ length: 60 }, (_, i) => `10.0.0.${i}${i % 3 === 0 ? 'dst' : 'source'}`);
  const flagged = ['66.6.6.1source', '66.6.6.2dst', '66.6.6.3source', '66.6.6.4source'];
  // Integer values (held exactly by the sketch), mostly 0; flagged rows busier, one with a missing cell and one with a negative.
  const cell = new Map<string, number>();
  const value = (label: string, family: string, w: number): number => {
    const key = `${label}|${family}|${w}`;
    if (!cell.has(key)) {
      const busy = label.startsWith('66.');
      const u = rnd();
      let v = u < (busy ? 0.3 : 0.8) ? 0 : Math.round(rnd() * (busy ? 200 : 20)) + 1;
      if (label === '66.6.6.3source' && family === 'avg_Length' && w === 2) v = NaN;
      if (label === '66.6.6.4source' && family === 'std_IP_distance') v = w === 5 ? -40 : 0;
      cell.set(key, v);
    }
    return cell.get(key)!;
  };
  const fullFile = path.join(tmp, 'small', 'final', 'final_dataset_5T.csv');
  const anomalyFile = path.join(tmp, 'small', 'models', 'm', 'detected_anomalies.csv');
  writeTable(fullFile, [...normal, ...flagged].sort(), value, false);
  writeTable(anomalyFile, flagged, value, true);

  const want = straightforwardReasons(fullFile, anomalyFile);
  const anomalous = await readTable(anomalyFile);
  const options = { exclude: new Set(anomalous.index), sampleSize: 5, seed: 1 };
  const streamed = explainRows(anomalous, (await evaluateFull(fullFile, options)).normalBaseline);
  const wholeEvaluation = evaluateFrame(await readTable(fullFile), options);
  const whole = explainRows(anomalous, wholeEvaluation.normalBaseline);
  assert.deepEqual(whole, streamed);
  // three threads merge their sketches into the same baseline as one pass over the whole table
  const threaded = await evaluateFull(fullFile, { ...options, workers: 3 });
  assert.deepEqual(threaded.normalBaseline, wholeEvaluation.normalBaseline);
  // rows kept by label (normal or anomalous), in file order, with their values
  const keepLabels = new Set(['66.6.6.1source', '10.0.0.5source', 'not-there source']);
  const table = await readTable(fullFile);
  const kept = (await evaluateFull(fullFile, { ...options, keepLabels: keepLabels, workers: 3 })).kept;
  assert.deepEqual(kept.index, ['10.0.0.5source', '66.6.6.1source']);
  kept.index.forEach((label, r) => assert.deepEqual([...kept.row(r)], [...table.row(table.rowOf(label))], label));
  assert.deepEqual(evaluateFrame(table, { ...options, keepLabels: keepLabels }).kept.index, kept.index);
  for (const row of streamed) {
    const expected = want.get(row.label)!;
    assert.equal(row.reasons.length, expected.length, row.label);
    row.reasons.forEach((reason, k) => {
      const e = expected[k];
      assert.equal(reason.family, e.family, `${row.label} reason ${k}`);
      assert.equal(reason.direction, e.direction, `${row.label} ${e.family}`);
      assert.ok(Math.abs(reason.score - e.score) < 1e-9, `${row.label} ${e.family}: ${reason.score} vs ${e.score}`);
      assert.deepEqual(reason.windows, e.windows, `${row.label} ${e.family} windows`);
    });
    assert.equal(row.score, expected[0]?.score ?? 0);
  }
  // the negative value is a low deviation of its family
  const four = streamed.find((r) => r.label === '66.6.6.4source')!;
  assert.equal(four.families.find((f) => f.family === 'std_IP_distance')!.direction, 'low');
});

test('a window where every normal value is 0 measures in units of the family floor, never infinitely', async () => {
  // Normal sources: family count_Length is 0 in window 3 for everyone, 1..4 packets elsewhere for a few.
  const normal = Array.from({ length: 40 }, (_, i) => `10.1.0.${i}source`);
  const value = (label: string, family: string, w: number): number => {
    if (label === '77.7.7.7source') return family === 'count_Length' && w === 3 ? 54 : 0;
    const i = Number(label.split('.')[3].replace('source', ''));
    return family === 'count_Length' && w !== 3 && i % 4 === 0 ? 1 + (i % 4 === 0 ? (i / 4) % 4 : 0) : 0;
  };
  const fullFile = path.join(tmp, 'zero', 'final.csv');
  const anomalyFile = path.join(tmp, 'zero', 'detected_anomalies.csv');
  writeTable(fullFile, [...normal, '77.7.7.7source'].sort(), value, false);
  writeTable(anomalyFile, ['77.7.7.7source'], value, true);
  const anomalous = await readTable(anomalyFile);
  const full = await evaluateFull(fullFile, { exclude: new Set(anomalous.index), sampleSize: 5, seed: 1 });
  const baseline = full.normalBaseline;
  const j = baseline.columns.findIndex(
    (k) => k.family === 'count_Length' && k.start === Date.parse('2019-02-01T09:50:00Z'),
  );
  assert.equal(baseline.logSpread.source[j], 0);
  assert.equal(baseline.median.source[j], 0);
  // floor: the median |slog| of the non-zero normal values 1, 2, 3, 4 (each 7 windows × 2-3 rows)
  const nonzero = normal
    .flatMap((label) => STARTS.map((_, w) => value(label, 'count_Length', w)))
    .filter((v) => v !== 0)
    .map(slog);
  const floor = median(nonzero);
  assert.ok(Math.abs(baseline.floor.get('count_Length')!.source - floor) < 1e-12);
  const [row] = explainRows(anomalous, baseline);
  assert.equal(row.reasons[0].family, 'count_Length');
  assert.equal(row.reasons[0].direction, 'high');
  assert.ok(Math.abs(row.reasons[0].score - Math.log1p(54) / floor) < 1e-12);
  assert.ok(Number.isFinite(row.score));
  assert.deepEqual(row.reasons[0].windows, {
    from: Date.parse('2019-02-01T09:50:00Z'),
    to: Date.parse('2019-02-01T09:50:00Z'),
  });
  // cellDeviation itself: a 0 spread falls back to the floor
  assert.equal(cellDeviation(54, 0, 0, floor), Math.log1p(54) / floor);
  assert.equal(cellDeviation(0, 0, 0, floor), 0);
  assert.ok(Number.isNaN(cellDeviation(NaN, 0, 1, 1)));
});

test('a family deviation spans the consecutive windows at or beyond the standout line around its peak', () => {
  const starts = [0, 1, 2, 3, 4, 6, 7].map((k) => k * 300_000);
  const z = [0.5, STANDOUT, 9, 4, 2, -12, -STANDOUT];
  const low = familyDeviation('f', z, starts, 300_000);
  assert.equal(low.direction, 'low');
  assert.equal(low.score, 12);
  // window 6 starts after a gap (no window 5): the span starts at the peak
  assert.deepEqual(low.windows, { from: 6 * 300_000, to: 7 * 300_000 });
  const high = familyDeviation('f', z.slice(0, 5), starts.slice(0, 5), 300_000);
  assert.deepEqual(
    { ...high },
    { family: 'f', direction: 'high', score: 9, windows: { from: 300_000, to: 3 * 300_000 } },
  );
  const weak = familyDeviation('f', [1, 2, NaN], starts.slice(0, 3), 300_000);
  assert.equal(weak.windows, null);
  assert.equal(weak.score, 2);
  assert.equal(familyDeviation('f', [NaN, 0], starts.slice(0, 2), 300_000).score, 0);
  assert.ok(MAX_REASONS === 5);
});

test('a planted deviation in generated data comes out first, high, over the planted windows', async () => {
  const dir = path.join(tmp, 'planted');
  generateDataset({ scale: DEMO_SCALE, seed: 2019, outDir: dir });
  const fullFile = path.join(dir, FULL_FILE);
  const runDir = (name: string): string => path.join(dir, RUNS.find((r) => r.name === name)!.dir);
  const fiveFile = path.join(runDir('5T'), ANOMALY_FILE);
  const fullLines = fs.readFileSync(fullFile, 'utf8').split('\n');
  const fiveLines = fs.readFileSync(fiveFile, 'utf8').split('\n');
  const flagged = new Set(fiveLines.slice(1).map((line) => line.split('\t')[0]));
  const fullHeader = fullLines[0].split('\t');
  // The quietest normal source row (fewest non-zero cells) gets 5,000 packets a window in windows 40..43.
  let target = -1;
  let fewest = Infinity;
  fullLines.forEach((line, i) => {
    if (i === 0 || line === '') return;
    const fields = line.split('\t');
    if (!fields[0].endsWith('source') || flagged.has(fields[0])) return;
    const nonzero = fields.slice(1, 1 + 150 * 42).filter((f) => f !== '0.0').length;
    if (nonzero < fewest) [fewest, target] = [nonzero, i];
  });
  const fields = fullLines[target].split('\t');
  const planted = [40, 41, 42, 43];
  const startOf = (w: number): string => {
    const minutes = 9 * 60 + 35 + 5 * w;
    return `2019-02-01 ${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}:00`;
  };
  for (const w of planted) fields[fullHeader.indexOf(`('count_Length', 'count_${startOf(w)}')`)] = '5000.0';
  fullLines[target] = fields.join('\t');
  fs.writeFileSync(fullFile, fullLines.join('\n'));
  // The 5T run flags it too (its row aligned to the run's own header).
  const fiveHeader = fiveLines[0].split('\t');
  const row = fiveHeader.map((h, k) =>
    k === 0 ? fields[0] : h === 'is_anomaly' ? '-1' : fields[fullHeader.indexOf(h)],
  );
  fs.writeFileSync(fiveFile, `${[...fiveLines.filter((l) => l !== ''), row.join('\t')].join('\n')}\n`);

  const evaluation = await evaluate({
    models: RUNS.map((r) => runDir(r.name)),
    full: fullFile,
    sampleSize: 100,
    seed: 42,
  });
  const label = fields[0];
  const entry = evaluation.summary.anomalies!.find((a) => a.label === label)!;
  assert.equal(entry.reasons[0].family, 'count_Length');
  assert.equal(entry.reasons[0].direction, 'high');
  assert.deepEqual(entry.reasons[0].windows, {
    from: startOf(40).replace(' ', 'T'),
    to: startOf(43).replace(' ', 'T'),
  });
  assert.equal(entry.score, entry.reasons[0].score);
  assert.deepEqual(entry.runs, ['5T']);
  assert.equal(evaluation.summary.schemaVersion, 2);
  // every flagged row has an entry, by descending score, each with at most 5 reasons
  const anomalies = evaluation.summary.anomalies!;
  assert.equal(anomalies.length, evaluation.anomalous.nRows);
  for (let i = 1; i < anomalies.length; i++)
    assert.ok((anomalies[i - 1].score as number) >= (anomalies[i].score as number));
  assert.ok(anomalies.every((a) => a.reasons.length <= 5 && a.runs.includes('5T')));
});
