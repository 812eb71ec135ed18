// GroupCommit when BEGIN fails: the write lock held by another connection to the same file is
// waited for on a timer (up to maxLockWaitMs, each wait counted afresh), any other failure of
// BEGIN fails the batch at once. The clock (Date.now) and the retry timers are vitest's fake
// ones, so each wait is stepped by hand and nothing depends on the machine's speed.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import Database from 'better-sqlite3';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { tempDatabase } from '../../../tests/helpers/test-app.ts';
import { DatabaseUnavailableError } from '../../faults.ts';
import { GroupCommit } from './group-commit.ts';

let t: ReturnType<typeof tempDatabase>;
let other: Database.Database;
let insert: Database.Statement;
beforeEach(() => {
  vi.useFakeTimers({ toFake: ['Date', 'setTimeout', 'clearTimeout'] });
  t = tempDatabase(); // busy_timeout 0: BEGIN fails at once while `other` holds the lock
  t.db.$client.exec('create table gc_lock (v text not null)');
  insert = t.db.$client.prepare('insert into gc_lock (v) values (?)');
  other = new Database(t.path);
});
afterEach(() => {
  vi.useRealTimers();
  if (other.inTransaction) other.exec('ROLLBACK');
  other.close();
  t.cleanup();
});

const values = () => other.prepare('select v from gc_lock order by rowid').pluck().all();
/** A job's promise and what became of it so far. */
function watch<T>(promise: Promise<T>) {
  const state: { settled: boolean; value?: T; error?: unknown; promise: Promise<T> } = { settled: false, promise };
  promise.then((value) => Object.assign(state, { settled: true, value }), (error: unknown) => Object.assign(state, { settled: true, error }));
  return state;
}
/** Lets the scheduled flush (setImmediate, not faked) and the promise callbacks run. */
const turn = () => new Promise((resolve) => setImmediate(resolve));

describe('GroupCommit and a write lock held elsewhere', () => {
  it('waits while the lock is held, takes the jobs queued meanwhile into the same batch, and commits once it is released', async () => {
    const gc = new GroupCommit(t.db.$client); // the default wait: 2000 ms
    other.exec('BEGIN IMMEDIATE');
    const first = watch(gc.run(() => insert.run('a').changes));
    await turn(); // the flush finds the lock held
    const second = watch(gc.run(() => insert.run('b').changes, { oneStatement: true }));
    await vi.advanceTimersByTimeAsync(1500);
    await turn();
    expect([first.settled, second.settled]).toEqual([false, false]);
    expect(gc.stats).toEqual({ commits: 0, jobs: 0 });
    other.exec('ROLLBACK');
    await vi.advanceTimersByTimeAsync(60); // the next retry (at most 50 ms apart)
    expect(await Promise.all([first.promise, second.promise])).toEqual([1, 1]);
    expect(gc.stats).toEqual({ commits: 1, jobs: 2 });
    expect(values()).toEqual(['a', 'b']);
  });

  it('a lock held past maxLockWaitMs fails the batch as database_busy, nothing stored; the next batch waits afresh', async () => {
    const gc = new GroupCommit(t.db.$client, { maxLockWaitMs: 1000 });
    other.exec('BEGIN IMMEDIATE');
    const job = watch(gc.run(() => insert.run('lost').changes));
    await turn();
    await vi.advanceTimersByTimeAsync(900);
    await turn();
    expect(job.settled).toBe(false); // within the wait
    await vi.advanceTimersByTimeAsync(200);
    await turn();
    expect(job.error).toBeInstanceOf(DatabaseUnavailableError);
    expect((job.error as DatabaseUnavailableError).fault.code).toBe('database_busy');

    // Still held: a new batch waits its own maxLockWaitMs instead of failing at once.
    const next = watch(gc.run(() => insert.run('kept').changes));
    await turn();
    await vi.advanceTimersByTimeAsync(500);
    await turn();
    expect(next.settled).toBe(false);
    other.exec('ROLLBACK');
    await vi.advanceTimersByTimeAsync(60);
    expect(await next.promise).toBe(1);
    expect(values()).toEqual(['kept']);
  });

  it('a commit ends the wait: a lock taken later is waited for afresh', async () => {
    const gc = new GroupCommit(t.db.$client, { maxLockWaitMs: 1000 });
    other.exec('BEGIN IMMEDIATE');
    const first = watch(gc.run(() => insert.run('one').changes));
    await turn();
    await vi.advanceTimersByTimeAsync(600);
    other.exec('ROLLBACK');
    await vi.advanceTimersByTimeAsync(60);
    expect(await first.promise).toBe(1);

    await vi.advanceTimersByTimeAsync(5000); // long after the first wait began
    other.exec('BEGIN IMMEDIATE');
    const second = watch(gc.run(() => insert.run('two').changes));
    await turn();
    await vi.advanceTimersByTimeAsync(600);
    await turn();
    expect(second.settled).toBe(false);
    other.exec('ROLLBACK');
    await vi.advanceTimersByTimeAsync(60);
    expect(await second.promise).toBe(1);
    expect(values()).toEqual(['one', 'two']);
    expect(gc.stats).toEqual({ commits: 2, jobs: 2 });
  });

  it('maxLockWaitMs 0: a held lock fails the batch at the first try, without a timer', async () => {
    const gc = new GroupCommit(t.db.$client, { maxLockWaitMs: 0 });
    other.exec('BEGIN IMMEDIATE');
    const job = watch(gc.run(() => insert.run('x').changes));
    await turn();
    await turn();
    expect((job.error as DatabaseUnavailableError).fault.code).toBe('database_busy');
    expect(vi.getTimerCount()).toBe(0);
  });
});

describe('GroupCommit when BEGIN fails for another reason', () => {
  it('a read-only connection (query_only) fails the batch at once as database_read_only, without waiting', async () => {
    const readOnly = new Database(t.path);
    readOnly.pragma('query_only = ON');
    try {
      const gc = new GroupCommit(readOnly);
      const job = watch(gc.run(() => 1));
      await turn();
      await turn();
      expect(job.error).toBeInstanceOf(DatabaseUnavailableError);
      expect((job.error as DatabaseUnavailableError).fault.code).toBe('database_read_only');
      expect(vi.getTimerCount()).toBe(0);
    } finally {
      readOnly.close();
    }
  });

  it('a file that is not a database fails the batch at once with SQLite\'s own error (no fault to name)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'wx-notadb-'));
    const path = join(dir, 'text.db');
    writeFileSync(path, 'not a database: '.repeat(16));
    const client = new Database(path);
    try {
      const gc = new GroupCommit(client);
      const job = watch(gc.run(() => 1));
      await turn();
      await turn();
      expect(job.error).not.toBeInstanceOf(DatabaseUnavailableError);
      expect(job.error).toMatchObject({ code: 'SQLITE_NOTADB' });
      expect(vi.getTimerCount()).toBe(0);
    } finally {
      client.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
