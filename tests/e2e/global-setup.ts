import { startRealServer } from './server.ts';

/** One real server for the whole e2e run; its URL reaches the tests through E2E_BASE_URL. */
export default async function globalSetup() {
  const server = await startRealServer();
  process.env.E2E_BASE_URL = server.url;
  process.env.E2E_DATABASE_PATH = server.databasePath;
  return async () => server.stop();
}
