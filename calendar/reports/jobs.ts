/**
 * What the analysis thread computes: a report (with its exports' data) or the attributes a
 * report can be split by. The same function runs on the thread and, for an in-memory
 * database, in process.
 */
import type { Db } from '../../db/connection.ts';
import { buildReport } from './build.ts';
import { availableSegments } from './segments.ts';
import type { Report, ReportOptions } from './types.ts';

export type ReportJob =
  | { op: 'report'; key: string; options: ReportOptions; nowMs: number }
  | { op: 'segments'; key: string };

export type ReportJobResult<J extends ReportJob> = J extends { op: 'report' } ? Report : string[];

export type ReportReply =
  | { id: number; ok: true; value: unknown }
  | { id: number; ok: false; error: { name: string; message: string; code: string | null } };

export function computeReportJob(db: Db, job: ReportJob): Report | string[] {
  return job.op === 'report' ? buildReport(db, job.key, job.options, job.nowMs) : availableSegments(db, job.key);
}
