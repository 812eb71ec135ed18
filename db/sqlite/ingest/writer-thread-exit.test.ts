// The writer thread's failure path: once the thread is gone, a write rejects with why (it never
// hangs), and the connection gets a new writer on the next writerFor.
import { afterAll, describe, expect, it } from 'vitest';
import Database from 'better-sqlite3';
import { tempDatabase } from '../../../tests/helpers/test-app.ts';
import { writerFor } from './writer.ts';
import type { EventRow } from './write-ops.ts';

const t = tempDatabase();
afterAll(async () => { await writerFor(t.db.$client).close(); t.cleanup(); });
const row = (id: string): EventRow => [id, 'u', 'activation', null, 1, 2];

describe('writer thread that exited', () => {
  it('rejects writes with the exit, and the next writerFor starts a new thread', async () => {
    const first = writerFor(t.db.$client, { threaded: true });
    expect(first.threaded).toBe(true);
    expect(first.stats).toEqual({ commits: 0, jobs: 0 }); // before any reply
    await expect(first.write('events', [row('before')])).resolves.toEqual({ stored: 1, conflicts: [] });
    expect(first.stats).toEqual({ commits: 1, jobs: 1 });
    await first.close();
    await expect(first.write('events', [row('after-exit')])).rejects.toThrow('the writer thread exited (1)');
    const second = writerFor(t.db.$client, { threaded: true });
    expect(second).not.toBe(first);
    expect(second.threaded).toBe(true);
    await expect(second.write('events', [row('again')])).resolves.toEqual({ stored: 1, conflicts: [] });
    const ids = t.db.$client.prepare('select client_event_id from events order by id').pluck().all();
    expect(ids).toEqual(['before', 'again']);
  });
});

describe('anonymous databases', () => {
  it.each([[''], [':memory:']])('a database named %j is always written inline, even when a thread is asked for', (name) => {
    const client = new Database(name);
    try {
      expect(writerFor(client, { threaded: true }).threaded).toBe(false);
    } finally {
      client.close();
    }
  });
});
