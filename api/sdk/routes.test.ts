import { afterAll, describe, expect, it } from 'vitest';
import { createTestApp } from '../../tests/helpers/test-app.ts';
import { createApiKey } from '../auth/index.ts';
import { payloadCacheControl } from './routes.ts';

const t = await createTestApp();
// w01 and w04 share a half of the starter plan's layer (their dates never meet); here they run together.
await t.rows.clearLayers();
// Three of the seeded plan's experiments running (the scheduler would start them on their dates).
for (const key of ['w01-onboarding-ebook-reminder', 'w02-email-subject-line', 'w04-first-action-incentive']) {
  expect((await t.authed(`/api/v1/experiments/${key}/start`, { method: 'POST' })).status).toBe(200);
}
const created = async (scope: 'client' | 'sdk', allowedOrigins?: string[]) =>
  (await createApiKey(t.data, { name: `${scope} key`, scope, allowedOrigins }, { actor: 'test', nowMs: t.clock.nowMs })).key;
const clientKey = await created('client', ['https://shop.example']);
afterAll(() => t.cleanup());
const features = (key = clientKey, headers: Record<string, string> = {}) => t.app.request(`/api/features/${key}`, { headers });

describe('GET /api/features/{clientKey}', () => {
  it('answers the payload with GrowthBook\'s headers; the same ETag answers 304', async () => {
    const res = await features();
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe(payloadCacheControl);
    expect(res.headers.get('x-sse-support')).toBe('enabled');
    const etag = res.headers.get('etag')!;
    expect(etag).toMatch(/^".+"$/);
    const body = await res.json();
    expect(Object.keys(body)).toEqual(['features', 'dateUpdated']);
    expect(Object.keys(body.features).length).toBeGreaterThan(0);
    for (const key of [etag, `W/${etag}`, `"other", ${etag}`]) {
      const again = await features(clientKey, { 'if-none-match': key });
      expect(again.status).toBe(304);
      expect(again.headers.get('etag')).toBe(etag);
      expect(await again.text()).toBe('');
    }
    expect((await features(clientKey, { 'if-none-match': '"other"' })).status).toBe(200);
  });

  it('every running experiment of the seeded plan has an experiment rule with hash version 2', async () => {
    const running = (await t.data.experiments.list({ status: 'running' }));
    expect(running.length).toBeGreaterThan(0);
    const { features: all } = await (await features()).json();
    for (const e of running) {
      const variants = await t.data.experiments.variants(e.id);
      const rule = all[e.key].rules.find((r: { key?: string }) => r.key === e.key);
      expect(all[e.key].defaultValue).toBe(variants.find((v) => v.isControl)!.key);
      expect(rule).toMatchObject({
        key: e.key, variations: variants.map((v) => v.key), weights: variants.map((v) => v.weight), coverage: e.coverage,
        hashAttribute: 'id', hashVersion: 2, seed: e.seed ?? e.key, phase: '0', meta: variants.map((v) => ({ key: v.key, name: v.name }))
      });
    }
  });

  it.each([
    ['an unknown key', 'wx_client_nope', 401],
    ['an sdk key (secret: never in a URL the browser sees)', 'sdk', 401]
  ])('refuses %s', async (_name, key, status) => {
    const res = await features(key === 'sdk' ? await created('sdk') : key);
    expect(res.status).toBe(status);
    expect((await res.json()).error.code).toBe('unauthorized');
  });

  it('answers CORS for the key\'s origins and refuses others', async () => {
    const allowed = await features(clientKey, { origin: 'https://shop.example' });
    expect(allowed.headers.get('access-control-allow-origin')).toBe('https://shop.example');
    expect(allowed.headers.get('access-control-expose-headers')).toContain('x-sse-support');
    const refused = await features(clientKey, { origin: 'https://evil.example' });
    expect(refused.status).toBe(403);
    expect(refused.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('a change gives a new payload, a later dateUpdated and a new ETag', async () => {
    const before = await features();
    const { dateUpdated } = await before.json();
    const running = (await t.data.experiments.list({ status: 'running' }))[0]!;
    expect((await t.authed(`/api/v1/experiments/${running.key}/stop`, { method: 'POST' })).status).toBe(200);
    const after = await features();
    const body = await after.json();
    expect(after.headers.get('etag')).not.toBe(before.headers.get('etag'));
    expect(body.dateUpdated > dateUpdated).toBe(true);
    expect(body.features[running.key].rules).toBeUndefined();
  });

  it('is listed in the OpenAPI document', async () => {
    const doc = await (await t.app.request('/api/v1/openapi.json')).json();
    expect(doc.paths['/api/features/{clientKey}'].get.servers).toEqual([{ url: '/' }]);
    expect(doc.paths['/sub/{clientKey}'].get.summary).toMatch(/Server-Sent Events/);
  });
});
