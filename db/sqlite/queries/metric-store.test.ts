import Database from 'better-sqlite3';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { tempDatabase } from '../../../tests/helpers/test-app.ts';
import { seededRandom } from '../../../tests/reports/synthetic.ts';
import type { Db } from '../connection.ts';
import { experiments } from '../schema.ts';
import { attachReportStore, ensureReportStore } from './report-store-schema.ts';
import {
  aggregateMetrics, exposureGroups, rebuildMetricStoreInChunks, refreshMetricStore, storeCaps, storeDailyAggregates, storeSegmentAggregates, winsorizationCaps, withMetricUsers,
  type GroupAggregate, type RebuildPath, type StoreMetric
} from './index.ts';

const DAY = 86_400_000;
const T0 = Date.UTC(2026, 10, 30);
const VARIANTS = ['control', 'treatment'];
const EVENT_NAMES = ['open', 'click', 'buy', 'signup', 'other'];

let database: ReturnType<typeof tempDatabase>;
let db: Db;
let experimentId: number;
let random: () => number;
let nextUser = 0;
const exposed: Array<{ userId: string; firstMs: number }> = [];

const baseMetrics: StoreMetric[] = [
  { metricId: 11, key: 'signed-up', kind: 'binomial', eventName: 'signup', windowDays: 7 },
  { metricId: 12, key: 'opens', kind: 'count', eventName: 'open', windowDays: 3 },
  { metricId: 13, key: 'revenue', kind: 'sum', eventName: 'buy', windowDays: 14, winsorizePercentile: 0.9 },
  { metricId: 14, key: 'ctr', kind: 'ratio', eventName: 'click', denominatorEventName: 'open', windowDays: 7 },
  { metricId: 15, key: 'buys', kind: 'count', eventName: 'buy', windowDays: 5, winsorizePercentile: 0.8 }
];

function insertEvent(client: Database.Database, userId: string, name: string, atMs: number) {
  const value = name === 'buy' ? Math.round(random() * 1e6) / 997 : name === 'click' && random() < 0.3 ? random() * 3 : null;
  client.prepare('INSERT INTO events (user_id, event_name, value, timestamp_ms, received_at_ms) VALUES (?, ?, ?, ?, ?)')
    .run(userId, name, value, Math.round(atMs), Math.round(atMs));
}

function exposeUser(client: Database.Database, userId: string, firstMs: number) {
  const variant = VARIANTS[Math.floor(random() * VARIANTS.length)];
  client.prepare(
    `INSERT INTO exposures (experiment_id, user_id, variant_key, first_exposed_at_ms, last_exposed_at_ms, conflict_count, attributes)
     VALUES (?, ?, ?, ?, ?, 0, ?)`
  ).run(experimentId, userId, variant, firstMs, firstMs, JSON.stringify({ channel: random() < 0.5 ? 'email' : 'push' }));
  exposed.push({ userId, firstMs });
}

/** One round: new users (some with events that arrived before their exposure), new and late events, conflicts. */
function round(client: Database.Database, newUsers: number, nowMs: number) {
  for (let i = 0; i < newUsers; i++) {
    const userId = `u${nextUser++}`;
    const firstMs = nowMs - Math.floor(random() * 2 * DAY);
    // Events stored before the exposure row exists, some with timestamps before the exposure.
    if (random() < 0.3) insertEvent(client, userId, EVENT_NAMES[Math.floor(random() * 5)], firstMs + (random() - 0.3) * 2 * DAY);
    exposeUser(client, userId, firstMs);
  }
  for (let i = 0; i < newUsers * 3; i++) {
    const user = exposed[Math.floor(random() * exposed.length)];
    const name = EVENT_NAMES[Math.floor(random() * 5)];
    const kind = random();
    // Current events, late events (old timestamps, new ids) inside and outside the windows.
    const at = kind < 0.5 ? user.firstMs + random() * 4 * DAY : kind < 0.8 ? user.firstMs + random() * 16 * DAY : user.firstMs - random() * DAY;
    insertEvent(client, user.userId, name, at);
  }
  insertEvent(client, `never-exposed-${nextUser}`, 'buy', nowMs);
  const conflicted = exposed[Math.floor(random() * exposed.length)];
  client.prepare('UPDATE exposures SET conflict_count = conflict_count + 1 WHERE experiment_id = ? AND user_id = ?').run(experimentId, conflicted.userId);
}

type Snapshot = { mode: string; caps: Array<number | null>; daily: GroupAggregate[]; segments: GroupAggregate[]; stored: unknown[] };

function storeSnapshot(client: Database.Database, metrics: StoreMetric[], forceRebuild = false, rebuildPath: RebuildPath = 'auto'): Snapshot {
  return client.transaction(() => {
    const refresh = refreshMetricStore(client, { experimentId, metrics, variantKeys: VARIANTS, nowMs: T0, forceRebuild, rebuildPath });
    const caps = storeCaps(client, experimentId, metrics);
    const daily = storeDailyAggregates(client, experimentId, metrics, caps, exposureGroups(client, experimentId));
    // Every stored per-user value, to compare bit for bit with a rebuild.
    const stored = client.prepare('SELECT metric_id, user_id, variant_key, day, value, denominator, winsorized FROM report_user_values ORDER BY metric_id, user_id').raw().all();
    // The split by channel: from scratch on first use, then kept up to date by each refresh.
    const segments = storeSegmentAggregates(client, experimentId, metrics, caps, 'channel');
    return { mode: refresh.mode, caps, daily, segments, stored };
  }).immediate();
}

/** The same snapshot computed from scratch in a copy of the database. */
function fullSnapshot(client: Database.Database, metrics: StoreMetric[], rebuildPath: RebuildPath = 'auto'): Snapshot {
  const copyPath = join(database.path, '..', `copy-${Math.floor(random() * 1e9)}.db`);
  client.prepare('VACUUM INTO ?').run(copyPath);
  const copy = new Database(copyPath);
  attachReportStore(copy, copyPath);
  try {
    return storeSnapshot(copy, metrics, true, rebuildPath);
  } finally {
    copy.close();
  }
}

/**
 * Incremental equals a rebuild: mode aside, every stored per-user value bit for bit, caps, days, variants, users, conflicts and every
 * sum of an integer metric (binomial, count) exactly; the running sums of non-integer values
 * (sum and ratio metrics) add in another order than a rebuild, so those compare to 1e-12
 * relative (the drift is ~1e-15).
 */
function expectEqualsRebuild(actual: Snapshot, rebuilt: Snapshot, metrics: StoreMetric[]) {
  expect(actual.stored.length).toBeGreaterThan(0);
  expect(actual.stored).toEqual(rebuilt.stored);
  expect(actual.caps).toEqual(rebuilt.caps);
  for (const part of ['daily', 'segments'] as const) {
    const shape = (s: Snapshot) => s[part].map((r) => [r.day, r.variant, r.segment, r.users, r.conflicted,
      r.metrics.map((m, i) => (metrics[i].kind === 'binomial' || metrics[i].kind === 'count' ? m : null))]);
    expect(shape(actual), part).toEqual(shape(rebuilt));
    rebuilt[part].forEach((row, i) => row.metrics.forEach((sums, m) => {
      for (const [field, expected] of Object.entries(sums)) {
        const got = actual[part][i].metrics[m][field as keyof typeof sums];
        expect(Math.abs(got - expected), `${part} ${metrics[m].key}.${field} ${row.day ?? row.segment} ${row.variant}`)
          .toBeLessThanOrEqual(1e-12 * Math.max(1, Math.abs(expected)));
      }
    }));
  }
}

/** The independent temp-table path over the raw events (floats compared to 1e-9). */
function expectMatchesTempTablePath(client: Database.Database, metrics: StoreMetric[], snapshot: Snapshot) {
  const { caps, daily, segments } = withMetricUsers(client, { experimentId, metrics, segmentAttribute: 'channel' }, () => {
    const caps = winsorizationCaps(client, metrics);
    return { caps, daily: aggregateMetrics(client, metrics, caps, 'day'), segments: aggregateMetrics(client, metrics, caps, 'segment') };
  });
  expect(snapshot.caps).toEqual(caps);
  for (const [part, expectedRows] of [['daily', daily], ['segments', segments]] as const) {
    const shape = (rows: GroupAggregate[]) => rows.map((r) => [r.day, r.segment, r.variant, r.users, r.conflicted]);
    expect(shape(snapshot[part]), part).toEqual(shape(expectedRows));
    expectedRows.forEach((row, i) => row.metrics.forEach((sums, m) => {
      for (const [field, expected] of Object.entries(sums)) {
        const actual = snapshot[part][i].metrics[m][field as keyof typeof sums];
        expect(Math.abs(actual - expected), `${part} ${metrics[m].key}.${field} ${row.day ?? row.segment} ${row.variant}`).toBeLessThanOrEqual(1e-9 * Math.max(1, Math.abs(expected)));
      }
    }));
  }
}

beforeEach(() => {
  database = tempDatabase();
  ensureReportStore(database.db.$client);
  db = database.db;
  experimentId = db.insert(experiments).values({ key: 'store', name: 'Store' }).returning().get().id;
  random = seededRandom(20261130);
  nextUser = 0;
  exposed.length = 0;
});
afterEach(() => database.cleanup());

describe('refreshMetricStore', () => {
  it('equals the full recomputation (integer sums exactly) after rounds of new exposures, late events and conflicts', () => {
    const client = db.$client;
    round(client, 300, T0 + DAY);
    expect(storeSnapshot(client, baseMetrics).mode).toBe('rebuild');
    for (let r = 2; r <= 6; r++) {
      round(client, 60, T0 + r * DAY);
      const incremental = storeSnapshot(client, baseMetrics);
      expect(incremental.mode).toBe('incremental');
      // A rebuild driven by the events index and one driven by the exposures store the same values.
      for (const path of ['events', 'exposures'] as const) expectEqualsRebuild(incremental, fullSnapshot(client, baseMetrics, path), baseMetrics);
      expectMatchesTempTablePath(client, baseMetrics, incremental);
    }
    expect(storeSnapshot(client, baseMetrics).mode).toBe('unchanged');
  });

  it.each([
    ['a window', (m: StoreMetric[]) => m.map((x) => (x.key === 'opens' ? { ...x, windowDays: 1 } : x)), 1],
    ['an event', (m: StoreMetric[]) => m.map((x) => (x.key === 'signed-up' ? { ...x, eventName: 'click' } : x)), 1],
    ['a kind', (m: StoreMetric[]) => m.map((x) => (x.key === 'buys' ? { ...x, kind: 'sum' as const } : x)), 1],
    ['the experiment duration (every metric window)', (m: StoreMetric[]) => m.map((x) => ({ ...x, windowDays: 21 })), 5],
    ['a new metric', (m: StoreMetric[]) => [...m, { metricId: 16, key: 'clicks', kind: 'count' as const, eventName: 'click', windowDays: 2 }], 1],
    ['a removed metric', (m: StoreMetric[]) => m.slice(1), 0]
  ])('rebuilds what depends on %s when it changes', (_name, edit, rebuilt) => {
    const client = db.$client;
    round(client, 200, T0 + DAY);
    storeSnapshot(client, baseMetrics);
    round(client, 40, T0 + 2 * DAY);
    const edited = edit(baseMetrics);
    const refresh = client.transaction(() => refreshMetricStore(client, { experimentId, metrics: edited, variantKeys: VARIANTS, nowMs: T0 })).immediate();
    expect(refresh.rebuiltMetrics).toBe(rebuilt);
    const after = storeSnapshot(client, edited);
    expect(after.mode).toBe('unchanged');
    expectEqualsRebuild(after, fullSnapshot(client, edited), edited);
    expectMatchesTempTablePath(client, edited, after);
    for (const table of ['report_user_values', 'report_group_sums']) {
      const stale = client.prepare(`SELECT COUNT(*) AS n FROM ${table} WHERE metric_id NOT IN (SELECT value FROM json_each(?))`)
        .get(JSON.stringify([0, ...edited.map((m) => m.metricId)])) as { n: number };
      expect(stale.n, table).toBe(0);
    }
  });

  it('recomputes just the users whose first exposure moved earlier (out-of-order exposures)', () => {
    const client = db.$client;
    round(client, 200, T0 + DAY);
    storeSnapshot(client, baseMetrics);
    const move = client.prepare('UPDATE exposures SET first_exposed_at_ms = first_exposed_at_ms + ? WHERE experiment_id = ? AND user_id = ?');
    move.run(-3 * 3600000, experimentId, 'u5');
    move.run(-DAY, experimentId, 'u5');
    move.run(-2 * DAY, experimentId, 'u7');
    move.run(3600000, experimentId, 'u9'); // later: not a move the store cares about (first exposures only move earlier)
    // An append-only log (the analysis thread never writes the main file): each move, in order.
    expect(client.prepare('SELECT user_id FROM report_moved_exposures ORDER BY seq').pluck().all()).toEqual(['u5', 'u5', 'u7']);
    const moved = storeSnapshot(client, baseMetrics);
    expect(moved.mode).toBe('incremental');
    // Consumed: the store's watermark is past every move, and a refresh with nothing new changes nothing.
    expect(client.prepare('SELECT last_moved_seq FROM report_refresh_state WHERE experiment_id = ?').pluck().get(experimentId)).toBe(3);
    expect(storeSnapshot(client, baseMetrics).mode).toBe('unchanged');
    client.prepare('UPDATE exposures SET first_exposed_at_ms = first_exposed_at_ms - 3600000 WHERE experiment_id = ? AND user_id = ?').run(experimentId, 'u9');
    round(client, 30, T0 + 2 * DAY);
    const after = storeSnapshot(client, baseMetrics);
    expectEqualsRebuild(after, fullSnapshot(client, baseMetrics), baseMetrics);
    expectMatchesTempTablePath(client, baseMetrics, after);
  });

  it('a rebuild in short transactions, then a catch-up refresh, equals a rebuild in one', () => {
    const client = db.$client;
    round(client, 200, T0 + DAY);
    rebuildMetricStoreInChunks(client, { experimentId, metrics: baseMetrics, variantKeys: VARIANTS, nowMs: T0 });
    expect(client.inTransaction).toBe(false);
    // Written after the chunks' watermarks, before the next refresh.
    round(client, 40, T0 + 2 * DAY);
    const after = storeSnapshot(client, baseMetrics);
    expect(after.mode).toBe('incremental');
    expectEqualsRebuild(after, fullSnapshot(client, baseMetrics), baseMetrics);
    expectMatchesTempTablePath(client, baseMetrics, after);
  });

  it('rebuilds when the variants change', () => {
    const client = db.$client;
    round(client, 200, T0 + DAY);
    storeSnapshot(client, baseMetrics);
    const changed = client.transaction(() => refreshMetricStore(client, { experimentId, metrics: baseMetrics, variantKeys: [...VARIANTS, 'third'], nowMs: T0 })).immediate();
    expect(changed.mode).toBe('rebuild');
  });
});
