/**
 * `npm run check:seed -- [DIR] [--seed N] [--pandas]` (node dist/scripts/check-seed-scale.js)
 *
 * Checks the seed-scale data set exactly: generates it into DIR (default: the project's
 * `data/seed`, gitignored) when its files are absent, then streams every file (never holding one in memory) and compares
 * rows, columns, label order, subset and overlap counts with the seed notebook's numbers.
 * `--pandas` also reads each file with /usr/bin/python3 pandas and reports its shape.
 * Prints a table; exits 1 when any check fails.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { generateDataset } from '../data/synth/dataset';
import { ANOMALY_FILE, expectedCounts, FULL_FILE, RUNS, SEED_SCALE } from '../data/synth/layout';

/** What a streaming pass over one file found. */
interface Scan {
  rows: number;
  columns: number;
  labels: string[];
  sorted: boolean;
  ragged: number;
  badFlag: number;
  bytes: number;
}

/** Streams a file line by line at byte level: counts tabs per line, keeps only the labels. */
function scanFile(file: string, anomaly: boolean): Scan {
  const fd = fs.openSync(file, 'r');
  const chunk = Buffer.allocUnsafe(16 << 20);
  let headerTabs = -1;
  let tabs = 0;
  let line = 0;
  let label: number[] = [];
  let inLabel = true;
  let tail = '';
  const scan: Scan = { rows: 0, columns: 0, labels: [], sorted: true, ragged: 0, badFlag: 0, bytes: 0 };
  for (;;) {
    const read = fs.readSync(fd, chunk, 0, chunk.length, null);
    if (read === 0) break;
    scan.bytes += read;
    for (let i = 0; i < read; i++) {
      const byte = chunk[i];
      if (byte === 9) {
        tabs++;
        inLabel = false;
        tail = '';
      } else if (byte === 10) {
        if (line === 0) {
          headerTabs = tabs;
          scan.columns = tabs; // header cells minus the index cell
        } else {
          if (tabs !== headerTabs) scan.ragged++;
          const text = String.fromCharCode(...label);
          const previous = scan.labels[scan.labels.length - 1];
          if (previous !== undefined && !(previous < text)) scan.sorted = false;
          scan.labels.push(text);
          if (anomaly && tail !== '-1') scan.badFlag++;
          scan.rows++;
        }
        line++;
        tabs = 0;
        label = [];
        inLabel = true;
        tail = '';
      } else {
        if (inLabel && line > 0) label.push(byte);
        if (tail.length < 4) tail += String.fromCharCode(byte);
      }
    }
  }
  fs.closeSync(fd);
  return scan;
}

function main(): void {
  const argv = process.argv.slice(2);
  const seedAt = argv.indexOf('--seed');
  const seed = seedAt >= 0 ? Number(argv[seedAt + 1]) : 2019;
  const pandas = argv.includes('--pandas');
  const positional = argv.filter((a, i) => !a.startsWith('--') && argv[i - 1] !== '--seed');
  const dir = path.resolve(positional[0] ?? path.join(__dirname, '..', '..', 'data', 'seed'));
  const expected = expectedCounts(SEED_SCALE);
  const files = [
    ...RUNS.map((run) => ({
      name: run.name,
      file: path.join(dir, run.dir, ANOMALY_FILE),
      rows: expected.rows[run.name],
      columns: run.grid.windows * 42 + 10,
    })),
    { name: 'full', file: path.join(dir, FULL_FILE), rows: expected.fullRows, columns: 150 * 42 + 9 },
  ];
  if (files.some((f) => !fs.existsSync(f.file))) {
    console.log(`generating seed scale (seed ${seed}) into ${dir} ...`);
    const started = Date.now();
    generateDataset({ scale: SEED_SCALE, seed, outDir: dir });
    console.log(`generated in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  }
  let failures = 0;
  const check = (ok: boolean) => {
    if (!ok) failures++;
    return ok ? 'ok' : 'FAIL';
  };
  const scans = new Map<string, Scan>();
  console.log('\nfile  rows (expected)        columns (expected)    sorted  ragged  is_anomaly  MB       seconds');
  for (const f of files) {
    const started = Date.now();
    const s = scanFile(f.file, f.name !== 'full');
    scans.set(f.name, s);
    const ok = s.rows === f.rows && s.columns === f.columns && s.sorted && s.ragged === 0 && s.badFlag === 0;
    console.log(
      `${f.name.padEnd(5)} ${String(s.rows).padStart(6)} (${String(f.rows).padStart(6)})  ${String(s.columns).padStart(6)} (${String(f.columns).padStart(6)})    ${String(s.sorted).padEnd(6)}  ${String(s.ragged).padStart(6)}  ${String(s.badFlag).padStart(10)}  ${(s.bytes / 1e6).toFixed(1).padStart(7)}  ${((Date.now() - started) / 1000).toFixed(1).padStart(6)}  ${check(ok)}`,
    );
  }
  const set = (name: string) => new Set(scans.get(name)!.labels);
  const [s30, s10, s5, full] = [set('30T'), set('10T'), set('5T'), set('full')];
  const five = [...s5];
  const overlaps: [string, number, number][] = [
    ['30T ∩ 5T', five.filter((l) => s30.has(l)).length, expected.common30and5],
    ['10T ∩ 5T', five.filter((l) => s10.has(l)).length, expected.common10and5],
    ['30T ∩ 10T ∩ 5T', five.filter((l) => s30.has(l) && s10.has(l)).length, expected.commonAll],
    ['anomalous not in full', [...s30, ...s10, ...s5].filter((l) => !full.has(l)).length, 0],
  ];
  console.log('\noverlap                 found  expected');
  for (const [name, found, want] of overlaps)
    console.log(
      `${name.padEnd(22)} ${String(found).padStart(6)}  ${String(want).padStart(8)}  ${check(found === want)}`,
    );

  if (pandas) {
    console.log('\npandas read_csv(sep="\\t", index_col=[0]) with /usr/bin/python3:');
    for (const f of files) {
      const result = spawnSync(
        '/usr/bin/python3',
        [
          '-c',
          'import sys,time,pandas as pd\nt=time.time()\ndf=pd.read_csv(sys.argv[1],sep="\\t",index_col=[0])\nprint(df.shape[0],df.shape[1],round(time.time()-t,1))',
          f.file,
        ],
        { encoding: 'utf8' },
      );
      if (result.status !== 0) {
        console.log(`${f.name.padEnd(5)} pandas failed: ${result.stderr.trim().split('\n').pop()}`);
        failures++;
        continue;
      }
      const [rows, columns, seconds] = result.stdout.trim().split(' ');
      console.log(
        `${f.name.padEnd(5)} (${rows}, ${columns}) in ${seconds} s  ${check(Number(rows) === f.rows && Number(columns) === f.columns)}`,
      );
    }
  }
  console.log(failures === 0 ? '\nall checks passed' : `\n${failures} check(s) FAILED`);
  process.exit(failures === 0 ? 0 : 1);
}

main();
