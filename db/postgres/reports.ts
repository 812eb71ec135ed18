/**
 * The report store of PostgreSQL: reports computed in this process by the domain's
 * `buildReport` over the PostgreSQL stores. Nothing here blocks the event loop: the heavy work
 * (refresh, aggregation) is SQL the server runs while the loop serves other requests; what
 * remains here is the statistics over a few hundred group sums. Requests for the same report
 * in flight at once share one computation (as SQLite's report runner does).
 */
import type { Data, ReportStore } from '../store/index.ts';
import { computeReportJob, type ReportJob } from '../../calendar/reports/jobs.ts';
import type { Report } from '../../calendar/reports/types.ts';

/**
 * The report store over `data` (the PostgreSQL `Data` of one pool).
 * @example const report = await postgresReportStore(() => data).report('w01-onboarding-ebook-reminder', {}, Date.now());
 */
export function postgresReportStore(data: () => Data): ReportStore {
  const inFlight = new Map<string, Promise<unknown>>();
  const shared = <T>(job: ReportJob, sameAs: unknown[]): Promise<T> => {
    const key = JSON.stringify(sameAs);
    const running = inFlight.get(key);
    if (running) return running as Promise<T>;
    const promise = computeReportJob(data(), job).finally(() => inFlight.delete(key));
    inFlight.set(key, promise);
    return promise as Promise<T>;
  };
  return {
    // The same sharing key as SQLite's runner: requests in flight at once share the first one's clock reading.
    report: (key, options, nowMs) => shared<Report>({ op: 'report', key, options, nowMs },
      ['report', key, options.analysis, options.correction, options.alpha, options.segment]),
    segments: (key) => shared<string[]>({ op: 'segments', key }, ['segments', key]),
    threaded: false
  };
}
