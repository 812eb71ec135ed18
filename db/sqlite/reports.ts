/** The report store of SQLite: the report runner (a worker thread for a file, in process for :memory:). */
import type { Db } from './connection.ts';
import type { Data, ReportStore } from '../store/index.ts';
import { reportsFor } from './report-runner.ts';

export { closeReports, reportsFor, type ReportRunner } from './report-runner.ts';
export { sqliteReportSource } from './report-source.ts';

/** `data`: the connection's own stores, for an in-memory database's in-process reports. */
export function sqliteReportStore(db: Db, data: () => Data): ReportStore {
  const runner = () => reportsFor(db, data);
  return {
    report: (key, options, nowMs) => runner().report(key, options, nowMs),
    segments: (key) => runner().segments(key),
    get threaded() { return runner().threaded; }
  };
}
