// The writer thread: its own better-sqlite3 connection runs the ingest writes in group commits
// (`synchronous = FULL`), so the fsync of each COMMIT blocks this thread, not the HTTP one.
// Started by `writer.ts`; messages are lists of `WriteRequest`s, replies one `WriteReplies` per commit.
import Database from 'better-sqlite3';
import { parentPort, workerData } from 'node:worker_threads';
import { GroupCommit } from './group-commit.ts';
import { queueWrite, type WriteOpName } from './write-ops.ts';

export type WriteRequest = { id: number; op: WriteOpName; payload: unknown };
export type WriteReply = { id: number; ok: true; value: unknown } | { id: number; ok: false; error: string };
export type WriteReplies = { replies: WriteReply[]; stats: { commits: number; jobs: number } };

const { path } = workerData as { path: string };
const client = new Database(path);
client.pragma('journal_mode = WAL');
client.pragma('foreign_keys = ON');
client.pragma('synchronous = FULL'); // a reply means the COMMIT is on disk
client.pragma('busy_timeout = 5000');
client.pragma('cache_size = -65536'); // 64 MiB: index pages stay in memory between commits

const committer = new GroupCommit(client);
const port = parentPort!;
let outbox: WriteReply[] = [];

function reply(message: WriteReply): void {
  // Jobs of one commit settle in the same microtask pass: send them as one message.
  if (outbox.length === 0) queueMicrotask(() => {
    const replies = outbox;
    outbox = [];
    port.postMessage({ replies, stats: committer.stats } satisfies WriteReplies);
  });
  outbox.push(message);
}

port.on('message', (requests: WriteRequest[]) => {
  for (const { id, op, payload } of requests) {
    queueWrite(committer, client, op, payload as never).then(
      (value) => reply({ id, ok: true, value }),
      (error: unknown) => reply({ id, ok: false, error: error instanceof Error ? error.message : String(error) })
    );
  }
});
