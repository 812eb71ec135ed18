/**
 * GET /api/v1/assign as the Hono route reads its query (the fast path leaves it every request
 * with attributes or anything unusual): repeated names, `attributes.<name>` parameters beside
 * other names, the exact 400 and 404 messages, and a held-out user whose exposure was recorded
 * anyway (rows imported before the plan had a holdout) staying in the holdout.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../tests/helpers/test-app.ts';
import { inHoldout } from './holdout.ts';

let t: TestApp;
const get = (query: string) => t.authed(`/api/v1/assign?${query}`, { key: t.sdkKey });
const admin = async (path: string, body?: unknown, method = 'POST') => {
  const res = await t.authed(path, { method, body });
  expect(res.status, `${method} ${path}: ${await res.clone().text()}`).toBeLessThan(300);
  return res.json();
};
const hero = { key: 'hero', name: 'Hero', exploratory: true, variants: [{ key: 'control' }, { key: 'treatment' }] };

beforeEach(async () => { t = await createTestApp({ seed: false }); });
afterEach(() => t.cleanup());

describe('GET /api/v1/assign: the query', () => {
  beforeEach(async () => {
    await admin('/api/v1/experiments', hero);
    await admin('/api/v1/experiments/hero/start');
  });

  it.each<[string, string, Record<string, unknown>]>([
    ['an attributes.<name> parameter is an attribute', 'attributes.country=TR', { country: 'TR' }],
    ['a repeated attribute keeps its first value', 'attributes.country=TR&attributes.country=DE', { country: 'TR' }],
    ['"attributes." without a name is no attribute', 'attributes.=TR', {}],
    ['another long name is no attribute', 'utm_campaign=spring', {}],
    ['only the attributes.<name> ones among others', 'utm_campaign=spring&attributes.plan=pro', { plan: 'pro' }]
  ])('%s (recorded with the exposure)', async (_name, extra, attributes) => {
    const res = await get(`experiment=hero&userId=u-1&${extra}`);
    expect(res.status).toBe(200);
    expect((await res.json()).assignments.hero).toMatchObject({ inExperiment: true, reason: 'split' });
    expect((await t.rows.exposure('hero', 'u-1'))?.attributes).toEqual(attributes);
  });

  it.each<[string, string, number, string, string]>([
    ['a repeated experiment', 'experiment=hero&experiment=hero&userId=u-1', 400, 'invalid_request', 'Invalid query: '],
    ['no userId', 'experiment=hero', 400, 'invalid_request', 'Invalid query: '],
    ['an attribute value too long', `experiment=hero&userId=u-1&attributes.note=${'x'.repeat(1001)}`, 400, 'invalid_request', 'Invalid attributes: '],
    ['an unknown experiment', 'experiment=nope&userId=u-1', 404, 'not_found', "experiment 'nope' was not found"]
  ])('%s', async (_name, query, status, code, message) => {
    const res = await get(query);
    expect(res.status).toBe(status);
    const { error } = await res.json();
    expect(error.code).toBe(code);
    expect(error.message.startsWith(message), error.message).toBe(true);
    expect(await t.rows.exposure('hero', 'u-1')).toBeUndefined();
  });

  it('each bad attribute is named in the message', async () => {
    const long = 'x'.repeat(1001);
    const { error } = await (await get(`experiment=hero&userId=u-1&attributes.note=${long}&attributes.other=${long}`)).json();
    expect(error.message).toBe('Invalid attributes: attribute value is longer than the limit of 1000 characters; attribute value is longer than the limit of 1000 characters');
  });
});

describe('GET /api/v1/assign: the program holdout wins over a recorded exposure', () => {
  it('a held-out user with an imported exposure gets the control (reason holdout), and nothing more is recorded', async () => {
    const planId = (await admin('/api/v1/plans', { name: 'Spring', startDate: '2027-03-01' })).id;
    await admin(`/api/v1/plans/${planId}/holdout`, { share: 0.2, seed: 'spring' }, 'PUT');
    await admin('/api/v1/experiments', { ...hero, planId });
    await admin('/api/v1/experiments/hero/start');
    const userId = Array.from({ length: 100 }, (_, i) => `user-${i}`).find((u) => inHoldout(u, { seed: 'spring', share: 0.2 }))!;
    const at = t.clock.nowMs;
    await t.rows.insertTraffic({ exposures: [{ experimentId: await t.rows.experimentId('hero'), userId, variantKey: 'treatment', firstExposedAtMs: at, lastExposedAtMs: at }] });
    for (const expose of ['true', 'false']) {
      const body = await (await get(`experiment=hero&userId=${userId}&expose=${expose}`)).json();
      expect(body.assignments.hero, `expose=${expose}`).toEqual({ variant: 'control', inExperiment: false, reason: 'holdout', bucket: null });
    }
    expect(await t.rows.exposure('hero', userId)).toMatchObject({ variantKey: 'treatment', exposureCount: 1 });
  });
});
