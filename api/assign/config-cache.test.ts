/**
 * The config cache's freshness rules, on a real SQLite file with an injected clock: an
 * unannounced write on the same connection is trusted-stale for at most 2 s, another
 * connection's write is seen within 100 ms (PRAGMA data_version), an announced change at once.
 * No test reads the wall clock: every time the cache sees comes from `clock.nowMs`.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { tempDatabase } from '../../tests/helpers/test-app.ts';
import { sqliteData } from '../../db/sqlite/data.ts';
import { sqliteAssignConfigs } from '../../db/sqlite/assign-configs.ts';
import { openSqliteFile, type SqliteClient } from '../../db/sqlite/inspect.ts';
import { seedOnFirstStart } from '../../calendar/seed/index.ts';
import { notifyExperimentChanged } from '../../calendar/lifecycle/change-hooks.ts';
import { ExperimentConfigCache } from './config-cache.ts';

const KEY = 'w01-onboarding-ebook-reminder';
const T0 = Date.UTC(2026, 10, 25, 10); // any fixed instant: the cache only compares differences

describe('ExperimentConfigCache: TTL and freshness on the injected clock', () => {
  let cleanup = () => {};
  afterEach(() => cleanup());

  async function setup() {
    const t = tempDatabase();
    const others: SqliteClient[] = [];
    cleanup = () => { for (const o of others) o.close(); t.cleanup(); };
    await seedOnFirstStart(sqliteData(t.db), T0);
    const clock = { nowMs: T0 };
    const cache = new ExperimentConfigCache(sqliteAssignConfigs(t.db.$client), { now: () => clock.nowMs });
    /** An unannounced write on the cache's own connection (PRAGMA data_version does not change for it). */
    const setCoverageHere = (coverage: number) =>
      t.db.$client.prepare('update experiments set coverage = ? where key = ?').run(coverage, KEY);
    /** A write by another connection, as another process would make it. */
    const setCoverageElsewhere = (coverage: number) => {
      const other = openSqliteFile(t.path, { busyTimeoutMs: 5000 });
      others.push(other);
      other.prepare('update experiments set coverage = ? where key = ?').run(coverage, KEY);
    };
    return { cache, clock, db: t.db, setCoverageHere, setCoverageElsewhere };
  }

  it('loads on first read', async () => {
    const { cache } = await setup();
    expect(cache.get(KEY)).toMatchObject({ key: KEY, status: 'scheduled', coverage: 1 });
    expect(cache.get('no-such-experiment')).toBeUndefined();
  });

  it('an unannounced write on the same connection is trusted-stale until exactly 2 s on the injected clock, then reloaded', async () => {
    const { cache, clock, setCoverageHere } = await setup();
    expect(cache.get(KEY)?.coverage).toBe(1);
    setCoverageHere(0.5);
    clock.nowMs = T0 + 1_999;
    expect(cache.get(KEY)?.coverage).toBe(1);
    clock.nowMs = T0 + 2_000;
    expect(cache.get(KEY)?.coverage).toBe(0.5);
    // The TTL restarts at the reload.
    setCoverageHere(0.25);
    clock.nowMs = T0 + 3_999;
    expect(cache.get(KEY)?.coverage).toBe(0.5);
    clock.nowMs = T0 + 4_000;
    expect(cache.get(KEY)?.coverage).toBe(0.25);
  });

  it('another connection\'s write is seen at the next data_version check, at most every 100 ms', async () => {
    const { cache, clock, setCoverageElsewhere } = await setup();
    expect(cache.get(KEY)?.coverage).toBe(1);
    clock.nowMs = T0 + 500; // checks data_version (unchanged) at T0 + 500
    expect(cache.get(KEY)?.coverage).toBe(1);
    setCoverageElsewhere(0.3);
    clock.nowMs = T0 + 599;
    expect(cache.get(KEY)?.coverage).toBe(1);
    clock.nowMs = T0 + 600;
    expect(cache.get(KEY)?.coverage).toBe(0.3);
  });

  it('a clock that went back does not extend the trust: the next read reloads', async () => {
    const { cache, clock, setCoverageHere } = await setup();
    expect(cache.get(KEY)?.coverage).toBe(1);
    setCoverageHere(0.7);
    clock.nowMs = T0 - 60_000;
    expect(cache.get(KEY)?.coverage).toBe(0.7);
  });

  it('invalidate() and an announced experiment change reload at once, whatever the clock says', async () => {
    const { cache, setCoverageHere } = await setup();
    expect(cache.get(KEY)?.coverage).toBe(1);
    setCoverageHere(0.4);
    cache.invalidate();
    expect(cache.get(KEY)?.coverage).toBe(0.4);
    setCoverageHere(0.2);
    expect(cache.get(KEY)?.coverage).toBe(0.4);
    notifyExperimentChanged(KEY);
    expect(cache.get(KEY)?.coverage).toBe(0.2);
  });

  it.each<[string, string, string | null, boolean]>([
    ['running', 'running', null, true],
    ['concluded with a rolled-out winner', 'concluded', 'control', true],
    ['promoted with a rolled-out winner', 'promoted', 'control', true],
    ['concluded without a winner', 'concluded', null, false],
    ['promoted without a winner', 'promoted', null, false],
    ['stopped with a winner named (not yet concluded)', 'stopped', 'control', false],
    ['scheduled', 'scheduled', null, false]
  ])('active() holds an experiment that is %s: %s', async (_name, status, rollout, active) => {
    const { cache, db } = await setup();
    db.$client.prepare('update experiments set status = ?, rollout_variant_key = ? where key = ?').run(status, rollout, KEY);
    cache.invalidate();
    expect(cache.active().map((c) => c.key)).toEqual(active ? [KEY] : []);
  });

  it('the SQLite source gives each experiment its variants in position order with the control marked, none when it has none', async () => {
    const { db } = await setup();
    const source = sqliteAssignConfigs(db.$client);
    expect(sqliteAssignConfigs(db.$client)).toBe(source); // one source (and its prepared statements) per connection
    const seeded = source.rows().find((r) => r.key === KEY)!;
    expect(seeded.variants.map((v) => [v.key, v.isControl])).toEqual([['control', true], ...seeded.variants.slice(1).map((v) => [v.key, false])]);
    expect(seeded.variants.length).toBeGreaterThan(1);
    db.$client.prepare('update variants set is_control = 1 - is_control where experiment_id = ?').run(seeded.id);
    expect(source.rows().find((r) => r.key === KEY)!.variants.map((v) => v.isControl)).toEqual([false, ...seeded.variants.slice(1).map(() => true)]);
    db.$client.prepare('delete from variants where experiment_id = ?').run(seeded.id);
    expect(source.rows().find((r) => r.key === KEY)!.variants).toEqual([]);
  });

  it('active() follows the same TTL: a start written without notice shows up after 2 s', async () => {
    const { cache, clock, db } = await setup();
    expect(cache.active()).toEqual([]); // the seed schedules, nothing runs yet
    db.$client.prepare("update experiments set status = 'running' where key = ?").run(KEY);
    clock.nowMs = T0 + 1_999;
    expect(cache.active()).toEqual([]);
    clock.nowMs = T0 + 2_000;
    expect(cache.active().map((c) => c.key)).toEqual([KEY]);
  });
});
