/**
 * What a server process runs besides answering requests, so that any number of them can share
 * one database: the scheduler, in the leader only (db/store `Leadership`), and the change feed,
 * which turns every change committed by any replica into the in-process announcements the
 * caches already listen to: `notifyExperimentChanged` (assignment configs, the SDK payload and
 * its SSE streams) and `announceKeyRevoked` (open SDK streams of a revoked key close). Used by
 * `npm start` (api/server.ts), `npm run dev` (api/dev-entry.ts) and the multi-replica tests.
 */
import type { AppDeps } from './deps.ts';
import type { Change, Replicas } from '../db/store/index.ts';
import { notifyExperimentChanged, schedulerIntervalMs, startSchedulerWhenLeader } from '../calendar/lifecycle/index.ts';
import { announceKeyRevoked } from '../calendar/keys/index.ts';

/** The key announced when a change may concern every experiment (a layer, a reconnect). */
export const ANY_EXPERIMENT = '*';

/**
 * Applies one change from the feed to this process's caches.
 * @example applyChange({ topic: 'keys', keyId: 3, revoked: true }) // SDK streams of key 3 close
 */
export function applyChange(change: Change): void {
  if (change.topic === 'experiments') notifyExperimentChanged(change.experimentKey ?? ANY_EXPERIMENT);
  else if (change.topic === 'keys') { if (change.revoked) announceKeyRevoked(change.keyId); }
  else notifyExperimentChanged(ANY_EXPERIMENT);
}

export type ReplicaDuties = {
  /** True while this process leads (runs the scheduler). */
  readonly leading: boolean;
  /** Stops the scheduler, gives up the lead and closes the feed. */
  stop(): Promise<void>;
};

/**
 * Starts the scheduler (when this process leads) and the change feed.
 * @example const duties = startReplicaDuties(deps, replicas); ...; await duties.stop();
 */
export function startReplicaDuties(deps: AppDeps, replicas: Replicas, options: { intervalMs?: number } = {}): ReplicaDuties {
  const feed = replicas.changeFeed();
  const off = feed.subscribe(applyChange);
  const scheduler = startSchedulerWhenLeader(deps.data, replicas.leadership, { now: deps.now, intervalMs: options.intervalMs ?? schedulerIntervalMs() });
  return {
    get leading() { return scheduler.leading; },
    async stop() {
      off();
      await Promise.all([scheduler.stop(), feed.close()]);
    }
  };
}
