/**
 * What assignment (`/assign`, exposures, the SDK payload) needs of every experiment: its
 * assignment fields, its layer's key, its variants in position order and its plan's holdout. Read by the API's
 * config cache (api/assign/config-cache.ts) from the engine: SQLite synchronously on the
 * request thread (db/sqlite/assign-configs.ts), PostgreSQL with one query (db/postgres/assign-configs.ts).
 */
import type { ExperimentStatus, TargetingCondition } from '../../calendar/model.ts';

export type AssignConfigRow = {
  id: number; key: string; status: ExperimentStatus; seed: string | null; hashVersion: number; coverage: number;
  targeting: TargetingCondition[]; forcedVariants: Record<string, string>; rolloutVariantKey: string | null;
  layerKey: string | null; layerStart: number | null; layerEnd: number | null; startedAtMs: number | null;
  variants: Array<{ key: string; weight: number; isControl: boolean }>;
  /** The experiment's plan and that plan's program holdout (share 0: none). */
  planId: number | null; holdoutShare: number; holdoutSeed: string | null;
};

/**
 * The assignment configs of one database, read synchronously (the hot paths' config cache must
 * not wait): every experiment's row, and a number that changes when another connection or
 * process wrote the database (the cache's cue to reload before its TTL).
 */
export interface AssignConfigSource {
  /** Changes after another connection's commit; a write on this connection does not change it (SQLite's PRAGMA data_version). */
  dataVersion(): number;
  /** Every experiment's assignment config row (a few hundred). */
  rows(): AssignConfigRow[];
}
