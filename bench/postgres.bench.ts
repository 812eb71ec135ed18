// PostgreSQL benchmarks, as ratios within one run (`npm run bench -- postgres`):
//  - GET /assign (exposing, and expose=false) and POST /events (100 per request) on one replica
//    on PostgreSQL, on two replicas behind nginx, and on the SQLite server, against a bare
//    node:http server and a minimal durable PostgreSQL server (bench/durable-postgres-server.ts:
//    node:http + `pg` + the same exposure upsert in a group commit); events against plain
//    multi-row inserts of the same rows with `pg`;
//  - the report (5 metrics) at REPORT users (default 1,000,000) cold, after one new event and
//    after +1% events, against one full scan of the events table, on PostgreSQL and on SQLite.
// PostgreSQL: a throwaway cluster (tests/postgres/cluster.ts) with fsync, full_page_writes and
// synchronous_commit turned back on (the test cluster runs without fsync), so commits are durable.
// BENCH_SECONDS, BENCH_CONNECTIONS, BENCH_ROUNDS, REPORT_USERS tune it; every server runs in its own process.
import autocannon from 'autocannon';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import pg from 'pg';
import { startCluster, createDatabase } from '../tests/postgres/cluster.ts';
import { startNginx, type Nginx } from '../tests/nginx/nginx.ts';
import { migratePostgres, openPostgres, closePostgres, type PgDb } from '../db/postgres/connection.ts';
import { postgresData } from '../db/postgres/data.ts';
import { forgetReportStore } from '../db/postgres/report-source.ts';
import * as pgSchema from '../db/postgres/schema.ts';
import { buildReport } from '../calendar/reports/index.ts';
import { closeDatabase, openDatabase } from '../db/sqlite/connection.ts';
import { sqliteData } from '../db/sqlite/data.ts';
import { ensureReportStore } from '../db/sqlite/queries/index.ts';
import { generateSynthetic } from '../tests/reports/synthetic.ts';
import { benchMetrics, benchTraffic, setUpReportExperiment } from './report-fixture.ts';

const seconds = Number(process.env.BENCH_SECONDS ?? 10);
const connections = Number(process.env.BENCH_CONNECTIONS ?? 50);
const rounds = Number(process.env.BENCH_ROUNDS ?? 3);
const reportUsers = Number(process.env.REPORT_USERS ?? 1_000_000);
const eventsPerRequest = 100;
const adminKey = 'wx_admin_postgres-bench-key-0123456789';
const dir = mkdtempSync(join(tmpdir(), 'wx-bench-pg-'));
const START = Date.parse('2026-11-30T00:00:00Z');
const f = (x: number) => Math.round(x).toLocaleString('en-US');
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

type Load = { rps: number; p50: number; p99: number; bad: number };
async function load(opts: autocannon.Options): Promise<Load> {
  const r = await autocannon({ connections, duration: seconds, pipelining: 1, ...opts });
  return { rps: r.requests.average, p50: r.latency.p50, p99: r.latency.p99, bad: r.non2xx + r.errors };
}

type Server = { url: string; child: ChildProcess };
const running = new Set<ChildProcess>();
process.on('exit', () => { for (const child of running) child.kill('SIGKILL'); });

/** Starts `entry` in its own node process; resolves once it prints where it listens. */
function spawnServer(entry: string, env: Record<string, string> = {}): Promise<Server> {
  const child = spawn(process.execPath, ['--import', 'tsx', entry], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'inherit'] });
  running.add(child);
  child.once('exit', () => running.delete(child));
  return new Promise((resolve, reject) => {
    let text = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      text += chunk.toString();
      const m = /listening on (http:\/\/\S+)/.exec(text);
      if (m) resolve({ url: m[1]!, child });
    });
    child.once('exit', (code) => reject(new Error(`${entry} exited (${code}) before listening: ${text}`)));
  });
}

const admin = { authorization: `Bearer ${adminKey}`, 'content-type': 'application/json' };
/** An experiment `bench` running and an sdk key, made through the API at `url`. */
async function prepareApi(url: string): Promise<string> {
  await fetch(`${url}/api/v1/experiments`, { method: 'POST', headers: admin, body: JSON.stringify({ key: 'bench', name: 'Bench', exploratory: true, variants: [{ key: 'control' }, { key: 'treatment' }] }) });
  await fetch(`${url}/api/v1/experiments/bench/start`, { method: 'POST', headers: admin });
  return (await (await fetch(`${url}/api/v1/keys`, { method: 'POST', headers: admin, body: JSON.stringify({ name: 'bench', scope: 'sdk' }) })).json()).key as string;
}

const eventsTemplate = JSON.stringify({ events: Array.from({ length: eventsPerRequest }, (_, i) => ({
  id: `r#-${i}`, userId: `user-#-${i % 37}`, event: i % 3 ? 'activation' : 'purchase', value: i % 3 ? undefined : 19.9
})) });
/** Every request a user not seen before (across rounds and targets: one counter per load). */
function assignLoad(url: string, key: string, expose: boolean): () => autocannon.Options {
  let user = 0;
  const prefix = `${Math.random().toString(36).slice(2, 8)}-`;
  return () => ({
    url, headers: { authorization: `Bearer ${key}` },
    requests: [{ method: 'GET', setupRequest: (req) => ({ ...req, path: `/api/v1/assign?experiment=bench&userId=${prefix}${user++}${expose ? '' : '&expose=false'}` }) }]
  });
}
function eventsLoad(url: string, key: string): () => autocannon.Options {
  let request = 0;
  const prefix = Math.random().toString(36).slice(2, 8);
  return () => ({
    url, headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
    requests: [{ method: 'POST', path: '/api/v1/events', setupRequest: (req) => ({ ...req, body: eventsTemplate.replaceAll('#', `${prefix}${request++}`) }) }]
  });
}

/** The same 100-row bodies inserted straight with `pg`: one multi-row INSERT … ON CONFLICT per request, `synchronous_commit = on`, `concurrency` at once. */
async function plainPostgresRate(url: string, concurrency: number): Promise<number> {
  const pool = new pg.Pool({ connectionString: url, max: concurrency });
  let request = 0;
  let rows = 0;
  const until = Date.now() + seconds * 1000;
  await Promise.all(Array.from({ length: concurrency }, async () => {
    while (Date.now() < until) {
      const events = (JSON.parse(eventsTemplate.replaceAll('#', `plain${request++}`)) as { events: Array<{ id: string; userId: string; event: string; value?: number }> }).events;
      const now = Date.now();
      await pool.query(`INSERT INTO events (client_event_id, user_id, event_name, value, timestamp_ms, received_at_ms)
        SELECT c, u, n, v, $5, $5 FROM unnest($1::text[], $2::text[], $3::text[], $4::float8[]) AS e(c, u, n, v)
        ON CONFLICT (user_id, client_event_id) DO NOTHING`,
      [events.map((e) => e.id), events.map((e) => e.userId), events.map((e) => e.event), events.map((e) => e.value ?? null), now]);
      rows += events.length;
    }
  }));
  await pool.end();
  return rows / seconds;
}

/** The report experiment of bench/report-fixture.ts on PostgreSQL, with ~2.6 events per user generated in SQL (same rates). */
async function setUpPostgresReport(db: PgDb, users: number): Promise<{ loadMs: number }> {
  const [e] = await db.insert(pgSchema.experiments).values({ key: 'bench', name: 'Bench', status: 'stopped', startDate: '2026-11-30', durationDays: 14,
    startedAtMs: START, stoppedAtMs: START + 14 * 86_400_000, plannedMde: 0.05 }).returning();
  const id = e!.id;
  await db.insert(pgSchema.variants).values([
    { experimentId: id, key: 'control', name: 'Control', weight: 0.5, isControl: true, position: 0 },
    { experimentId: id, key: 'treatment', name: 'Treatment', weight: 0.5, position: 1 }]);
  const defs = benchMetrics;
  for (const { role, ...m } of defs) {
    const [metric] = await db.insert(pgSchema.metrics).values(m).returning();
    await db.insert(pgSchema.experimentMetrics).values({ experimentId: id, metricId: metric!.id, role });
  }
  await db.insert(pgSchema.successCriteria).values([
    { experimentId: id, kind: 'lift', metricKey: 'activation', minRelativeLift: 0.05, maxPValue: 0.05, description: 'activation +5%' },
    { experimentId: id, kind: 'guardrail', metricKey: 'unsubscribe', maxRelativeDegradation: 0.1, description: 'unsubscribe not 10% worse' }]);
  const pool = db.$client;
  const t0 = performance.now();
  await pool.query('SELECT setseed(0.42)');
  await pool.query(`INSERT INTO exposures (experiment_id, user_id, variant_key, first_exposed_at_ms, last_exposed_at_ms, exposure_count, conflict_count, attributes)
    SELECT $1, 'u' || i, CASE WHEN random() < 0.5 THEN 'control' ELSE 'treatment' END, t, t, 1, 0,
      jsonb_build_object('segment', CASE WHEN i % 3 = 0 THEN 'new' ELSE 'returning' END)
    FROM generate_series(0, $2 - 1) AS i, LATERAL (SELECT $3::bigint + (i::bigint * 14 * 86400000) / $2 AS t) AS at`, [id, users, START]);
  for (const ev of benchTraffic.events) {
    const mean = 'meanValue' in ev ? ev.meanValue : undefined;
    // Per user: converts with the variant's rate, then 1..maxPerUser events, each within 3 days
    // of the exposure (the draws per user are materialized, so each is made once).
    await pool.query(`WITH u AS MATERIALIZED (
        SELECT user_id, variant_key, first_exposed_at_ms AS t0, random() AS r, 1 + floor(random() * ${'maxPerUser' in ev ? ev.maxPerUser : 1})::int AS n
        FROM exposures WHERE experiment_id = $1)
      INSERT INTO events (user_id, event_name, value, timestamp_ms, received_at_ms)
      SELECT u.user_id, $2, ${mean ? `-(CASE u.variant_key WHEN 'control' THEN ${mean.control} ELSE ${mean.treatment} END) * ln(1 - random())` : 'NULL'}, at.t, at.t
      FROM u CROSS JOIN LATERAL generate_series(1, u.n) AS k
      CROSS JOIN LATERAL (SELECT u.t0 + floor(random() * 3 * 86400000)::bigint + 0 * k AS t) AS at
      WHERE u.r < CASE u.variant_key WHEN 'control' THEN ${ev.rate.control} ELSE ${ev.rate.treatment} END`, [id, ev.name]);
  }
  await pool.query('ANALYZE');
  return { loadMs: performance.now() - t0 };
}

type ReportRow = { engine: string; events: number; scanMs: number; coldMs: number; repeatMs: number; oneMs: number; onePercentMs: number; loadMs: number; outcome: string };

async function timeAsync(fn: () => Promise<unknown>): Promise<number> {
  const t0 = performance.now();
  await fn();
  return performance.now() - t0;
}
async function inTurn(runs: number, fn: () => Promise<number>): Promise<number> {
  const out: number[] = [];
  for (let i = 0; i < runs; i++) out.push(await fn());
  return median(out);
}

async function reportOnPostgres(adminUrl: string): Promise<ReportRow> {
  await createDatabase(adminUrl, 'report');
  const url = new URL(adminUrl);
  url.pathname = '/report';
  const db = openPostgres(url.toString(), { poolSize: 10 });
  await migratePostgres(db);
  const { loadMs } = await setUpPostgresReport(db, reportUsers);
  const pool = db.$client;
  const events = Number((await pool.query<{ n: string }>('SELECT count(*) AS n FROM events')).rows[0]!.n);
  const scan = () => timeAsync(() => pool.query('SELECT count(*), sum(value), max(timestamp_ms) FROM events'));
  const scanBefore = await inTurn(3, scan);
  const data = postgresData(db);
  let outcome = '';
  const view = async () => { outcome = (await buildReport(data, 'bench', {}, START + 20 * 86_400_000)).decision.outcome; };
  let n = 0;
  const addEvents = (count: number) => pool.query(`INSERT INTO events (user_id, event_name, value, timestamp_ms, received_at_ms)
    SELECT 'u' || floor(random() * $1)::int, (ARRAY['open','click','activation','purchase','unsubscribe'])[1 + floor(random() * 5)::int], NULL, t, t
    FROM generate_series(1, $2), LATERAL (SELECT $3::bigint + floor(random() * 16 * 86400000)::bigint AS t) AS at`, [reportUsers, count, START + (n++ % 2) * 86_400_000]);
  const coldMs = await inTurn(3, async () => { await forgetReportStore(pool); return timeAsync(view); });
  const repeatMs = await inTurn(3, () => timeAsync(view));
  const oneMs = await inTurn(3, async () => { await addEvents(1); return timeAsync(view); });
  const onePercentMs = await inTurn(3, async () => { await addEvents(Math.round(events / 100)); return timeAsync(view); });
  const scanMs = median([scanBefore, await inTurn(3, scan)]);
  await closePostgres(db);
  return { engine: 'PostgreSQL', events, scanMs, coldMs, repeatMs, oneMs, onePercentMs, loadMs, outcome };
}

async function reportOnSqlite(): Promise<ReportRow> {
  const path = join(dir, 'report.db');
  const db = openDatabase(path);
  db.$client.pragma('synchronous = OFF'); // bulk load only
  const { experimentId } = setUpReportExperiment(db);
  const t0 = performance.now();
  generateSynthetic(db.$client, { experimentId, users: reportUsers, seed: 1, startMs: START, days: 14, ...benchTraffic });
  db.$client.pragma('analysis_limit = 1000');
  db.$client.exec('ANALYZE');
  const loadMs = performance.now() - t0;
  db.$client.pragma('synchronous = FULL');
  const client = db.$client;
  const events = (client.prepare('SELECT count(*) AS n FROM events').get() as { n: number }).n;
  const scanStmt = client.prepare('SELECT count(*), sum(value), max(timestamp_ms) FROM events');
  const scan = () => timeAsync(async () => scanStmt.get());
  const scanBefore = await inTurn(3, scan);
  const data = sqliteData(db);
  let outcome = '';
  const view = async () => { outcome = (await buildReport(data, 'bench', {}, START + 20 * 86_400_000)).decision.outcome; };
  ensureReportStore(client);
  const insert = client.prepare('INSERT INTO events (user_id, event_name, value, timestamp_ms, received_at_ms) VALUES (?, ?, NULL, ?, ?)');
  const names = ['open', 'click', 'activation', 'purchase', 'unsubscribe'];
  const addEvents = (count: number) => client.transaction(() => {
    for (let k = 0; k < count; k++) {
      const t = START + Math.floor(Math.random() * 16 * 86_400_000);
      insert.run(`u${Math.floor(Math.random() * reportUsers)}`, names[k % 5], t, t);
    }
  })();
  const coldMs = await inTurn(3, async () => { client.prepare('DELETE FROM report_refresh_state').run(); return timeAsync(view); });
  const repeatMs = await inTurn(3, () => timeAsync(view));
  const oneMs = await inTurn(3, async () => { addEvents(1); return timeAsync(view); });
  const onePercentMs = await inTurn(3, async () => { addEvents(Math.round(events / 100)); return timeAsync(view); });
  const scanMs = median([scanBefore, await inTurn(3, scan)]);
  closeDatabase(path);
  return { engine: 'SQLite', events, scanMs, coldMs, repeatMs, oneMs, onePercentMs, loadMs, outcome };
}

async function main() {
  const t0 = performance.now();
  const cluster = await startCluster();
  stops.push(() => cluster.stop());
  const maintenance = new pg.Client({ connectionString: cluster.adminUrl });
  await maintenance.connect();
  // The test cluster runs without fsync: a benchmark of durable writes needs it back on.
  for (const setting of ['fsync = on', 'full_page_writes = on', 'synchronous_commit = on']) await maintenance.query(`ALTER SYSTEM SET ${setting}`);
  await maintenance.query('SELECT pg_reload_conf()');
  // The reload is asynchronous: wait until a new session sees fsync on.
  for (let tries = 0; ; tries++) {
    const probe = new pg.Client({ connectionString: cluster.adminUrl });
    await probe.connect();
    const { rows } = await probe.query<{ fsync: string }>('SHOW fsync');
    await probe.end();
    if (rows[0]!.fsync === 'on') break;
    if (tries > 100) throw new Error('fsync stayed off after ALTER SYSTEM and a reload');
    await new Promise((r) => setTimeout(r, 100));
  }
  const settings = (await maintenance.query<{ name: string; setting: string }>(`SELECT name, setting FROM pg_settings WHERE name IN ('fsync', 'full_page_writes', 'synchronous_commit', 'wal_sync_method', 'shared_buffers')`)).rows;
  await maintenance.end();
  for (const name of ['api', 'durable', 'plain']) await createDatabase(cluster.adminUrl, name);
  const urlOf = (name: string) => cluster.urlOf(name);
  const migrated = openPostgres(urlOf('durable'), { poolSize: 1 });
  await migratePostgres(migrated);
  await closePostgres(migrated);
  const plainDb = openPostgres(urlOf('plain'), { poolSize: 1 });
  await migratePostgres(plainDb);
  await closePostgres(plainDb);

  const bare = await spawnServer('bench/bare-server.ts');
  const durable = await spawnServer('bench/durable-postgres-server.ts', { DATABASE_URL: urlOf('durable'), DATABASE_POOL_SIZE: '10' });
  const replicaEnv = { DATABASE_URL: urlOf('api'), DATABASE_POOL_SIZE: '10', ADMIN_API_KEY: adminKey };
  const one = await spawnServer('tests/replicas/replica-server.ts', replicaEnv);
  const two = await spawnServer('tests/replicas/replica-server.ts', replicaEnv);
  const lbDir = mkdtempSync(join(tmpdir(), 'wx-bench-nginx-'));
  const lb: Nginx = await startNginx(lbDir, [one.url, two.url].map((u) => u.replace('http://', '')));
  stops.push(async () => { await lb.stop(); rmSync(lbDir, { recursive: true, force: true }); });
  const sqlite = await spawnServer('bench/api-server.ts', { DATABASE_PATH: join(dir, 'api.db'), ADMIN_API_KEY: adminKey, INGEST_WRITER: 'inline' });
  const pgKey = await prepareApi(one.url);
  const sqliteKey = await prepareApi(sqlite.url);
  console.log(`setup ${((performance.now() - t0) / 1000).toFixed(1)} s; PostgreSQL ${cluster.version}: ${settings.map((s) => `${s.name}=${s.setting}`).join(', ')}`);

  const targets: Array<[string, () => autocannon.Options]> = [
    ['assign bare', assignLoad(bare.url, pgKey, true)],
    ['assign durable-pg', assignLoad(durable.url, pgKey, true)],
    ['assign sqlite', assignLoad(sqlite.url, sqliteKey, true)],
    ['assign pg', assignLoad(one.url, pgKey, true)],
    ['assign pg×2', assignLoad(lb.url, pgKey, true)],
    ['noexpose bare', assignLoad(bare.url, pgKey, false)],
    ['noexpose sqlite', assignLoad(sqlite.url, sqliteKey, false)],
    ['noexpose pg', assignLoad(one.url, pgKey, false)],
    ['noexpose pg×2', assignLoad(lb.url, pgKey, false)],
    ['events sqlite', eventsLoad(sqlite.url, sqliteKey)],
    ['events pg', eventsLoad(one.url, pgKey)],
    ['events pg×2', eventsLoad(lb.url, pgKey)]
  ];
  const results = new Map<string, Load[]>();
  const plain: number[] = [];
  // Rounds alternate the targets, so a slow spell of the (shared) machine hits all of them.
  for (let round = 0; round < rounds; round++) {
    for (const [name, opts] of targets) {
      const l = await load(opts());
      results.set(name, [...(results.get(name) ?? []), l]);
    }
    plain.push(await plainPostgresRate(urlOf('plain'), 8));
  }
  for (const s of [bare, durable, one, two, sqlite]) s.child.kill('SIGTERM');
  await lb.stop();

  const at = (k: string) => results.get(k)!;
  const mid = (k: string) => at(k).find((l) => l.rps === median(at(k).map((x) => x.rps)))!;
  const ratio = (k: string, base: string) => median(at(k).map((l, i) => l.rps / at(base)[i]!.rps)).toFixed(2);
  const evRatio = (k: string) => median(at(k).map((l, i) => (l.rps * eventsPerRequest) / plain[i]!)).toFixed(2);
  const row = (label: string, k: string, ratios: string) => {
    const m = mid(k);
    const rate = k.startsWith('events') ? `${f(m.rps * eventsPerRequest)} events/s (${f(m.rps)} req/s)` : `${f(m.rps)} req/s`;
    console.log(`| ${label} | ${rate} | ${m.p50} / ${m.p99} ms | ${ratios} |`);
  };
  console.log(`\n${new Date().toISOString()}, ${cpus().length}x ${cpus()[0]?.model ?? 'cpu'}, node ${process.version}, load average ${loadavg().map((x) => x.toFixed(1)).join(' ')}. ` +
    `autocannon ${connections} connections, ${seconds} s per row and round, ${rounds} rounds; the median round; ratios are medians of the rounds' ratios. ` +
    `req/s per round: ${[...results].map(([k, ls]) => `${k} ${ls.map((l) => f(l.rps)).join('/')}`).join('; ')}; plain pg rows/s ${plain.map(f).join('/')}\n`);
  console.log('| measurement | result | p50 / p99 | ratio |');
  console.log('|---|---|---|---|');
  row('bare node:http, fixed JSON, the same GET requests', 'assign bare', '1.00');
  row('node:http + `pg` + the same exposure upsert, group commit, synchronous_commit=on (bench/durable-postgres-server.ts)', 'assign durable-pg', `${ratio('assign durable-pg', 'assign bare')} × bare`);
  row('GET /api/v1/assign, exposure committed, new user each request: SQLite (inline writer)', 'assign sqlite', `${ratio('assign sqlite', 'assign bare')} × bare`);
  row('the same on PostgreSQL, one replica', 'assign pg', `${ratio('assign pg', 'assign bare')} × bare, ${ratio('assign pg', 'assign durable-pg')} × durable-pg, ${ratio('assign pg', 'assign sqlite')} × SQLite`);
  row('the same on PostgreSQL, two replicas behind nginx', 'assign pg×2', `${ratio('assign pg×2', 'assign pg')} × one replica`);
  row('GET /api/v1/assign?expose=false, SQLite', 'noexpose sqlite', `${ratio('noexpose sqlite', 'noexpose bare')} × bare`);
  row('the same on PostgreSQL, one replica', 'noexpose pg', `${ratio('noexpose pg', 'noexpose bare')} × bare, ${ratio('noexpose pg', 'noexpose sqlite')} × SQLite`);
  row('the same on PostgreSQL, two replicas behind nginx', 'noexpose pg×2', `${ratio('noexpose pg×2', 'noexpose pg')} × one replica`);
  row(`POST /api/v1/events, ${eventsPerRequest} per request, SQLite`, 'events sqlite', '');
  row('the same on PostgreSQL, one replica', 'events pg', `${evRatio('events pg')} × plain pg, ${ratio('events pg', 'events sqlite')} × SQLite`);
  row('the same on PostgreSQL, two replicas behind nginx', 'events pg×2', `${ratio('events pg×2', 'events pg')} × one replica`);
  console.log(`| plain \`pg\`: the same 100-row bodies, one INSERT … ON CONFLICT each, 8 at once | ${f(median(plain))} rows/s | | |`);
  console.log(`non-2xx answers and errors, all runs: ${[...results.values()].flat().reduce((a, l) => a + l.bad, 0)}`);

  const reports = [await reportOnSqlite(), await reportOnPostgres(cluster.adminUrl)];
  const x = (ms: number, scan: number) => `${ms < 10 ? ms.toFixed(1) : ms.toFixed(0)} (${(ms / scan).toFixed(2)}×)`;
  console.log(`\nReport (5 metrics, health, cumulative by day, decision), ${f(reportUsers)} exposed users; ms (÷ one full scan of events); median of 3\n`);
  console.log('| engine | events | full scan, ms | cold (store rebuilt) | repeat view | after 1 new event | after +1% events | bulk load | decision |');
  console.log('|---|---:|---:|---:|---:|---:|---:|---:|---|');
  for (const r of reports) {
    console.log(`| ${r.engine} | ${f(r.events)} | ${r.scanMs.toFixed(0)} | ${x(r.coldMs, r.scanMs)} | ${x(r.repeatMs, r.scanMs)} | ${x(r.oneMs, r.scanMs)} | ${x(r.onePercentMs, r.scanMs)} | ${(r.loadMs / 1000).toFixed(1)} s | ${r.outcome} |`);
  }
  console.log(`\ntotal ${((performance.now() - t0) / 1000).toFixed(0)} s, load average at the end ${loadavg().map((v) => v.toFixed(1)).join(' ')}`);
}

const stops: Array<() => Promise<void>> = [];
try {
  await main();
} finally {
  for (const child of running) child.kill('SIGKILL');
  for (const stop of stops.reverse()) await stop().catch(() => {});
  rmSync(dir, { recursive: true, force: true });
}
