// GroupCommit on a WAL file at synchronous = FULL: the COMMIT runs at NORMAL and the jobs settle only
// once the WAL file is synced (off the event loop). The sync is injected (`syncFile`) so each test
// holds it, fails it or records it; the real one (`fdatasyncFile`) is checked on its own.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import Database from 'better-sqlite3';
import { existsSync, readdirSync, readlinkSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { tempDatabase } from '../../../tests/helpers/test-app.ts';
import { DatabaseUnavailableError } from '../../faults.ts';
import { lastWriteFault } from '../faults.ts';
import { GroupCommit, fdatasyncFile } from './group-commit.ts';

let t: ReturnType<typeof tempDatabase>;
let insert: Database.Statement;
beforeEach(() => {
  t = tempDatabase();
  t.db.$client.exec('create table gc_sync (v text not null)');
  insert = t.db.$client.prepare('insert into gc_sync (v) values (?)');
});
afterEach(() => t.cleanup());

/** A sync that records each path and waits until the test releases it (or fails it). */
function heldSync() {
  const calls: string[] = [];
  const waiting: Array<{ resolve: () => void; reject: (error: unknown) => void }> = [];
  const syncFile = (path: string) => new Promise<void>((resolve, reject) => { calls.push(path); waiting.push({ resolve, reject }); });
  /** Lets the scheduled flush and the sync's callbacks run. */
  const turns = async (n = 3) => { for (let i = 0; i < n; i++) await new Promise((r) => setImmediate(r)); };
  return { calls, syncFile, turns, pending: () => waiting.length, release: () => waiting.shift()!.resolve(), fail: (error: unknown) => waiting.shift()!.reject(error) };
}
function watch<T>(promise: Promise<T>) {
  const state: { settled: boolean; value?: T; error?: unknown } = { settled: false };
  promise.then((value) => Object.assign(state, { settled: true, value }), (error: unknown) => Object.assign(state, { settled: true, error }));
  return state;
}
const storedElsewhere = () => {
  const other = new Database(t.path, { readonly: true });
  try { return other.prepare('select v from gc_sync order by rowid').pluck().all(); } finally { other.close(); }
};

describe('GroupCommit on a WAL file at synchronous = FULL', () => {
  it('commits, then settles the jobs only once the WAL file is synced (its directory first, the first time)', async () => {
    const sync = heldSync();
    const gc = new GroupCommit(t.db.$client, { syncFile: sync.syncFile });
    const job = watch(gc.run(() => insert.run('a').changes, { oneStatement: true }));
    await sync.turns();
    expect(gc.stats).toEqual({ commits: 1, jobs: 1 });
    expect(storedElsewhere()).toEqual(['a']); // committed: another connection sees it
    expect(sync.calls).toEqual([dirname(t.path)]);
    sync.release();
    await sync.turns();
    expect(sync.calls).toEqual([dirname(t.path), `${t.path}-wal`]);
    expect(job.settled).toBe(false); // the WAL file is not synced yet
    sync.release();
    await sync.turns();
    expect(job).toEqual({ settled: true, value: 1 });

    const next = watch(gc.run(() => insert.run('b').changes));
    await sync.turns();
    expect(sync.calls.slice(2)).toEqual([`${t.path}-wal`]); // the directory only once
    sync.release();
    await sync.turns();
    expect(next).toEqual({ settled: true, value: 1 });
  });

  it('jobs queued while a sync is in flight wait for it, then commit together as the next batch', async () => {
    const sync = heldSync();
    const gc = new GroupCommit(t.db.$client, { syncFile: sync.syncFile });
    const first = watch(gc.run(() => insert.run('a').changes));
    await sync.turns();
    sync.release(); // the directory; the WAL's sync stays in flight
    await sync.turns();
    const later = [watch(gc.run(() => insert.run('b').changes)), watch(gc.run(() => insert.run('c').changes))];
    await sync.turns();
    await sync.turns();
    expect(gc.stats).toEqual({ commits: 1, jobs: 1 }); // b and c wait for the sync in flight
    sync.release();
    await sync.turns();
    expect(first).toEqual({ settled: true, value: 1 });
    expect(gc.stats).toEqual({ commits: 2, jobs: 3 }); // then both in one commit
    expect(later.map((job) => job.settled)).toEqual([false, false]);
    sync.release();
    await sync.turns();
    expect(later).toEqual([{ settled: true, value: 1 }, { settled: true, value: 1 }]);
    expect(storedElsewhere()).toEqual(['a', 'b', 'c']);
  });

  it('maxJobs queued during a sync commit at once, without waiting for it', async () => {
    const sync = heldSync();
    const gc = new GroupCommit(t.db.$client, { syncFile: sync.syncFile, maxJobs: 2 });
    void gc.run(() => insert.run('a').changes);
    await sync.turns(); // committed; the directory's sync in flight
    const jobs = [gc.run(() => insert.run('b').changes), gc.run(() => insert.run('c').changes)];
    expect(gc.stats).toEqual({ commits: 2, jobs: 3 }); // synchronously, at the second job
    while (sync.pending() > 0) { sync.release(); await sync.turns(); } // both batches' syncs (each syncs the directory: the first had not yet)
    await expect(Promise.all(jobs)).resolves.toEqual([1, 1]);
  });

  it('the batch runs at synchronous = NORMAL; the connection is at FULL again after it, also after a failing job', async () => {
    const level = () => t.db.$client.pragma('synchronous', { simple: true });
    const gc = new GroupCommit(t.db.$client);
    const inside = gc.run(() => level());
    const failing = gc.run(() => { throw new Error('boom'); });
    await expect(inside).resolves.toBe(1);
    await expect(failing).rejects.toThrow('boom');
    expect(level()).toBe(2);
  });

  it('a failed sync rejects every job of the batch as database_io_error (503) and /health notes it; a synced batch clears it', async () => {
    const sync = heldSync();
    const gc = new GroupCommit(t.db.$client, { syncFile: sync.syncFile });
    const jobs = [watch(gc.run(() => insert.run('c').changes)), watch(gc.run(() => insert.run('d').changes, { oneStatement: true }))];
    await sync.turns();
    sync.release(); // the directory
    await sync.turns();
    const eio = Object.assign(new Error('EIO: i/o error, fdatasync'), { code: 'EIO' });
    sync.fail(eio);
    await sync.turns();
    for (const job of jobs) {
      expect(job.error).toBeInstanceOf(DatabaseUnavailableError);
      expect((job.error as Error).cause).toBe(eio); // the log says what the disk said
      expect((job.error as DatabaseUnavailableError).fault).toMatchObject({ code: 'database_io_error', retryAfterSeconds: 5 });
      expect((job.error as Error).message).toContain('(EIO)');
    }
    expect(lastWriteFault(t.db.$client)?.fault.code).toBe('database_io_error');

    const after = watch(gc.run(() => insert.run('e').changes));
    await sync.turns();
    sync.release();
    await sync.turns();
    expect(after).toEqual({ settled: true, value: 1 });
    expect(lastWriteFault(t.db.$client)).toBeNull();
  });

  it('a WAL file that is gone (checkpointed and removed by the last close) counts as synced', async () => {
    const missing = Object.assign(new Error('ENOENT: no such file'), { code: 'ENOENT' });
    const gc = new GroupCommit(t.db.$client, { syncFile: async (path) => { if (path.endsWith('-wal')) throw missing; } });
    await expect(gc.run(() => insert.run('f').changes)).resolves.toBe(1);
  });

  it.each([
    ['an in-memory database', () => new Database(':memory:')],
    ['a connection at synchronous = NORMAL', () => { const c = new Database(t.path); c.pragma('synchronous = NORMAL'); return c; }]
  ])('%s: no sync of its own, the jobs settle at the commit', async (_name, connect) => {
    const client = connect();
    try {
      const calls: string[] = [];
      const gc = new GroupCommit(client, { syncFile: async (path) => { calls.push(path); } });
      await expect(gc.run(() => client.prepare('select 1').pluck().get())).resolves.toBe(1);
      expect(calls).toEqual([]);
    } finally {
      client.close();
    }
  });

  it('a rollback-journal file at synchronous = FULL commits at FULL (COMMIT syncs it), with no sync of its own', async () => {
    const client = new Database(join(dirname(t.path), 'journal.db'));
    try {
      client.pragma('journal_mode = DELETE');
      client.pragma('synchronous = FULL');
      const calls: string[] = [];
      const gc = new GroupCommit(client, { syncFile: async (path) => { calls.push(path); } });
      await expect(gc.run(() => client.pragma('synchronous', { simple: true }))).resolves.toBe(2);
      expect(calls).toEqual([]);
    } finally {
      client.close();
    }
  });

  it('the default sync syncs by default: jobs on a file database resolve, and the row is stored', async () => {
    const gc = new GroupCommit(t.db.$client);
    await expect(gc.run(() => insert.run('g').changes)).resolves.toBe(1);
    expect(storedElsewhere()).toEqual(['g']);
  });
});

describe('fdatasyncFile', () => {
  it('syncs a file and a directory; a missing file rejects with ENOENT', async () => {
    await expect(fdatasyncFile(t.path)).resolves.toBeUndefined();
    await expect(fdatasyncFile(dirname(t.path))).resolves.toBeUndefined();
    await expect(fdatasyncFile(join(dirname(t.path), 'missing'))).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it.skipIf(!existsSync('/proc/self/fd'))('keeps no descriptor open: after 50 syncs the process holds the file as often as before', async () => {
    const held = () => readdirSync('/proc/self/fd').filter((fd) => { try { return readlinkSync(`/proc/self/fd/${fd}`) === t.path; } catch { return false; } }).length;
    const before = held();
    for (let i = 0; i < 50; i++) await fdatasyncFile(t.path);
    expect(held()).toBe(before);
  });
});
