// The analysis thread: its own connection to the database file (reads the main file's
// snapshots, writes only the report store's file), so report refreshes, cold rebuilds,
// segment splits and the statistics never run on the thread that answers the SDKs.
// Started by `runner.ts`; one request at a time, in order.
import Database from 'better-sqlite3';
import { drizzle } from 'drizzle-orm/better-sqlite3';
import { parentPort, workerData } from 'node:worker_threads';
import type { Db } from '../../db/connection.ts';
import { attachReportStore } from '../../db/queries/report-store-schema.ts';
import * as schema from '../../db/schema.ts';
import { DomainError } from '../errors.ts';
import { computeReportJob, type ReportJob, type ReportReply } from './jobs.ts';

const { path } = workerData as { path: string };
const client = new Database(path);
client.pragma('foreign_keys = ON');
client.pragma('busy_timeout = 5000'); // waits here, on this thread, never on the request thread
client.pragma('cache_size = -262144');
attachReportStore(client, path);
const db = drizzle(client, { schema }) as Db;

const port = parentPort!;
port.on('message', ({ id, job }: { id: number; job: ReportJob }) => {
  let reply: ReportReply;
  try {
    reply = { id, ok: true, value: computeReportJob(db, job) };
  } catch (err) {
    const e = err instanceof Error ? err : new Error(String(err));
    reply = { id, ok: false, error: { name: e.name, message: e.message, code: err instanceof DomainError ? err.code : null } };
  }
  port.postMessage(reply);
});
