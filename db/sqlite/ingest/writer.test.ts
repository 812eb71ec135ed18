import { afterAll, describe, expect, it } from 'vitest';
import { tempDatabase } from '../../../tests/helpers/test-app.ts';
import { openDatabase, closeDatabase } from '../connection.ts';
import { writerFor } from './writer.ts';
import type { EventRow } from './write-ops.ts';

const t = tempDatabase();
const client = t.db.$client;
const threaded = writerFor(client, { threaded: true });
afterAll(async () => { await threaded.close(); t.cleanup(); });

client.exec(`insert into experiments (key, name, status) values ('wt', 'Writer test', 'running')`);
const experimentId = client.prepare(`select id from experiments where key = 'wt'`).pluck().get() as number;
const row = (id: string | null, userId = 'u'): EventRow => [id, userId, 'activation', null, 1, 2];
const count = (sql: string, ...args: unknown[]) => client.prepare(sql).pluck().get(...args) as number;

describe('writerFor (writer thread)', () => {
  it('runs on its own thread when asked, and a resolved write is visible to this connection', async () => {
    const writer = writerFor(client);
    expect(writer).toBe(threaded);
    expect(writer.threaded).toBe(true);
    // 250 rows: three multi-row statements (100, 100, 50); the repeated id inside the batch is stored once.
    const rows = Array.from({ length: 250 }, (_, i) => row(`vis-${i}`));
    rows.push(row('vis-0'), row(null), row(null));
    await expect(writer.write('events', rows)).resolves.toEqual({ stored: 252, conflicts: [] });
    expect(count(`select count(*) from events where client_event_id like 'vis-%' or client_event_id is null`)).toBe(252);
  });

  it('groups concurrent writes into fewer commits; each resolves with its own result', async () => {
    const writer = writerFor(client);
    const before = { ...writer.stats };
    const results = await Promise.all(Array.from({ length: 40 }, (_, i) => writer.write('events', [row(`grp-${i}`), row(`grp-${i}`)])));
    expect(results).toEqual(Array(40).fill({ stored: 1, conflicts: [] }));
    expect(writer.stats.jobs - before.jobs).toBe(40);
    expect(writer.stats.commits - before.commits).toBeLessThan(40);
  });

  it('rejects a failing write alone; the others of its commit are kept', async () => {
    const writer = writerFor(client);
    const at = { atMs: 5, attributesJson: '{}' };
    const [good, bad] = await Promise.allSettled([
      writer.write('events', [row('kept-1')]),
      writer.write('assignments', [{ experimentId: 999_999, userId: 'x', variant: 'a', ...at }]) // no such experiment: foreign key
    ]);
    expect(good).toEqual({ status: 'fulfilled', value: { stored: 1, conflicts: [] } });
    expect(bad).toMatchObject({ status: 'rejected', reason: { message: expect.stringMatching(/FOREIGN KEY/) } });
    expect(count(`select count(*) from exposures where experiment_id = 999999`)).toBe(0);
  });

  it.each([
    ['first exposure stores its variant', 'first-a', false, ['a'], [{ variant: 'a', count: 1 }]],
    ['a later exposure with another variant gets the stored one', 'first-b', false, ['a', 'b'], [{ variant: 'a', count: 1 }, { variant: 'a', count: 2 }]],
    ['in one commit, the first write still wins', 'first-c', true, ['b', 'a', 'a'], [{ variant: 'b', count: 1 }, { variant: 'b', count: 2 }, { variant: 'b', count: 3 }]]
  ])('assignments: %s', async (_name, userId, concurrent, variants, expected) => {
    const writer = writerFor(client);
    const write = (variant: string) => writer.write('assignments', [{ experimentId, userId, variant, atMs: 5, attributesJson: '{}' }]);
    const stored = concurrent ? await Promise.all(variants.map(write)) : [];
    if (!concurrent) for (const v of variants) stored.push(await write(v));
    expect(stored.map((s) => s[0])).toEqual(expected);
  });
});

describe('writerFor (inline)', () => {
  it('runs the same operations in the connection\'s own group commit (the default without INGEST_WRITER=thread)', async () => {
    const other = tempDatabase();
    try {
      const writer = writerFor(other.db.$client, { threaded: false });
      expect(writer.threaded).toBe(false);
      await expect(writer.write('events', [row('inl-1'), row('inl-1'), row('inl-2')])).resolves.toEqual({ stored: 2, conflicts: [] });
      expect(other.db.$client.prepare('select count(*) from events').pluck().get()).toBe(2);
    } finally {
      other.cleanup();
    }
  });

  it('is always used for an in-memory database: no other connection could see the rows', async () => {
    const db = openDatabase(':memory:');
    try {
      const writer = writerFor(db.$client, { threaded: true });
      expect(writer.threaded).toBe(false);
      await expect(writer.write('events', [row('mem-1'), row('mem-1')])).resolves.toEqual({ stored: 1, conflicts: [] });
      expect(db.$client.prepare('select count(*) from events').pluck().get()).toBe(1);
    } finally {
      closeDatabase(':memory:');
    }
  });
});
