import { afterAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openSqliteFile } from '../../db/sqlite/inspect.ts';
import { spawnApi, stopApi, type SpawnedApi } from '../../tests/crash/spawn-api.ts';
import { runSimulation } from './simulate.ts';

const dir = mkdtempSync(join(tmpdir(), 'wx-sim-'));
const databasePath = join(dir, 'app.db');
let api: SpawnedApi | undefined;
let clockApi: SpawnedApi | undefined;
afterAll(async () => {
  if (api) await stopApi(api);
  if (clockApi) await stopApi(clockApi);
  rmSync(dir, { recursive: true, force: true });
});

describe('runSimulation against the real server', () => {
  it('starts weeks 1-2, records what it reports, is deterministic, and can fake an SRM', async () => {
    api = await spawnApi(databasePath, { ADMIN_API_KEY: 'sim-key' });
    const options = { baseUrl: api.url, apiKey: 'sim-key', planId: 1, start: true, usersPerExperiment: 600, seed: 3 };
    const first = await runSimulation(options);
    const keys = Object.keys(first.experiments).sort();
    expect(keys).toEqual(['w01-onboarding-ebook-reminder', 'w02-email-subject-line']);
    const w1 = first.effects['w01-onboarding-ebook-reminder']!;
    expect(Object.values(w1).some((m) => Object.values(m).includes(0.25))).toBe(true);
    expect(Object.values(first.effects['w02-email-subject-line']!).every((m) => Object.keys(m).length === 0)).toBe(true);

    const db = openSqliteFile(databasePath, { readonly: true });
    const stored = db.prepare(`select e.key, x.variant_key as variant, count(*) as n from exposures x
      join experiments e on e.id = x.experiment_id group by 1, 2`).all() as Array<{ key: string; variant: string; n: number }>;
    // The same (experiment, variant) pairs on both sides, so the loop below checks every one of them.
    expect(stored.map((s) => `${s.key}/${s.variant}`).sort())
      .toEqual(Object.entries(first.experiments).flatMap(([key, e]) => Object.keys(e.exposures).map((v) => `${key}/${v}`)).sort());
    for (const { key, variant, n } of stored) expect(first.experiments[key]!.exposures[variant]).toBe(n);
    // The starter plan's 5% program holdout: its users are exposed to the control as /assign said, so
    // both groups of the program impact report are recorded (everyone in a test outside the holdout).
    const plan = db.prepare('select holdout, count(*) as n from plan_exposures where plan_id = 1 group by 1 order by 1').all() as Array<{ holdout: number; n: number }>;
    const inTests = stored.reduce((sum, s) => sum + s.n, 0);
    expect(plan[0]).toEqual({ holdout: 0, n: inTests });
    expect(plan[1]!.holdout).toBe(1);
    expect(plan[1]!.n / (inTests + plan[1]!.n)).toBeGreaterThan(0.02);
    expect(plan[1]!.n / (inTests + plan[1]!.n)).toBeLessThan(0.09);

    // Same seed: same users, same variants, same conversions; nothing stored twice.
    const eventsBefore = (db.prepare('select count(*) from events').pluck().get() as number);
    const second = await runSimulation(options);
    expect(second.experiments).toEqual(first.experiments);
    expect(db.prepare('select count(*) from events').pluck().get()).toBe(eventsBefore);

    // A 45/55 split on a 50/50 experiment by losing control exposures.
    const lossy = await runSimulation({ ...options, seed: 4, start: false, experiments: ['w02-email-subject-line'],
      exposureLoss: { 'w02-email-subject-line': { 'free-ebook': 0.45 / 0.55 } } });
    const counts = Object.values(lossy.experiments['w02-email-subject-line']!.exposures);
    const share = Math.min(...counts) / (counts[0]! + counts[1]!);
    expect(share).toBeGreaterThan(0.41);
    expect(share).toBeLessThan(0.49);
    db.close();
  }, 120_000);

  it('with advance, users arrive over the next days and the clock moves past them, a day at a time', async () => {
    clockApi = await spawnApi(join(dir, 'clock.db'), { ADMIN_API_KEY: 'sim-key', ALLOW_CLOCK_CONTROL: '1' });
    const headers = { authorization: 'Bearer sim-key' };
    const before = (await (await fetch(`${clockApi.url}/api/v1/clock`, { headers })).json()).nowMs as number;
    const run = await runSimulation({ baseUrl: clockApi.url, apiKey: 'sim-key', planId: 1, start: true, usersPerExperiment: 400, seed: 5, days: 14, advance: true });
    const after = (await (await fetch(`${clockApi.url}/api/v1/clock`, { headers })).json()).nowMs as number;
    expect((after - before) / 86_400_000).toBeCloseTo(14, 1);
    const db = openSqliteFile(join(dir, 'clock.db'), { readonly: true });
    // [key, planned days]: w02 runs 10 days, so its arrivals stop there and the scheduler stops it then.
    for (const [key, plannedDays] of [['w01-onboarding-ebook-reminder', 14], ['w02-email-subject-line', 10]] as const) {
      const experiment = await (await fetch(`${clockApi.url}/api/v1/experiments/${key}`, { headers })).json();
      expect(experiment.status, key).toBe('stopped');
      const results = await (await fetch(`${clockApi.url}/api/v1/experiments/${key}/results`, { headers })).json();
      // Started now (mid-day on the server), stopped by the scheduler at the midnight after its last
      // day: a little less than the planned days of 24 h; a day less when started just before the
      // server's midnight (seen at 23:59 in Kiritimati: daysRun 13.0 for 14 days).
      expect(results.health.daysRun, key).toBeGreaterThanOrEqual(plannedDays - 1);
      expect(results.health.daysRun, key).toBeLessThanOrEqual(plannedDays);
      // Weeks 1 and 2 share email: the starter calendar gives each half of one layer, so about 200 of the 400 users are in each.
      expect(results.health.usersExposed, key).toBeGreaterThan(150);
      expect(results.health.usersExposed, key).toBeLessThan(250);
      // Every exposure sent was recorded: none arrives after the scheduler's stop at the midnight after
      // the test's last day (the server's days, not 24 h x duration from a start in mid-day).
      expect(results.health.usersExposed, key).toBe(Object.values(run.experiments[key]!.exposures).reduce((a, b) => a + b, 0));
      // Every arrival falls inside the test: after its start, before its stop.
      const span = db.prepare(`select e.started_at_ms as started, e.stopped_at_ms as stopped, min(x.first_exposed_at_ms) as first, max(x.first_exposed_at_ms) as last
        from experiments e join exposures x on x.experiment_id = e.id where e.key = ?`).get(key) as { started: number; stopped: number; first: number; last: number };
      expect(span.first, key).toBeGreaterThanOrEqual(span.started);
      expect(span.last, key).toBeLessThanOrEqual(span.stopped);
    }
    db.close();
  }, 120_000);

  it('with advance, bad options and a server that does not allow moving its clock are refused before anything is sent', async () => {
    const plain = await spawnApi(join(dir, 'plain.db'), { ADMIN_API_KEY: 'sim-key' });
    try {
      const options = { baseUrl: plain.url, apiKey: 'sim-key', planId: 1, start: true, usersPerExperiment: 10, advance: true };
      await expect(runSimulation(options)).rejects.toThrow(/ALLOW_CLOCK_CONTROL/);
      await expect(runSimulation({ ...options, days: 401 })).rejects.toThrow(/1 to 400/);
      await expect(runSimulation({ ...options, startMs: Date.now() })).rejects.toThrow(/leave out startMs/);
      const db = openSqliteFile(join(dir, 'plain.db'), { readonly: true });
      expect(db.prepare('select count(*) from exposures').pluck().get()).toBe(0);
      expect(db.prepare("select count(*) from experiments where status = 'running'").pluck().get()).toBe(0);
      db.close();
    } finally {
      await stopApi(plain);
    }
  });
});
