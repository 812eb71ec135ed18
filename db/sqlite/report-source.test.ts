// The SQLite report source under the domain's buildReport: the incremental report store gives
// the same report as a rebuild from the raw rows, and its per-connection cache serves a repeat
// view without writing anything.
import { ensureReportStore } from './queries/index.ts';
import { eq } from 'drizzle-orm';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { tempDatabase } from '../../tests/helpers/test-app.ts';
import { generateSynthetic, type SyntheticSpec } from '../../tests/reports/synthetic.ts';
import { seedOnFirstStart } from '../../calendar/seed/index.ts';
import { experiments } from './schema.ts';
import type { Db } from './connection.ts';
import type { Data } from '../store/index.ts';
import { sqliteData } from './data.ts';
import { buildReport, updateMetric } from '../../calendar/reports/index.ts';

const KEY = 'w01-onboarding-ebook-reminder';
const START = Date.parse('2026-11-30T00:00:00Z');
const NOW = Date.parse('2026-12-20T12:00:00Z');

let database: ReturnType<typeof tempDatabase>;
let db: Db;
let data: Data;
let experimentId: number;

function simulate(spec: Partial<SyntheticSpec>) {
  generateSynthetic(db.$client, {
    experimentId, users: 2000, seed: 3, startMs: START, days: 14,
    variants: [{ key: 'control', weight: 1 }, { key: 'guided', weight: 1 }],
    events: [
      { name: 'activation', rate: { control: 0.12, guided: 0.18 } },
      { name: 'activation_hours', rate: { control: 0.12, guided: 0.12 }, meanValue: { control: 30, guided: 30 } },
      { name: 'unsubscribe', rate: { control: 0.05, guided: 0.03 } }
    ],
    attributes: (i) => ({ segment: i % 3 === 0 ? 'new' : 'returning' }),
    ...spec
  });
}

/** The same report with the store forgotten, so it is rebuilt from the raw rows. */
async function fullReport(segment?: string) {
  ensureReportStore(db.$client);
  db.$client.prepare('DELETE FROM report_refresh_state').run();
  return await buildReport(data, KEY, { segment }, NOW);
}

beforeEach(async () => {
  database = tempDatabase();
  db = database.db;
  data = sqliteData(db);
  await seedOnFirstStart(data, Date.parse('2026-11-23T09:00:00Z'));
  experimentId = db.select().from(experiments).where(eq(experiments.key, KEY)).get()!.id;
  db.update(experiments).set({ status: 'running', startedAtMs: START }).where(eq(experiments.id, experimentId)).run();
  simulate({});
});
afterEach(() => database.cleanup());

describe('buildReport over the incremental store', () => {
  it('after new users and late events equals the report rebuilt from scratch', async () => {
    const first = await buildReport(data, KEY, {}, NOW);
    simulate({ seed: 4, userPrefix: 'late-', users: 500 });
    // Late events (old timestamps, new ids) for users counted before.
    const late = db.$client.prepare('INSERT INTO events (user_id, event_name, value, timestamp_ms, received_at_ms) VALUES (?, ?, NULL, ?, ?)');
    for (let i = 0; i < 300; i += 3) late.run(`u${i}`, 'activation', START + i * 60_000 + 1000, NOW);
    const incremental = await buildReport(data, KEY, { segment: 'segment' }, NOW);
    expect(incremental.health.usersExposed).toBe(first.health.usersExposed + 500);
    expect(incremental).toEqual(await fullReport('segment'));
  });

  it('serves a repeat view from the cache and sees a metric edit at once', async () => {
    const first = await buildReport(data, KEY, {}, NOW);
    const changes = () => (db.$client.prepare('SELECT total_changes() AS n').get() as { n: number }).n;
    const before = changes();
    expect(await buildReport(data, KEY, {}, NOW)).toEqual(first);
    expect(changes(), 'a repeat view writes nothing (no refresh)').toBe(before);
    await updateMetric(data, 'activation', { windowDays: 1 }, { actor: 'test', nowMs: NOW });
    const edited = await buildReport(data, KEY, {}, NOW);
    expect(edited.metrics.find((m) => m.key === 'activation')?.windowDays).toBe(1);
    expect(edited).toEqual(await fullReport());
    expect(edited.metrics).not.toEqual(first.metrics);
  });
});
