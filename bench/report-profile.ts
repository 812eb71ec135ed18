// Profiles one cold report on the serving bench's fixture without rebuilding the fixture every
// time: the 1M-user database is generated once into a cache file (REPORT_PROFILE_CACHE, default
// /tmp/wx-report-fixture-<users>.db), copied for each run, and opened the way the analysis
// thread opens it (report-worker.ts: its own connection, memory-mapped main file, the report
// store attached). Prints one full scan of events, the cold report, each SQL statement's time
// and CPU (summed per statement text), then three views each after one new event. The process's
// CPU time is the figure to compare on a shared machine (wall time moves with the load). Not part
// of `npm run bench` (its name has no `.bench.`). Run: `npx tsx bench/report-profile.ts`
// (REPORT_PROFILE_USERS=100000 for a quick run; REPORT_PROFILE_PLANS=1 prints each statement's
// EXPLAIN QUERY PLAN; REPORT_PROFILE_DIR=/dev/shm keeps the copy off the disk).
import Database from 'better-sqlite3';
import { drizzle } from 'drizzle-orm/better-sqlite3';
import { copyFileSync, existsSync, mkdtempSync, renameSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { closeDatabase, openDatabase, type Db } from '../db/sqlite/connection.ts';
import { attachReportStore } from '../db/sqlite/queries/report-store-schema.ts';
import * as schema from '../db/sqlite/schema.ts';
import { sqliteData } from '../db/sqlite/data.ts';
import { buildReport } from '../calendar/reports/index.ts';
import { generateSynthetic } from '../tests/reports/synthetic.ts';
import { benchTraffic, setUpReportExperiment } from './report-fixture.ts';

const USERS = Number(process.env.REPORT_PROFILE_USERS ?? 1_000_000);
const START = Date.parse('2026-11-30T00:00:00Z');
const NOW = START + 20 * 86_400_000;
const cache = process.env.REPORT_PROFILE_CACHE ?? join(tmpdir(), `wx-report-fixture-${USERS}.db`);

/** The serving bench's fixture (same seed, traffic and experiment), generated once. */
function ensureFixture(): void {
  if (existsSync(cache)) {
    // Brought to the current migrations in place, once, so each copy opens without a migration.
    openDatabase(cache);
    closeDatabase(cache);
    return;
  }
  const building = `${cache}.building`;
  rmSync(building, { force: true });
  const db = openDatabase(building);
  db.$client.pragma('synchronous = OFF');
  const { experimentId } = setUpReportExperiment(db);
  const t0 = performance.now();
  generateSynthetic(db.$client, { experimentId, users: USERS, seed: 1, startMs: START, days: 14, ...benchTraffic });
  db.$client.pragma('wal_checkpoint(TRUNCATE)');
  db.$client.pragma('journal_mode = DELETE'); // one file to copy
  closeDatabase(building);
  renameSync(building, cache);
  console.log(`fixture built in ${((performance.now() - t0) / 1000).toFixed(0)} s: ${cache}`);
}

type Timing = { ms: number; cpuMs: number; calls: number };
const timings = new Map<string, Timing>();
const plans = new Map<string, string>();

/** Wraps every statement the connection prepares so its run/get/all/iterate time adds up per SQL text. */
function timeStatements(client: Database.Database): void {
  const prepare = client.prepare.bind(client);
  (client as { prepare: unknown }).prepare = (sql: string) => {
    const statement = prepare(sql);
    const key = sql.replace(/\s+/g, ' ').trim();
    for (const method of ['run', 'get', 'all'] as const) {
      const original = (statement as never as Record<string, (...a: unknown[]) => unknown>)[method].bind(statement);
      (statement as never as Record<string, unknown>)[method] = (...args: unknown[]) => {
        const s = performance.now();
        const c = process.cpuUsage();
        try { return original(...args); } finally {
          const t = timings.get(key) ?? { ms: 0, cpuMs: 0, calls: 0 };
          const used = process.cpuUsage(c);
          t.ms += performance.now() - s; t.cpuMs += (used.user + used.system) / 1000; t.calls++;
          timings.set(key, t);
          if (process.env.REPORT_PROFILE_PLANS === '1' && !plans.has(key) && /^(INSERT|SELECT|WITH)/i.test(key)) {
            try {
              const select = key.replace(/^INSERT .*?(?=SELECT|WITH)/i, '').replace(/ ON CONFLICT .*$/i, '');
              const rows = prepare(`EXPLAIN QUERY PLAN ${select}`).all(...args) as Array<{ detail: string }>;
              plans.set(key, rows.map((r) => r.detail).join(' | '));
            } catch { plans.set(key, '(no plan)'); }
          }
        }
      };
    }
    return statement;
  };
}

ensureFixture();
const dir = mkdtempSync(join(process.env.REPORT_PROFILE_DIR ?? tmpdir(), 'wx-report-profile-'));
const path = join(dir, 'app.db');
copyFileSync(cache, path);
// The app's own open (migrations, WAL), then closed: the analysis thread opens its own connection.
openDatabase(path);
closeDatabase(path);

const client = new Database(path);
client.pragma('foreign_keys = ON');
client.pragma('busy_timeout = 5000');
client.pragma('cache_size = -262144');
client.pragma('main.mmap_size = 2147483648');
attachReportStore(client, path);
const data = sqliteData(drizzle(client, { schema }) as Db);

const scan = client.prepare('SELECT COUNT(*), SUM(value), MAX(timestamp_ms) FROM events');
const events = (client.prepare('SELECT COUNT(*) AS n FROM events').get() as { n: number }).n;
const scanMs = [0, 1, 2].map(() => { const s = performance.now(); scan.get(); return performance.now() - s; }).sort((a, b) => a - b)[1];

timeStatements(client);
const cpu0 = process.cpuUsage();
let t0 = performance.now();
const cold = await buildReport(data, 'bench', {}, NOW);
const coldMs = performance.now() - t0;
const cpu = process.cpuUsage(cpu0);
const coldTimings = [...timings.entries()].sort((a, b) => b[1].ms - a[1].ms);
timings.clear();

const insertEvent = client.prepare('INSERT INTO events (user_id, event_name, value, timestamp_ms, received_at_ms) VALUES (?, ?, ?, ?, ?)');
const viewMs: number[] = [];
for (let i = 0; i < 3; i++) {
  insertEvent.run(`u${i * 7}`, 'activation', null, START + 86_400_000, NOW);
  t0 = performance.now();
  await buildReport(data, 'bench', {}, NOW);
  viewMs.push(performance.now() - t0);
}

const f = (x: number) => x.toFixed(1);
console.log(`${USERS.toLocaleString('en-US')} exposed users, ${events.toLocaleString('en-US')} events; full scan of events ${f(scanMs)} ms`);
console.log(`cold report ${f(coldMs)} ms = ${(coldMs / scanMs).toFixed(2)}x the scan (CPU user ${f(cpu.user / 1000)} ms, system ${f(cpu.system / 1000)} ms); decision ${cold.decision.outcome}`);
console.log(`views after one new event: ${viewMs.map(f).join(', ')} ms`);
console.log('\n| ms | CPU ms | calls | statement |\n|---:|---:|---:|---|');
let shown = 0;
for (const [sql, t] of coldTimings) {
  if (t.ms < 5 && shown >= 12) break;
  shown++;
  console.log(`| ${f(t.ms)} | ${f(t.cpuMs)} | ${t.calls} | ${sql.slice(0, 220)} |`);
  if (plans.has(sql)) console.log(`|  |  |  | plan: ${plans.get(sql)} |`);
}
const accounted = coldTimings.reduce((a, [, t]) => a + t.ms, 0);
const accountedCpu = coldTimings.reduce((a, [, t]) => a + t.cpuMs, 0);
console.log(`\nstatements ${f(accounted)} ms (CPU ${f(accountedCpu)} ms) of ${f(coldMs)} ms`);
client.close();
rmSync(dir, { recursive: true, force: true });
