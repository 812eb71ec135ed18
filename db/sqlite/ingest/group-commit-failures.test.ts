// GroupCommit's edges, each on its own in-memory connection: when it flushes, what an empty flush
// does, a closed connection, a job that ends the transaction itself, and the shared committer.
import { describe, expect, it } from 'vitest';
import Database from 'better-sqlite3';
import { GroupCommit, groupCommitFor } from './group-commit.ts';

function connection() {
  const client = new Database(':memory:');
  client.exec('create table t (v text not null)');
  const insert = client.prepare('insert into t (v) values (?)');
  const values = () => client.prepare('select v from t order by rowid').pluck().all() as string[];
  return { client, insert, values };
}

describe('GroupCommit', () => {
  it('flushes on the next turn by default, at once at 2000 queued jobs', async () => {
    const { client, insert, values } = connection();
    const gc = new GroupCommit(client);
    const jobs = Array.from({ length: 1999 }, (_, i) => gc.run(() => insert.run(`a${i}`).changes, { oneStatement: true }));
    expect(gc.stats).toEqual({ commits: 0, jobs: 0 });
    jobs.push(gc.run(() => insert.run('last').changes, { oneStatement: true }));
    expect(gc.stats).toEqual({ commits: 1, jobs: 2000 }); // synchronously, before any await
    expect(await Promise.all(jobs)).toEqual(Array(2000).fill(1));
    expect(values()).toHaveLength(2000);
  });

  it('one turn of the event loop is one commit; the next turn is another', async () => {
    const { client, insert } = connection();
    const gc = new GroupCommit(client);
    await Promise.all([gc.run(() => insert.run('a')), gc.run(() => insert.run('b'))]);
    await gc.run(() => insert.run('c'));
    expect(gc.stats).toEqual({ commits: 2, jobs: 3 });
  });

  it('a flush with nothing queued commits nothing', () => {
    const { client } = connection();
    const gc = new GroupCommit(client);
    gc.flush();
    expect(gc.stats).toEqual({ commits: 0, jobs: 0 });
    expect(client.inTransaction).toBe(false);
  });

  it('a connection closed before the flush rejects every queued job, and nothing runs', async () => {
    const { client } = connection();
    const gc = new GroupCommit(client);
    let ran = 0;
    const jobs = [gc.run(() => ++ran), gc.run(() => ++ran, { oneStatement: true })];
    client.close();
    const settled = await Promise.allSettled(jobs);
    expect(settled).toEqual([
      { status: 'rejected', reason: new Error('the database connection is closed') },
      { status: 'rejected', reason: new Error('the database connection is closed') }
    ]);
    expect(ran).toBe(0);
    expect(gc.stats).toEqual({ commits: 0, jobs: 0 });
  });

  it('a job that ends the transaction itself fails the whole batch: every job rejects, nothing is stored', async () => {
    const { client, insert, values } = connection();
    const gc = new GroupCommit(client);
    const boom = new Error('the transaction is gone');
    const before = gc.run(() => insert.run('before').changes);
    const breaker = gc.run(() => { client.exec('ROLLBACK'); throw boom; });
    const after = gc.run(() => insert.run('after').changes);
    const settled = await Promise.allSettled([before, breaker, after]);
    expect(settled).toEqual([{ status: 'rejected', reason: boom }, { status: 'rejected', reason: boom }, { status: 'rejected', reason: boom }]);
    expect(values()).toEqual([]);
    expect(client.inTransaction).toBe(false);
    expect(gc.stats).toEqual({ commits: 0, jobs: 0 });
    // The committer keeps working afterwards.
    await expect(gc.run(() => insert.run('next').changes)).resolves.toBe(1);
    expect(values()).toEqual(['next']);
  });

  it('a COMMIT that fails (a deferred foreign key) rolls the batch back and rejects every job; the next batch commits', async () => {
    const client = new Database(':memory:');
    client.pragma('foreign_keys = ON');
    client.exec('create table parent (id integer primary key); create table child (parent_id integer references parent(id) deferrable initially deferred)');
    const gc = new GroupCommit(client);
    const ok = gc.run(() => client.prepare('insert into parent (id) values (1)').run().changes);
    const orphan = gc.run(() => client.prepare('insert into child (parent_id) values (99)').run().changes, { oneStatement: true });
    const settled = await Promise.allSettled([ok, orphan]);
    expect(settled.map((r) => r.status)).toEqual(['rejected', 'rejected']);
    expect((settled[0] as PromiseRejectedResult).reason).toBeInstanceOf(Error);
    expect((settled[0] as PromiseRejectedResult).reason.message).toMatch(/FOREIGN KEY constraint failed/);
    expect(client.inTransaction).toBe(false);
    expect(client.prepare('select count(*) from parent').pluck().get()).toBe(0);
    expect(gc.stats).toEqual({ commits: 0, jobs: 0 });
    await expect(gc.run(() => client.prepare('insert into parent (id) values (2)').run().changes)).resolves.toBe(1);
    expect(gc.stats).toEqual({ commits: 1, jobs: 1 });
  });

  it('a failing job is rejected with its own error, not a stand-in', async () => {
    const { client, insert } = connection();
    const gc = new GroupCommit(client);
    const boom = new Error('boom');
    const settled = await Promise.allSettled([
      gc.run(() => { insert.run('z'); throw boom; }),
      gc.run(() => { throw boom; }, { oneStatement: true })
    ]);
    expect(settled).toEqual([{ status: 'rejected', reason: boom }, { status: 'rejected', reason: boom }]);
    expect((settled[0] as PromiseRejectedResult).reason).toBe(boom);
  });

  it('a failing job among savepointed ones is undone alone, including its own earlier writes', async () => {
    const { client, insert, values } = connection();
    const gc = new GroupCommit(client);
    const results = await Promise.allSettled([
      gc.run(() => { insert.run('a1'); insert.run('a2'); return 'a'; }),
      gc.run(() => { insert.run('b1'); insert.run(null); }),
      gc.run(() => { insert.run('c1'); return 'c'; })
    ]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect(results[0]).toEqual({ status: 'fulfilled', value: 'a' });
    expect(values()).toEqual(['a1', 'a2', 'c1']);
    expect(gc.stats).toEqual({ commits: 1, jobs: 3 });
  });

  it('a job is a savepointed one unless it says oneStatement: true', async () => {
    const { client, insert, values } = connection();
    const gc = new GroupCommit(client);
    // Without a savepoint the first insert of a failing two-statement job would stay.
    await expect(gc.run(() => { insert.run('x'); insert.run(null); }, { oneStatement: false })).rejects.toThrow(/NOT NULL/);
    await expect(gc.run(() => { insert.run('y'); insert.run(null); }, {})).rejects.toThrow(/NOT NULL/);
    expect(values()).toEqual([]);
  });

  it('groupCommitFor gives one committer per connection', () => {
    const a = connection().client;
    const b = connection().client;
    expect(groupCommitFor(a)).toBe(groupCommitFor(a));
    expect(groupCommitFor(a)).not.toBe(groupCommitFor(b));
    expect(groupCommitFor(a)).toBeInstanceOf(GroupCommit);
  });
});
