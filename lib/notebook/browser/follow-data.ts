/**
 * What the IP-following script receives (follow-ip.ts, highlight-ip.ts, ip-profile.ts): the IPs of
 * summary.json with their reasons and campaign, and an index of the page's figures.
 */
/** One reason of an IP, as summary.json `anomalies[].reasons` has it. */
export interface FollowReason {
  readonly family: string;
  readonly direction: string;
  /** JSON numbers: infinities are strings (`'Infinity'`). */
  readonly score: number | string | null;
  readonly kind?: string;
  readonly windows?: { readonly from: string; readonly to: string } | null;
}

/** One IP the page can follow. */
export interface FollowIpEntry {
  readonly label: string;
  readonly role: string;
  readonly runs: readonly string[];
  readonly score: number | string | null;
  readonly explained?: boolean;
  readonly reasons: readonly FollowReason[];
  /** Its campaign's name, when it is in one. */
  readonly campaign?: string;
}

/** One figure of the page: its id (data-anomaly-eval-figure), title, family when a timeline, and the IPs it holds. */
export interface FollowFigure {
  readonly id: string;
  readonly title: string;
  readonly family?: string;
  /** Indices into {@link FollowData.ips}. */
  readonly ips: readonly number[];
}

/**
 * What the follow script receives: the IPs (anomalies first, by score) and, on the report page, the
 * page's figures (a notebook's follow output leaves them out: its figures come in later cells, and
 * the script reads them from the twins' specs, figure-index.ts).
 */
export interface FollowData {
  readonly ips: readonly FollowIpEntry[];
  readonly figures?: readonly FollowFigure[];
}

/** Where one instance of the follow script works. */
export interface FollowPlace {
  /** Figures, tables and clicks are followed under it; it gets the class `ae-following` while an IP is chosen. */
  readonly root: HTMLElement;
  /** The search bar is appended to it. */
  readonly bar: HTMLElement;
  /** The panel is appended to it. */
  readonly panelHost: HTMLElement;
  /** Id of the completion list (unique in the document). */
  readonly listId: string;
  /** Whether the choice is kept in the address (`#ip=LABEL`): the page, not a notebook in Lab. */
  readonly address: boolean;
}

/** One instance of the follow script: choosing an IP (for figures it does not draw itself), and undoing it all. */
export interface FollowInstance {
  choose(label: string): void;
  dispose(): void;
}
