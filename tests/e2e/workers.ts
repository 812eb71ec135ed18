/**
 * How many Playwright workers (and so real servers, one each) the e2e run uses. Two on the 2-core
 * CI machine: a spec spends most of its time waiting on the browser or the server, so two
 * workers overlap those waits (measured: see README "Testing").
 */
export const e2eWorkers = Math.max(1, Number(process.env.E2E_WORKERS ?? 2) || 2);

/**
 * In a worker process (Playwright sets `TEST_PARALLEL_INDEX` there, 0 … workers-1), points the
 * specs' E2E_BASE_URL and E2E_DATABASE_PATH at that worker's own server from global-setup.ts.
 * Nothing to do in the runner process, where the index is unset.
 * @example selectWorkerServer(); process.env.E2E_BASE_URL // 'http://127.0.0.1:41234' in worker 0
 */
export function selectWorkerServer(env: NodeJS.ProcessEnv = process.env): void {
  const slot = env.TEST_PARALLEL_INDEX;
  if (slot === undefined || env[`E2E_BASE_URL_${slot}`] === undefined) return;
  env.E2E_BASE_URL = env[`E2E_BASE_URL_${slot}`];
  env.E2E_DATABASE_PATH = env[`E2E_DATABASE_PATH_${slot}`];
}
