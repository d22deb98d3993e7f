/**
 * Small worlds built from a finding's claim: frames of anomalous and normal rows (and runs) where
 * the claim should hold, or should not. The builder reads the claim as data, so every finding of
 * the seed gets its two worlds without a hand-written frame each.
 */
import { type Claim, COUNT_WORDS, DEGREES } from '../lib/findings/claims';
import type { Frame } from '../lib/table/frame';
import type { LabelledRun } from '../lib/evaluation/overlap';
import { type Group, type Role, ROLES } from '../lib/types';
import type { FindingInputs } from '../lib/findings';
import { prng, timelineFrame, type Timeline } from './frames';

/** Windows of every world. */
export const WINDOWS = 60;
/** IPs per group and role. */
export const SIZES: Readonly<Record<Group, number>> = { anomalous: 20, normal: 60 };

/** Values of one family for the i-th IP of a group/role in window w, given whether it is active there. */
type Values = (i: number, w: number, active: boolean) => number;

/** A world being shaped: per group/role, a generator per family. */
class World {
  private readonly shapes = new Map<string, Values>();
  private readonly random = prng(11);
  /** Per group/role and IP, the windows it is active in (independent across IPs: no shared shape). */
  private readonly activity = new Map<string, boolean[]>();
  runs?: LabelledRun[];
  population?: number;

  constructor(readonly families: readonly string[]) {
    for (const group of ['anomalous', 'normal'] as const) {
      for (const role of ROLES) {
        for (let i = 0; i < SIZES[group]; i++) {
          this.activity.set(
            `${group}|${role}|${i}`,
            Array.from({ length: WINDOWS }, () => this.random() < 0.5),
          );
        }
      }
    }
  }

  noise(): number {
    return this.random();
  }

  set(group: Group, role: Role, family: string, values: Values): void {
    this.shapes.set(`${group}|${role}|${family}`, values);
  }

  frame(group: Group): Frame {
    const rows: Record<string, Record<string, Timeline>> = {};
    for (const role of ROLES) {
      for (let i = 0; i < SIZES[group]; i++) {
        const active = this.activity.get(`${group}|${role}|${i}`)!;
        const label = `10.${group === 'anomalous' ? 1 : 2}.${role === 'source' ? 1 : 2}.${i}${role}`;
        const families: Record<string, Timeline> = {};
        for (const family of new Set(['count_Length', ...this.families])) {
          const shape = this.shapes.get(`${group}|${role}|${family}`) ?? defaultValues(this);
          const values = Array.from({ length: WINDOWS }, (_, w) => shape(i, w, active[w]));
          families[family] =
            family === 'count_Length' ? values.map((v, w) => (active[w] ? Math.max(v, 2) : v)) : values;
        }
        rows[label] = families;
      }
    }
    return timelineFrame(rows, WINDOWS);
  }

  inputs(): FindingInputs {
    const anomalous = this.frame('anomalous');
    return { anomalous, normalSample: this.frame('normal'), runs: this.runs, population: this.population, seed: 42 };
  }
}

/** Active windows carry a value near 1, silent ones 0: the same level for every group. */
function defaultValues(world: World): Values {
  return (_i, _w, active) => (active ? 1 + 0.2 * world.noise() : 0);
}

/** A level around `level` that varies by ±`spread` (as a share) in active windows. */
function level(world: World, at: number, spread: number): Values {
  return (_i, _w, active) => (active ? at * (1 - spread + 2 * spread * world.noise()) : 0);
}

/** One shape over time, not periodic (a shift in time does not reproduce it). */
function shapeAt(w: number): number {
  return 6 * Math.sin((2 * Math.PI * w) / 37) + 4 * Math.sin((2 * Math.PI * w) / 13 + 1) + 0.1 * w;
}

/** One shape over time shared by every IP (active everywhere), plus a little noise. */
function shared(world: World, sign = 1): Values {
  return (_i, w) => 20 + sign * shapeAt(w) + 0.5 * world.noise();
}

/** Independent noise per IP in its active windows (silent ones are 0, as the pipeline writes them): no shared shape. */
function independent(world: World): Values {
  return (_i, _w, active) => (active ? 10 * world.noise() : 0);
}

/** Sets `lowGroup/lowRole` low and `highGroup/highRole` high (varied) on `family`, as a level claim reads it. */
function contrastLevels(
  world: World,
  family: string,
  low: [Group, Role],
  high: [Group, Role],
  factor: number,
  reducer: string,
): void {
  if (reducer === 'markerShare') {
    world.set(...low, family, (_i, _w, active) => (active && world.noise() < 0.05 ? 1 : 0));
    world.set(...high, family, (_i, _w, active) => (active && world.noise() < 0.8 ? 1 : 0));
    return;
  }
  world.set(...low, family, level(world, 1, 0.05));
  world.set(...high, family, level(world, factor, 0.6));
}

/** Shapes `world` so that `claim` holds (`holds`) or does not. */
export function shape(world: World, claim: Claim, holds: boolean): void {
  switch (claim.kind) {
    case 'contrast': {
      const factor = DEGREES[claim.degree].holdsAt * 3;
      for (const role of claim.roles) {
        const up = (claim.direction === 'higher') === holds;
        const a: [Group, Role] = ['anomalous', role];
        const n: [Group, Role] = ['normal', role];
        contrastLevels(world, claim.family, up ? n : a, up ? a : n, factor, claim.reducer);
      }
      return;
    }
    case 'similar':
      world.set('anomalous', claim.role, claim.family, level(world, holds ? 1 : 8, 0.1));
      world.set('normal', claim.role, claim.family, level(world, 1, 0.1));
      return;
    case 'roles':
      for (const group of claim.groups) {
        const other: Role = claim.lower === 'dst' ? 'source' : 'dst';
        const factor = DEGREES[claim.degree].holdsAt * 3;
        if (holds) contrastLevels(world, claim.family, [group, claim.lower], [group, other], factor, claim.reducer);
        else contrastLevels(world, claim.family, [group, other], [group, claim.lower], factor, claim.reducer);
      }
      return;
    case 'pattern': {
      const { family, group, role } = claim.selection;
      world.set(group, role, family, claim.present === holds ? shared(world) : independent(world));
      return;
    }
    case 'morePattern':
      world.set(claim.more.group, claim.more.role, claim.more.family, holds ? shared(world) : independent(world));
      world.set(claim.less.group, claim.less.role, claim.less.family, holds ? independent(world) : shared(world));
      return;
    case 'timelines':
      world.set(claim.a.group, claim.a.role, claim.a.family, shared(world));
      world.set(claim.b.group, claim.b.role, claim.b.family, shared(world, holds ? 1 : -1));
      return;
    case 'agree':
      for (const role of claim.roles) {
        const base = new Map<string, number>();
        world.set(claim.group, role, claim.family, (i, w, active) => {
          const v = active ? 1 + 9 * world.noise() : 0;
          base.set(`${i}|${w}`, v);
          return v;
        });
        // Built after `family` (the frame builds families in claim order): follows it, or not.
        world.set(claim.group, role, claim.other, (i, w, active) =>
          !active ? 0 : holds ? 2 * (base.get(`${i}|${w}`) ?? 1) + 0.1 * world.noise() : 1 + 9 * world.noise(),
        );
      }
      return;
    case 'bimodal': {
      const { family, group, role } = claim.selection;
      world.set(group, role, family, (i, _w, active) =>
        !active ? 0 : holds ? (i % 2 === 0 ? 100 : 1) * (0.95 + 0.1 * world.noise()) : 50 + 10 * world.noise(),
      );
      world.set('normal', role, family, (i, _w, active) => (active ? 50 + 10 * world.noise() + i * 0 : 0));
      return;
    }
    case 'standouts': {
      const word = COUNT_WORDS[claim.count];
      const count = holds ? word.holds[0] : Math.max(...word.near) + 3;
      for (const role of claim.roles) {
        world.set('anomalous', role, claim.family, (i, _w, active) => (active ? (i < count ? 50 : 3) : 0));
      }
      return;
    }
    case 'pair': {
      // One standout per role; their timelines match (holds) or run opposite (does not).
      for (const role of ROLES) {
        world.set('anomalous', role, claim.family, (i, w, active) => {
          if (i > 0) return active ? 1 + 0.3 * world.noise() : 0;
          return 200 + (role === 'dst' && !holds ? -1 : 1) * 15 * shapeAt(w);
        });
      }
      return;
    }
    case 'topShare':
      for (const family of claim.families) {
        for (const role of ROLES) {
          world.set('anomalous', role, family, level(world, holds ? 20 : 0.2, 0.1));
          world.set('normal', role, family, level(world, 1, 0.5));
        }
      }
      return;
    case 'exceed':
      world.set('anomalous', claim.role, claim.family, holds ? level(world, 10, 0.5) : () => 0);
      world.set('normal', claim.role, claim.family, level(world, 1, 0.5));
      return;
    case 'commonToAll':
    case 'referenceCovers':
      world.runs = runsFor(claim.kind, holds);
      world.population = 10_000;
      return;
    case 'describe':
      if (claim.what.kind === 'specialCases') world.runs = runsFor('commonToAll', holds);
      return;
    case 'all': {
      // Parts that read the same family are shaped in an order where each keeps its own property:
      // "no pattern" first (any independent level keeps it), levels, single IPs, a shared shape last;
      // against the claim, the first part's failing shape goes last so that it wins.
      const ordered = (parts: readonly Claim[]) => [...parts].sort((a, b) => rank(a) - rank(b));
      if (holds) for (const part of ordered(claim.parts)) shape(world, part, true);
      else {
        for (const part of ordered(claim.parts.slice(1))) shape(world, part, true);
        shape(world, claim.parts[0], false);
      }
      return;
    }
    case 'partly':
      shape(world, claim.claim, holds);
      return;
  }
}

/** The order in which the parts of a conjunction are shaped (see `shape`). */
function rank(claim: Claim): number {
  if (claim.kind === 'partly') return rank(claim.claim);
  if (claim.kind === 'pattern') return claim.present ? 3 : 0;
  if (claim.kind === 'standouts' || claim.kind === 'pair' || claim.kind === 'exceed') return 2;
  return 1;
}

/** Runs over the anomalous labels: the same rows (holds) or runs that flag other rows. */
function runsFor(kind: 'commonToAll' | 'referenceCovers', holds: boolean): LabelledRun[] {
  const mine = ROLES.flatMap((role) =>
    Array.from({ length: SIZES.anomalous }, (_, i) => `10.1.${role === 'source' ? 1 : 2}.${i}${role}`),
  );
  const others = Array.from({ length: 3 * mine.length }, (_, i) => `10.9.9.${i}source`);
  const other = holds ? mine.slice(0, kind === 'commonToAll' ? mine.length : mine.length - 2) : others;
  return [
    { name: '30T', labels: other },
    { name: '10T', labels: other },
    { name: '5T', labels: mine },
  ];
}

/** The world of a claim: every family it reads, shaped so that it holds or does not. */
export function worldFor(claim: Claim, families: readonly string[], holds: boolean): FindingInputs {
  const world = new World(families);
  shape(world, claim, holds);
  if (!world.runs) world.runs = runsFor('commonToAll', true);
  return { ...world.inputs(), reference: '5T' };
}

/** Every family a world of the seed's findings needs. */
export function worldFamilies(families: Iterable<string>): string[] {
  return [...new Set(['count_Length', ...families])];
}
