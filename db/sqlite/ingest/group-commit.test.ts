import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type Database from 'better-sqlite3';
import { tempDatabase } from '../../../tests/helpers/test-app.ts';
import { GroupCommit } from './group-commit.ts';

let t: ReturnType<typeof tempDatabase>;
let insert: Database.Statement;
/** Each test: a fresh database with an empty gc_test table. */
beforeEach(() => {
  t = tempDatabase();
  t.db.$client.exec('create table gc_test (v text not null)');
  insert = t.db.$client.prepare('insert into gc_test (v) values (?)');
});
afterEach(() => t.cleanup());
const values = () => (t.db.$client.prepare('select v from gc_test order by v').pluck().all() as string[]);

describe('GroupCommit', () => {
  it('commits jobs of one turn together; a failing job rolls back alone', async () => {
    const gc = new GroupCommit(t.db.$client);
    const ok1 = gc.run(() => insert.run('a').changes);
    const bad = gc.run(() => { insert.run('half-written'); throw new Error('boom'); });
    const ok2 = gc.run(() => insert.run('b').changes);
    await expect(ok1).resolves.toBe(1);
    await expect(bad).rejects.toThrow('boom');
    await expect(ok2).resolves.toBe(1);
    expect(gc.stats).toEqual({ commits: 1, jobs: 3 });
    expect(values()).toEqual(['a', 'b']);
  });

  it('a one-statement job needs no savepoint: its failed statement is undone alone', async () => {
    const gc = new GroupCommit(t.db.$client);
    const before = values().length;
    const ok = gc.run(() => insert.run('f').changes, { oneStatement: true });
    const bad = gc.run(() => insert.run(null), { oneStatement: true }); // NOT NULL fails
    const many = gc.run(() => t.db.$client.prepare("insert into gc_test (v) values ('g1'), ('g2'), (null)").run(), { oneStatement: true });
    const after = gc.run(() => insert.run('h').changes, { oneStatement: true });
    await expect(ok).resolves.toBe(1);
    await expect(bad).rejects.toThrow(/NOT NULL/);
    await expect(many).rejects.toThrow(/NOT NULL/);
    await expect(after).resolves.toBe(1);
    expect(gc.stats).toEqual({ commits: 1, jobs: 4 });
    expect(values().length).toBe(before + 2);
    expect(values()).not.toContain('g1'); // the multi-row statement is undone as a whole
    expect(values()).toEqual(['f', 'h']);
  });

  it('flushes at once when maxJobs are queued', async () => {
    const gc = new GroupCommit(t.db.$client, { maxJobs: 2 });
    const jobs = [gc.run(() => insert.run('c')), gc.run(() => insert.run('d'))];
    expect(gc.stats.commits).toBe(1); // synchronously, before any await
    await Promise.all(jobs);
    expect(gc.stats).toEqual({ commits: 1, jobs: 2 });
    expect(values()).toEqual(['c', 'd']);
  });

  it('waits for a transaction someone else holds, then commits', async () => {
    const gc = new GroupCommit(t.db.$client);
    t.db.$client.exec('begin'); // someone else's open transaction: the committer waits for it
    const pending = gc.run(() => insert.run('e'));
    await new Promise((r) => setImmediate(r));
    t.db.$client.exec('commit');
    await expect(pending).resolves.toMatchObject({ changes: 1 });
    expect(values()).toEqual(['e']);
  });
});
