/**
 * The incremental refresh costs about the new rows, not the experiment: every statement it
 * runs after a few new events and exposures is checked with EXPLAIN QUERY PLAN, and none may
 * scan the experiment's exposures, the events table or the store (a SEARCH through an index
 * on the new ids or the changed users is fine; the small temp tables may be scanned).
 */
import type Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { tempDatabase } from '../../../tests/helpers/test-app.ts';
import { ensureReportStore } from './report-store-schema.ts';
import { experiments } from '../schema.ts';
import { refreshMetricStore, type StoreMetric } from './index.ts';

const DAY = 86_400_000;
const T0 = Date.UTC(2026, 10, 30);
const metrics: StoreMetric[] = [
  { metricId: 21, key: 'signed-up', kind: 'binomial', eventName: 'signup', windowDays: 7 },
  { metricId: 22, key: 'revenue', kind: 'sum', eventName: 'buy', windowDays: 14, winsorizePercentile: 0.9 },
  { metricId: 23, key: 'ctr', kind: 'ratio', eventName: 'click', denominatorEventName: 'open', windowDays: 7 }
];
const VARIANTS = ['control', 'treatment'];

let database: ReturnType<typeof tempDatabase>;

/**
 * A plan line that reads a big table (exposures, events, the per-user store; aliased x, e, r)
 * other than through a user id or a bounded range of new ids: a scan, or a search on the
 * experiment alone or on ids below a watermark, walks the whole experiment.
 */
function walksBigTable(detail: string): boolean {
  const match = /^(SCAN|SEARCH) (\S+)(.*)$/.exec(detail);
  if (!match) return false;
  const [, how, name, rest] = match;
  if (!/^(exposures|events|report_user_values|x|e|r)$/.test(name)) return false;
  if (how === 'SCAN') return true;
  if (rest === '') return false; // MIN/MAX through the primary key: one row
  return !/user_id=\?|rowid>\? AND rowid<\?/.test(rest);
}
let experimentId: number;

function expose(client: Database.Database, userId: string, atMs: number) {
  client.prepare(`INSERT INTO exposures (experiment_id, user_id, variant_key, first_exposed_at_ms, last_exposed_at_ms, conflict_count, attributes)
    VALUES (?, ?, ?, ?, ?, 0, '{}')`).run(experimentId, userId, VARIANTS[userId.length % 2], atMs, atMs);
}
function event(client: Database.Database, userId: string, name: string, atMs: number) {
  client.prepare('INSERT INTO events (user_id, event_name, value, timestamp_ms, received_at_ms) VALUES (?, ?, ?, ?, ?)')
    .run(userId, name, name === 'buy' ? 9.5 : null, atMs, atMs);
}

/** Runs `work` and returns the query plan lines of every statement it prepared (planned as it is prepared, while its temp tables exist). */
function plansOf(client: Database.Database, work: () => void): Array<{ sql: string; detail: string }> {
  const plans: Array<{ sql: string; detail: string }> = [];
  const prepare = client.prepare.bind(client);
  client.prepare = ((sql: string) => {
    const statement = prepare(sql);
    if (/^\s*(SELECT|INSERT|DELETE|UPDATE|WITH)/i.test(sql)) {
      // Plans do not depend on the values: bind nulls by name or position.
      const named = [...new Set([...sql.matchAll(/[:@$]([A-Za-z_]\w*)/g)].map((m) => m[1]))];
      const args = named.length ? [Object.fromEntries(named.map((n) => [n, null]))] : new Array((sql.match(/\?/g) ?? []).length).fill(null);
      for (const row of prepare(`EXPLAIN QUERY PLAN ${sql}`).all(...args) as Array<{ detail: string }>) plans.push({ sql, detail: row.detail });
    }
    return statement;
  }) as typeof client.prepare;
  try { work(); } finally { client.prepare = prepare as typeof client.prepare; }
  return plans;
}

describe('incremental refresh query plans', () => {
  beforeEach(() => {
    database = tempDatabase();
    ensureReportStore(database.db.$client);
    const db = database.db;
    const plan = db.$client.prepare(
      `INSERT INTO plans (name, start_date, weeks, created_at_ms, updated_at_ms) VALUES ('p', '2026-11-30', 12, 0, 0) RETURNING id`
    ).pluck().get() as number;
    experimentId = db.insert(experiments).values({
      planId: plan, key: 'plan-check', name: 'Plan check', week: 1, channel: 'email', durationDays: 14, status: 'running'
    } as typeof experiments.$inferInsert).returning({ id: experiments.id }).get().id;
    const client = db.$client;
    client.transaction(() => {
      for (let i = 0; i < 3000; i++) {
        expose(client, `u${i}`, T0 + (i % 5) * DAY);
        if (i % 3 === 0) event(client, `u${i}`, 'signup', T0 + (i % 5) * DAY + 1000);
        if (i % 4 === 0) event(client, `u${i}`, 'buy', T0 + (i % 5) * DAY + 2000);
        if (i % 2 === 0) event(client, `u${i}`, 'open', T0 + (i % 5) * DAY + 3000);
      }
    })();
    client.transaction(() => refreshMetricStore(client, { experimentId, metrics, variantKeys: VARIANTS, nowMs: T0 }))();
  });
  afterEach(() => database.cleanup());

  it.each([['without table statistics', false], ['after ANALYZE', true]])('%s: after one new event, a moved and a new exposure, no statement walks exposures, events or the store', (_name, analyze) => {
    const client = database.db.$client;
    if (analyze) client.exec('ANALYZE');
    client.prepare('UPDATE exposures SET first_exposed_at_ms = first_exposed_at_ms - ? WHERE experiment_id = ? AND user_id = ?').run(DAY, experimentId, 'u11');
    event(client, 'u7', 'buy', T0 + 3 * DAY);
    expose(client, 'new-user', T0 + 4 * DAY);
    let mode = '';
    const plans = plansOf(client, () => {
      mode = client.transaction(() => refreshMetricStore(client, { experimentId, metrics, variantKeys: VARIANTS, nowMs: T0 }))().mode;
    });
    expect(mode).toBe('incremental');
    expect(plans.length).toBeGreaterThan(10);
    const walks = plans.filter((p) => walksBigTable(p.detail));
    expect(walks.map((w) => `${w.detail} in ${w.sql.replace(/\s+/g, ' ').slice(0, 160)}`)).toEqual([]);
  });
});
