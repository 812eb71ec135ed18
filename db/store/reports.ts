import type { Report, ReportOptions } from '../../calendar/reports/types.ts';

/**
 * Reports: computed where they cannot block the thread that answers the SDKs (for SQLite, a
 * worker thread with its own connection; in-process for an in-memory database). Two requests
 * for the same report at once share one computation.
 */
export interface ReportStore {
  /** The report of experiment `key` (throws NotFoundError for an unknown key). */
  report(key: string, options: ReportOptions, nowMs: number): Promise<Report>;
  /** Exposure attributes the report can be split by. */
  segments(key: string): Promise<string[]>;
  /** Whether the reports run on a thread of their own. */
  readonly threaded: boolean;
}
