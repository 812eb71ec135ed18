// The writer thread: its own better-sqlite3 connection runs the ingest writes in group commits
// (`synchronous = FULL`), so the fsync of each COMMIT blocks this thread, not the HTTP one.
// Started by `writer.ts`; messages are lists of `WriteRequest`s, replies one `WriteReplies` per
// commit. The work is in `write-requests.ts` (tested in process); this file only wires it up.
import { parentPort, workerData } from 'node:worker_threads';
import { GroupCommit } from './group-commit.ts';
import { openWriterConnection, writeRequestHandler } from './write-requests.ts';

const { path } = workerData as { path: string };
const client = openWriterConnection(path);
const port = parentPort!;
// Stryker disable next-line all: runs only inside the worker thread, where Stryker cannot switch mutants on; writer.test.ts fails without it
port.on('message', writeRequestHandler(new GroupCommit(client), client, (message) => port.postMessage(message)));
