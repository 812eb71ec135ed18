/**
 * Rows below the stores for the shared suite's tests, on either engine (`t.rows` of
 * createTestApp): what only the hot paths write (exposures, plan exposures, events), read back
 * or set up in bulk, and plain SQL that both engines understand. One implementation per engine,
 * on that engine's Drizzle schema; the values come back in the same shapes (numbers for ids and
 * times, exposure attributes as objects).
 * @example expect(await t.rows.exposure('hero', 'u1')).toMatchObject({ variantKey: 'control', exposureCount: 1 });
 */
import { and, asc, eq, like, type Column, type SQL } from 'drizzle-orm';
import type { Db } from '../../db/sqlite/connection.ts';
import * as lite from '../../db/sqlite/schema.ts';
import type { PgDb } from '../../db/postgres/connection.ts';
import * as pgs from '../../db/postgres/schema.ts';
import { generateSynthetic, syntheticRows, type SyntheticSpec } from '../reports/synthetic.ts';

export type ExposureRow = typeof lite.exposures.$inferSelect;
export type EventRow = typeof lite.events.$inferSelect;
export type PlanExposureRow = typeof lite.planExposures.$inferSelect;
export type NewExposure = typeof lite.exposures.$inferInsert;
export type NewEvent = typeof lite.events.$inferInsert;
export type AuditRow = typeof lite.auditLog.$inferSelect;
export type EventFilter = { userId?: string; clientEventId?: string; eventName?: string; clientEventIdPrefix?: string };

export type AppRows = {
  /** Rows of a query both engines understand, `?` for each parameter (PostgreSQL: numbered for you). */
  query<T = Record<string, unknown>>(text: string, params?: unknown[]): Promise<T[]>;
  /** A statement both engines understand (`update …`), `?` for each parameter; resolves with the rows it changed. */
  run(text: string, params?: unknown[]): Promise<number>;
  /** The first column of the first row as a number (`select count(*) …`: PostgreSQL's bigint too). */
  number(text: string, params?: unknown[]): Promise<number>;
  /** The id of experiment `key` (throws when there is none). */
  experimentId(key: string): Promise<number>;
  /** The recorded exposure of a user to experiment `key`, or undefined. */
  exposure(key: string, userId: string): Promise<ExposureRow | undefined>;
  /** Every recorded exposure of experiment `key`, by user id. */
  exposures(key: string): Promise<ExposureRow[]>;
  /** Every recorded exposure of a user. */
  exposuresOf(userId: string): Promise<ExposureRow[]>;
  /** The plan exposure of a user (program holdout), or undefined. */
  planExposure(planId: number, userId: string): Promise<PlanExposureRow | undefined>;
  /** Stored events matching every given field, in insertion order. */
  events(filter: EventFilter): Promise<EventRow[]>;
  /** Inserts exposures and events (one transaction), as the hot paths would have recorded them. */
  insertTraffic(rows: { exposures?: NewExposure[]; events?: NewEvent[] }): Promise<void>;
  /** Synthetic exposures and events (tests/reports/synthetic.ts): the same rows on both engines. */
  synthetic(spec: SyntheticSpec): Promise<{ events: number }>;
  /** Audit lines in the order written, optionally of one entity and/or action. */
  audit(filter?: { entityId?: string; action?: string }): Promise<AuditRow[]>;
  /** Takes every experiment out of its layer and deletes the layers (the starter plan's). */
  clearLayers(): Promise<void>;
};

/** The condition of an events filter on either engine's events table (the columns are named alike). */
function eventsWhere(events: { userId: Column; clientEventId: Column; eventName: Column }, f: EventFilter): SQL | undefined {
  return and(
    ...(f.userId === undefined ? [] : [eq(events.userId, f.userId)]),
    ...(f.clientEventId === undefined ? [] : [eq(events.clientEventId, f.clientEventId)]),
    ...(f.eventName === undefined ? [] : [eq(events.eventName, f.eventName)]),
    ...(f.clientEventIdPrefix === undefined ? [] : [like(events.clientEventId, `${f.clientEventIdPrefix}%`)]));
}

const numbered = (text: string) => { let n = 0; return text.replace(/\?/g, () => `$${++n}`); };

/** The rows of a SQLite test app. */
export function sqliteRows(db: Db): AppRows {
  const s = lite;
  const eventWhere = (f: EventFilter) => eventsWhere(s.events, f);
  const rows: AppRows = {
    async query<T>(text: string, params: unknown[] = []) { return db.$client.prepare(text).all(...params) as T[]; },
    async run(text, params = []) { return db.$client.prepare(text).run(...params).changes; },
    async number(text, params = []) { return Number(db.$client.prepare(text).pluck().get(...params)); },
    async experimentId(key) {
      const found = db.select({ id: s.experiments.id }).from(s.experiments).where(eq(s.experiments.key, key)).get();
      if (!found) throw new Error(`no experiment '${key}'`);
      return found.id;
    },
    async exposure(key, userId) {
      const id = await rows.experimentId(key);
      return db.select().from(s.exposures).where(and(eq(s.exposures.experimentId, id), eq(s.exposures.userId, userId))).get();
    },
    async exposures(key) {
      const id = await rows.experimentId(key);
      return db.select().from(s.exposures).where(eq(s.exposures.experimentId, id)).orderBy(asc(s.exposures.userId)).all();
    },
    async exposuresOf(userId) { return db.select().from(s.exposures).where(eq(s.exposures.userId, userId)).all(); },
    async planExposure(planId, userId) {
      return db.select().from(s.planExposures).where(and(eq(s.planExposures.planId, planId), eq(s.planExposures.userId, userId))).get();
    },
    async events(filter) { return db.select().from(s.events).where(eventWhere(filter)).orderBy(s.events.id).all(); },
    async insertTraffic(traffic) {
      db.transaction((tx) => {
        for (const x of traffic.exposures ?? []) tx.insert(s.exposures).values(x).run();
        for (const e of traffic.events ?? []) tx.insert(s.events).values(e).run();
      }, { behavior: 'immediate' });
    },
    async synthetic(spec) { return generateSynthetic(db.$client, spec); },
    async audit(filter = {}) {
      return db.select().from(s.auditLog).where(and(
        ...(filter.entityId === undefined ? [] : [eq(s.auditLog.entityId, filter.entityId)]),
        ...(filter.action === undefined ? [] : [eq(s.auditLog.action, filter.action)]))).orderBy(asc(s.auditLog.id)).all();
    },
    async clearLayers() {
      db.transaction((tx) => {
        tx.update(s.experiments).set({ layerId: null, layerStart: null, layerEnd: null }).run();
        tx.delete(s.layers).run();
      });
    }
  };
  return rows;
}

/** The rows of a PostgreSQL test app. */
export function postgresRows(db: PgDb): AppRows {
  const s = pgs;
  const eventWhere = (f: EventFilter) => eventsWhere(s.events, f);
  const rows: AppRows = {
    async query<T>(text: string, params: unknown[] = []) { return (await db.$client.query(numbered(text), params)).rows as T[]; },
    async run(text, params = []) { return (await db.$client.query(numbered(text), params)).rowCount ?? 0; },
    async number(text, params = []) {
      const result = await db.$client.query({ text: numbered(text), values: params, rowMode: 'array' });
      return Number((result.rows[0] as unknown[] | undefined)?.[0]);
    },
    async experimentId(key) {
      const [found] = await db.select({ id: s.experiments.id }).from(s.experiments).where(eq(s.experiments.key, key));
      if (!found) throw new Error(`no experiment '${key}'`);
      return found.id;
    },
    async exposure(key, userId) {
      const id = await rows.experimentId(key);
      const [found] = await db.select().from(s.exposures).where(and(eq(s.exposures.experimentId, id), eq(s.exposures.userId, userId)));
      return found;
    },
    async exposures(key) {
      const id = await rows.experimentId(key);
      return db.select().from(s.exposures).where(eq(s.exposures.experimentId, id)).orderBy(asc(s.exposures.userId));
    },
    async exposuresOf(userId) { return db.select().from(s.exposures).where(eq(s.exposures.userId, userId)); },
    async planExposure(planId, userId) {
      const [found] = await db.select().from(s.planExposures).where(and(eq(s.planExposures.planId, planId), eq(s.planExposures.userId, userId)));
      return found;
    },
    async events(filter) { return db.select().from(s.events).where(eventWhere(filter)).orderBy(s.events.id); },
    async insertTraffic(traffic) {
      // One INSERT per table over unnest()ed arrays: 20,000 rows in one statement of 8 parameters
      // (Drizzle's multi-row VALUES builds and binds 160,000 parameters, about 30x slower here).
      const exposures = traffic.exposures ?? [];
      const events = traffic.events ?? [];
      const client = await db.$client.connect();
      try {
        await client.query('begin');
        if (exposures.length) {
          await client.query(
            `insert into exposures (experiment_id, user_id, variant_key, first_exposed_at_ms, last_exposed_at_ms, exposure_count, conflict_count, attributes)
             select * from unnest($1::int[], $2::text[], $3::text[], $4::bigint[], $5::bigint[], $6::int[], $7::int[], $8::jsonb[])`,
            [exposures.map((x) => x.experimentId), exposures.map((x) => x.userId), exposures.map((x) => x.variantKey),
              exposures.map((x) => x.firstExposedAtMs), exposures.map((x) => x.lastExposedAtMs), exposures.map((x) => x.exposureCount ?? 1),
              exposures.map((x) => x.conflictCount ?? 0), exposures.map((x) => JSON.stringify(x.attributes ?? {}))]);
        }
        if (events.length) {
          await client.query(
            `insert into events (client_event_id, user_id, event_name, value, timestamp_ms, received_at_ms)
             select * from unnest($1::text[], $2::text[], $3::text[], $4::float8[], $5::bigint[], $6::bigint[])`,
            [events.map((e) => e.clientEventId ?? null), events.map((e) => e.userId), events.map((e) => e.eventName),
              events.map((e) => e.value ?? null), events.map((e) => e.timestampMs), events.map((e) => e.receivedAtMs)]);
        }
        await client.query('commit');
      } catch (err) {
        await client.query('rollback').catch(() => undefined);
        throw err;
      } finally {
        client.release();
      }
    },
    async synthetic(spec) {
      const exposures: NewExposure[] = [];
      const events: NewEvent[] = [];
      for (const row of syntheticRows(spec)) {
        if (row.kind === 'exposure') {
          exposures.push({ experimentId: row.experimentId, userId: row.userId, variantKey: row.variantKey, firstExposedAtMs: row.atMs,
            lastExposedAtMs: row.atMs, exposureCount: 1, conflictCount: row.conflictCount, attributes: row.attributes });
        } else {
          events.push({ userId: row.userId, eventName: row.eventName, value: row.value, timestampMs: row.atMs, receivedAtMs: row.atMs });
        }
      }
      await rows.insertTraffic({ exposures, events });
      return { events: events.length };
    },
    async audit(filter = {}) {
      return db.select().from(s.auditLog).where(and(
        ...(filter.entityId === undefined ? [] : [eq(s.auditLog.entityId, filter.entityId)]),
        ...(filter.action === undefined ? [] : [eq(s.auditLog.action, filter.action)]))).orderBy(asc(s.auditLog.id));
    },
    async clearLayers() {
      await db.transaction(async (tx) => {
        await tx.update(s.experiments).set({ layerId: null, layerStart: null, layerEnd: null });
        await tx.delete(s.layers);
      });
    }
  };
  return rows;
}
