/**
 * The functions the follow script (follow-ip.ts) is given by its hosts (follow-hosts.ts), each
 * embedded from its own compiled source: types only.
 */
import type { indexFigure, readFigureIndex } from './figure-index';
import type { figureHighlighter } from './highlight-ip';
import type { drawIpProfile } from './ip-profile';

/** The functions the follow script is given. */
export interface FollowParts {
  /** Marks the chosen IP in a drawn figure (highlight-ip.ts). */
  readonly makeHighlighter: typeof figureHighlighter;
  /** Draws the panel's small profile (ip-profile.ts). */
  readonly drawProfile: typeof drawIpProfile;
  /** Reads the figure index from the specs under the root, when `data.figures` is not given (notebooks). */
  readonly readFigures?: typeof readFigureIndex;
  readonly indexFigure?: typeof indexFigure;
}
