// API throughput against a bare node:http server, in one run, same load tool and connections.
// Run by `npm run bench` (bench/run.ts) or `npx tsx bench/api.bench.ts`. BENCH_SECONDS, BENCH_CONNECTIONS, BENCH_ROUNDS tune it.
// Quicker runs for one hot path: BENCH_ONLY=events (or assign, or any part of a row's name, comma-separated)
// runs only those rows and prints their rounds and ratios, not the table. BENCH_BASE=<dir of another checkout,
// with node_modules> adds that tree's API (rows `base inline`, `base thread`), for a before/after in one run.
// Every server runs in its own process; autocannon and the plain-insert baseline run in this one.
import autocannon from 'autocannon';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { configFor, evaluateExperiment } from '../api/assign/index.ts';
import { openDatabase, closeDatabase } from '../db/sqlite/connection.ts';

const seconds = Number(process.env.BENCH_SECONDS ?? 10);
const connections = Number(process.env.BENCH_CONNECTIONS ?? 50);
const eventsPerRequest = 100;
const rounds = Number(process.env.BENCH_ROUNDS ?? 3);
const dir = mkdtempSync(join(tmpdir(), 'wx-bench-'));
const adminKey = 'bench-admin-key';

type Load = { rps: number; p50: number; p99: number; non2xx: number; errors: number };
/** The same autocannon settings for every server: connections, duration, no pipelining. */
async function load(opts: autocannon.Options): Promise<Load> {
  const r = await autocannon({ connections, duration: seconds, pipelining: 1, ...opts });
  return { rps: r.requests.average, p50: r.latency.p50, p99: r.latency.p99, non2xx: r.non2xx, errors: r.errors };
}

type Server = { url: string; child: ChildProcess; onLine: (line: string) => void };
const running = new Set<ChildProcess>();
process.on('exit', () => { for (const child of running) child.kill('SIGKILL'); });

/** Starts `entry` in its own node process and resolves once it prints where it listens. */
function spawnServer(entry: string, env: Record<string, string> = {}, cwd?: string): Promise<Server> {
  const child = spawn(process.execPath, ['--import', 'tsx', entry], { cwd, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'inherit'] });
  running.add(child);
  child.once('exit', () => running.delete(child));
  return new Promise((resolve, reject) => {
    const server: Server = { url: '', child, onLine: () => {} };
    let buffered = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      buffered += chunk.toString();
      let end: number;
      while ((end = buffered.indexOf('\n')) >= 0) {
        const line = buffered.slice(0, end);
        buffered = buffered.slice(end + 1);
        const listening = /listening on (\S+)/.exec(line);
        if (listening) resolve(Object.assign(server, { url: listening[1]! }));
        else server.onLine(line);
      }
    });
    child.once('exit', (code) => reject(new Error(`${entry} exited (${code}) before listening`)));
  });
}

async function stopServer(server: Server): Promise<void> {
  if (server.child.exitCode !== null || server.child.signalCode !== null) return;
  const exited = new Promise((r) => server.child.once('exit', r));
  server.child.kill('SIGTERM');
  await exited;
}

type WriterStats = { commits: number; jobs: number; cpuUs?: number; busyMs?: number };
/** The API's group-commit totals so far, its CPU time and event-loop busy time (bench/api-server.ts prints them on SIGUSR2). */
function writerStats(api: Server): Promise<WriterStats> {
  return new Promise((resolve) => {
    api.onLine = (line) => {
      const m = /writer commits=(\d+) jobs=(\d+)(?: cpu=(\d+) busy=(\d+))?/.exec(line);
      if (m) resolve({ commits: Number(m[1]), jobs: Number(m[2]), cpuUs: m[3] ? Number(m[3]) : undefined, busyMs: m[4] ? Number(m[4]) : undefined });
    };
    api.child.kill('SIGUSR2');
  });
}

/** 100 events per body; `#` becomes the request number so client ids stay unique. */
const eventsTemplate = JSON.stringify({ events: Array.from({ length: eventsPerRequest }, (_, i) => ({
  id: `r#-${i}`, userId: `user-#-${i % 37}`, event: i % 3 ? 'activation' : 'purchase', value: i % 3 ? undefined : 19.9
})) });
type EventInput = { id: string; userId: string; event: string; value?: number };

/**
 * The same rows straight into better-sqlite3: same schema and indexes (migrated by openDatabase),
 * WAL, synchronous=FULL, cache_size as the writer thread's; one prepared single-row insert,
 * `batchRows` rows per transaction. Returns rows per second.
 */
function plainInsertRate(batchRows: number): number {
  const path = join(dir, `plain-${batchRows}.db`);
  openDatabase(path);
  closeDatabase(path);
  const db = new Database(path);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  db.pragma('cache_size = -65536');
  const insert = db.prepare(`insert into events (client_event_id, user_id, event_name, value, timestamp_ms, received_at_ms)
    values (?, ?, ?, ?, ?, ?) on conflict (user_id, client_event_id) do nothing`);
  const commit = db.transaction((rows: EventInput[], now: number) => {
    for (const r of rows) insert.run(r.id, r.userId, r.event, r.value ?? null, now, now);
  });
  const requestsPerBatch = Math.max(1, Math.round(batchRows / eventsPerRequest));
  const started = Date.now();
  let request = 0;
  let rows = 0;
  while (Date.now() - started < seconds * 1000) {
    const batch: EventInput[] = [];
    for (let i = 0; i < requestsPerBatch; i++) {
      batch.push(...(JSON.parse(eventsTemplate.replaceAll('#', String(request++))) as { events: EventInput[] }).events);
    }
    commit(batch, Date.now());
    rows += batch.length;
  }
  const rate = rows / ((Date.now() - started) / 1000);
  db.close();
  return rate;
}

function hashRate(): number {
  const config = configFor({
    id: 1, key: 'bench', status: 'running', seed: null, hashVersion: 2, coverage: 1, targeting: [], forcedVariants: {},
    rolloutVariantKey: null, layerKey: null, layerStart: null, layerEnd: null,
    variants: [{ key: 'control', weight: 0.5, isControl: true }, { key: 'treatment', weight: 0.5, isControl: false }]
  });
  const ids = Array.from({ length: 100_000 }, (_, i) => `user-${i}`);
  let sink = 0;
  const start = process.hrtime.bigint();
  const rounds = 20;
  for (let r = 0; r < rounds; r++) for (const id of ids) if (evaluateExperiment(config, id, {}).variant === 'control') sink++;
  const secondsTaken = Number(process.hrtime.bigint() - start) / 1e9;
  if (sink < 0) console.log(sink);
  return (rounds * ids.length) / secondsTaken;
}

/** One server under test: how to load it, and (for the API) its group-commit totals. */
type Target = { name: string; server: Server; opts: () => autocannon.Options; commits?: () => Promise<WriterStats> };
/** Per round: the load's result, requests per commit, and the server's CPU and busy µs per request. */
type Measured = { loads: Load[]; perCommit: number[]; cpuPerRequest: number[]; busyPerRequest: number[] };

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
/** The round with the median requests/s. */
const medianLoad = (loads: Load[]): Load => loads.find((l) => l.rps === median(loads.map((x) => x.rps)))!;

/**
 * The assign load: a GET with a new user each request and the API key, so every request is a
 * first exposure; the bare and durable baselines get exactly the same requests, so the load
 * generator does the same work for each server.
 */
function assignLoad(url: string, key: string, expose = true): () => autocannon.Options {
  let user = 0; // across rounds: every request a user not seen before
  const tail = expose ? '' : '&expose=false';
  return () => ({
    url, headers: { authorization: `Bearer ${key}` },
    requests: [{ method: 'GET', setupRequest: (req) => ({ ...req, path: `/api/v1/assign?experiment=bench&userId=user-${user++}${tail}` }) }]
  });
}

function eventsLoad(url: string, key: string): () => autocannon.Options {
  let request = 0; // across rounds: every event id new
  return () => ({
    url, headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
    requests: [{ method: 'POST', path: '/api/v1/events', setupRequest: (req) => ({ ...req, body: eventsTemplate.replaceAll('#', String(request++)) }) }]
  });
}

/** Starts the API over a new database with `INGEST_WRITER=<writer>`, an experiment `bench` running and an sdk key. */
async function startApi(writer: 'thread' | 'inline', fastPaths = true, tree?: string): Promise<{ api: Server; sdkKey: string; databasePath: string }> {
  const databasePath = join(dir, `api-${writer}${fastPaths ? '' : '-hono'}${tree ? '-base' : ''}.db`);
  const api = await spawnServer('bench/api-server.ts', { DATABASE_PATH: databasePath, ADMIN_API_KEY: adminKey, INGEST_WRITER: writer, BENCH_FAST_PATHS: fastPaths ? '1' : '0' }, tree);
  const admin = { authorization: `Bearer ${adminKey}`, 'content-type': 'application/json' };
  await fetch(`${api.url}/api/v1/experiments`, { method: 'POST', headers: admin, body: JSON.stringify({ key: 'bench', name: 'Bench', exploratory: true, variants: [{ key: 'control' }, { key: 'treatment' }] }) });
  await fetch(`${api.url}/api/v1/experiments/bench/start`, { method: 'POST', headers: admin });
  const sdkKey = (await (await fetch(`${api.url}/api/v1/keys`, { method: 'POST', headers: admin, body: JSON.stringify({ name: 'bench', scope: 'sdk' }) })).json()).key as string;
  return { api, sdkKey, databasePath };
}

function stored(databasePath: string): { events: number; exposures: number } {
  const check = new Database(databasePath, { readonly: true });
  const count = (table: string) => check.prepare(`select count(*) from ${table}`).pluck().get() as number;
  const result = { events: count('events'), exposures: count('exposures') };
  check.close();
  return result;
}

async function main() {
  const bare = await spawnServer('bench/bare-server.ts');
  const durable = await spawnServer('bench/durable-server.ts', { DATABASE_PATH: join(dir, 'durable.db') });
  const inline = await startApi('inline');
  const threaded = await startApi('thread');
  const honoOnly = await startApi('inline', false);
  const assignTargets: Target[] = [
    { name: 'bare', server: bare, opts: assignLoad(bare.url, inline.sdkKey) },
    { name: 'durable', server: durable, opts: assignLoad(durable.url, inline.sdkKey) },
    { name: 'inline', server: inline.api, opts: assignLoad(inline.api.url, inline.sdkKey), commits: () => writerStats(inline.api) },
    { name: 'thread', server: threaded.api, opts: assignLoad(threaded.api.url, threaded.sdkKey), commits: () => writerStats(threaded.api) },
    { name: 'hono', server: honoOnly.api, opts: assignLoad(honoOnly.api.url, honoOnly.sdkKey), commits: () => writerStats(honoOnly.api) },
    { name: 'noexpose bare', server: bare, opts: assignLoad(bare.url, inline.sdkKey, false) },
    { name: 'noexpose inline', server: inline.api, opts: assignLoad(inline.api.url, inline.sdkKey, false) },
    { name: 'noexpose hono', server: honoOnly.api, opts: assignLoad(honoOnly.api.url, honoOnly.sdkKey, false) }
  ];
  const eventTargets: Target[] = [
    { name: 'inline', server: inline.api, opts: eventsLoad(inline.api.url, inline.sdkKey), commits: () => writerStats(inline.api) },
    { name: 'thread', server: threaded.api, opts: eventsLoad(threaded.api.url, threaded.sdkKey), commits: () => writerStats(threaded.api) },
    { name: 'hono', server: honoOnly.api, opts: eventsLoad(honoOnly.api.url, honoOnly.sdkKey), commits: () => writerStats(honoOnly.api) }
  ];
  const only = (process.env.BENCH_ONLY ?? '').split(',').map((part) => part.trim()).filter(Boolean);
  const base = process.env.BENCH_BASE ? [await startApi('inline', true, process.env.BENCH_BASE), await startApi('thread', true, process.env.BENCH_BASE)] : [];
  for (const [i, run] of base.entries()) {
    const name = `base ${i === 0 ? 'inline' : 'thread'}`;
    assignTargets.push({ name, server: run.api, opts: assignLoad(run.api.url, run.sdkKey), commits: () => writerStats(run.api) });
    eventTargets.push({ name, server: run.api, opts: eventsLoad(run.api.url, run.sdkKey), commits: () => writerStats(run.api) });
  }
  if (only.length > 0) {
    const wanted = (kind: string, target: Target) => only.some((part) => `${kind} ${target.name}`.includes(part));
    for (const [kind, targets] of [['assign', assignTargets], ['events', eventTargets]] as const) {
      targets.splice(0, targets.length, ...targets.filter((target) => wanted(kind, target)));
    }
  }
  const results = new Map<string, Measured>();
  // Rounds alternate the servers, so a slow spell on the machine hits all of them; the median round is reported,
  // and each ratio is the median of the ratios within a round.
  for (let round = 0; round < rounds; round++) {
    for (const [kind, targets] of [['assign', assignTargets], ['events', eventTargets]] as const) {
      for (const target of targets) {
        const before = await target.commits?.();
        const result = await load(target.opts());
        const after = await target.commits?.();
        const measured = results.get(`${kind} ${target.name}`) ?? { loads: [], perCommit: [], cpuPerRequest: [], busyPerRequest: [] };
        measured.loads.push(result);
        if (before && after) {
          measured.perCommit.push((after.jobs - before.jobs) / Math.max(1, after.commits - before.commits));
          const served = Math.max(1, result.rps * seconds);
          if (before.cpuUs !== undefined && after.cpuUs !== undefined) measured.cpuPerRequest.push((after.cpuUs - before.cpuUs) / served);
          if (before.busyMs !== undefined && after.busyMs !== undefined) measured.busyPerRequest.push(((after.busyMs - before.busyMs) * 1000) / served);
        }
        results.set(`${kind} ${target.name}`, measured);
      }
    }
  }
  for (const server of [bare, durable, inline.api, threaded.api, honoOnly.api, ...base.map((run) => run.api)]) await stopServer(server);
  if (only.length > 0) return quickSummary(results);

  const at = (key: string) => results.get(key)!;
  const eventRowsPerCommit = Math.round(median(at('events inline').perCommit) * eventsPerRequest);
  const plainGrouped = plainInsertRate(eventRowsPerCommit);
  const plain100 = plainInsertRate(100);
  const hashes = hashRate();

  const f = (x: number) => Math.round(x).toLocaleString('en-US');
  const bareLoad = medianLoad(at('assign bare').loads);
  const durableLoad = medianLoad(at('assign durable').loads);
  /** The median over rounds of `key`'s requests/s over `base`'s in the same round (the machine drifts between rounds). */
  const ratio = (key: string, base: string) => median(at(key).loads.map((l, i) => l.rps / at(base).loads[i]!.rps)).toFixed(2);
  console.log(`\n${new Date().toISOString()}, ${cpus().length}x ${cpus()[0]?.model ?? 'cpu'}, node ${process.version}. ` +
    `autocannon: ${connections} connections, ${seconds} s per row and round, no pipelining, in this process; each server in its own process. ` +
    `Results: the median round; ratios: the median of the rounds' ratios (requests/s of each round: ${[...results].map(([k, m]) => `${k} ${m.loads.map((l) => f(l.rps)).join('/')}`).join('; ')}).\n`);
  console.log('| measurement | result | p50 / p99 latency | ratio | target |');
  console.log('|---|---|---|---|---|');
  console.log(`| bare node:http, fixed JSON; the same GET requests as the API | ${f(bareLoad.rps)} req/s | ${bareLoad.p50} / ${bareLoad.p99} ms | 1.00 | |`);
  console.log(`| node:http + the same exposure upsert, group commit, synchronous=FULL; nothing else (bench/durable-server.ts) | ${f(durableLoad.rps)} req/s | ${durableLoad.p50} / ${durableLoad.p99} ms | ${ratio('assign durable', 'assign bare')} × bare | |`);
  for (const [name, key] of [['inline writer (default)', 'inline'], ['INGEST_WRITER=thread', 'thread']] as const) {
    const m = at(`assign ${key}`);
    const run = medianLoad(m.loads);
    console.log(`| GET /api/v1/assign, exposure committed, new user each request; ${name}: ${median(m.perCommit).toFixed(1)} requests per commit | ` +
      `${f(run.rps)} req/s | ${run.p50} / ${run.p99} ms | ${ratio(`assign ${key}`, 'assign bare')} × bare, ${ratio(`assign ${key}`, 'assign durable')} × durable | ≥ 0.80 × bare |`);
  }
  const hono = medianLoad(at('assign hono').loads);
  console.log(`| the same exposing GET /api/v1/assign through Hono alone (no fast path, inline writer) | ${f(hono.rps)} req/s | ${hono.p50} / ${hono.p99} ms | ` +
    `${ratio('assign hono', 'assign bare')} × bare, ${ratio('assign hono', 'assign durable')} × durable; fast path ${ratio('assign inline', 'assign hono')} × Hono | |`);
  for (const [name, key] of [['fast path (default)', 'inline'], ['Hono alone', 'hono']] as const) {
    const run = medianLoad(at(`assign noexpose ${key}`).loads);
    console.log(`| GET /api/v1/assign?expose=false (nothing written), new user each request; ${name} | ${f(run.rps)} req/s | ${run.p50} / ${run.p99} ms | ` +
      `${ratio(`assign noexpose ${key}`, 'assign noexpose bare')} × bare (same requests) | ≥ 0.80 × bare |`);
  }
  for (const [name, key] of [['inline writer (default)', 'inline'], ['INGEST_WRITER=thread', 'thread'], ['Hono alone, inline writer', 'hono']] as const) {
    const m = at(`events ${key}`);
    const run = medianLoad(m.loads);
    const eventsPerSecond = run.rps * eventsPerRequest;
    console.log(`| POST /api/v1/events, ${eventsPerRequest} events per request; ${name}: ${f(median(m.perCommit) * eventsPerRequest)} rows per commit | ` +
      `${f(eventsPerSecond)} events/s (${f(run.rps)} req/s) | ${run.p50} / ${run.p99} ms | ` +
      `${(eventsPerSecond / plainGrouped).toFixed(2)} × plain (${f(eventRowsPerCommit)} rows), ${(eventsPerSecond / plain100).toFixed(2)} × plain (100 rows) | ≥ 200,000 events/s |`);
  }
  console.log(`| plain better-sqlite3, same rows and indexes, synchronous=FULL, ${f(eventRowsPerCommit)} rows per transaction (the default writer's batch) | ${f(plainGrouped)} rows/s | | | |`);
  console.log(`| plain better-sqlite3, same rows and indexes, synchronous=FULL, 100 rows per transaction | ${f(plain100)} rows/s | | | |`);
  console.log(`| hashing + bucketing alone (evaluateExperiment) | ${f(hashes)} assignments/s | | | |`);
  const bad = [...results.values()].flatMap((m) => m.loads).reduce((n, l) => n + l.non2xx + l.errors, 0);
  for (const [name, run] of [['inline', inline], ['thread', threaded], ['hono', honoOnly]] as const) {
    const rows = stored(run.databasePath);
    console.log(`\n${name}: stored ${f(rows.exposures)} exposures, ${f(rows.events)} events`);
  }
  console.log(`non-2xx answers and errors, all runs: ${bad}`);
  console.log('The plain inserts run alone (no HTTP, no load generator beside them); the servers share 2 cores with autocannon.');
}

/**
 * BENCH_ONLY's output: each row's requests/s per round with the rows per commit, then every row's
 * ratio to every other measured row of its kind (the median of the rounds' ratios).
 */
function quickSummary(results: Map<string, Measured>): void {
  const f = (x: number) => Math.round(x).toLocaleString('en-US');
  console.log(`\n${new Date().toISOString()}, ${cpus().length}x ${cpus()[0]?.model ?? 'cpu'}, node ${process.version}; ${connections} connections, ${seconds} s per row and round`);
  for (const [key, m] of results) {
    const unit = key.startsWith('events') ? eventsPerRequest : 1;
    const perCommit = m.perCommit.length > 0 ? `, ${f(median(m.perCommit) * unit)} ${unit > 1 ? 'rows' : 'requests'} per commit` : '';
    const costs = m.cpuPerRequest.length > 0
      ? `; µs per ${unit > 1 ? 'event' : 'request'}: CPU ${(median(m.cpuPerRequest) / unit).toFixed(2)}, event loop busy ${(median(m.busyPerRequest) / unit).toFixed(2)}` : '';
    console.log(`${key}: ${m.loads.map((l) => f(l.rps * unit)).join(' / ')} ${unit > 1 ? 'events' : 'req'}/s (median ${f(median(m.loads.map((l) => l.rps)) * unit)})${perCommit}${costs}; ` +
      `non-2xx+errors ${m.loads.reduce((n, l) => n + l.non2xx + l.errors, 0)}`);
  }
  for (const [a, ma] of results) {
    for (const [b, mb] of results) {
      if (a === b || a.split(' ')[0] !== b.split(' ')[0]) continue;
      console.log(`${a} / ${b}: ${median(ma.loads.map((l, i) => l.rps / mb.loads[i]!.rps)).toFixed(2)} (rounds ${ma.loads.map((l, i) => (l.rps / mb.loads[i]!.rps).toFixed(2)).join(' ')})`);
    }
  }
}

try {
  await main();
} finally {
  for (const child of running) child.kill('SIGKILL');
  rmSync(dir, { recursive: true, force: true });
}
