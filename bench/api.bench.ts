// API throughput against a bare node:http server, in one run, same load tool and connections.
// Run by `npm run bench` (bench/run.ts) or `npx tsx bench/api.bench.ts`. BENCH_SECONDS, BENCH_CONNECTIONS tune it.
import autocannon from 'autocannon';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { spawnApi, stopApi, type SpawnedApi } from '../tests/crash/spawn-api.ts';
import { configFor, evaluateExperiment } from '../api/assign/index.ts';
import { openDatabase, closeDatabase } from '../db/connection.ts';

const seconds = Number(process.env.BENCH_SECONDS ?? 10);
const connections = Number(process.env.BENCH_CONNECTIONS ?? 50);
const dir = mkdtempSync(join(tmpdir(), 'wx-bench-'));
const adminKey = 'bench-admin-key';

type Load = { rps: number; p50: number; p99: number; non2xx: number; errors: number };
async function load(opts: autocannon.Options): Promise<Load> {
  const r = await autocannon({ connections, duration: seconds, ...opts });
  return { rps: r.requests.average, p50: r.latency.p50, p99: r.latency.p99, non2xx: r.non2xx, errors: r.errors };
}

function spawnBare(): Promise<SpawnedApi> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'bench/bare-server.ts'], { stdio: ['ignore', 'pipe', 'inherit'] });
  return new Promise((resolve) => child.stdout!.on('data', (c: Buffer) => {
    const m = /listening on (\S+)/.exec(c.toString());
    if (m) resolve({ url: m[1]!, child });
  }));
}

/** 100 events per body; `#` becomes the request number so client ids stay unique. */
const eventsTemplate = JSON.stringify({ events: Array.from({ length: 100 }, (_, i) => ({
  id: `r#-${i}`, userId: `user-#-${i % 37}`, event: i % 3 ? 'activation' : 'purchase', value: i % 3 ? undefined : 19.9
})) });

function plainInsertRate(): number {
  // The same rows through better-sqlite3 directly: same schema, pragmas, 100 rows per transaction.
  const path = join(dir, 'plain.db');
  openDatabase(path);
  closeDatabase(path);
  const db = new Database(path);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  const insert = db.prepare(`insert into events (client_event_id, user_id, event_name, value, timestamp_ms, received_at_ms)
    values (?, ?, ?, ?, ?, ?) on conflict (client_event_id) do nothing`);
  const batch = db.transaction((rows: Array<{ id: string; userId: string; event: string; value?: number }>, now: number) => {
    for (const r of rows) insert.run(r.id, r.userId, r.event, r.value ?? null, now, now);
  });
  const until = Date.now() + seconds * 1000;
  let n = 0;
  let rows = 0;
  while (Date.now() < until) {
    const events = (JSON.parse(eventsTemplate.replaceAll('#', String(n++))) as { events: Array<{ id: string; userId: string; event: string; value?: number }> }).events;
    batch(events, Date.now());
    rows += events.length;
  }
  db.close();
  return rows / seconds;
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

async function main() {
  const bare = await spawnBare();
  const bareLoad = await load({ url: `${bare.url}/api/v1/assign?experiment=bench&userId=u1` });
  await stopApi(bare);

  const api = await spawnApi(join(dir, 'api.db'), { ADMIN_API_KEY: adminKey });
  const admin = { authorization: `Bearer ${adminKey}`, 'content-type': 'application/json' };
  await fetch(`${api.url}/api/v1/experiments`, { method: 'POST', headers: admin, body: JSON.stringify({ key: 'bench', name: 'Bench', variants: [{ key: 'control' }, { key: 'treatment' }] }) });
  await fetch(`${api.url}/api/v1/experiments/bench/start`, { method: 'POST', headers: admin });
  const sdkKey = (await (await fetch(`${api.url}/api/v1/keys`, { method: 'POST', headers: admin, body: JSON.stringify({ name: 'bench', scope: 'sdk' }) })).json()).key as string;
  const sdk = { authorization: `Bearer ${sdkKey}`, 'content-type': 'application/json' };

  let user = 0;
  const assignLoad = await load({
    url: api.url, headers: sdk,
    requests: [{ method: 'GET', setupRequest: (req) => ({ ...req, path: `/api/v1/assign?experiment=bench&userId=user-${user++}` }) }]
  });
  let request = 0;
  const eventsLoad = await load({
    url: api.url, headers: sdk,
    requests: [{ method: 'POST', path: '/api/v1/events', setupRequest: (req) => ({ ...req, body: eventsTemplate.replaceAll('#', String(request++)) }) }]
  });
  await stopApi(api);
  const check = new Database(join(dir, 'api.db'), { readonly: true });
  const storedEvents = check.prepare('select count(*) from events').pluck().get() as number;
  const storedExposures = check.prepare('select count(*) from exposures').pluck().get() as number;
  check.close();

  const plain = plainInsertRate();
  const hashes = hashRate();
  rmSync(dir, { recursive: true, force: true });

  const eventsPerSecond = eventsLoad.rps * 100;
  const f = (x: number) => Math.round(x).toLocaleString('en-US');
  console.log(`\n${connections} connections, ${seconds} s each, autocannon in this process, servers in their own processes.\n`);
  console.log('| measurement | result | p50 / p99 latency | ratio | target |');
  console.log('|---|---|---|---|---|');
  console.log(`| bare node:http, fixed JSON | ${f(bareLoad.rps)} req/s | ${bareLoad.p50} / ${bareLoad.p99} ms | 1.00 | |`);
  console.log(`| GET /api/v1/assign, exposure recorded (distinct users) | ${f(assignLoad.rps)} req/s | ${assignLoad.p50} / ${assignLoad.p99} ms | ${(assignLoad.rps / bareLoad.rps).toFixed(2)} × bare | ≥ 0.80 × bare |`);
  console.log(`| POST /api/v1/events, 100 events per request | ${f(eventsPerSecond)} events/s (${f(eventsLoad.rps)} req/s) | ${eventsLoad.p50} / ${eventsLoad.p99} ms | ${(eventsPerSecond / plain).toFixed(2)} × plain insert | ≥ 200,000 events/s |`);
  console.log(`| plain better-sqlite3, same rows, 100 per transaction, synchronous=FULL | ${f(plain)} rows/s | | 1.00 | |`);
  console.log(`| hashing + bucketing alone (evaluateExperiment) | ${f(hashes)} assignments/s | | | |`);
  console.log(`\nnon-2xx: assign ${assignLoad.non2xx}, events ${eventsLoad.non2xx}; errors: ${assignLoad.errors + eventsLoad.errors}; ` +
    `stored: ${f(storedExposures)} exposures, ${f(storedEvents)} events`);
}

await main();
