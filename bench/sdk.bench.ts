// The SDK endpoints: GET /api/features/{clientKey} against a bare node:http server answering the
// same bytes, and the GrowthBook SDK's local evaluation rate beside our GET /api/v1/assign.
// Run by `npm run bench -- sdk` or `npx tsx bench/sdk.bench.ts`. BENCH_SECONDS, BENCH_CONNECTIONS, BENCH_ROUNDS tune it.
import autocannon from 'autocannon';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GrowthBookClient, type FeatureApiResponse } from '@growthbook/growthbook';

const seconds = Number(process.env.BENCH_SECONDS ?? 10);
const connections = Number(process.env.BENCH_CONNECTIONS ?? 50);
const rounds = Number(process.env.BENCH_ROUNDS ?? 3);
const dir = mkdtempSync(join(tmpdir(), 'wx-bench-sdk-'));
const adminKey = 'bench-admin-key';

type Load = { rps: number; p50: number; p99: number; non2xx: number; errors: number };
async function load(opts: autocannon.Options): Promise<Load> {
  const r = await autocannon({ connections, duration: seconds, pipelining: 1, ...opts });
  return { rps: r.requests.average, p50: r.latency.p50, p99: r.latency.p99, non2xx: r.non2xx, errors: r.errors };
}

const running = new Set<ChildProcess>();
process.on('exit', () => { for (const child of running) child.kill('SIGKILL'); });

/** Starts `entry` in its own node process and resolves with its URL once it prints where it listens. */
function spawnServer(entry: string, env: Record<string, string> = {}): Promise<{ url: string; child: ChildProcess }> {
  const child = spawn(process.execPath, ['--import', 'tsx', entry], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'inherit'] });
  running.add(child);
  child.once('exit', () => running.delete(child));
  return new Promise((resolve, reject) => {
    let buffered = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      buffered += chunk.toString();
      const listening = /listening on (\S+)/.exec(buffered);
      if (listening) resolve({ url: listening[1]!, child });
    });
    child.once('exit', (code) => reject(new Error(`${entry} exited (${code}) before listening`)));
  });
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const medianLoad = (loads: Load[]): Load => loads.find((l) => l.rps === median(loads.map((x) => x.rps)))!;
const f = (n: number) => Math.round(n).toLocaleString('en-US');

/**
 * Assignments per second of the GrowthBook SDK in this process: one GrowthBookClient on the
 * payload, `evalFeature` of every running experiment for new users, for `ms` milliseconds.
 */
function sdkRate(payload: FeatureApiResponse, ms: number): { rate: number; experiments: string[] } {
  const client = new GrowthBookClient();
  client.initSync({ payload });
  const experiments = Object.entries(payload.features ?? {}).filter(([, f]) => f.rules?.some((r) => r.variations)).map(([key]) => key);
  let n = 0;
  let inExperiment = 0;
  const start = performance.now();
  while (performance.now() - start < ms) {
    for (let i = 0; i < 1000; i++) {
      const key = experiments[n % experiments.length]!;
      if (client.evalFeature(key, { attributes: { id: `user-${n}` } }).source === 'experiment') inExperiment++;
      n++;
    }
  }
  const rate = n / ((performance.now() - start) / 1000);
  if (inExperiment === 0) throw new Error('the SDK put nobody in an experiment');
  client.destroy();
  return { rate, experiments };
}

async function main() {
  const admin = { authorization: `Bearer ${adminKey}`, 'content-type': 'application/json' };
  /** The API over a new database: the starter calendar's experiments started (those whose layer slice is free), one of our own, a client and an sdk key. */
  const startApi = async (name: string, fastPaths: boolean) => {
    const api = await spawnServer('bench/api-server.ts', { DATABASE_PATH: join(dir, `${name}.db`), ADMIN_API_KEY: adminKey, BENCH_FAST_PATHS: fastPaths ? '1' : '0' });
    await fetch(`${api.url}/api/v1/experiments`, { method: 'POST', headers: admin, body: JSON.stringify({ key: 'bench', name: 'Bench', exploratory: true, variants: [{ key: 'control' }, { key: 'treatment' }] }) });
    const { experiments } = await (await fetch(`${api.url}/api/v1/experiments`, { headers: admin })).json() as { experiments: Array<{ key: string }> };
    for (const e of experiments) await fetch(`${api.url}/api/v1/experiments/${e.key}/start`, { method: 'POST', headers: admin });
    const key = async (scope: string) => (await (await fetch(`${api.url}/api/v1/keys`, { method: 'POST', headers: admin, body: JSON.stringify({ name: `bench ${scope}`, scope }) })).json()).key as string;
    return { ...api, clientKey: await key('client'), sdkKey: await key('sdk') };
  };
  const api = await startApi('api', true);
  // The same API with its fast paths off: what answering the payload through Hono costs.
  const hono = await startApi('hono', false);
  const { clientKey, sdkKey } = api;

  const first = await fetch(`${api.url}/api/features/${clientKey}`);
  const bytes = Buffer.from(await first.arrayBuffer());
  const bodyFile = join(dir, 'payload.json');
  writeFileSync(bodyFile, bytes);
  const bare = await spawnServer('bench/bare-payload-server.ts', { BODY_FILE: bodyFile, BODY_ETAG: first.headers.get('etag') ?? '"bare"' });
  const payload = JSON.parse(bytes.toString()) as FeatureApiResponse;

  let user = 0;
  const assignOpts = (url: string): autocannon.Options => ({
    url, headers: { authorization: `Bearer ${sdkKey}` },
    requests: [{ method: 'GET', setupRequest: (req) => ({ ...req, path: `/api/v1/assign?experiment=bench&userId=user-${user++}&expose=false` }) }]
  });
  const targets: Array<[string, () => autocannon.Options]> = [
    ['payload bare', () => ({ url: `${bare.url}/api/features/${clientKey}` })],
    ['payload api', () => ({ url: `${api.url}/api/features/${clientKey}` })],
    ['payload hono', () => ({ url: `${hono.url}/api/features/${hono.clientKey}` })],
    ['assign api', () => assignOpts(api.url)]
  ];
  const measured = new Map<string, Load[]>();
  const ratios: number[] = [];
  const honoRatios: number[] = [];
  let failures = 0;
  const sdk: number[] = [];
  let evaluated: string[] = [];
  for (let round = 0; round < rounds; round++) {
    const inRound = new Map<string, Load>();
    for (const [name, opts] of targets) {
      const result = await load(opts());
      if (result.non2xx) throw new Error(`${name}: ${result.non2xx} non-2xx answers`);
      // A connection error (a timeout on a machine busy with other work) is counted and reported, not fatal.
      failures += result.errors;
      inRound.set(name, result);
      measured.set(name, [...(measured.get(name) ?? []), result]);
    }
    ratios.push(inRound.get('payload api')!.rps / inRound.get('payload bare')!.rps);
    honoRatios.push(inRound.get('payload hono')!.rps / inRound.get('payload bare')!.rps);
    const run = sdkRate(payload, seconds * 1000);
    sdk.push(run.rate);
    evaluated = run.experiments;
    console.log(`round ${round + 1}: ${[...inRound].map(([n, l]) => `${n} ${f(l.rps)} req/s`).join(', ')}, sdk ${f(run.rate)} assignments/s`);
  }

  const bareRun = medianLoad(measured.get('payload bare')!);
  const apiRun = medianLoad(measured.get('payload api')!);
  const assignRun = medianLoad(measured.get('assign api')!);
  const honoRun = medianLoad(measured.get('payload hono')!);
  const sdkMedian = median(sdk);
  console.log(`\nratios per round: payload ${ratios.map((r) => r.toFixed(2)).join(', ')}; through Hono ${honoRatios.map((r) => r.toFixed(2)).join(', ')}`);
  console.log(`connection errors (timeouts) in all runs: ${failures}; non-2xx answers: 0`);
  console.log(`payload: ${bytes.length} bytes, ${Object.keys(payload.features ?? {}).length} features, ${evaluated.length} running experiments; ${connections} connections, ${seconds} s, ${rounds} rounds\n`);
  console.log('| measurement | result | p50 / p99 latency | ratio | target |');
  console.log('|---|---|---|---|---|');
  console.log(`| bare node:http answering the payload's bytes and headers | ${f(bareRun.rps)} req/s | ${bareRun.p50} / ${bareRun.p99} ms | 1.00 | |`);
  console.log(`| GET /api/features/{clientKey} (payload from memory, client key checked) | ${f(apiRun.rps)} req/s | ${apiRun.p50} / ${apiRun.p99} ms | ${median(ratios).toFixed(2)} × bare | ≥ 0.80 × bare |`);
  console.log(`| the same through Hono alone (fast paths off) | ${f(honoRun.rps)} req/s | ${honoRun.p50} / ${honoRun.p99} ms | ${median(honoRatios).toFixed(2)} × bare | |`);
  console.log(`| GrowthBook SDK evaluating locally, one Node process (evalFeature, a new user each time, ${evaluated.length} experiments in turn) | ${f(sdkMedian)} assignments/s | | ${(sdkMedian / assignRun.rps).toFixed(0)} × GET /assign | |`);
  console.log(`| GET /api/v1/assign?expose=false, a new user each request (our server, one process) | ${f(assignRun.rps)} req/s | ${assignRun.p50} / ${assignRun.p99} ms | 1.00 | |`);
  for (const child of running) child.kill('SIGTERM');
  rmSync(dir, { recursive: true, force: true });
}

await main();
