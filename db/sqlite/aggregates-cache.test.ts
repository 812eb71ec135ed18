/**
 * reportAggregates' cache (db/sqlite/report-source.ts): a repeat view with nothing written
 * returns the very aggregates computed before (the same object); a write on this connection or a
 * commit by another one is seen at once; each input gets its own entry; an entry that was current
 * before another report's refresh stays current; at most 32 entries, the least recently computed
 * one leaves first.
 */
import Database from 'better-sqlite3';
import { eq } from 'drizzle-orm';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Db } from './connection.ts';
import type { AggregatesInput, ReportAggregates, StoreMetric } from '../store/index.ts';
import { experimentMetrics, experiments, metrics } from './schema.ts';
import { tempDatabase } from '../../tests/helpers/test-app.ts';
import { generateSynthetic } from '../../tests/reports/synthetic.ts';
import { seedOnFirstStart } from '../../calendar/seed/index.ts';
import { sqliteData } from './data.ts';
import { reportAggregates } from './report-source.ts';

const KEY = 'w01-onboarding-ebook-reminder';
const OTHER = 'w02-email-subject-line';
const START = Date.parse('2026-11-30T00:00:00Z');
const NOW = Date.parse('2026-12-20T12:00:00Z');

let database: ReturnType<typeof tempDatabase>;
let db: Db;

function experimentId(key: string): number {
  return db.select().from(experiments).where(eq(experiments.key, key)).get()!.id;
}

function inputFor(key: string, segment: string | null = null): AggregatesInput {
  const id = experimentId(key);
  const specs: StoreMetric[] = db.select({ m: metrics }).from(experimentMetrics).innerJoin(metrics, eq(metrics.id, experimentMetrics.metricId))
    .where(eq(experimentMetrics.experimentId, id)).all()
    .map(({ m }) => ({ metricId: m.id, key: m.key, kind: m.kind, eventName: m.eventName, denominatorEventName: m.denominatorEventName, windowDays: m.windowDays ?? 14, winsorizePercentile: m.winsorizePercentile }));
  return { experimentId: id, metrics: specs, variantKeys: ['control', 'guided'], segment, nowMs: NOW };
}

const users = (a: ReportAggregates) => a.exposuresByDay.reduce((n, g) => n + g.users, 0);

function expose(client: Database.Database, key: string, userId: string) {
  client.prepare(`INSERT INTO exposures (experiment_id, user_id, variant_key, first_exposed_at_ms, last_exposed_at_ms, exposure_count, conflict_count, attributes)
    VALUES (?, ?, 'control', ?, ?, 1, 0, '{"segment":"late"}')`).run(experimentId(key), userId, START + 3_600_000, START + 3_600_000);
}

beforeEach(async () => {
  database = tempDatabase();
  db = database.db;
  await seedOnFirstStart(sqliteData(db), Date.parse('2026-11-23T09:00:00Z'));
  for (const key of [KEY, OTHER]) {
    generateSynthetic(db.$client, {
      experimentId: experimentId(key), users: 200, seed: 5, startMs: START, days: 7,
      variants: [{ key: 'control', weight: 1 }, { key: 'guided', weight: 1 }],
      events: [{ name: 'activation', rate: { control: 0.2, guided: 0.3 } }],
      attributes: (i) => ({ segment: i % 2 ? 'new' : 'returning' })
    });
  }
});
afterEach(() => database.cleanup());

describe('reportAggregates: the cache', () => {
  it('a repeat view with nothing written returns the same aggregates', () => {
    const first = reportAggregates(db.$client, inputFor(KEY));
    expect(users(first)).toBe(200);
    expect(reportAggregates(db.$client, inputFor(KEY))).toBe(first);
  });

  it('a write on this connection is seen at once', () => {
    const first = reportAggregates(db.$client, inputFor(KEY));
    expose(db.$client, KEY, 'late-1');
    const second = reportAggregates(db.$client, inputFor(KEY));
    expect(second).not.toBe(first);
    expect(users(second)).toBe(201);
    expect(reportAggregates(db.$client, inputFor(KEY))).toBe(second);
  });

  it('a commit by another connection is seen at once', () => {
    const first = reportAggregates(db.$client, inputFor(KEY));
    const other = new Database(database.path);
    try {
      other.pragma('busy_timeout = 5000');
      expose(other, KEY, 'late-2');
    } finally {
      other.close();
    }
    const second = reportAggregates(db.$client, inputFor(KEY));
    expect(second).not.toBe(first);
    expect(users(second)).toBe(201);
  });

  it('each experiment and each segment has its own entry', () => {
    const all = reportAggregates(db.$client, inputFor(KEY));
    const split = reportAggregates(db.$client, inputFor(KEY, 'segment'));
    const other = reportAggregates(db.$client, inputFor(OTHER));
    expect(all.segmentRows).toBeNull();
    expect(new Set(split.segmentRows!.map((r) => r.segment))).toEqual(new Set(['new', 'returning']));
    expect(other).not.toBe(all);
    expect(reportAggregates(db.$client, inputFor(KEY))).toBe(all);
    expect(reportAggregates(db.$client, inputFor(KEY, 'segment'))).toBe(split);
    expect(reportAggregates(db.$client, inputFor(OTHER))).toBe(other);
  });

  it('an entry current before another report\'s refresh stays current (the refresh writes only the store)', () => {
    const first = reportAggregates(db.$client, inputFor(KEY));
    reportAggregates(db.$client, inputFor(OTHER)); // builds OTHER's store: writes
    expect(reportAggregates(db.$client, inputFor(KEY))).toBe(first);
  });

  it('an entry computed before a write is not made current by another report\'s refresh after it', () => {
    const first = reportAggregates(db.$client, inputFor(KEY));
    expose(db.$client, KEY, 'late-3');
    reportAggregates(db.$client, inputFor(OTHER));
    const again = reportAggregates(db.$client, inputFor(KEY));
    expect(again).not.toBe(first);
    expect(users(again)).toBe(201);
  });

  it('keeps 32 entries: the 33rd evicts the one computed longest ago', () => {
    const first = reportAggregates(db.$client, inputFor(KEY));
    for (let i = 1; i < 32; i++) reportAggregates(db.$client, inputFor(KEY, `attr${i}`));
    expect(reportAggregates(db.$client, inputFor(KEY)), '32 entries: all kept').toBe(first);
    reportAggregates(db.$client, inputFor(KEY, 'attr32'));
    expect(reportAggregates(db.$client, inputFor(KEY)), 'the 33rd evicted the first').not.toBe(first);
  });

  it('a recomputed entry counts as the newest: the next eviction takes another', () => {
    reportAggregates(db.$client, inputFor(KEY));
    for (let i = 1; i < 32; i++) reportAggregates(db.$client, inputFor(KEY, `attr${i}`));
    expose(db.$client, OTHER, 'late-4'); // every entry is out of date now
    const recomputed = reportAggregates(db.$client, inputFor(KEY));
    reportAggregates(db.$client, inputFor(KEY, 'attr32')); // evicts attr1, not the recomputed entry
    expect(reportAggregates(db.$client, inputFor(KEY))).toBe(recomputed);
  });
});

describe('reportAggregates: the exposure span', () => {
  it('counts exposures to variants the design does not list (the first exposure may be one of them)', () => {
    const early = START - 86_400_000;
    db.$client.prepare(`INSERT INTO exposures (experiment_id, user_id, variant_key, first_exposed_at_ms, last_exposed_at_ms, exposure_count, conflict_count, attributes)
      VALUES (?, 'ghost-1', 'ghost', ?, ?, 1, 0, '{}')`).run(experimentId(KEY), early, early);
    expect(reportAggregates(db.$client, inputFor(KEY)).span.firstMs).toBe(early);
  });
});
