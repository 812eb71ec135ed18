import { ensureReportStore } from '../../db/queries/index.ts';
import { eq } from 'drizzle-orm';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { tempDatabase } from '../../tests/helpers/test-app.ts';
import { generateSynthetic, type SyntheticSpec } from '../../tests/reports/synthetic.ts';
import { seedOnFirstStart } from '../seed/index.ts';
import { experiments } from '../../db/schema.ts';
import type { Db } from '../../db/connection.ts';
import { buildReport, updateMetric } from './index.ts';

const KEY = 'w01-onboarding-ebook-reminder';
const START = Date.parse('2026-11-30T00:00:00Z');
const NOW = Date.parse('2026-12-20T12:00:00Z');

let database: ReturnType<typeof tempDatabase>;
let db: Db;
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
function fullReport(segment?: string) {
  ensureReportStore(db.$client);
  db.$client.prepare('DELETE FROM report_refresh_state').run();
  return buildReport(db, KEY, { segment }, NOW);
}

beforeEach(() => {
  database = tempDatabase();
  db = database.db;
  seedOnFirstStart(db, Date.parse('2026-11-23T09:00:00Z'));
  experimentId = db.select().from(experiments).where(eq(experiments.key, KEY)).get()!.id;
  db.update(experiments).set({ status: 'running', startedAtMs: START }).where(eq(experiments.id, experimentId)).run();
  simulate({});
});
afterEach(() => database.cleanup());

describe('buildReport over the incremental store', () => {
  it('after new users and late events equals the report rebuilt from scratch', () => {
    const first = buildReport(db, KEY, {}, NOW);
    simulate({ seed: 4, userPrefix: 'late-', users: 500 });
    // Late events (old timestamps, new ids) for users counted before.
    const late = db.$client.prepare('INSERT INTO events (user_id, event_name, value, timestamp_ms, received_at_ms) VALUES (?, ?, NULL, ?, ?)');
    for (let i = 0; i < 300; i += 3) late.run(`u${i}`, 'activation', START + i * 60_000 + 1000, NOW);
    const incremental = buildReport(db, KEY, { segment: 'segment' }, NOW);
    expect(incremental.health.usersExposed).toBe(first.health.usersExposed + 500);
    expect(incremental).toEqual(fullReport('segment'));
  });

  it('serves a repeat view from the cache and sees a metric edit at once', () => {
    const first = buildReport(db, KEY, {}, NOW);
    const changes = () => (db.$client.prepare('SELECT total_changes() AS n').get() as { n: number }).n;
    const before = changes();
    expect(buildReport(db, KEY, {}, NOW)).toEqual(first);
    expect(changes(), 'a repeat view writes nothing (no refresh)').toBe(before);
    updateMetric(db, 'activation', { windowDays: 1 }, { actor: 'test', nowMs: NOW });
    const edited = buildReport(db, KEY, {}, NOW);
    expect(edited.metrics.find((m) => m.key === 'activation')?.windowDays).toBe(1);
    expect(edited).toEqual(fullReport());
    expect(edited.metrics).not.toEqual(first.metrics);
  });
});
