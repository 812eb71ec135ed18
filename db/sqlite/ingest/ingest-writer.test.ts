// The SQLite IngestWriter's sticky reads: batched per turn into one read transaction, each read
// answered alone, and the adapter made once per connection.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { tempDatabase } from '../../../tests/helpers/test-app.ts';
import { sqliteIngestWriter } from './ingest-writer.ts';

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

  it('fails the reads of a closed connection, not the process', async () => {
    const ingest = sqliteIngestWriter(t.db);
    const read = ingest.recordedVariant(experimentId, 'seen-a');
    t.db.$client.close();
    await expect(read).rejects.toThrow('closed');
  });
});
