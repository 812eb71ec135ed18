// The SQLite IngestWriter's sticky reads: batched per turn into one read transaction, each read
// answered alone, and the adapter made once per connection.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { tempDatabase } from '../../../tests/helpers/test-app.ts';
import { sqliteIngestWriter } from './ingest-writer.ts';
import { writerFor } from './writer.ts';

describe('sqliteIngestWriter', () => {
  let t: ReturnType<typeof tempDatabase>;
  let experimentId: number;
  beforeEach(() => {
    t = tempDatabase();
    experimentId = Number(t.db.$client.prepare(`insert into experiments (key, name, status) values ('iw', 'Ingest writer', 'running')`).run().lastInsertRowid);
    const insert = t.db.$client.prepare(`insert into exposures (experiment_id, user_id, variant_key, first_exposed_at_ms, last_exposed_at_ms, exposure_count, conflict_count, attributes)
      values (?, ?, ?, 0, 0, 1, 0, '{}')`);
    insert.run(experimentId, 'seen-a', 'control');
    insert.run(experimentId, 'seen-b', 'treatment');
  });
  afterEach(() => t.cleanup());

  it('is made once per connection', () => {
    expect(sqliteIngestWriter(t.db)).toBe(sqliteIngestWriter(t.db));
  });

  it('answers reads of one turn each with its own recorded variant, and leaves no transaction open', async () => {
    const ingest = sqliteIngestWriter(t.db);
    const users = ['seen-a', 'new-1', 'seen-b', 'new-2', 'seen-a'];
    const variants = await Promise.all(users.map((u) => ingest.recordedVariant(experimentId, u)));
    expect(variants).toEqual(['control', undefined, 'treatment', undefined, 'control']);
    expect(t.db.$client.inTransaction).toBe(false);
    // One read alone, and reads of the next turn, see what was written in between.
    expect(await ingest.recordedVariant(experimentId, 'new-1')).toBeUndefined();
    await ingest.assignments([{ experimentId, userId: 'new-1', variant: 'treatment', atMs: 1, attributesJson: '{}' }]);
    expect(await Promise.all([ingest.recordedVariant(experimentId, 'new-1'), ingest.recordedVariant(experimentId, 'seen-b')])).toEqual(['treatment', 'treatment']);
  });

  it('reads inside a transaction someone else holds on the connection, without nesting one', async () => {
    const ingest = sqliteIngestWriter(t.db);
    const reads = Promise.all([ingest.recordedVariant(experimentId, 'seen-a'), ingest.recordedVariant(experimentId, 'seen-b')]);
    t.db.$client.prepare('BEGIN').run();
    // The reads run on the next turn: hold the transaction until then.
    await new Promise((resolve) => setImmediate(resolve));
    expect(t.db.$client.inTransaction).toBe(true);
    t.db.$client.prepare('COMMIT').run();
    expect(await reads).toEqual(['control', 'treatment']);
  });

  it('hands each write to the connection\'s writer (one commit for the turn) and reports its stats', async () => {
    const planId = Number(t.db.$client.prepare(`insert into plans (name, start_date) values ('Held', '2027-03-01')`).run().lastInsertRowid);
    const ingest = sqliteIngestWriter(t.db);
    const before = { ...ingest.stats };
    const at = { atMs: 7, attributesJson: '{}' };
    const results = await Promise.all([
      ingest.events([['iw-1', 'u', 'activation', null, 1, 2], ['iw-1', 'u', 'activation', null, 1, 3]]),
      ingest.exposures([
        { index: 0, experimentId, userId: 'seen-a', claimedVariant: 'treatment', hashVariant: 'treatment', ...at },
        { index: 1, experimentId, userId: 'fresh', hashVariant: 'treatment', ...at }
      ]),
      ingest.assignments([{ experimentId, userId: 'seen-b', variant: 'control', ...at }]),
      ingest.planExposures([{ planId, userId: 'p1', holdout: true, atMs: 3 }, { planId, userId: 'p2', holdout: false, atMs: 4 }])
    ]);
    expect(results).toEqual([
      { stored: 1, conflicts: [] },
      { accepted: 1, duplicates: 0, rejected: [{ index: 0, error: "variant 'treatment' does not match the user's assignment 'control'" }] },
      [{ variant: 'treatment', count: 2 }],
      2
    ]);
    expect({ commits: ingest.stats.commits - before.commits, jobs: ingest.stats.jobs - before.jobs }).toEqual({ commits: 1, jobs: 4 });
    expect(t.db.$client.prepare('select user_id, holdout, first_exposed_at_ms from plan_exposures order by user_id').raw().all()).toEqual([['p1', 1, 3], ['p2', 0, 4]]);
  });

  it('close stops the connection\'s writer: on a writer thread, later writes fail', async () => {
    const thread = writerFor(t.db.$client, { threaded: true });
    const ingest = sqliteIngestWriter(t.db);
    await expect(ingest.events([['before-close', 'u', 'activation', null, 1, 2]])).resolves.toEqual({ stored: 1, conflicts: [] });
    expect(ingest.stats).toEqual(thread.stats);
    await expect(ingest.close().then(() => 'closed')).resolves.toBe('closed');
    await expect(thread.write('events', [['after-close', 'u', 'activation', null, 1, 2]])).rejects.toThrow('the writer thread exited');
  });

  it('a read that fails (its table is gone) fails alone, and the connection reads again afterwards', async () => {
    const ingest = sqliteIngestWriter(t.db);
    expect(await ingest.recordedVariant(experimentId, 'seen-a')).toBe('control'); // the statements are prepared
    t.db.$client.exec('alter table exposures rename to exposures_gone');
    const reads = await Promise.allSettled([ingest.recordedVariant(experimentId, 'seen-a'), ingest.recordedVariant(experimentId, 'seen-b')]);
    expect(reads.map((r) => r.status)).toEqual(['rejected', 'rejected']);
    expect((reads[0] as PromiseRejectedResult).reason.message).toMatch(/no such table: exposures/);
    expect(t.db.$client.inTransaction).toBe(false);
    t.db.$client.exec('alter table exposures_gone rename to exposures');
    expect(await ingest.recordedVariant(experimentId, 'seen-b')).toBe('treatment');
  });

  it('fails the reads of a closed connection, not the process', async () => {
    const ingest = sqliteIngestWriter(t.db);
    const read = ingest.recordedVariant(experimentId, 'seen-a');
    t.db.$client.close();
    await expect(read).rejects.toThrow('closed');
  });
});
