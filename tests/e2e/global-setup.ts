import { startRealServer } from './server.ts';

/** One real server for the whole e2e run; its URL reaches the tests through E2E_BASE_URL. */
export default async function globalSetup() {
  // ALLOW_CLOCK_CONTROL lets planning.spec advance the server clock; ADMIN_API_KEY gives the specs an admin key.
  const adminKey = 'e2e-admin-key-not-secret';
  const server = await startRealServer({ ALLOW_CLOCK_CONTROL: '1', ADMIN_API_KEY: adminKey });
  process.env.E2E_ADMIN_KEY = adminKey;
  process.env.E2E_BASE_URL = server.url;
  process.env.E2E_DATABASE_PATH = server.databasePath;
  return async () => server.stop();
}
