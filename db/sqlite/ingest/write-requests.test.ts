// The writer thread's work, run in process: its connection's settings, and how a message of
// write requests is answered (one reply message per commit, each request by its id, errors as text).
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type Database from 'better-sqlite3';
import { tempDatabase } from '../../../tests/helpers/test-app.ts';
import { GroupCommit } from './group-commit.ts';
import { openWriterConnection, writeRequestHandler, type WriteReplies, type WriteRequest } from './write-requests.ts';
import type { EventRow } from './write-ops.ts';

describe('openWriterConnection', () => {
  it('opens a new file in WAL mode with foreign keys, FULL sync, a 5 s busy timeout and a 64 MiB cache', () => {
    const dir = mkdtempSync(join(tmpdir(), 'wx-writer-'));
    const client = openWriterConnection(join(dir, 'fresh.db'));
    try {
      const pragma = (name: string) => client.pragma(name, { simple: true });
      expect({
        journal: pragma('journal_mode'), foreignKeys: pragma('foreign_keys'), synchronous: pragma('synchronous'),
        busyTimeout: pragma('busy_timeout'), cacheSize: pragma('cache_size')
      }).toEqual({ journal: 'wal', foreignKeys: 1, synchronous: 2, busyTimeout: 5000, cacheSize: -65536 });
    } finally {
      client.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('writeRequestHandler', () => {
  let t: ReturnType<typeof tempDatabase>;
  let client: Database.Database;
  let experimentId: number;
  let posted: WriteReplies[];
  let handle: (requests: WriteRequest[]) => void;
  beforeEach(() => {
    t = tempDatabase();
    client = t.db.$client;
    experimentId = Number(client.prepare(`insert into experiments (key, name, status) values ('wr', 'Write requests', 'running')`).run().lastInsertRowid);
    posted = [];
    // A copy, as postMessage sends one: the committer's stats object keeps changing afterwards.
    handle = writeRequestHandler(new GroupCommit(client), client, (message) => posted.push(structuredClone(message)));
  });
  afterEach(() => t.cleanup());

  const row = (id: string): EventRow => [id, 'u', 'activation', null, 1, 2];
  /**
   * Lets the event loop turn until `n` messages were posted (or `ms` passed): a commit's replies
   * wait for the WAL file's sync on the thread pool, which takes a loaded machine a while.
   */
  async function untilPosted(n: number, ms = 5000): Promise<void> {
    const until = Date.now() + ms;
    while (posted.length < n && Date.now() < until) await new Promise((resolve) => setImmediate(resolve));
  }

  it('answers the requests of one commit in one message, by id, with the values and the error messages', async () => {
    const notIterable = { [Symbol.iterator]() { throw 'not an Error, a string'; } };
    handle([
      { id: 7, op: 'events', payload: [row('a'), row('a'), row('b')] },
      { id: 3, op: 'assignments', payload: [{ experimentId: 999_999, userId: 'x', variant: 'a', atMs: 1, attributesJson: '{}' }] },
      { id: 9, op: 'assignments', payload: [{ experimentId, userId: 'x', variant: 'b', atMs: 1, attributesJson: '{}' }] },
      { id: 4, op: 'exposures', payload: notIterable }
    ]);
    await untilPosted(1);
    await untilPosted(2, 300); // a second message would be a defect: give it the chance to show up
    expect(posted).toEqual([{
      replies: [
        { id: 7, ok: true, value: { stored: 2, conflicts: [] } },
        { id: 3, ok: false, error: 'FOREIGN KEY constraint failed' },
        { id: 9, ok: true, value: [{ variant: 'b', count: 1 }] },
        { id: 4, ok: false, error: 'not an Error, a string' }
      ],
      stats: { commits: 1, jobs: 4 }
    }]);
    expect(client.prepare('select client_event_id from events order by id').pluck().all()).toEqual(['a', 'b']);
  });

  it('a later commit is a message of its own, with only its replies and the stats after it', async () => {
    handle([{ id: 1, op: 'events', payload: [row('first')] }]);
    await untilPosted(1);
    handle([{ id: 2, op: 'events', payload: [row('second'), row('third')] }, { id: 5, op: 'events', payload: [row('first')] }]);
    await untilPosted(2);
    await untilPosted(3, 300);
    expect(posted).toEqual([
      { replies: [{ id: 1, ok: true, value: { stored: 1, conflicts: [] } }], stats: { commits: 1, jobs: 1 } },
      { replies: [{ id: 2, ok: true, value: { stored: 2, conflicts: [] } }, { id: 5, ok: true, value: { stored: 0, conflicts: [] } }], stats: { commits: 2, jobs: 3 } }
    ]);
  });

  it('an empty message writes and answers nothing', async () => {
    handle([]);
    await untilPosted(1, 300);
    expect(posted).toEqual([]);
  });
});
