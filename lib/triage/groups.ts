/**
 * Families that are equal on every row are one family for the triage: the ten `count_*` families
 * all count the packets of a window (every packet has each field), and listing them as ten
 * reasons, or weighing them ten times in a clustering, would say ten times the same thing.
 * Equality is found in the data (a signature of each family's values over the rows at hand, then
 * an exact comparison), never from a list of names.
 */
import type { Frame } from '../table/frame';

/** Families equal on every row looked at, under one name. */
export interface FamilyGroup {
  /** The families, in the frame's family order; the first stands for the group. */
  readonly families: readonly string[];
  /** What the group is called in reasons and names: `packets` for equal counts, else its family. */
  readonly name: string;
}

/** The activity family's group: where a row has packets in a window, it is active there. */
export const ACTIVITY_FAMILY = 'count_Length';

/** Rows of a frame to look at. */
export interface FrameRows {
  readonly frame: Frame;
  readonly rows: ArrayLike<number>;
  /**
   * The families these rows are compared in (default: every family the frame holds). A pair with a
   * family outside is not compared on these rows: the others decide. For a sample that may hold
   * fewer families (the summary command's keeps the findings' ones), so that the groups do not
   * depend on which columns it holds.
   */
  readonly families?: ReadonlySet<string>;
}

/** Rows of each frame a family's signature reads. */
const SIGNATURE_ROWS = 300;

/** A signature of a family's values over the rows (equal families have equal signatures; equality is checked after). */
function familySignature(frames: readonly FrameRows[], known: readonly ReadonlySet<string>[], family: string): string {
  let sum = 0;
  let weighted = 0;
  let missing = 0;
  frames.forEach(({ frame, rows, families }, k) => {
    // Rows compared in some families only are left out: equal families must have equal signatures.
    if (families || !known[k].has(family)) return;
    const { columns } = frame.family(family);
    const read = frame.picker(columns);
    const values = new Float64Array(columns.length);
    // A few hundred rows tell most families apart; equal signatures are compared on every row after.
    for (let i = 0; i < Math.min(rows.length, SIGNATURE_ROWS); i++) {
      read(rows[i], values);
      let rowSum = 0;
      for (let w = 0; w < columns.length; w++) {
        const x = values[w];
        if (x !== x) missing++;
        else {
          rowSum += x;
          weighted += x * w;
        }
      }
      sum += rowSum * (i + 1);
    }
  });
  return `${sum}:${weighted}:${missing}`;
}

function sameValues(frames: readonly FrameRows[], f: string, g: string): boolean {
  for (const { frame, rows, families: compared } of frames) {
    if (compared && !(compared.has(f) && compared.has(g))) continue;
    const families = frame.families();
    if (families.includes(f) !== families.includes(g)) return false;
    if (!families.includes(f)) continue;
    const x = frame.family(f);
    const y = frame.family(g);
    if (x.starts.length !== y.starts.length) return false;
    for (let w = 0; w < x.starts.length; w++) if (x.starts[w] !== y.starts[w]) return false;
    const readX = frame.picker(x.columns);
    const readY = frame.picker(y.columns);
    const xs = new Float64Array(x.columns.length);
    const ys = new Float64Array(y.columns.length);
    for (let i = 0; i < rows.length; i++) {
      readX(rows[i], xs);
      readY(rows[i], ys);
      for (let w = 0; w < x.starts.length; w++) {
        const u = xs[w];
        const v = ys[w];
        if (!(u === v || (u !== u && v !== v))) return false;
      }
    }
  }
  return true;
}

/** The stat of a family name (`count` of `count_Length`). */
function statOf(family: string): string {
  const cut = family.indexOf('_');
  return cut < 0 ? family : family.slice(0, cut);
}

/** A group's name: `packets` when it is several counts equal on every row, else its first family. */
function groupName(families: readonly string[]): string {
  return families.length > 1 && families.every((f) => statOf(f) === 'count') ? 'packets' : families[0];
}

/**
 * The families of `families` grouped by equality over every row of `frames` (a family a frame
 * lacks is equal only to families that frame lacks too; rows compared in some `families` only
 * decide nothing for the others). Groups come in the order of their first family.
 */
export function familyGroups(families: readonly string[], frames: readonly FrameRows[]): FamilyGroup[] {
  const known = frames.map(({ frame }) => new Set(frame.families()));
  const byHash = new Map<string, string[][]>();
  const groups: string[][] = [];
  for (const family of families) {
    const hash = familySignature(frames, known, family);
    const candidates = byHash.get(hash) ?? [];
    const match = candidates.find((group) => sameValues(frames, group[0], family));
    if (match) match.push(family);
    else {
      const group = [family];
      candidates.push(group);
      byHash.set(hash, candidates);
      groups.push(group);
    }
  }
  return groups.map((list) => ({ families: list, name: groupName(list) }));
}

/** Each family as a group of its own (what the triage does with merging switched off). */
export function singleFamilyGroups(families: readonly string[]): FamilyGroup[] {
  return families.map((family) => ({ families: [family], name: family }));
}
