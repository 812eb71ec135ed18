// What the writer thread (`writer-worker.ts`) does with its messages, as functions it calls, so
// tests can run them in process (mutation testing cannot switch mutants on inside a worker thread).
import Database from 'better-sqlite3';
import type { GroupCommit } from './group-commit.ts';
import { queueWrite, type WriteOpName } from './write-ops.ts';

export type WriteRequest = { id: number; op: WriteOpName; payload: unknown };
export type WriteReply = { id: number; ok: true; value: unknown } | { id: number; ok: false; error: string };
export type WriteReplies = { replies: WriteReply[]; stats: { commits: number; jobs: number } };

/** The writer thread's own connection to the database file at `path`. */
export function openWriterConnection(path: string): Database.Database {
  const client = new Database(path);
  client.pragma('journal_mode = WAL');
  client.pragma('foreign_keys = ON');
  client.pragma('synchronous = FULL'); // a reply means the COMMIT is on disk
  client.pragma('busy_timeout = 5000');
  client.pragma('cache_size = -65536'); // 64 MiB: index pages stay in memory between commits
  return client;
}

/**
 * The handler of the writer thread's messages (lists of `WriteRequest`s): queues each write on
 * `committer` and `post`s the replies of the jobs that settle together (one commit) as one
 * `WriteReplies`, with the committer's stats.
 */
export function writeRequestHandler(committer: GroupCommit, client: Database.Database, post: (message: WriteReplies) => void): (requests: WriteRequest[]) => void {
  let outbox: WriteReply[] = [];

  function reply(message: WriteReply): void {
    // Jobs of one commit settle in the same microtask pass: send them as one message.
    if (outbox.length === 0) queueMicrotask(() => {
      const replies = outbox;
      outbox = [];
      post({ replies, stats: committer.stats });
    });
    outbox.push(message);
  }

  return (requests) => {
    for (const { id, op, payload } of requests) {
      queueWrite(committer, client, op, payload as never).then(
        (value) => reply({ id, ok: true, value }),
        (error: unknown) => reply({ id, ok: false, error: error instanceof Error ? error.message : String(error) })
      );
    }
  };
}
