/**
 * What the report page's IP-following script receives (follow-ip.ts, highlight-ip.ts, ip-profile.ts):
 * the IPs of summary.json with their reasons and campaign, and an index of the page's figures.
 */
/** One reason of an IP, as summary.json `anomalies[].reasons` has it. */
export interface FollowReason {
  readonly family: string;
  readonly direction: string;
  readonly score: number | null;
  readonly kind?: string;
  readonly windows?: { readonly from: string; readonly to: string } | null;
}

/** One IP the page can follow. */
export interface FollowIpEntry {
  readonly label: string;
  readonly role: string;
  readonly runs: readonly string[];
  readonly score: number | null;
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

/** What the follow script receives: the IPs (anomalies first, by score) and the page's figures. */
export interface FollowData {
  readonly ips: readonly FollowIpEntry[];
  readonly figures: readonly FollowFigure[];
}
