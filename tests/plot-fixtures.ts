/**
 * Shared by the plot tests and the plot benchmark: synthetic windowed frames shaped like the
 * seed's data (plateaus, bursts, many zeros), pages that hold display bundles the way an nbconvert
 * export does, and a headless Chromium launcher that never downloads anything.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Frame } from '../lib/table/frame';
import { parseColumnKey } from '../lib/table/columns';
import { type ColumnKey, formatNaiveTimestamp } from '../lib/types';
import type { MimeBundle } from '../lib/notebook/display';
import { SEED_SECTIONS } from '../lib/findings';
import { prng } from './frames';

/** The 27 families the seed plots, in its order (from the seed's sections in lib/findings). */
export const SEED_FAMILIES: readonly string[] = SEED_SECTIONS.flatMap((section) => section.figures);

/** Deterministic pseudo-random numbers in [0, 1) (mulberry32), shared with the other tests. */
export { prng };

/** What {@link syntheticFrame} builds. */
export interface SyntheticOptions {
  readonly sources: number;
  readonly destinations: number;
  readonly families?: readonly string[];
  readonly windows?: number;
  readonly seed?: number;
  /** Anomalous rows are busier: higher levels, fewer zeros. */
  readonly anomalous?: boolean;
  /** Extra row labels to put first (e.g. hostile ones); each must end in source or dst. */
  readonly extraLabels?: readonly string[];
  /** First window start, naive time. Default 2019-02-01 09:35:00. */
  readonly start?: number;
}

/**
 * A frame of `sources + destinations` rows and `families × windows` value columns (5-minute
 * windows), with seed-like series: all-zero rows, plateaus with jumps, noisy rows with gaps of zeros.
 */
export function syntheticFrame(options: SyntheticOptions): Frame {
  const families = options.families ?? ['avg_Length'];
  const nW = options.windows ?? 150;
  const random = prng(options.seed ?? 1);
  const start = options.start ?? Date.UTC(2019, 1, 1, 9, 35);
  const columns: ColumnKey[] = [];
  for (const family of families) {
    const stat = family.slice(0, family.indexOf('_'));
    for (let w = 0; w < nW; w++) {
      columns.push(parseColumnKey(`('${family}', '${stat}_${formatNaiveTimestamp(start + w * 300_000)}')`));
    }
  }
  const index: string[] = [...(options.extraLabels ?? [])];
  const octet = () => Math.floor(random() * 254) + 1;
  for (let i = 0; i < options.sources; i++) index.push(`${octet()}.${octet()}.${octet()}.${octet()}source`);
  for (let i = 0; i < options.destinations; i++) index.push(`${octet()}.${octet()}.${octet()}.${octet()}dst`);
  const values = new Float64Array(index.length * columns.length);
  const busy = options.anomalous ? 0.85 : 0.25;
  for (let r = 0; r < index.length; r++) {
    for (let f = 0; f < families.length; f++) {
      const base = r * columns.length + f * nW;
      const kind = random();
      const scale = families[f].startsWith('sum') || families[f].startsWith('count') ? 500 : 60;
      if (kind > busy) continue; // all zero
      let level = Math.round(scale * (0.3 + random() * (options.anomalous ? 2 : 0.7)));
      const noisy = random() < 0.5;
      for (let w = 0; w < nW; w++) {
        if (random() < 0.03) level = Math.round(scale * random() * 2.5);
        const off = random() < (options.anomalous ? 0.1 : 0.5);
        values[base + w] = off ? 0 : noisy ? level * (0.8 + 0.4 * random()) : level;
      }
    }
  }
  return new Frame({ index, columns, values });
}

/** Two attacker-written labels that run script if they ever reach HTML unescaped. */
export const HOSTILE = '<img src=x onerror="window.__xss=1">source';
export const HOSTILE_TWO = '"><svg onload="window.__xss=2">dst';

/**
 * The hostile-label fixture of the follow tests: anomalous IPs (two of them {@link HOSTILE} and
 * {@link HOSTILE_TWO}, active in every window of avg_Length) and a normal sample, 40 windows.
 */
export function hostileFrames(): { anomalous: Frame; normal: Frame } {
  const anomalous = syntheticFrame({
    sources: 12,
    destinations: 8,
    anomalous: true,
    windows: 40,
    seed: 3,
    extraLabels: [HOSTILE, HOSTILE_TWO],
  });
  const view = anomalous.family('avg_Length');
  for (const label of [HOSTILE, HOSTILE_TWO])
    view.columns.forEach((c, w) => {
      anomalous.values[anomalous.rowOf(label) * anomalous.nCols + c] = 1 + (w % 5);
    });
  const normal = syntheticFrame({ sources: 30, destinations: 20, windows: 40, seed: 4 });
  return { anomalous, normal };
}

/**
 * The summary.json parts the follow script reads for {@link hostileFrames}' anomalous IPs: each
 * flagged by run 5T for a high avg_Length, and one campaign named by and holding the hostile labels.
 */
export function hostileSummary(anomalous: Frame) {
  return {
    anomalies: anomalous.index.map((label, i) => ({
      label,
      role: label.endsWith('dst') ? 'dst' : 'source',
      runs: ['5T'],
      score: 10 - i / 100,
      reasons: [{ family: 'avg_Length', direction: 'high', score: 3, windows: null }],
    })),
    campaigns: [{ id: 'c1', name: HOSTILE, members: [HOSTILE, HOSTILE_TWO] }],
  };
}

/** An HTML page whose outputs are display bundles' text/html, in order, as an nbconvert export holds them. */
export function pageOf(outputs: readonly string[], head = ''): string {
  return (
    '<!DOCTYPE html><html><head><meta charset="utf-8"><title>figures</title>' +
    head +
    '</head><body>' +
    outputs.map((html) => `<div class="jp-OutputArea-output">${html}</div>`).join('\n') +
    '</body></html>'
  );
}

/** The text/html of a bundle (throws if it has none). */
export function htmlOf(bundle: MimeBundle): string {
  const html = bundle.data['text/html'];
  if (typeof html !== 'string') throw new Error('bundle has no text/html');
  return html;
}

/** Debian's Chromium, which the browser tests and benchmark drive. */
export const CHROMIUM = '/usr/bin/chromium';

/** Chromium flags: headless, no sandbox (root), no network chatter. */
export const CHROMIUM_ARGS: readonly string[] = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** A fresh empty directory under the OS temp dir. */
export function tempDir(prefix: string): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}
