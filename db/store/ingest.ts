/**
 * The ingestion seam: what the hot paths (`/assign` exposures, `/exposures`, `/events`) need
 * from an engine. One writer per database, group-committing: a promise resolves only after the
 * COMMIT that holds its write (durable on 2xx). Implemented for SQLite in db/sqlite/ingest/
 * (ingest-writer.ts over its group-committing writer) and for PostgreSQL in db/postgres/ingest.ts.
 *
 * The event-id rule (documented at the top of db/sqlite/ingest/write-ops.ts), which every engine follows:
 * an id is unique per (user, id); a repeat with the same content (name, value, timestamp) is a
 * retry (not stored, a duplicate), a repeat with other content is a conflict (not stored, its
 * position reported); the first stored version wins, inside one batch too; events without an id
 * are always stored.
 */

/** One event row, in column order. */
export type EventRow = [clientEventId: string | null, userId: string, eventName: string, value: number | null, timestampMs: number, receivedAtMs: number];

/** Events stored now, and the positions (in the rows written) of repeats of an id with other content. */
export type EventsOutcome = { stored: number; conflicts: number[] };

/**
 * An exposure item checked against the experiment config before the write: `hashVariant` is
 * the user's assignment by hash, or `notAssigned` says why the user has none.
 */
export type CheckedExposure = {
  index: number; experimentId: number; userId: string; claimedVariant?: string;
  hashVariant?: string; notAssigned?: string; atMs: number; attributesJson: string;
};
export type ExposuresOutcome = { accepted: number; duplicates: number; rejected: Array<{ index: number; error: string }> };

/** An exposure to record from `/assign`: the first one stores the variant, repeats are counted. */
export type AssignedExposure = { experimentId: number; userId: string; variant: string; atMs: number; attributesJson: string };

/**
 * A user's first assignment call for an experiment of a plan with a program holdout (issue 16):
 * in the holdout or not. The first one per (plan, user) is kept; repeats change nothing.
 */
export type PlanExposure = { planId: number; userId: string; holdout: boolean; atMs: number };

export interface IngestWriter {
  /** Inserts events by the event-id rule. */
  events(rows: EventRow[]): Promise<EventsOutcome>;
  /**
   * Records checked exposures in order (items of one batch see each other): the recorded variant
   * wins over the hash; a claimed variant that differs is rejected (and counted as a conflict
   * when one is recorded).
   */
  exposures(items: CheckedExposure[]): Promise<ExposuresOutcome>;
  /** Records `/assign` exposures; returns what is stored (first exposure wins) and the count, per record. */
  assignments(records: AssignedExposure[]): Promise<Array<{ variant: string; count: number }>>;
  /** Records plan exposures (first per plan and user wins); resolves with how many were new. */
  planExposures(records: PlanExposure[]): Promise<number>;
  /** The variant recorded at the user's first exposure, or undefined (sticky reads). */
  recordedVariant(experimentId: number, userId: string): Promise<string | undefined>;
  /** Transactions committed and jobs in them, for tests and benchmarks. */
  readonly stats: { commits: number; jobs: number };
  close(): Promise<void>;
}
