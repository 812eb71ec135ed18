// The API server for bench/api.bench.ts: tests/crash/api-server.ts plus one line of statistics.
// On SIGUSR2 it prints the writer's group-commit totals (`writer commits=<n> jobs=<n>`), so the
// benchmark can state how many requests (and rows) one COMMIT held.
import { createServer } from 'node:http';
import { performance } from 'node:perf_hooks';
import { bootstrap } from '../api/bootstrap.ts';
import { apiListener } from '../api/listener.ts';
import { writerFor } from '../db/sqlite/ingest/writer.ts';

const { app, db, deps } = await bootstrap({ databasePath: process.env.DATABASE_PATH });
// BENCH_FAST_PATHS=0: every request through Hono, to measure what the fast paths buy.
const server = createServer(apiListener(app, deps, { fastPaths: process.env.BENCH_FAST_PATHS !== '0' }));
server.keepAliveTimeout = 65_000;
server.listen(0, '127.0.0.1', () => {
  const address = server.address();
  console.log(`api listening on http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`);
});
// Also the process's CPU time (all threads, µs) and the time the event loop was busy (ms, blocking
// waits such as an fsync included): per request, two costs that a loaded machine disturbs less than requests/s.
process.on('SIGUSR2', () => {
  const { commits, jobs } = writerFor(db.$client).stats;
  const cpu = process.cpuUsage();
  console.log(`writer commits=${commits} jobs=${jobs} cpu=${cpu.user + cpu.system} busy=${Math.round(performance.eventLoopUtilization().active)}`);
});
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => process.exit(0));
