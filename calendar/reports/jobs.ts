/**
 * What the analysis thread computes: a report (with its exports' data) or the attributes a
 * report can be split by. The same function runs on the thread and, for an in-memory
 * database, in process (db/sqlite/report-runner.ts).
 */
import type { Data } from '../../db/store/index.ts';
import { buildReport } from './build.ts';
import { availableSegments } from './segments.ts';
import type { Report, ReportOptions } from './types.ts';

export type ReportJob =
  | { op: 'report'; key: string; options: ReportOptions; nowMs: number }
  | { op: 'segments'; key: string };

export type ReportJobResult<J extends ReportJob> = J extends { op: 'report' } ? Report : string[];

/**
 * Computes one job over the stores of `data`.
 * @example await computeReportJob(data, { op: 'segments', key: 'w01-onboarding-ebook-reminder' }) // ['channel']
 */
export async function computeReportJob(data: Data, job: ReportJob): Promise<Report | string[]> {
  return job.op === 'report' ? buildReport(data, job.key, job.options, job.nowMs) : availableSegments(data, job.key);
}
