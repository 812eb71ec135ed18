import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../tests/helpers/test-app.ts';

let t: TestApp;
const sdk = (path: string, body?: unknown) => t.authed(path, { method: body === undefined ? 'GET' : 'POST', body, key: t.sdkKey });
const admin = (path: string, body?: unknown, method = 'POST') => t.authed(path, { method, body });
const exposureOf = (key: string, userId: string) => t.rows.exposure(key, userId);

/** Each test: a fresh app with two running 50/50 experiments, 'hero' (qa-ana forced to treatment) and 'tr-only' (country TR). */
beforeEach(async () => {
  t = await createTestApp();
  expect((await admin('/api/v1/experiments', { key: 'hero', name: 'Hero', exploratory: true, variants: [{ key: 'control' }, { key: 'treatment' }], forcedVariants: { 'qa-ana': 'treatment' } })).status).toBe(201);
  expect((await admin('/api/v1/experiments', { key: 'tr-only', name: 'TR', exploratory: true, variants: [{ key: 'control' }, { key: 'treatment' }], targeting: [{ attribute: 'country', operator: 'eq', value: 'TR' }] })).status).toBe(201);
  expect((await admin('/api/v1/experiments/hero/start')).status).toBe(200);
  expect((await admin('/api/v1/experiments/tr-only/start')).status).toBe(200);
});
afterEach(() => t.cleanup());

describe('GET /api/v1/assign', () => {
  it('assigns by hash and records the exposure', async () => {
    const res = await sdk('/api/v1/assign?experiment=hero&userId=u-1');
    expect(res.status).toBe(200);
    const body = await res.json();
    expect(body).toMatchObject({ userId: 'u-1', assignments: { hero: { inExperiment: true, reason: 'split' } } });
    expect(body.assignments.hero.bucket).toBeGreaterThanOrEqual(0);
    expect(await exposureOf('hero', 'u-1')).toMatchObject({ variantKey: body.assignments.hero.variant, exposureCount: 1 });
  });

  it('is sticky after weights change, and counts repeats', async () => {
    const first = (await (await sdk('/api/v1/assign?experiment=hero&userId=u-2')).json()).assignments.hero.variant;
    const other = first === 'control' ? 'treatment' : 'control';
    await admin('/api/v1/experiments/hero', { variants: [{ key: 'control', weight: first === 'control' ? 0 : 1 }, { key: 'treatment', weight: first === 'control' ? 1 : 0 }], confirm: true }, 'PATCH');
    const fresh = (await (await sdk('/api/v1/assign?experiment=hero&userId=never-seen&expose=false')).json()).assignments.hero;
    expect(fresh.variant).toBe(other); // weights really moved new users
    const again = (await (await sdk('/api/v1/assign?experiment=hero&userId=u-2')).json()).assignments.hero;
    expect(again).toMatchObject({ variant: first, reason: 'sticky', inExperiment: true });
    expect(await exposureOf('hero', 'u-2')).toMatchObject({ variantKey: first, exposureCount: 2 });
  });

  it('expose=false assigns without recording', async () => {
    const body = await (await sdk('/api/v1/assign?experiment=hero&userId=u-3&expose=false')).json();
    expect(body.assignments.hero.inExperiment).toBe(true);
    expect(await exposureOf('hero', 'u-3')).toBeUndefined();
  });

  it('targeting from attributes.* query parameters', async () => {
    const tr = await (await sdk('/api/v1/assign?experiment=tr-only&userId=u-4&attributes.country=TR')).json();
    expect(tr.assignments['tr-only']).toMatchObject({ inExperiment: true, reason: 'split' });
    const de = await (await sdk('/api/v1/assign?experiment=tr-only&userId=u-5&attributes.country=DE')).json();
    expect(de.assignments['tr-only']).toMatchObject({ inExperiment: false, reason: 'targeting', variant: 'control' });
    expect(await exposureOf('tr-only', 'u-5')).toBeUndefined();
  });

  it('a forced QA user gets the variant and is not recorded', async () => {
    const body = await (await sdk('/api/v1/assign?experiment=hero&userId=qa-ana')).json();
    expect(body.assignments.hero).toMatchObject({ variant: 'treatment', reason: 'forced', inExperiment: true });
    expect(await exposureOf('hero', 'qa-ana')).toBeUndefined();
  });

  it('a draft experiment is not assigned', async () => {
    const body = await (await sdk('/api/v1/assign?experiment=w01-onboarding-ebook-reminder&userId=u-6')).json();
    expect(body.assignments['w01-onboarding-ebook-reminder']).toMatchObject({ inExperiment: false, reason: 'not_started', variant: 'control' });
  });

  it.each([
    ['/api/v1/assign?experiment=nope&userId=u', 404, 'not_found'],
    ['/api/v1/assign?userId=u', 400, 'invalid_request'],
    ['/api/v1/assign?experiment=hero', 400, 'invalid_request'],
    ['/api/v1/assign?experiment=hero&userId=', 400, 'invalid_request'],
    [`/api/v1/assign?experiment=hero&userId=${'x'.repeat(257)}`, 400, 'invalid_request'],
    ['/api/v1/assign?experiment=hero&userId=u&expose=maybe', 400, 'invalid_request']
  ])('%s -> %i', async (path, status, code) => {
    const res = await sdk(path);
    expect(res.status).toBe(status);
    expect((await res.json()).error.code).toBe(code);
  });
});

describe('POST /api/v1/assign', () => {
  it('assigns all active experiments when none are named', async () => {
    const body = await (await sdk('/api/v1/assign', { userId: 'u-7', attributes: { country: 'TR' } })).json();
    expect(Object.keys(body.assignments).sort()).toEqual(['hero', 'tr-only']);
    expect((await exposureOf('tr-only', 'u-7'))?.attributes).toEqual({ country: 'TR' });
  });

  it('answers named experiments, unknown ones with reason not_found', async () => {
    const body = await (await sdk('/api/v1/assign', { userId: 'u-8', experiments: ['hero', 'nope'], expose: false })).json();
    expect(body.assignments.nope).toEqual({ variant: null, inExperiment: false, reason: 'not_found', bucket: null });
    expect(body.assignments.hero.inExperiment).toBe(true);
  });

  it('returns the rolled-out winner to everyone after the conclusion', async () => {
    await admin('/api/v1/experiments', { key: 'done', name: 'Done', exploratory: true, variants: [{ key: 'control' }, { key: 'winner' }] });
    await admin('/api/v1/experiments/done/start');
    await admin('/api/v1/experiments/done/stop');
    await t.data.experiments.update(await t.rows.experimentId('done'), { status: 'concluded', rolloutVariantKey: 'winner' });
    const { notifyExperimentChanged } = await import('../../calendar/lifecycle/change-hooks.ts');
    notifyExperimentChanged('done');
    const body = await (await sdk('/api/v1/assign', { userId: 'anyone' })).json();
    expect(body.assignments.done).toMatchObject({ variant: 'winner', inExperiment: false, reason: 'rollout' });
  });

  it.each([
    ['no userId', {}],
    ['too many attributes', { userId: 'u', attributes: Object.fromEntries(Array.from({ length: 51 }, (_, i) => [`a${i}`, i])) }],
    ['an attribute value too long', { userId: 'u', attributes: { a: 'x'.repeat(1001) } }],
    ['an object attribute', { userId: 'u', attributes: { a: { b: 1 } } }],
    ['too many experiments', { userId: 'u', experiments: Array.from({ length: 101 }, (_, i) => `e${i}`) }],
    ['an unknown field', { userId: 'u', colour: 'red' }]
  ])('rejects %s with 400 naming the problem', async (_name, body) => {
    const res = await sdk('/api/v1/assign', body);
    expect(res.status).toBe(400);
    expect((await res.json()).error.message).toMatch(/\w+: /);
  });
});
