// The API half of `api/server.ts` (same bootstrap, same listener) without the SvelteKit build,
// so the crash test and the benchmarks need no UI build. Prints where it listens.
import { createServer } from 'node:http';
import { bootstrap } from '../../api/bootstrap.ts';
import { apiListener } from '../../api/listener.ts';

const { app, deps } = await bootstrap({ databasePath: process.env.DATABASE_PATH });
const server = createServer(apiListener(app, deps));
server.keepAliveTimeout = 65_000;
server.listen(Number(process.env.PORT ?? 0), '127.0.0.1', () => {
  const address = server.address();
  console.log(`api listening on http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`);
});
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => process.exit(0));
