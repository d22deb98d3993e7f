/**
 * Checks about the runs: how many anomalies all runs share, and whether the reference run covers
 * what the others flag. The null: runs of the same sizes drawn at random from the full dataset's
 * rows (known once the full dataset has been read).
 */
import type { LabelledRun } from '../evaluation/overlap';
import type { FindingContext } from './context';
import { NULL_DRAWS, upperQuantile } from './nulls';
import { drawPositions, streamFor } from './random';
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
 * The 95th percentile of `share(runs)` over runs of the same sizes drawn at random from
 * `population` rows (row numbers stand for labels: only which rows coincide matters).
 */
function randomRunsBand(
  ctx: FindingContext,
  runs: readonly LabelledRun[],
  name: string,
  share: (runs: LabelledRun[]) => number,
): number {
  const population = ctx.population;
  if (population === undefined || runs.some((r) => r.labels.length > population)) return Infinity;
  const random = streamFor(ctx.seed, name);
  const draws = new Float64Array(NULL_DRAWS);
  const label = (row: number): string => String(row);
  for (let d = 0; d < NULL_DRAWS; d++) {
    draws[d] = share(
      runs.map((r) => ({
        name: r.name,
        labels: Array.from(drawPositions(random, population, r.labels.length), label),
      })),
    );
  }
  return upperQuantile(draws);
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
  const band = randomRunsBand(ctx, runs, id, shareOf);
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
  const band = randomRunsBand(ctx, runs, id, shareOf);
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
