// The analysis thread: its own connection to the database file (reads the main file's
// snapshots, writes only the report store's file), so report refreshes, cold rebuilds,
// segment splits and the statistics never run on the thread that answers the SDKs.
// Started by `report-runner.ts`; it runs the domain's report jobs over the stores of its own
// connection, one request at a time, in order.
import Database from 'better-sqlite3';
import { drizzle } from 'drizzle-orm/better-sqlite3';
import { parentPort, workerData } from 'node:worker_threads';
import type { Db } from './connection.ts';
import { attachReportStore } from './queries/report-store-schema.ts';
import * as schema from './schema.ts';
import { DomainError } from '../../calendar/errors.ts';
import { computeReportJob, type ReportJob } from '../../calendar/reports/jobs.ts';
import { sqliteData } from './data.ts';
import type { ReportReply } from './report-runner.ts';

const { path } = workerData as { path: string };
const client = new Database(path);
client.pragma('foreign_keys = ON');
client.pragma('busy_timeout = 5000'); // waits here, on this thread, never on the request thread
client.pragma('cache_size = -262144');
// Reads of the main file through a memory map: a cold report first touches every page of the
// events and exposures (~350 MB at 1M users) on this new connection, and a read() per page into
// the page cache cost ~4x the warm scan (measured: first scan 1,063 ms of CPU without, 361 ms
// with; then 160-250 ms either way). Only the main file: the report store is written.
client.pragma('main.mmap_size = 2147483648');
attachReportStore(client, path);
const data = sqliteData(drizzle(client, { schema }) as Db);

async function answer(id: number, job: ReportJob): Promise<ReportReply> {
  try {
    return { id, ok: true, value: await computeReportJob(data, job) };
  } catch (err) {
    const e = err instanceof Error ? err : new Error(String(err));
    return { id, ok: false, error: { name: e.name, message: e.message, code: err instanceof DomainError ? err.code : null } };
  }
}

const port = parentPort!;
// One request at a time, in order: each starts when the previous reply has been posted.
let turn: Promise<void> = Promise.resolve();
port.on('message', ({ id, job }: { id: number; job: ReportJob }) => {
  turn = turn.then(async () => port.postMessage(await answer(id, job)));
});
