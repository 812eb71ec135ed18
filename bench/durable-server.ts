// A second baseline for bench/api.bench.ts: the least a server can do for an exposing assign.
// node:http and nothing else of ours but the database: one upsert into `exposures` (the same
// statement, schema and indexes as the API), group commit per turn of the event loop with
// `synchronous = FULL`, then the fixed JSON answer. No auth, routing, validation or hashing.
import { createServer, type ServerResponse } from 'node:http';
import { openDatabase } from '../db/sqlite/connection.ts';

const client = openDatabase(process.env.DATABASE_PATH).$client;
client.prepare(`insert into experiments (key, name, status, created_at_ms, updated_at_ms) values ('bench', 'Bench', 'running', 0, 0)`).run();
const experimentId = client.prepare(`select id from experiments where key = 'bench'`).pluck().get() as number;
const upsert = client.prepare(`
  insert into exposures (experiment_id, user_id, variant_key, first_exposed_at_ms, last_exposed_at_ms, exposure_count, conflict_count, attributes)
  values (?, ?, 'treatment', ?, ?, 1, 0, '{}')
  on conflict (experiment_id, user_id) do update set exposure_count = exposure_count + 1
  returning variant_key as variant, exposure_count as count`);
const commit = client.transaction((userIds: string[], atMs: number) => userIds.map((u) => upsert.get(experimentId, u, atMs, atMs)));
const body = JSON.stringify({ userId: 'u', assignments: { bench: { variant: 'treatment', inExperiment: true, reason: 'split', bucket: 0.1234 } } });

let waiting: Array<[string, ServerResponse]> = [];
function flush(): void {
  const batch = waiting;
  waiting = [];
  commit(batch.map(([userId]) => userId), Date.now());
  for (const [, res] of batch) res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) }).end(body);
}
const server = createServer((req, res) => {
  const userId = new URLSearchParams(req.url!.slice(req.url!.indexOf('?') + 1)).get('userId') ?? '';
  if (waiting.push([userId, res]) === 1) setImmediate(flush);
});
server.keepAliveTimeout = 65_000;
server.listen(0, '127.0.0.1', () => {
  const address = server.address();
  console.log(`durable listening on http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`);
});
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => process.exit(0));
