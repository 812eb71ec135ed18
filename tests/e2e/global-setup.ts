import { startRealServer } from './server.ts';
import { e2eWorkers } from './workers.ts';

/**
 * One real server per Playwright worker, each on its own database, started side by side: specs in
 * different workers never share a clock (planning.spec advances it) or data. The worker picks its
 * server by `TEST_PARALLEL_INDEX` in playwright.config.ts, which sets E2E_BASE_URL,
 * E2E_ADMIN_KEY and E2E_DATABASE_PATH for the specs.
 */
export default async function globalSetup() {
  // ALLOW_CLOCK_CONTROL lets planning.spec advance the server clock; ADMIN_API_KEY gives the specs an admin key.
  const adminKey = 'e2e-admin-key-not-secret';
  const started = await Promise.allSettled(Array.from({ length: e2eWorkers }, () =>
    startRealServer({ ALLOW_CLOCK_CONTROL: '1', ADMIN_API_KEY: adminKey })));
  const servers = started.flatMap((s) => (s.status === 'fulfilled' ? [s.value] : []));
  const failed = started.find((s): s is PromiseRejectedResult => s.status === 'rejected');
  if (failed) {
    await Promise.all(servers.map((s) => s.stop()));
    throw failed.reason;
  }
  process.env.E2E_ADMIN_KEY = adminKey;
  servers.forEach((server, slot) => {
    process.env[`E2E_BASE_URL_${slot}`] = server.url;
    process.env[`E2E_DATABASE_PATH_${slot}`] = server.databasePath;
  });
  return async () => { await Promise.all(servers.map((s) => s.stop())); };
}
