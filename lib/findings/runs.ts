/**
 * Checks about the runs: how many anomalies all runs share, and whether the reference run covers
 * what the others flag. The null: runs of the same sizes drawn at random from the full dataset's
 * rows (known once the full dataset has been read).
 */
import type { LabelledRun } from '../evaluation/overlap';
import type { FindingContext } from './context';
import { NULL_DRAWS, upperQuantile } from './nulls';
import { drawPositionsInto, streamFor } from './random';
import { type Verdict, judge } from './verdict';
import { humanShare } from './format';

/** "Most" (more than half) and "most of the insight" (nine in ten), as shares. */
export const RUN_SHARES = { most: 0.5, coverage: 0.9 } as const;

/** The reference run among the context's runs, or why there is none. */
function referenceOf(ctx: FindingContext): { runs: readonly LabelledRun[]; ref: LabelledRun } | string {
  const runs = ctx.runs ?? [];
  if (runs.length < 2) return 'Needs two or more runs to compare.';
  const mine = new Set(ctx.anomalous.index);
  const ref =
    ctx.reference !== undefined
      ? runs.find((r) => r.name === ctx.reference)
      : runs.find((r) => r.labels.length === mine.size && r.labels.every((l) => mine.has(l)));
  return ref ? { runs, ref } : 'The reference run is not among the runs given.';
}

/** Labels present in every run. */
export function commonToAll(runs: readonly LabelledRun[]): Set<string> {
  const sets = runs.map((r) => new Set(r.labels));
  return new Set(runs[0].labels.filter((l) => sets.every((s) => s.has(l))));
}

/**
 * The 95th percentile of `share(sizes, rows)` over runs of the same sizes drawn at random from
 * `population` rows: `rows[r]` holds run r's rows, distinct positions of the population (row
 * numbers stand for labels: only which rows coincide matters).
 */
function randomRunsBand(
  ctx: FindingContext,
  runs: readonly LabelledRun[],
  name: string,
  share: (rows: readonly Int32Array[], marks: Int32Array) => number,
): number {
  const population = ctx.population;
  if (population === undefined || runs.some((r) => r.labels.length > population)) return Infinity;
  const random = streamFor(ctx.seed, name);
  const draws = new Float64Array(NULL_DRAWS);
  const rows = runs.map((r) => new Int32Array(r.labels.length));
  const marks = new Int32Array(population);
  for (let d = 0; d < NULL_DRAWS; d++) {
    for (const run of rows) drawPositionsInto(random, population, run);
    draws[d] = share(rows, marks);
  }
  return upperQuantile(draws);
}

/**
 * How many rows of `rows[reference]` are in every run, and how many rows any run holds: the
 * overlap shares of random runs, counted on marks (`marks`: one per population row, all 0, left 0).
 */
function overlapCounts(
  rows: readonly Int32Array[],
  reference: number,
  marks: Int32Array,
): { common: number; union: number } {
  // Each run's rows are distinct, so a row's mark counts the runs that hold it.
  let union = 0;
  for (const run of rows) {
    for (const r of run) {
      if (marks[r] === 0) union++;
      marks[r]++;
    }
  }
  let common = 0;
  for (const r of rows[reference]) if (marks[r] === rows.length) common++;
  for (const run of rows) for (const r of run) marks[r] = 0;
  return { common, union };
}

function nullText(ctx: FindingContext, band: number): string {
  return ctx.population === undefined
    ? 'random runs cannot be drawn (the full dataset is not read yet)'
    : `random runs of the same sizes among the full dataset's ${ctx.population} rows reach ${band === Infinity ? 'no measurable share' : humanShare(band)}`;
}

/** Most of the reference run's anomalies are common to all runs. */
export function checkCommonToAll(ctx: FindingContext, id: string): Verdict {
  const found = referenceOf(ctx);
  if (typeof found === 'string') return { status: 'not checkable', evidence: found };
  const { runs, ref } = found;
  const shareOf = (rs: readonly LabelledRun[]): number =>
    commonToAll(rs).size / rs.find((r) => r.name === ref.name)!.labels.length;
  const share = shareOf(runs);
  const reference = runs.indexOf(ref);
  const band = randomRunsBand(
    ctx,
    runs,
    id,
    (rows, marks) => overlapCounts(rows, reference, marks).common / rows[reference].length,
  );
  return {
    status: judge(share, { holdsAt: RUN_SHARES.most, failsAt: RUN_SHARES.most }, share > band),
    evidence: `${commonToAll(runs).size} of the ${ref.labels.length} anomalies of ${ref.name} (${humanShare(share)}) are in all ${runs.length} runs (${nullText(ctx, band)}); holds above ${humanShare(RUN_SHARES.most)} beyond that, does not hold at or below it.`,
    headline: `${commonToAll(runs).size} of ${ref.labels.length} in all ${runs.length} runs`,
  };
}

/** The reference run holds nearly every IP that any run flagged. */
export function checkReferenceCovers(ctx: FindingContext, id: string): Verdict {
  const found = referenceOf(ctx);
  if (typeof found === 'string') return { status: 'not checkable', evidence: found };
  const { runs, ref } = found;
  const shareOf = (rs: readonly LabelledRun[]): number => {
    const union = new Set(rs.flatMap((r) => r.labels));
    const mine = new Set(rs.find((r) => r.name === ref.name)!.labels);
    return [...union].filter((l) => mine.has(l)).length / union.size;
  };
  const share = shareOf(runs);
  const union = new Set(runs.flatMap((r) => r.labels)).size;
  const reference = runs.indexOf(ref);
  // The reference run's rows are all in the union: the share is its size over the union's.
  const band = randomRunsBand(
    ctx,
    runs,
    id,
    (rows, marks) => rows[reference].length / overlapCounts(rows, reference, marks).union,
  );
  return {
    status: judge(share, { holdsAt: RUN_SHARES.coverage, failsAt: RUN_SHARES.most }, share > band),
    evidence:
      `The reference run ${ref.name} holds ${Math.round(share * union)} of the ${union} IPs flagged by any run (${humanShare(share)}; ${nullText(ctx, band)}); ` +
      `holds at ${humanShare(RUN_SHARES.coverage)} or more beyond that, does not hold at ${humanShare(RUN_SHARES.most)} or less.`,
    headline: `${ref.name} holds ${Math.round(share * union)} of ${union} flagged IPs`,
  };
}

/** IPs flagged by some runs but not all (a description: the count, never a ✔). */
export function describeSpecialCases(ctx: FindingContext): Verdict {
  const found = referenceOf(ctx);
  if (typeof found === 'string') return { status: 'not checkable', evidence: found };
  const common = commonToAll(found.runs);
  const special = [...new Set(found.runs.flatMap((r) => r.labels))].filter((l) => !common.has(l));
  const names = special.slice(0, 5).join(', ');
  return {
    status: 'descriptive',
    evidence: `${special.length} IPs are flagged by some runs but not all${special.length > 0 ? ` (${names}${special.length > 5 ? ', …' : ''})` : ''}; whether the window length is why is not measured.`,
  };
}
