// The change feed on PostgreSQL: the triggers of migration 0004_change_feed notify at commit (not
// on rollback, not for report views or last-used marks), the feed turns payloads into changes,
// and after losing its connection it reconnects and announces `everything`.
import { afterAll, describe, expect, it } from 'vitest';
import { postgresDatabase } from '../../tests/helpers/postgres.ts';
import type { Change } from '../store/index.ts';
import { closePostgres, migratePostgres, openPostgres, type PgDb } from './connection.ts';
import { changeOf, postgresChangeFeed } from './change-feed.ts';

const cleanups: Array<() => Promise<void>> = [];
afterAll(async () => { for (const c of cleanups.reverse()) await c(); });

describe('changeOf', () => {
  it.each([
    ['an experiment', '{"t":"experiments","key":"w01"}', { topic: 'experiments', experimentKey: 'w01' }],
    ['any experiment (a layer)', '{"t":"experiments","key":null}', { topic: 'experiments', experimentKey: null }],
    ['a revoked key', '{"t":"keys","id":3,"revoked":true}', { topic: 'keys', keyId: 3, revoked: true }],
    ['a new key', '{"t":"keys","id":4,"revoked":false}', { topic: 'keys', keyId: 4, revoked: false }],
    ['a key without id', '{"t":"keys"}', null],
    ['another topic', '{"t":"plans"}', null],
    ['not JSON', 'hello', null],
    ['no payload', undefined, null]
  ] as const)('%s', (_name, payload, expected) => {
    expect(changeOf(payload)).toEqual(expected);
  });
});

/** Waits until `seen` holds `n` changes (the feed delivers them asynchronously). */
async function received(seen: Change[], n: number): Promise<Change[]> {
  const deadline = Date.now() + 10_000;
  while (seen.length < n && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 10));
  return seen;
}

describe('the change feed on PostgreSQL', () => {
  it('hears committed changes to experiments, variants, layers and keys, in commit order, and only those', async () => {
    const url = await postgresDatabase();
    const db: PgDb = openPostgres(url, { poolSize: 2 });
    cleanups.push(() => closePostgres(db));
    await migratePostgres(db);
    const feed = postgresChangeFeed(url);
    cleanups.push(() => feed.close());
    const seen: Change[] = [];
    feed.subscribe((c) => seen.push(c));
    // Listening: it says so with `everything` (a cache loaded before it listened reloads).
    expect(await received(seen, 1)).toEqual([{ topic: 'everything' }]);
    seen.length = 0;

    // One connection: BEGIN … ROLLBACK must reach the same session.
    const session = await db.$client.connect();
    cleanups.push(async () => session.release());
    const q = (text: string) => session.query(text);
    await q(`INSERT INTO experiments (key, name) VALUES ('e1', 'E1')`);
    await q(`INSERT INTO variants (experiment_id, key, name, weight, position) SELECT id, 'control', 'C', 1, 0 FROM experiments WHERE key = 'e1'`);
    await q(`UPDATE experiments SET report_views = report_views + 1, updated_at_ms = updated_at_ms + 1 WHERE key = 'e1'`); // not a change
    await q(`BEGIN`);
    await q(`UPDATE experiments SET status = 'running' WHERE key = 'e1'`);
    await q(`ROLLBACK`); // never happened
    await q(`INSERT INTO layers (key, name) VALUES ('l1', 'L1')`);
    await q(`INSERT INTO api_keys (name, scope, prefix, hash) VALUES ('k', 'sdk', 'wx_sdk_ab', 'h1')`);
    await q(`UPDATE api_keys SET last_used_at_ms = 5 WHERE hash = 'h1'`); // not a change
    await q(`UPDATE api_keys SET revoked_at_ms = 6 WHERE hash = 'h1'`);
    // Two changes to one experiment in one transaction: one notification.
    await q(`BEGIN`);
    await q(`UPDATE experiments SET status = 'running' WHERE key = 'e1'`);
    await q(`UPDATE experiments SET coverage = 0.5 WHERE key = 'e1'`);
    await q(`COMMIT`);
    const keyId = (await session.query<{ id: number }>(`SELECT id FROM api_keys WHERE hash = 'h1'`)).rows[0]!.id;
    expect(await received(seen, 6)).toEqual([
      { topic: 'experiments', experimentKey: 'e1' },
      { topic: 'experiments', experimentKey: 'e1' },
      { topic: 'experiments', experimentKey: null },
      { topic: 'keys', keyId, revoked: false },
      { topic: 'keys', keyId, revoked: true },
      { topic: 'experiments', experimentKey: 'e1' }
    ]);
    expect(feed.listening).toBe(true);

    // Its connection killed (a server restart, a network cut): it reconnects, says `everything`, and hears on.
    seen.length = 0;
    await q(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'weekly-experiments-changes' AND datname = current_database()`);
    expect(await received(seen, 1)).toEqual([{ topic: 'everything' }]);
    await q(`UPDATE experiments SET status = 'stopped' WHERE key = 'e1'`);
    expect(await received(seen, 2)).toEqual([{ topic: 'everything' }, { topic: 'experiments', experimentKey: 'e1' }]);
  }, 60_000);
});
