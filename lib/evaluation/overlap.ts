/**
 * Overlaps between model runs: which anomalous rows (index labels, role suffix included) several
 * runs share, which are unique to one run, and the exclusive intersections an UpSet chart draws.
 */

/** A run reduced to what overlaps need: its name and its anomalous row labels. */
export interface LabelledRun {
  readonly name: string;
  readonly labels: readonly string[];
}

/** How many labels of a combination of runs are present in every one of them. */
export interface Overlap {
  readonly runs: readonly string[];
  readonly common: number;
}

/** Number of labels present in every run given (exact match, role suffix included). */
export function commonCount(runs: readonly LabelledRun[]): number {
  if (runs.length === 0) return 0;
  const [first, ...rest] = runs;
  const others = rest.map((run) => new Set(run.labels));
  let count = 0;
  for (const label of new Set(first.labels)) {
    if (others.every((set) => set.has(label))) count++;
  }
  return count;
}

/**
 * The overlaps the summary reports: every pair of runs that includes the reference run, then,
 * with three runs or more, all runs together. Names are listed in run order, as the seed prints them.
 */
export function referenceOverlaps(runs: readonly LabelledRun[], reference: string): Overlap[] {
  const ref = runs.find((run) => run.name === reference);
  if (!ref)
    throw new RangeError(
      `Reference run ${JSON.stringify(reference)} is not among ${runs.map((r) => r.name).join(', ')}`,
    );
  const pairs = runs
    .filter((run) => run !== ref)
    .map((run) => {
      const pair = runs.filter((r) => r === run || r === ref);
      return { runs: pair.map((r) => r.name), common: commonCount(pair) };
    });
  if (runs.length < 3) return pairs;
  return [...pairs, { runs: runs.map((r) => r.name), common: commonCount(runs) }];
}

/** For each run, its labels present in no other run (the seed's "special cases"), sorted. */
export function uniqueToRun(runs: readonly LabelledRun[]): Map<string, string[]> {
  const counts = new Map<string, number>();
  for (const run of runs) for (const label of new Set(run.labels)) counts.set(label, (counts.get(label) ?? 0) + 1);
  return new Map(
    runs.map((run) => [run.name, [...new Set(run.labels)].filter((label) => counts.get(label) === 1).sort()]),
  );
}

/** One exclusive intersection: the labels in exactly these runs and in no other. */
export interface Intersection {
  readonly runs: readonly string[];
  readonly labels: readonly string[];
}

/**
 * Exclusive intersections of the runs (UpSet semantics: every label counted once, in the
 * combination of runs that flagged it), largest first; ties: more runs first, then run order.
 */
export function exclusiveIntersections(runs: readonly LabelledRun[]): Intersection[] {
  const membership = new Map<string, number>();
  runs.forEach((run, i) => {
    for (const label of run.labels) membership.set(label, (membership.get(label) ?? 0) | (1 << i));
  });
  const byMask = new Map<number, string[]>();
  for (const [label, mask] of membership) {
    let list = byMask.get(mask);
    if (!list) byMask.set(mask, (list = []));
    list.push(label);
  }
  return [...byMask]
    .sort(([maskA, a], [maskB, b]) => b.length - a.length || bitCount(maskB) - bitCount(maskA) || maskA - maskB)
    .map(([mask, labels]) => ({
      runs: runs.filter((_, i) => mask & (1 << i)).map((run) => run.name),
      labels: labels.sort(),
    }));
}

/** The seed's sentences: "Number of common anomalies between 30T and 5T is 362". */
export function describeOverlaps(overlaps: readonly Overlap[], total: number): string[] {
  return overlaps.map((o) =>
    o.runs.length === total && total > 2
      ? `Number of common anomalies between all ${total === 3 ? 'three' : total} is ${o.common}`
      : `Number of common anomalies between ${o.runs.join(' and ')} is ${o.common}`,
  );
}

function bitCount(mask: number): number {
  let count = 0;
  for (let m = mask; m; m &= m - 1) count++;
  return count;
}
