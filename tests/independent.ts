/**
 * An independent reader of the generated files for tests: plain string splitting and plain
 * arithmetic, nothing from lib/, so that tests compare the library against a second implementation.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';

export interface Table {
  index: string[];
  headers: string[];
  /** Row-major values of `headers` (NaN for missing). */
  rows: number[][];
}

export function parseNumber(text: string): number {
  const t = text.trim().toLowerCase();
  if (t === '' || t === 'nan') return NaN;
  if (t === 'inf' || t === '+inf') return Infinity;
  if (t === '-inf') return -Infinity;
  return Number(t);
}

export function readTsv(file: string): Table {
  const text = fs.readFileSync(file, 'utf8');
  const lines = text.split('\n').filter((line) => line !== '');
  const headers = lines[0].split('\t').slice(1);
  const index: string[] = [];
  const rows: number[][] = [];
  for (const line of lines.slice(1)) {
    const fields = line.split('\t');
    index.push(fields[0]);
    rows.push(fields.slice(1).map(parseNumber));
  }
  return { index, headers, rows };
}

export const HEADER = /^\('([^']+)', '([A-Za-z]+)_(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d)'\)$/;

export function valueHeaders(table: Table): { col: number; family: string; start: number }[] {
  return table.headers.flatMap((header, col) => {
    const m = HEADER.exec(header);
    return m ? [{ col, family: m[1], start: Date.parse(m[3].replace(' ', 'T') + 'Z') }] : [];
  });
}

export function freqOf(table: Table): string {
  const starts = [...new Set(valueHeaders(table).map((v) => v.start))].sort((a, b) => a - b);
  let step = Infinity;
  for (let i = 1; i < starts.length; i++) step = Math.min(step, starts[i] - starts[i - 1]);
  const minutes = step / 60000;
  return minutes % 60 === 0 ? `${minutes / 60}H` : `${minutes}T`;
}

export interface Stats {
  ips: number;
  values: number;
  mean: number | null;
  max: number | null;
  nonzeroShare: number | null;
}

export function familyStatsOf(table: Table, family: string, role: 'source' | 'dst', keep: (label: string) => boolean): Stats {
  const cols = valueHeaders(table).filter((v) => v.family === family).map((v) => v.col);
  let ips = 0;
  let values = 0;
  let sum = 0;
  let max = -Infinity;
  let nonzero = 0;
  table.index.forEach((label, r) => {
    if (!label.endsWith(role) || !keep(label)) return;
    ips++;
    for (const c of cols) {
      const v = table.rows[r][c];
      if (Number.isNaN(v)) continue;
      values++;
      sum += v;
      if (v > max) max = v;
      if (v !== 0) nonzero++;
    }
  });
  return values === 0 ? { ips, values, mean: null, max: null, nonzeroShare: null } : { ips, values, mean: sum / values, max, nonzeroShare: nonzero / values };
}

export function assertStatsClose(actual: Stats, expected: Stats, what: string): void {
  assert.equal(actual.ips, expected.ips, `${what}: ips`);
  assert.equal(actual.values, expected.values, `${what}: values`);
  for (const key of ['mean', 'max', 'nonzeroShare'] as const) {
    const a = actual[key];
    const e = expected[key];
    if (e === null) assert.equal(a, null, `${what}: ${key}`);
    else assert.ok(a !== null && Math.abs(a - e) <= 1e-9 * Math.max(1, Math.abs(e)), `${what}: ${key} ${a} vs ${e}`);
  }
}

/** Labels present in every table. */
export function commonCount(tables: Table[]): number {
  const sets = tables.map((t) => new Set(t.index));
  return [...sets[0]].filter((label) => sets.every((s) => s.has(label))).length;
}
