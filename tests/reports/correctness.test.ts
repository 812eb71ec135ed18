/**
 * End-to-end correctness of the decision: the real API in its own process, driven by the
 * assignment engineer's simulator (`scripts/simulate`: assign → exposures → events over
 * HTTP) with known true effects, then read back through GET /results.
 *  1. a strong true effect comes out "ship" for the right variant;
 *  2. no true effect, over repeated seeded runs: the false "ship" rate stays at or below α;
 *  3. an injected 45/55 split on a 50/50 experiment raises the SRM warning and blocks ship.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnApi, stopApi, type SpawnedApi } from '../crash/spawn-api.ts';
import { runSimulation } from '../../scripts/simulate/index.ts';

const ADMIN = 'correctness-admin-key';
const ALPHA = 0.05;
const NULL_RUNS = 100;
const dir = mkdtempSync(join(tmpdir(), 'wx-correctness-'));
let api: SpawnedApi;

async function call<T>(method: string, path: string, body?: unknown): Promise<T> {
  const res = await fetch(`${api.url}${path}`, {
    method, headers: { authorization: `Bearer ${ADMIN}`, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body)
  });
  if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${await res.text()}`);
  return res.json() as Promise<T>;
}

/**
 * A 50/50 experiment on e-book access (baseline 18%): ship when the lift is positive with p < 0.05.
 * Started 15 days ago on the server's clock (moved back and forth): the simulator's users arrive
 * over the past 14 days, and the server refuses exposures dated before an experiment's start.
 * It runs 30 days, so the scheduler does not stop it when the clock comes back.
 */
async function createRunning(...keys: string[]): Promise<void> {
  await call('POST', '/api/v1/clock/advance', { days: -15 });
  for (const key of keys) {
    await call('POST', '/api/v1/experiments', {
      key, name: `Correctness ${key}`, durationDays: 30,
      variants: [{ key: 'control', weight: 1 }, { key: 'treatment', weight: 1 }],
      metrics: { primary: ['ebook_access'] },
      successCriteria: [{ kind: 'lift', metricKey: 'ebook_access', minRelativeLift: 0, maxPValue: ALPHA, description: 'E-book access up; p < 0.05.' }]
    });
    await call('POST', `/api/v1/experiments/${key}/start`);
  }
  await call('POST', '/api/v1/clock/advance', { days: 15 });
}

type Results = { decision: { outcome: string; winningVariant: string | null; blockedBySrm: boolean }; health: { usersExposed: number; srm: { mismatch: boolean; pValue: number } | null; warnings: string[] }; metrics: Array<{ comparisons: Array<{ pValue: number }> }> };
const results = (key: string, analysis = 'fixed') => call<Results>('GET', `/api/v1/experiments/${key}/results?analysis=${analysis}`);

beforeAll(async () => { api = await spawnApi(join(dir, 'app.db'), { ADMIN_API_KEY: ADMIN, ALLOW_CLOCK_CONTROL: '1' }); }, 60_000);
afterAll(async () => {
  if (api) await stopApi(api);
  rmSync(dir, { recursive: true, force: true });
});

describe('decisions from the real API with known true effects', () => {
  it('a strong effect (+30%) ships the treatment, under both analyses', async () => {
    await createRunning('strong-effect');
    await runSimulation({ baseUrl: api.url, apiKey: ADMIN, experiments: ['strong-effect'], usersPerExperiment: 4000, seed: 101, concurrency: 32,
      effects: { 'strong-effect': { treatment: { ebook_access: 0.3 } } } });
    for (const analysis of ['fixed', 'sequential']) {
      const report = await results('strong-effect', analysis);
      expect(report.decision, analysis).toMatchObject({ outcome: 'ship', winningVariant: 'treatment' });
      expect(report.health.srm?.mismatch).toBe(false);
    }
  }, 120_000);

  it(`no effect: the false ship rate over ${NULL_RUNS} seeded runs stays at or below α`, async () => {
    let ships = 0;
    let positives = 0;
    // 100 A/A experiments over one population of 600 users: each user is assigned to all of
    // them at once (each experiment hashes with its own seed, so the 100 splits are independent)
    // and converts on each with that experiment's own draws.
    const keys = Array.from({ length: NULL_RUNS }, (_, run) => `null-effect-${run}`);
    await createRunning(...keys);
    const sent = await runSimulation({ baseUrl: api.url, apiKey: ADMIN, experiments: keys, usersPerExperiment: 600, seed: 1000,
      effects: Object.fromEntries(keys.map((key) => [key, {}])), concurrency: 32, sharedUsers: true });
    expect(Object.keys(sent.experiments)).toHaveLength(NULL_RUNS);
    for (const key of keys) {
      const report = await results(key);
      // Every simulated user reached the report: nothing lost or counted twice on the way.
      expect(report.health.usersExposed, key).toBe(Object.values(sent.experiments[key]!.exposures).reduce((a, b) => a + b, 0));
      if (report.decision.outcome === 'ship') ships++;
      if (report.metrics[0].comparisons[0].pValue < ALPHA) positives++;
    }
    // Ship needs p < α *and* a lift in the right direction: about α/2 of null runs. Allow 3 standard errors over α.
    const bound = ALPHA + 3 * Math.sqrt((ALPHA * (1 - ALPHA)) / NULL_RUNS);
    console.log(`null effect: ${ships}/${NULL_RUNS} shipped, ${positives}/${NULL_RUNS} with p < ${ALPHA} (either direction); bound ${bound.toFixed(3)}`);
    expect(ships / NULL_RUNS).toBeLessThanOrEqual(bound);
    expect(positives / NULL_RUNS).toBeLessThanOrEqual(bound);
  }, 600_000);

  it('a 45/55 split on a 50/50 experiment raises the SRM warning and blocks ship', async () => {
    await createRunning('srm-split');
    await runSimulation({ baseUrl: api.url, apiKey: ADMIN, experiments: ['srm-split'], usersPerExperiment: 4000, seed: 202, concurrency: 32,
      effects: { 'srm-split': { treatment: { ebook_access: 0.3 } } }, exposureLoss: { 'srm-split': { control: 0.45 / 0.55 } } });
    const report = await results('srm-split');
    expect(report.health.srm?.mismatch).toBe(true);
    expect(report.health.warnings.join(' ')).toMatch(/Sample ratio mismatch/);
    expect(report.decision).toMatchObject({ outcome: 'inconclusive', blockedBySrm: true, winningVariant: null });
  }, 120_000);
});
