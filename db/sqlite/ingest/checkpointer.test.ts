// The checkpointer: WAL checkpoints on a thread of their own once a connection is busy, SQLite's own
// automatic checkpoint moved to a backstop meanwhile and given back when the thread stops.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { statSync } from 'node:fs';
import { tempDatabase } from '../../../tests/helpers/test-app.ts';
import { startCheckpointer } from './checkpointer.ts';
import { GroupCommit } from './group-commit.ts';

let t: ReturnType<typeof tempDatabase>;
beforeEach(() => {
  t = tempDatabase();
  t.db.$client.exec('create table cp_blobs (b blob not null)');
});
afterEach(() => t.cleanup());
const autocheckpoint = () => t.db.$client.pragma('wal_autocheckpoint', { simple: true });
const exited = (worker: { once(event: 'exit', listener: () => void): unknown }) => new Promise<void>((resolve) => worker.once('exit', () => resolve()));

describe('startCheckpointer', () => {
  it('copies a WAL past 1000 pages into the database file from its own thread; stop gives SQLite its own checkpoints back', async () => {
    const client = t.db.$client;
    const checkpointer = startCheckpointer(client, { everyMs: 20 });
    expect(autocheckpoint()).toBe(16_000); // only a backstop while the thread runs
    const insert = client.prepare('insert into cp_blobs (b) values (?)');
    const blob = Buffer.alloc(1024 * 1024, 7);
    for (let i = 0; i < 6; i++) insert.run(blob); // ~6 MiB of pages in the WAL, no automatic checkpoint at 16,000 pages
    await vi.waitFor(() => expect(statSync(t.path).size).toBeGreaterThan(6 * 1024 * 1024), { timeout: 20_000, interval: 50 });
    const done = exited(checkpointer.worker);
    checkpointer.stop();
    expect(autocheckpoint()).toBe(1000);
    await done;
  });

  it('stops by itself when the connection is closed', async () => {
    const checkpointer = startCheckpointer(t.db.$client);
    const done = exited(checkpointer.worker);
    t.cleanup();
    await done; // within about a second
    t = tempDatabase(); // for afterEach
  });
});

describe('GroupCommit with checkpointThread', () => {
  it.each([[true, 16_000], [false, 1000]])('checkpointThread %s: after 5,000 jobs the connection checkpoints at %i pages by itself', async (checkpointThread, pages) => {
    const insert = t.db.$client.prepare('insert into cp_blobs (b) values (?)');
    const gc = new GroupCommit(t.db.$client, { checkpointThread });
    await Promise.all(Array.from({ length: 4999 }, () => gc.run(() => insert.run('x').changes, { oneStatement: true })));
    expect(autocheckpoint()).toBe(1000);
    await gc.run(() => insert.run('x').changes, { oneStatement: true });
    expect(autocheckpoint()).toBe(pages);
  });
});
