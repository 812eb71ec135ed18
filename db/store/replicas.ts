/**
 * What several server processes on one database need from the engine: one leader at a time
 * (for the work that must run once, such as the scheduler) and a feed of the changes other
 * processes commit (for the caches each process keeps). SQLite is one process: it is always the
 * leader and has no other writers to hear from. PostgreSQL: db/postgres/leadership.ts (a
 * session advisory lock) and db/postgres/change-feed.ts (LISTEN/NOTIFY).
 */

/** Told when this process becomes the leader and when it stops being it. */
export type LeaderCallbacks = {
  /** This process is now the only leader. */
  elected(): void;
  /** It is no longer (its connection died, or `stop`): stop the leader-only work at once. */
  deposed(reason: string): void;
};

/** A running candidacy: `stop()` gives up the lead (if held) and stops trying. */
export type Candidacy = { readonly leading: boolean; stop(): Promise<void> };

export interface Leadership {
  /**
   * Tries to become the leader, and keeps trying while another process is: at most one process
   * per database is between `elected` and `deposed` at any time (give or take the seconds a
   * lost connection takes to be noticed; the work it guards must tolerate that, see README).
   * @example const run = leadership.campaign({ elected: () => scheduler.start(), deposed: () => scheduler.stop() });
   */
  campaign(callbacks: LeaderCallbacks): Candidacy;
}

/**
 * A change another process (or this one) committed, as the change feed announces it:
 * `experiments` (an experiment, its variants or its layer: status, weights, rollout, forced
 * variants, targeting), `keys` (an API key created, changed or revoked; `revokedKeyId` when
 * revoked), or `everything` (the feed was disconnected: changes may have been missed, reload all).
 */
export type Change =
  | { topic: 'experiments'; experimentKey: string | null }
  | { topic: 'keys'; keyId: number; revoked: boolean }
  | { topic: 'everything' };

export interface ChangeFeed {
  /**
   * Calls `listener` with every change committed on the database, in commit order, until the
   * returned function is called. Not inside a transaction: the change is visible when it arrives.
   * @example const off = feed.subscribe((c) => { if (c.topic !== 'keys') cache.invalidate(); });
   */
  subscribe(listener: (change: Change) => void): () => void;
  /** Stops listening (shutdown, tests). */
  close(): Promise<void>;
}

/** What an engine offers for running several processes on one database (see api/replicas.ts). */
export type Replicas = {
  leadership: Leadership;
  /** Opens the feed (one connection on PostgreSQL): call once per process, close on shutdown. */
  changeFeed(): ChangeFeed;
};

/** One process on its own database (SQLite): always the leader, at once. */
export const soleLeadership: Leadership = {
  campaign(callbacks) {
    let leading = true;
    callbacks.elected();
    return {
      get leading() { return leading; },
      async stop() { if (leading) { leading = false; callbacks.deposed('stopped'); } }
    };
  }
};

/** No other process writes (SQLite: changes are announced in process, calendar/lifecycle/change-hooks.ts). */
export const noChangeFeed: ChangeFeed = {
  subscribe() { return () => {}; },
  async close() {}
};

/** SQLite's: one process, the leader, hearing only itself. */
export const soleReplica: Replicas = { leadership: soleLeadership, changeFeed: () => noChangeFeed };
