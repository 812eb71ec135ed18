// The PostgreSQL baseline for bench/postgres.bench.ts: the least a server can do for an exposing
// assign on PostgreSQL. node:http + `pg` and nothing else of ours but the schema: the same
// multi-row exposure upsert as db/postgres/ingest.ts, one transaction per turn of the event loop
// (group commit, `synchronous_commit = on`) on a pool of DATABASE_POOL_SIZE connections (turns
// overlap on separate connections, as in the API), then the fixed JSON answer. No auth, routing,
// validation, hashing or ingest lock. DATABASE_URL: a migrated database.
import { createServer, type ServerResponse } from 'node:http';
import pg from 'pg';

const pool = new pg.Pool({ connectionString: process.env.DATABASE_URL, max: Number(process.env.DATABASE_POOL_SIZE ?? 10) });
const { rows: [experiment] } = await pool.query<{ id: number }>(
  `INSERT INTO experiments (key, name, status, created_at_ms, updated_at_ms) VALUES ('durable-bench', 'Bench', 'running', 0, 0) RETURNING id`);
const UPSERT = `INSERT INTO exposures AS x (experiment_id, user_id, variant_key, first_exposed_at_ms, last_exposed_at_ms, exposure_count, conflict_count, attributes)
  SELECT $1, u, 'treatment', $2, $2, 1, 0, '{}'::jsonb FROM unnest($3::text[]) AS r(u)
  ON CONFLICT (experiment_id, user_id) DO UPDATE SET exposure_count = x.exposure_count + 1
  RETURNING variant_key AS variant, exposure_count AS count`;
const body = JSON.stringify({ userId: 'u', assignments: { bench: { variant: 'treatment', inExperiment: true, reason: 'split', bucket: 0.1234 } } });

async function commit(batch: Array<[string, ServerResponse]>): Promise<void> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN; SET LOCAL synchronous_commit = on');
    await client.query(UPSERT, [experiment!.id, Date.now(), batch.map(([userId]) => userId)]);
    await client.query('COMMIT');
  } finally { client.release(); }
  for (const [, res] of batch) res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) }).end(body);
}

let waiting: Array<[string, ServerResponse]> = [];
function flush(): void {
  const batch = waiting;
  waiting = [];
  commit(batch).catch((err: Error) => { for (const [, res] of batch) res.writeHead(500).end(err.message); });
}
const server = createServer((req, res) => {
  const userId = new URLSearchParams(req.url!.slice(req.url!.indexOf('?') + 1)).get('userId') ?? '';
  if (waiting.push([userId, res]) === 1) setImmediate(flush);
});
server.keepAliveTimeout = 65_000;
server.listen(0, '127.0.0.1', () => {
  const address = server.address();
  console.log(`durable-postgres listening on http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`);
});
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => process.exit(0));
