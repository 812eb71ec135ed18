/**
 * WAL checkpoints off the event loop. SQLite's automatic checkpoint runs inside the COMMIT that
 * takes the WAL past 1000 pages: it copies the WAL's pages into the database file and fsyncs
 * both files, all on the committing thread; on the inline writer that is the HTTP thread (about
 * half of a busy group commit's COMMIT time, measured with the bench's 100-event requests).
 * A checkpointer is a worker thread with its own connection to the file that runs
 * `wal_checkpoint(PASSIVE)` whenever the WAL is past that size: a passive checkpoint blocks no
 * reader or writer, and the writer still restarts the WAL once everything is copied.
 * The connection keeps an automatic checkpoint of its own at a 16× larger WAL, in case the
 * thread falls behind, and gets back SQLite's own when the thread fails.
 */
import type Database from 'better-sqlite3';
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';

/** WAL pages at which SQLite checkpoints by itself (its default); the thread checkpoints at that size too. */
const sqliteDefaultPages = 1000;
/** The connection's own automatic checkpoint while a checkpointer runs: a backstop only. */
const backstopPages = 16 * sqliteDefaultPages;

/** The worker's code, plain JavaScript (no TypeScript loader to start): a timer, a stat, a PRAGMA. */
const source = `
const { parentPort, workerData } = require('node:worker_threads');
const { statSync } = require('node:fs');
const Database = require(workerData.driver);
const db = new Database(workerData.path);
db.pragma('busy_timeout = 0');
db.pragma('synchronous = FULL');
const wal = workerData.path + '-wal';
const timer = setInterval(() => {
  let size = 0;
  try { size = statSync(wal).size; } catch { return; }
  // A WAL file is reused, not shrunk: past the size, a passive checkpoint with nothing to copy returns at once.
  if (size >= workerData.minBytes) {
    try { db.pragma('wal_checkpoint(PASSIVE)'); } catch { /* busy or I/O: the next tick tries again */ }
  }
}, workerData.everyMs);
parentPort.on('message', () => { clearInterval(timer); db.close(); parentPort.close(); });
`;

/** A running checkpointer: `stop` ends the thread (its connection closes first). */
export type Checkpointer = { stop(): void; readonly worker: Worker };

/**
 * Starts a checkpointer for the WAL file database of `client` and moves the connection's own
 * automatic checkpoint to a backstop size. The thread stops when `stop` is called or the
 * connection is closed (checked each second); it never keeps the process alive.
 * @example const checkpointer = startCheckpointer(db.$client); // … checkpointer.stop();
 */
export function startCheckpointer(client: Database.Database, options: { everyMs?: number } = {}): Checkpointer {
  const pageSize = client.pragma('page_size', { simple: true }) as number;
  const worker = new Worker(source, {
    eval: true,
    workerData: { path: client.name, driver: createRequire(import.meta.url).resolve('better-sqlite3'), minBytes: sqliteDefaultPages * pageSize, everyMs: options.everyMs ?? 100 }
  });
  worker.unref();
  client.pragma(`wal_autocheckpoint = ${backstopPages}`);
  let stopped = false;
  const stop = () => {
    if (stopped) return;
    stopped = true;
    clearInterval(watch);
    worker.postMessage('stop');
    if (client.open) client.pragma(`wal_autocheckpoint = ${sqliteDefaultPages}`);
  };
  // A failed thread: SQLite's own checkpoints again.
  const failed = () => {
    clearInterval(watch);
    if (client.open) client.pragma(`wal_autocheckpoint = ${sqliteDefaultPages}`);
  };
  worker.on('error', failed);
  worker.on('exit', () => { if (!stopped) failed(); });
  const watch = setInterval(() => { if (!client.open) stop(); }, 1000).unref();
  return { stop, worker };
}
