/**
 * The report source of SQLite: a report's sufficient statistics from the incremental report
 * store, cached per connection until the database changes. A repeat view with no write in
 * between reuses the cached aggregates; any write (this connection's `total_changes()`, or
 * another connection's commit seen through `PRAGMA data_version`) refreshes the store past its
 * watermarks first, which costs about the new events and exposures, not the whole table.
 */
import type Database from 'better-sqlite3';
import type { Db } from './connection.ts';
import {
  ensureReportStore, exposureGroups, needsFullRebuild, rebuildMetricStoreInChunks, refreshMetricStore, segmentAttributes, segmentAttributeSeen,
  storeCaps, storeDailyAggregates, storeExposureSpan, storeSegmentAggregates, tuneForReports, type RefreshResult
} from './queries/index.ts';
import type { AggregatesInput, ReportAggregates, ReportSource } from '../store/index.ts';

/** The aggregates with what the refresh before them did (for tests and benchmarks). */
export type SqliteReportAggregates = ReportAggregates & { refresh: RefreshResult };

type Entry = { stamp: string; value: SqliteReportAggregates };
const caches = new WeakMap<Database.Database, Map<string, Entry>>();
const MAX_ENTRIES = 32;

/** Changes whenever anything was committed to the database since the last call's value. */
function changeStamp(client: Database.Database): string {
  const dataVersion = client.pragma('data_version', { simple: true }) as number;
  const { n } = client.prepare('SELECT total_changes() AS n').get() as { n: number };
  return `${dataVersion}:${n}`;
}

function compute(client: Database.Database, input: AggregatesInput): SqliteReportAggregates {
  const { experimentId, metrics } = input;
  ensureReportStore(client);
  tuneForReports(client);
  // A full rebuild runs in short transactions of its own (see rebuildMetricStoreInChunks).
  if (needsFullRebuild(client, experimentId, input.variantKeys)) {
    rebuildMetricStoreInChunks(client, { experimentId, metrics, variantKeys: input.variantKeys, nowMs: input.nowMs });
  }
  // One transaction: the refresh and every aggregate see the same exposures and events. Deferred:
  // it reads the main file's snapshot and writes only the report store's file.
  return client.transaction(() => {
    const refresh = refreshMetricStore(client, { experimentId, metrics, variantKeys: input.variantKeys, nowMs: input.nowMs });
    const groups = exposureGroups(client, experimentId);
    const caps = storeCaps(client, experimentId, metrics);
    const daily = storeDailyAggregates(client, experimentId, metrics, caps, groups);
    const exposuresByDay = groups.map((g) => ({ day: g.day, variant: g.variant, users: g.users }));
    const span = storeExposureSpan(client, experimentId, [...new Set([...input.variantKeys, ...groups.map((g) => g.variant)])]);
    const segmentRows = input.segment ? storeSegmentAggregates(client, experimentId, metrics, caps, input.segment) : null;
    return { caps, daily, exposuresByDay, span, segmentRows, refresh };
  }).deferred();
}

/**
 * The aggregates of a report, from the cache when nothing was written since they were
 * computed, else after an incremental refresh of the store.
 * @example reportAggregates(db.$client, { experimentId: 7, metrics, variantKeys: ['control', 'b'], segment: null, nowMs })
 */
export function reportAggregates(client: Database.Database, input: AggregatesInput): SqliteReportAggregates {
  let cache = caches.get(client);
  if (!cache) caches.set(client, (cache = new Map()));
  const key = JSON.stringify([input.experimentId, input.metrics, input.variantKeys, input.segment]);
  const hit = cache.get(key);
  const before = changeStamp(client);
  if (hit && hit.stamp === before) return hit.value;
  const value = compute(client, input);
  const after = changeStamp(client);
  // The refresh itself only writes the store, which changes no aggregate: entries that were
  // current before it stay current.
  for (const entry of cache.values()) if (entry.stamp === before) entry.stamp = after;
  cache.delete(key);
  cache.set(key, { stamp: after, value });
  if (cache.size > MAX_ENTRIES) cache.delete(cache.keys().next().value!);
  return value;
}

/**
 * The report source over one connection: aggregates in SQL from the incremental store.
 * @example await sqliteReportSource(db).segmentAttributes(7) // ['channel', 'country']
 */
export function sqliteReportSource(db: Db): ReportSource {
  const client = db.$client;
  return {
    async aggregates(input) { return reportAggregates(client, input); },
    async segmentSeen(experimentId, attribute) { return segmentAttributeSeen(client, experimentId, attribute); },
    async segmentAttributes(experimentId) { return segmentAttributes(client, experimentId); }
  };
}
