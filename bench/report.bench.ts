// Report benchmark: time to build the full report (health, 5 metrics, cumulative by day,
// decision) at 10k, 100k and 1M exposed users with ~3 events each, against a single full scan
// of the events table in the same database: (a) cold, a full build of the report store from
// raw rows; (b) a repeat view; (c) a view after ~1% new events (a day of late and current
// events, incremental refresh), plus the segment split. Run: `npm run bench -- report`.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { closeDatabase, openDatabase, type Db } from '../db/sqlite/connection.ts';
import { buildReport } from '../calendar/reports/index.ts';
import { sqliteData } from '../db/sqlite/data.ts';
import { aggregateMetrics, ensureReportStore, winsorizationCaps, withMetricUsers } from '../db/sqlite/queries/index.ts';
import { generateSynthetic, seededRandom } from '../tests/reports/synthetic.ts';
import { benchTraffic, setUpReportExperiment } from './report-fixture.ts';

const SIZES = (process.env.REPORT_BENCH_SIZES ?? '10000,100000,1000000').split(',').map(Number);
const REPEATS = 3;
const START = Date.parse('2026-11-30T00:00:00Z');

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

function time(fn: () => unknown): number {
  const t0 = performance.now();
  fn();
  return performance.now() - t0;
}

/** `time` of an async function (awaited). */
async function timeAsync(fn: () => Promise<unknown>): Promise<number> {
  const t0 = performance.now();
  await fn();
  return performance.now() - t0;
}

/** `runs` runs of `fn`, one after another. */
async function inTurn(runs: number, fn: () => Promise<number>): Promise<number[]> {
  const out: number[] = [];
  for (let i = 0; i < runs; i++) out.push(await fn());
  return out;
}

const rows: string[] = [];
for (const users of SIZES) {
  const dir = mkdtempSync(join(tmpdir(), 'wx-bench-report-'));
  const path = join(dir, 'app.db');
  const db = openDatabase(path);
  // Bulk load only: no fsync, no journal (a throwaway database).
  db.$client.pragma('synchronous = OFF');
  // REPORT_BENCH_TUNED=1: a larger page cache, memory-mapped reads and in-memory temp tables,
  // to show what connection settings buy (db/sqlite/connection.ts keeps SQLite's defaults).
  if (process.env.REPORT_BENCH_TUNED === '1') {
    db.$client.pragma('cache_size = -262144');
    db.$client.pragma('mmap_size = 1073741824');
    db.$client.pragma('temp_store = MEMORY');
  }
  const { experimentId, specs } = setUpReportExperiment(db);
  const loadMs = time(() => generateSynthetic(db.$client, { experimentId, users, seed: 1, startMs: START, days: 14, ...benchTraffic }));
  db.$client.pragma('analysis_limit = 1000');
  db.$client.exec('ANALYZE');
  const client = db.$client;
  const countEvents = () => (client.prepare('SELECT COUNT(*) AS n FROM events').get() as { n: number }).n;
  const events = countEvents();
  const scan = client.prepare('SELECT COUNT(*), SUM(value), MAX(timestamp_ms) FROM events');
  const scanMs = () => median(Array.from({ length: REPEATS }, () => time(() => scan.get())));
  const data = sqliteData(db);
  const view = (segment?: string) => buildReport(data, 'bench', segment ? { segment } : {}, START + 20 * 86_400_000);
  ensureReportStore(client);
  const forgetStore = () => client.prepare('DELETE FROM report_refresh_state').run();
  // ~1% new events: current and late (old timestamps) events of random exposed users.
  const random = seededRandom(99);
  const addEvents = client.prepare('INSERT INTO events (user_id, event_name, value, timestamp_ms, received_at_ms) VALUES (?, ?, ?, ?, ?)');
  const names = ['open', 'click', 'activation', 'purchase', 'unsubscribe'];
  const addOnePercent = () => client.transaction(() => {
    for (let k = 0; k < Math.round(events / 100); k++) {
      const i = Math.floor(random() * users);
      const at = START + Math.floor((i / users) * 14 * 86_400_000) + Math.floor(random() * 5 * 86_400_000);
      const name = names[Math.floor(random() * names.length)];
      addEvents.run(`u${i}`, name, name === 'purchase' ? 40 * random() : null, at, at);
    }
  })();
  const scanBefore = scanMs();
  let outcome = '';
  // (a) cold: the store is rebuilt from the raw rows (state forgotten before each run).
  const coldMs = median(await inTurn(REPEATS, () => { forgetStore(); return timeAsync(async () => { outcome = (await view()).decision.outcome; }); }));
  // (b) repeat view: nothing written since the last one.
  const repeatMs = median(await inTurn(REPEATS, () => timeAsync(() => view())));
  // (c) after ~1% new events each time.
  const afterNewMs = median(await inTurn(REPEATS, () => { addOnePercent(); return timeAsync(() => view()); }));
  // First split by the attribute: its sums computed from the store (kept afterwards).
  addOnePercent();
  const segmentFirstMs = await timeAsync(() => view('segment'));
  const segmentMs = median(await inTurn(REPEATS, () => { addOnePercent(); return timeAsync(() => view('segment')); }));
  // Reference: the from-scratch temp-table aggregates the report used before the store (same metrics).
  const tempTableMs = median(Array.from({ length: REPEATS }, () => time(() => withMetricUsers(client, { experimentId, metrics: specs }, () => {
    const caps = winsorizationCaps(client, specs);
    return aggregateMetrics(client, specs, caps, 'day');
  }))));
  const segmentRepeatMs = median(await inTurn(REPEATS, () => timeAsync(() => view('segment'))));
  const scanAfter = scanMs();
  const scanAll = median([scanBefore, scanAfter, scanMs()]);
  const ratio = (ms: number) => `${(ms / scanAll).toFixed(2)}×`;
  rows.push(`| ${users.toLocaleString('en-US')} | ${events.toLocaleString('en-US')} | ${scanAll.toFixed(0)} | ${coldMs.toFixed(0)} (${ratio(coldMs)}) | ` +
    `${repeatMs.toFixed(1)} (${ratio(repeatMs)}) | ${afterNewMs.toFixed(0)} (${ratio(afterNewMs)}) | ${segmentMs.toFixed(0)} (${ratio(segmentMs)}) | ` +
    `${segmentFirstMs.toFixed(0)} (${ratio(segmentFirstMs)}) | ` +
    `${segmentRepeatMs.toFixed(1)} | ${tempTableMs.toFixed(0)} (${ratio(tempTableMs)}) | ${(loadMs / 1000).toFixed(1)} s | ${outcome} |`);
  console.log(rows.at(-1));
  closeDatabase(path);
  rmSync(dir, { recursive: true, force: true });
}
console.log('\n| exposed users | events | full scan of events (ms) | (a) cold: store rebuild + report, ms (÷ scan) | (b) repeat view, ms (÷ scan) | (c) after +1% events, ms (÷ scan) | segment split after +1% events, ms (÷ scan) | first split by the attribute (after +1%), ms (÷ scan) | segment repeat, ms | ref: from-scratch temp-table aggregates, ms (÷ scan) | bulk load | decision |');
console.log('|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|');
for (const r of rows) console.log(r);
console.log(`\n${process.env.REPORT_BENCH_TUNED === '1' ? 'tuned connection (256 MiB cache, mmap, temp_store=MEMORY)' : 'connection as the server opens it; the report sets a 256 MiB page cache and temp_store=MEMORY on first use (tuneForReports)'}; median of ${REPEATS} runs each; report = buildReport (5 metrics, health, cumulative by day, decision); scan = median over the run`);
