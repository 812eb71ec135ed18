import { describe, expect, it } from 'vitest';
import { createTestApp } from '../../tests/helpers/test-app.ts';
import { useServedApp } from '../../tests/helpers/served-app.ts';
import { createApiKey } from '../auth/index.ts';

const t = await createTestApp({ seed: false });
const keys = { shop: '', anyOrigin: '', revoked: '' };
const served = useServedApp(t, async () => {
  const create = async (body: unknown) => (await (await t.authed('/api/v1/keys', { method: 'POST', body })).json()) as { id: number; key: string };
  keys.shop = (await create({ name: 'shop web', scope: 'client', allowedOrigins: ['https://shop.example', 'http://localhost:5173'] })).key;
  keys.anyOrigin = (await create({ name: 'any web', scope: 'client' })).key;
  const revoked = await create({ name: 'old web', scope: 'client', allowedOrigins: ['https://old.example'] });
  keys.revoked = revoked.key;
  await t.authed(`/api/v1/keys/${revoked.id}`, { method: 'DELETE' });
});

const event = JSON.stringify({ events: [{ userId: 'u1', event: 'signup' }] });
/** A POST through the real listener (fast paths included), as a browser or a server sends it. */
const post = (path: string, key: string, origin?: string) => fetch(served.base + path, {
  method: 'POST', body: event,
  headers: { 'content-type': 'application/json', authorization: `Bearer ${key}`, ...(origin ? { origin } : {}) }
});
const preflight = (path: string, origin: string) => fetch(served.base + path, {
  method: 'OPTIONS',
  headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization,content-type' }
});

describe('client keys', () => {
  it('are created with their origins, listed with them, and their key says client', async () => {
    const list = (await (await t.authed('/api/v1/keys')).json()) as { keys: Array<{ name: string; scope: string; allowedOrigins: string[] }> };
    expect(list.keys.find((k) => k.name === 'shop web')).toMatchObject({ scope: 'client', allowedOrigins: ['https://shop.example', 'http://localhost:5173'] });
    expect(keys.shop).toMatch(/^wx_client_/);
    const direct = await createApiKey(t.data, { name: 'direct', scope: 'client' }, { actor: 'test', nowMs: t.clock.nowMs });
    expect(direct.allowedOrigins).toEqual([]);
  });

  it.each([
    ['POST', '/api/v1/events', 202], ['POST', '/api/v1/exposures', 202],
    ['GET', '/api/v1/assign?experiment=x&userId=u', 403], ['POST', '/api/v1/assign', 403],
    ['GET', '/api/v1/experiments', 403], ['GET', '/api/v1/keys', 403], ['POST', '/ofrep/v1/evaluate/flags/x', 403]
  ])('may %s %s: %i', async (method, path, status) => {
    const body = path.endsWith('exposures') ? { exposures: [{ experiment: 'nope', userId: 'u1' }] } : path.endsWith('events') ? JSON.parse(event) : method === 'POST' ? { userId: 'u' } : undefined;
    const res = await fetch(served.base + path, {
      method, headers: { authorization: `Bearer ${keys.shop}`, 'content-type': 'application/json' },
      ...(body ? { body: JSON.stringify(body) } : {})
    });
    expect(res.status).toBe(status);
    if (status === 403) expect((await res.json()).error.code).toBe('forbidden');
  });

  it('a revoked client key is refused', async () => {
    expect((await post('/api/v1/events', keys.revoked)).status).toBe(401);
  });
});

describe('CORS on exposures and events', () => {
  it.each([
    ['an allowed origin', () => keys.shop, 'https://shop.example', 202, 'https://shop.example'],
    ['another allowed origin', () => keys.shop, 'http://localhost:5173', 202, 'http://localhost:5173'],
    ['a key open to any origin', () => keys.anyOrigin, 'https://elsewhere.example', 202, 'https://elsewhere.example'],
    ['no origin (a server)', () => keys.shop, undefined, 202, null],
    ['an sdk key from a browser: no CORS grant', () => t.sdkKey, 'https://shop.example', 202, null]
  ])('%s', async (_name, key, origin, status, allowOrigin) => {
    const res = await post('/api/v1/events', key(), origin);
    expect(res.status).toBe(status);
    expect(res.headers.get('access-control-allow-origin')).toBe(allowOrigin);
  });

  it('a request from an origin its client key does not allow is refused and not recorded', async () => {
    const before = await t.rows.number('select count(*) from events');
    const res = await post('/api/v1/events', keys.shop, 'https://evil.example');
    expect(res.status).toBe(403);
    expect(res.headers.get('access-control-allow-origin')).toBeNull();
    expect((await res.json()).error.code).toBe('origin_not_allowed');
    expect(await t.rows.number('select count(*) from events')).toEqual(before);
  });

  it.each([
    ['/api/v1/events', 'https://shop.example', 'https://shop.example'],
    ['/api/v1/exposures', 'http://localhost:5173', 'http://localhost:5173'],
    // The key open to any origin opens the preflight to any; its real request is checked per key.
    ['/api/v1/events', 'https://elsewhere.example', 'https://elsewhere.example']
  ])('preflight %s from %s is answered', async (path, origin, allowOrigin) => {
    const res = await preflight(path, origin);
    expect(res.status).toBe(204);
    expect(res.headers.get('access-control-allow-origin')).toBe(allowOrigin);
    expect(res.headers.get('access-control-allow-methods')).toContain('POST');
    expect(res.headers.get('access-control-allow-headers')).toBe('authorization,content-type');
  });

  it('no CORS on routes browsers may not call', async () => {
    const res = await preflight('/api/v1/experiments', 'https://shop.example');
    expect(res.headers.get('access-control-allow-origin')).toBeNull();
  });
});
