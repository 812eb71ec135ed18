/**
 * End-to-end decisions for every metric kind (issue 16 item 3): the real API in its own process,
 * driven by the simulator (`scripts/simulate`: assign → exposures → events over HTTP, the
 * server's clock moved a day at a time) with a known true +30% on one metric of each kind, all
 * primary with a registered lift criterion (two experiments: at most 5 primaries each), then read
 * back through GET /results:
 *  - binomial, count, sum, threshold, retention: the share converting is 30% higher;
 *  - ratio (a mean per event, Σ value / number of orders): the order values are 30% higher;
 *  - time to event: 30% more users reach the event inside the 3-day window, so the restricted
 *    mean hours fall (lower is better);
 * each comes out significant in its metric's direction ("better") and both experiments "ship".
 * Retention and time-to-event users count once their window has closed: the clock moves 4 more
 * days after the 7-day test. Fixed seed, so the data and the decision are the same on every run.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnApi, stopApi, type SpawnedApi } from '../crash/spawn-api.ts';
import { runSimulation } from '../../scripts/simulate/index.ts';

const ADMIN = 'kinds-decision-admin-key';
const KEY = 'kinds';
const dir = mkdtempSync(join(tmpdir(), 'wx-kinds-'));
let api: SpawnedApi;

async function call<T = any>(method: string, path: string, body?: unknown): Promise<T> {
  const res = await fetch(`${api.url}${path}`, {
    method, headers: { authorization: `Bearer ${ADMIN}`, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body)
  });
  if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${await res.text()}`);
  return res.json() as Promise<T>;
}

/** One metric of each kind on its own events, every baseline 30%. */
const metrics = [
  { key: 'kd_binomial', name: 'KD signed up', kind: 'binomial', eventName: 'kd_signup' },
  { key: 'kd_count', name: 'KD sessions', kind: 'count', eventName: 'kd_session' },
  { key: 'kd_sum', name: 'KD revenue', kind: 'sum', eventName: 'kd_revenue' },
  { key: 'kd_ratio', name: 'KD order value', kind: 'ratio', eventName: 'kd_order', denominatorEventName: 'kd_order', denominatorAggregate: 'count' },
  { key: 'kd_retention', name: 'KD back on days 1-3', kind: 'retention', eventName: 'kd_open', windowStartDays: 1, windowDays: 3 },
  { key: 'kd_threshold', name: 'KD repeat purchase', kind: 'threshold', eventName: 'kd_purchase', minCount: 2 },
  { key: 'kd_time', name: 'KD time to activation', kind: 'time_to_event', eventName: 'kd_activation', windowDays: 3 }
].map((m) => ({ ...m, baseline: 0.3 }));

beforeAll(async () => { api = await spawnApi(join(dir, 'app.db'), { ADMIN_API_KEY: ADMIN, ALLOW_CLOCK_CONTROL: '1' }); }, 60_000);
afterAll(async () => {
  if (api) await stopApi(api);
  rmSync(dir, { recursive: true, force: true });
});

type Result = { decision: { outcome: string; winningVariant: string | null };
  metrics: Array<{ key: string; kind: string; direction: string; usersWaiting?: number; comparisons: Array<{ relative: { estimate: number } | null; adjustedPValue: number; verdict: string }> }> };

describe('a decision for every metric kind from the real API with known true effects', () => {
  it('each kind\'s +30% truth comes out significant in its direction, and both experiments ship', async () => {
    for (const m of metrics) await call('POST', '/api/v1/metrics', m);
    // At most 5 primary metrics an experiment: the kinds over two experiments, users of their own.
    const experiments = { [`${KEY}-a`]: metrics.slice(0, 4), [`${KEY}-b`]: metrics.slice(4) };
    for (const [key, list] of Object.entries(experiments)) {
      await call('POST', '/api/v1/experiments', {
        key, name: `Metric kinds ${key.slice(-1)}`, durationDays: 7,
        variants: [{ key: 'control', weight: 1 }, { key: 'treatment', weight: 1 }],
        metrics: { primary: list.map((m) => m.key) },
        successCriteria: list.map((m) => ({ kind: 'lift', metricKey: m.key, minRelativeLift: 0, maxPValue: 0.05, description: `${m.name} better; p < 0.05.` }))
      });
      await call('POST', `/api/v1/experiments/${key}/start`);
    }
    await runSimulation({ baseUrl: api.url, apiKey: ADMIN, experiments: Object.keys(experiments), usersPerExperiment: 3_000, days: 7, advance: true, seed: 16, concurrency: 16,
      effects: Object.fromEntries(Object.entries(experiments).map(([key, list]) => [key, { treatment: Object.fromEntries(list.map((m) => [m.key, 0.3])) }])) });
    await call('POST', '/api/v1/clock/advance', { days: 4 }); // every retention and time-to-event window has closed
    const reports = await Promise.all(Object.keys(experiments).map((key) => call<Result>('GET', `/api/v1/experiments/${key}/results?analysis=fixed`)));
    const byKey = Object.fromEntries(reports.flatMap((r) => r.metrics).map((m) => [m.key, m]));
    const lines: string[] = [];
    for (const m of metrics) {
      const result = byKey[m.key]!;
      const [c] = result.comparisons;
      expect(c, m.key).toBeDefined();
      lines.push(`${m.kind} ${(100 * c!.relative!.estimate).toFixed(1)}% (adj. p ${c!.adjustedPValue.toPrecision(2)})`);
      expect(Math.sign(c!.relative!.estimate), m.key).toBe(m.kind === 'time_to_event' ? -1 : 1);
      expect(result.direction, m.key).toBe(m.kind === 'time_to_event' ? 'decrease' : 'increase');
      expect(c!.verdict, `${m.key}: ${lines.at(-1)}`).toBe('better');
      if (m.kind === 'retention' || m.kind === 'time_to_event') expect(result.usersWaiting, m.key).toBe(0);
    }
    console.log(`every kind, true +30%: ${lines.join('; ')}`);
    for (const report of reports) expect(report.decision).toMatchObject({ outcome: 'ship', winningVariant: 'treatment' });
  }, 600_000);
});
