/**
 * Statements that compare nothing: their number is shown, and their verdict is "descriptive",
 * never a ✔ (a level of one group, how many IPs of a group show a family at all, how many IPs the
 * runs disagree on).
 */
import { quantileSorted } from '../evaluation/evidence';
import { type Group, ROLES } from '../types';
import type { Description } from './claims';
import type { FindingContext } from './context';
import { groupRole, humanNumber as n } from './format';
import { countFinite, medianAt } from './measures';
import { describeSpecialCases } from './runs';
import type { Verdict } from './verdict';

/** A descriptive statement's number. */
export function describe(what: Description, ctx: FindingContext): Verdict {
  switch (what.kind) {
    case 'specialCases':
      return describeSpecialCases(ctx);
    case 'level': {
      const other: Group = what.group === 'anomalous' ? 'normal' : 'anomalous';
      const levels = (group: Group): Float64Array =>
        Float64Array.from(
          ROLES.flatMap((role) => [...ctx.perIp(group, role, what.family, 'activeMean')]).filter(Number.isFinite),
        ).sort();
      const mine = levels(what.group);
      const theirs = levels(other);
      return {
        status: 'descriptive',
        evidence:
          `${what.family} over each IP's active windows, ${what.group} IPs: median ${n(quantileSorted(mine, 0.5))}, 90th percentile ${n(quantileSorted(mine, 0.9))} over ${mine.length} IPs; ` +
          `${other} IPs: median ${n(quantileSorted(theirs, 0.5))}, 90th percentile ${n(quantileSorted(theirs, 0.9))}.`,
        headline: `${what.group} IPs: median ${n(quantileSorted(mine, 0.5))}, 90th percentile ${n(quantileSorted(mine, 0.9))}`,
      };
    }
    case 'activeShare': {
      const shares = ctx.perIp(what.group, what.role, what.family, 'markerShare');
      const levels = ctx.perIp(what.group, what.role, what.family, 'activeMean');
      let some = 0;
      for (const s of shares) if (s > 0) some++;
      return {
        status: 'descriptive',
        evidence: `${some} of ${countFinite(shares)} active ${groupRole(what.group, what.role)} IPs have a non-zero ${what.family} in some active window; median over them of its mean over their active windows ${n(medianAt(levels))}.`,
      };
    }
  }
}
