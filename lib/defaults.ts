/**
 * The defaults every entry point shares, declared once: the `report` and `summary` commands, the
 * notebook's parameters cell (scripts/build-notebook.ts writes them in) and the help texts read them
 * from here, so a changed default changes everywhere at once.
 */

/** Normal rows sampled for the figures: the seed notebook's 4,000 (about 10% of its normal rows). */
export const DEFAULT_SAMPLE = 4000;

/** Seed of the normal sample, so reruns draw the same rows. */
export const DEFAULT_SEED = 42;

/** Seconds one notebook cell may run in `npm run report` before the run is stopped (`--timeout`). */
export const DEFAULT_CELL_TIMEOUT_SECONDS = 900;

/** Profiles the notebook draws at most (the IPs only one run flagged plus the ones named); the rest are counted. */
export const MAX_PROFILES = 40;

/** Rows of the triage table the notebook shows (summary.json and anomalies.csv list every anomalous IP). */
export const TRIAGE_ROWS = 25;
