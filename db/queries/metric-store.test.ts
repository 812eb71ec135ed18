import Database from 'better-sqlite3';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { tempDatabase } from '../../tests/helpers/test-app.ts';
import { seededRandom } from '../../tests/reports/synthetic.ts';
import type { Db } from '../connection.ts';
import { experiments } from '../schema.ts';
import {
  aggregateMetrics, refreshMetricStore, storeCaps, storeDailyAggregates, winsorizationCaps, withMetricUsers,
  type GroupAggregate, type StoreMetric
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

type Snapshot = { mode: string; caps: Array<number | null>; daily: GroupAggregate[] };

function storeSnapshot(client: Database.Database, metrics: StoreMetric[], forceRebuild = false): Snapshot {
  return client.transaction(() => {
    const refresh = refreshMetricStore(client, { experimentId, metrics, variantKeys: VARIANTS, nowMs: T0, forceRebuild });
    const caps = storeCaps(client, experimentId, metrics);
    return { mode: refresh.mode, caps, daily: storeDailyAggregates(client, experimentId, metrics, caps, refresh.groups) };
  }).immediate();
}

/** The same snapshot computed from scratch in a copy of the database. */
function fullSnapshot(client: Database.Database, metrics: StoreMetric[]): Snapshot {
  const copyPath = join(database.path, '..', `copy-${Math.floor(random() * 1e9)}.db`);
  client.prepare('VACUUM INTO ?').run(copyPath);
  const copy = new Database(copyPath);
  try {
    return storeSnapshot(copy, metrics, true);
  } finally {
    copy.close();
  }
}

/** The independent temp-table path over the raw events (floats compared to 1e-9). */
function expectMatchesTempTablePath(client: Database.Database, metrics: StoreMetric[], snapshot: Snapshot) {
  const { caps, daily } = withMetricUsers(client, { experimentId, metrics }, () => {
    const caps = winsorizationCaps(client, metrics);
    return { caps, daily: aggregateMetrics(client, metrics, caps, 'day') };
  });
  expect(snapshot.caps).toEqual(caps);
  expect(snapshot.daily.map((r) => [r.day, r.variant, r.users, r.conflicted])).toEqual(daily.map((r) => [r.day, r.variant, r.users, r.conflicted]));
  daily.forEach((row, i) => row.metrics.forEach((sums, m) => {
    for (const [field, expected] of Object.entries(sums)) {
      const actual = snapshot.daily[i].metrics[m][field as keyof typeof sums];
      expect(Math.abs(actual - expected), `${metrics[m].key}.${field} day ${row.day} ${row.variant}`).toBeLessThanOrEqual(1e-9 * Math.max(1, Math.abs(expected)));
    }
  }));
}

beforeEach(() => {
  database = tempDatabase();
  db = database.db;
  experimentId = db.insert(experiments).values({ key: 'store', name: 'Store' }).returning().get().id;
  random = seededRandom(20261130);
  nextUser = 0;
  exposed.length = 0;
});
afterEach(() => database.cleanup());

describe('refreshMetricStore', () => {
  it('gives exactly the full recomputation after rounds of new exposures, late events and conflicts', () => {
    const client = db.$client;
    round(client, 300, T0 + DAY);
    expect(storeSnapshot(client, baseMetrics).mode).toBe('rebuild');
    for (let r = 2; r <= 6; r++) {
      round(client, 60, T0 + r * DAY);
      const incremental = storeSnapshot(client, baseMetrics);
      expect(incremental.mode).toBe('incremental');
      expect(incremental).toEqual({ ...fullSnapshot(client, baseMetrics), mode: 'incremental' });
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
    expect(after).toEqual({ ...fullSnapshot(client, edited), mode: 'unchanged' });
    expectMatchesTempTablePath(client, edited, after);
    const stale = client.prepare('SELECT COUNT(*) AS n FROM report_metric_users WHERE metric_id NOT IN (SELECT value FROM json_each(?))')
      .get(JSON.stringify(edited.map((m) => m.metricId))) as { n: number };
    expect(stale.n).toBe(0);
  });

  it('rebuilds when a first exposure moves earlier (out-of-order exposures) or the variants change', () => {
    const client = db.$client;
    round(client, 200, T0 + DAY);
    storeSnapshot(client, baseMetrics);
    client.prepare('UPDATE exposures SET first_exposed_at_ms = first_exposed_at_ms - 3600000 WHERE experiment_id = ? AND user_id = ?').run(experimentId, 'u5');
    const moved = storeSnapshot(client, baseMetrics);
    expect(moved.mode).toBe('rebuild');
    expectMatchesTempTablePath(client, baseMetrics, moved);
    const changed = client.transaction(() => refreshMetricStore(client, { experimentId, metrics: baseMetrics, variantKeys: [...VARIANTS, 'third'], nowMs: T0 })).immediate();
    expect(changed.mode).toBe('rebuild');
  });
});
