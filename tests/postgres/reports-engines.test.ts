// One report suite, run on both engines: the same seeded calendar, exposures (with segment
// attributes and a conflicted user), events with values, a moved first exposure and late
// events give the same report, compared as JSON, on SQLite and on PostgreSQL: cold, after new
// events and exposures (the incremental store past its watermarks), split by a segment, and
// equal to a rebuild from scratch. Two PostgreSQL replicas refreshing at once neither corrupt
// nor duplicate the store.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { tempDatabase } from '../helpers/test-app.ts';
import { migratedPostgres } from '../helpers/postgres.ts';
import { sqliteData } from '../../db/sqlite/data.ts';
import { ensureReportStore } from '../../db/sqlite/queries/index.ts';
import type { Db } from '../../db/sqlite/connection.ts';
import { closePostgres, openPostgres, type PgDb } from '../../db/postgres/connection.ts';
import { postgresData } from '../../db/postgres/data.ts';
import { forgetReportStore, postgresAggregates } from '../../db/postgres/report-source.ts';
import type { Data } from '../../db/store/index.ts';
import { seedOnFirstStart } from '../../calendar/seed/index.ts';
import { buildReport, updateMetric } from '../../calendar/reports/index.ts';
import { seededRandom } from '../reports/synthetic.ts';

const KEY = 'w01-onboarding-ebook-reminder';
const SEEDED_AT = Date.parse('2026-11-23T09:00:00Z');
const START = Date.parse('2026-11-30T00:00:00Z');
const NOW = Date.parse('2026-12-20T12:00:00Z');
const DAY = 86_400_000;

type Exposure = { userId: string; variant: string; firstMs: number; conflicted: boolean; attributes: Record<string, unknown> };
type Event = { userId: string; name: string; value: number | null; timestampMs: number };

/** What each engine must write below the stores (ingestion's tables), the same rows on both. */
type Engine = {
  name: string;
  data: Data;
  experimentId: number;
  exposures(rows: Exposure[]): Promise<void>;
  events(rows: Event[]): Promise<void>;
  /** A later exposure with an earlier time: the first exposure moves back (the trigger records it). */
  moveFirstExposure(userId: string, toMs: number): Promise<void>;
  forget(): Promise<void>;
};

/**
 * Deterministic rows. Values are multiples of 1/4, so every sum is exact in binary floating
 * point, whatever order an engine adds them in: the two reports must then be equal to the bit.
 */
function rows(seed: number, users: number, prefix: string, fromDay = 0): { exposures: Exposure[]; events: Event[] } {
  const random = seededRandom(seed);
  const exposures: Exposure[] = [];
  const events: Event[] = [];
  for (let i = 0; i < users; i++) {
    const userId = `${prefix}${i}`;
    const variant = random() < 0.5 ? 'control' : 'guided';
    const firstMs = START + (fromDay + Math.floor(random() * 10)) * DAY + Math.floor(random() * DAY);
    const attributes: Record<string, unknown> = i % 7 === 0 ? {} : { segment: i % 3 === 0 ? 'new' : 'returning', vip: i % 5 === 0, plan: i % 4 };
    exposures.push({ userId, variant, firstMs, conflicted: i % 29 === 0, attributes });
    const lift = variant === 'guided' ? 0.06 : 0;
    const at = (hours: number) => firstMs + Math.floor(hours * 3_600_000);
    if (random() < 0.15 + lift) events.push({ userId, name: 'activation', value: null, timestampMs: at(random() * 100) });
    if (random() < 0.3) events.push({ userId, name: 'activation_hours', value: Math.floor(random() * 400) / 4, timestampMs: at(random() * 90) });
    if (random() < 0.1) events.push({ userId, name: 'activation_hours', value: Math.floor(random() * 40) / 4, timestampMs: at(200) });
    if (random() < 0.25) events.push({ userId, name: 'ebook_access', value: random() < 0.5 ? null : 2.5, timestampMs: at(random() * 48) });
    if (random() < 0.4) events.push({ userId, name: 'email_open', value: null, timestampMs: at(random() * 24) });
    if (random() < 0.05) events.push({ userId, name: 'unsubscribe', value: null, timestampMs: at(random() * 300) });
    if (random() < 0.05) events.push({ userId, name: 'unsubscribe', value: null, timestampMs: at(random() * 300) });
    if (i % 50 === 0) events.push({ userId, name: 'activation', value: null, timestampMs: firstMs - DAY }); // before exposure: not counted
  }
  return { exposures, events };
}

async function prepare(data: Data): Promise<number> {
  await seedOnFirstStart(data, SEEDED_AT);
  const experiment = (await data.experiments.byKey(KEY))!;
  await data.experiments.update(experiment.id, { status: 'running', startedAtMs: START });
  const ctx = { actor: 'test', nowMs: SEEDED_AT };
  // Every kind of metric: a ratio, a winsorized sum, a count.
  await updateMetric(data, 'ebook_access', { kind: 'ratio', denominatorEventName: 'email_open' }, ctx);
  // A winsorized sum of values in quarters: exact sums, so the engines and a rebuild agree to the bit (the
  // template's time to activation is a time to event now, whose hours add up with rounding; the R test
  // tests/postgres/metric-kinds-r.test.ts checks that kind on both engines).
  await updateMetric(data, 'time_to_activation', { kind: 'sum', eventName: 'activation_hours', winsorizePercentile: 0.9 }, ctx);
  await updateMetric(data, 'unsubscribe', { kind: 'count' }, ctx);
  return experiment.id;
}

function sqliteEngine(db: Db, data: Data, experimentId: number): Engine {
  const client = db.$client;
  return {
    name: 'sqlite', data, experimentId,
    async exposures(list) {
      const insert = client.prepare(`INSERT INTO exposures (experiment_id, user_id, variant_key, first_exposed_at_ms, last_exposed_at_ms,
        exposure_count, conflict_count, attributes) VALUES (?, ?, ?, ?, ?, 1, ?, ?)`);
      client.transaction(() => { for (const x of list) insert.run(experimentId, x.userId, x.variant, x.firstMs, x.firstMs, x.conflicted ? 1 : 0, JSON.stringify(x.attributes)); })();
    },
    async events(list) {
      const insert = client.prepare('INSERT INTO events (user_id, event_name, value, timestamp_ms, received_at_ms) VALUES (?, ?, ?, ?, ?)');
      client.transaction(() => { for (const e of list) insert.run(e.userId, e.name, e.value, e.timestampMs, NOW); })();
    },
    async moveFirstExposure(userId, toMs) {
      client.prepare('UPDATE exposures SET first_exposed_at_ms = ? WHERE experiment_id = ? AND user_id = ?').run(toMs, experimentId, userId);
    },
    async forget() {
      ensureReportStore(client);
      client.prepare('DELETE FROM report_refresh_state').run();
    }
  };
}

function postgresEngine(db: PgDb, data: Data, experimentId: number): Engine {
  return {
    name: 'postgres', data, experimentId,
    // Arrays bound as one parameter each (node-postgres sends them as PostgreSQL arrays).
    async exposures(list) {
      await db.$client.query(`INSERT INTO exposures (experiment_id, user_id, variant_key, first_exposed_at_ms, last_exposed_at_ms, exposure_count, conflict_count, attributes)
        SELECT $1, u, v, f, f, 1, c, a::jsonb FROM unnest($2::text[], $3::text[], $4::bigint[], $5::int[], $6::text[]) AS t(u, v, f, c, a)`,
      [experimentId, list.map((x) => x.userId), list.map((x) => x.variant), list.map((x) => x.firstMs), list.map((x) => (x.conflicted ? 1 : 0)),
        list.map((x) => JSON.stringify(x.attributes))]);
    },
    async events(list) {
      await db.$client.query(`INSERT INTO events (user_id, event_name, value, timestamp_ms, received_at_ms)
        SELECT u, n, v, t, $1 FROM unnest($2::text[], $3::text[], $4::float8[], $5::bigint[]) AS r(u, n, v, t)`,
      [NOW, list.map((e) => e.userId), list.map((e) => e.name), list.map((e) => e.value), list.map((e) => e.timestampMs)]);
    },
    async moveFirstExposure(userId, toMs) {
      await db.$client.query('UPDATE exposures SET first_exposed_at_ms = $1 WHERE experiment_id = $2 AND user_id = $3', [toMs, experimentId, userId]);
    },
    forget: () => forgetReportStore(db.$client)
  };
}

let sqlite: ReturnType<typeof tempDatabase>;
let pgDb: PgDb;
let engines: Engine[];

// Fresh databases for every test: each builds what it needs (the suite runs shuffled).
beforeEach(async () => {
  sqlite = tempDatabase();
  pgDb = await migratedPostgres();
  const sqliteStores = sqliteData(sqlite.db);
  const pgStores = postgresData(pgDb);
  engines = [
    sqliteEngine(sqlite.db, sqliteStores, await prepare(sqliteStores)),
    postgresEngine(pgDb, pgStores, await prepare(pgStores))
  ];
}, 120_000);
afterEach(async () => {
  sqlite?.cleanup();
  if (pgDb) await closePostgres(pgDb);
});

/** The report of every engine, as JSON (what the API answers). */
async function reports(options: { segment?: string } = {}): Promise<string[]> {
  return Promise.all(engines.map(async (e) => JSON.stringify(await buildReport(e.data, KEY, options, NOW))));
}

async function onEach(write: (e: Engine) => Promise<void>): Promise<void> {
  for (const e of engines) await write(e);
}

describe('reports on SQLite and PostgreSQL', () => {
  it('are the same, cold and after new events, exposures and a moved first exposure, and equal a rebuild', async () => {
    const first = rows(11, 600, 'u');
    await onEach(async (e) => { await e.exposures(first.exposures); await e.events(first.events); });
    const [sqliteCold, pgCold] = await reports();
    const attributes = await Promise.all(engines.map((e) => e.data.reportSource.segmentAttributes(e.experimentId)));
    expect(attributes[0]).toEqual(['plan', 'segment', 'vip']);
    expect(attributes[1]).toEqual(attributes[0]);
    expect(JSON.parse(pgCold!).health.usersExposed).toBe(600);
    expect(pgCold).toBe(sqliteCold);
    // Split by segment (cold split, kept sums), and by a boolean and a number attribute.
    for (const segment of ['segment', 'vip', 'plan']) {
      const [s, p] = await reports({ segment });
      expect(JSON.parse(p!).segments.values.length).toBeGreaterThan(1);
      expect(p, segment).toBe(s);
    }

    // New users, late events of counted users, a first exposure moved back a day.
    const later = rows(12, 200, 'late-', 3);
    const late: Event[] = first.exposures.filter((_, i) => i % 9 === 0)
      .map((x, i) => ({ userId: x.userId, name: i % 2 ? 'activation' : 'activation_hours', value: i % 2 ? null : 12.75, timestampMs: x.firstMs + 3_600_000 }));
    const moved = first.exposures.find((x) => x.firstMs > START + 2 * DAY && x.attributes.segment === 'new')!;
    await onEach(async (e) => {
      await e.exposures(later.exposures);
      await e.events([...later.events, ...late]);
      await e.moveFirstExposure(moved.userId, moved.firstMs - DAY);
    });
    const pgAggregates = await postgresAggregates(pgDb.$client, await aggregatesInput(engines[1]!));
    expect(pgAggregates.refresh.mode, 'the kept splits and sums advance past the watermarks').toBe('incremental');
    const [sqliteAfter, pgAfter] = await reports({ segment: 'segment' });
    expect(JSON.parse(pgAfter!).health.usersExposed).toBe(800);
    expect(pgAfter).toBe(sqliteAfter);
    const [sqliteAll, pgAll] = await reports();
    expect(pgAll).toBe(sqliteAll);

    // The incremental store equals a rebuild from the raw rows, on each engine.
    await onEach((e) => e.forget());
    expect(await reports({ segment: 'segment' })).toEqual([sqliteAfter, pgAfter]);
    // The report store of PostgreSQL (the server's path) answers the same report.
    expect(JSON.stringify(await engines[1]!.data.reports.report(KEY, { segment: 'segment' }, NOW))).toBe(pgAfter);
  }, 120_000);

  it('two replicas refreshing the same report at once neither corrupt nor duplicate the store', async () => {
    const replicas = [openPostgres(urlOf(pgDb), { poolSize: 3 }), openPostgres(urlOf(pgDb), { poolSize: 3 })];
    try {
      const pg = engines[1]!;
      const first = rows(11, 600, 'u');
      await onEach(async (e) => { await e.exposures(first.exposures); await e.events(first.events); });
      await reports(); // both stores built once
      await pg.events(rows(13, 300, 'u').events); // new events for counted users: both replicas find work
      const input = await aggregatesInput(pg);
      const [a, b] = await Promise.all(replicas.map((r) => postgresAggregates(r.$client, input)));
      // One did the work, the other waited for it and found nothing left.
      expect([a!.refresh.mode, b!.refresh.mode].sort()).toEqual(['incremental', 'unchanged']);
      const { refresh: _a, ...fromA } = a!;
      const { refresh: _b, ...fromB } = b!;
      expect(fromB).toEqual(fromA);
      const rebuilt = await postgresAggregates(pgDb.$client, { ...input, forceRebuild: true });
      const { refresh: _r, ...fromRebuild } = rebuilt;
      expect(fromA).toEqual(fromRebuild);
      const [sqliteNow, pgNow] = await (async () => {
        await engines[0]!.events(rows(13, 300, 'u').events);
        return reports();
      })();
      expect(pgNow).toBe(sqliteNow);
    } finally {
      await Promise.all(replicas.map((r) => closePostgres(r)));
    }
  }, 120_000);
});

function urlOf(db: PgDb): string {
  const options = (db.$client as unknown as { options: { connectionString: string } }).options;
  return options.connectionString;
}

/** What buildReport asks of the report source for the experiment (its metrics and variants). */
async function aggregatesInput(e: Engine) {
  const links = await e.data.experiments.metricLinks(e.experimentId);
  const experiment = (await e.data.experiments.byId(e.experimentId))!;
  const variants = await e.data.experiments.variants(e.experimentId);
  return {
    experimentId: e.experimentId, segment: null, nowMs: NOW, variantKeys: variants.map((v) => v.key),
    metrics: links.map(({ metric: m }) => ({
      metricId: m.id, key: m.key, kind: m.kind, eventName: m.eventName, denominatorEventName: m.denominatorEventName,
      windowDays: m.windowDays ?? experiment.durationDays, winsorizePercentile: m.winsorizePercentile
    }))
  };
}
