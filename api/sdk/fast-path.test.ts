import { describe, expect, it } from 'vitest';
import type { ServerResponse } from 'node:http';
import { request as httpRequest } from 'node:http';
import { gunzipSync } from 'node:zlib';
import { createTestApp } from '../../tests/helpers/test-app.ts';
import { useServedApp } from '../../tests/helpers/served-app.ts';
import { fakeRequest } from '../../tests/helpers/fake-request.ts';
import { fastPayload } from './fast-path.ts';
import { payloadCacheFor } from './payload-cache.ts';

const t = await createTestApp();
const keys = { client: '', other: '' };
const served = useServedApp(t, async () => {
  const created = async (name: string) => (await (await t.authed('/api/v1/keys', { method: 'POST', body: { name, scope: 'client' } })).json()).key as string;
  keys.client = await created('fast');
  keys.other = await created('fast, revoked later');
  await t.authed('/api/v1/experiments/w01-onboarding-ebook-reminder/start', { method: 'POST' });
  await payloadCacheFor(t.data, { now: t.deps.now }).current(); // built: the fast path serves only a built payload
});

/** One GET over its own connection, with exactly these headers (fetch would add Accept-Encoding). */
function get(path: string, headers: Record<string, string>): Promise<{ status: number; headers: Record<string, string>; body: Buffer }> {
  return new Promise((resolve, reject) => {
    httpRequest(served.base + path, { headers, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers as Record<string, string>, body: Buffer.concat(chunks) }));
    }).on('error', reject).end();
  });
}
/**
 * The headers both answers must share: not Date and the connection's own, nor the legacy ones
 * Hono's secureHeaders adds beyond the front door's set (every fast path sends that set only).
 */
const ignored = new Set(['date', 'connection', 'keep-alive', 'content-length', 'transfer-encoding', 'cross-origin-opener-policy', 'origin-agent-cluster',
  'x-dns-prefetch-control', 'x-download-options', 'x-permitted-cross-domain-policies', 'x-xss-protection']);
const comparable = (headers: Record<string, string> | Headers) => {
  const entries = headers instanceof Headers ? [...headers] : Object.entries(headers);
  return Object.fromEntries(entries.filter(([name]) => !ignored.has(name)));
};

describe('fastPayload: which requests it answers', () => {
  const noop = { writeHead: () => noop, end: () => noop } as unknown as ServerResponse;
  it.each([
    ['a server SDK\'s plain GET', {}, true],
    ['gzip asked for by name', { 'accept-encoding': 'gzip, deflate, br' }, true],
    ['identity only', { 'accept-encoding': 'identity' }, true],
    ['a browser (Origin: CORS is Hono\'s)', { origin: 'https://shop.example' }, false],
    ['If-None-Match (Hono answers 304)', { 'if-none-match': '"x"' }, false],
    ['deflate only', { 'accept-encoding': 'deflate' }, false],
    ['q-values', { 'accept-encoding': 'gzip;q=0' }, false]
  ])('%s', (_name, headers, handled) => {
    expect(fastPayload(t.deps)(fakeRequest('GET', `/api/features/${keys.client}`, headers), noop)).toBe(handled);
  });

  it('leaves bad keys, other keys, other methods and paths to Hono', () => {
    const take = (method: string, url: string) => fastPayload(t.deps)(fakeRequest(method, url, {}), noop);
    expect(take('GET', '/api/features/nope')).toBe(false);
    expect(take('GET', `/api/features/${t.sdkKey}`)).toBe(false);
    expect(take('GET', `/api/features/${keys.client}?x=1`)).toBe(false);
    expect(take('HEAD', `/api/features/${keys.client}`)).toBe(false);
    expect(take('GET', `/sub/${keys.client}`)).toBe(false);
  });
});

describe('GET /api/features/{clientKey} over HTTP answers as the Hono route does', () => {
  it('the same status, headers and bytes; gzip with the weak ETag; a change is served at once', async () => {
    const path = () => `/api/features/${keys.client}`;
    const fast = await get(path(), {});
    const hono = await t.app.request(path());
    expect(fast.status).toBe(200);
    expect(comparable(fast.headers)).toEqual(comparable(hono.headers));
    expect(fast.body.toString()).toBe(await hono.text());

    const zipped = await get(path(), { 'accept-encoding': 'gzip, deflate' });
    const honoZipped = await t.app.request(path(), { headers: { 'accept-encoding': 'gzip, deflate' } });
    expect(comparable(zipped.headers)).toEqual(comparable(honoZipped.headers));
    expect(zipped.headers['content-encoding']).toBe('gzip');
    expect(gunzipSync(zipped.body).toString()).toBe(fast.body.toString());

    // A change: the next answer is the new payload (the cache is marked dirty, so Hono builds it).
    expect((await t.authed('/api/v1/experiments/w01-onboarding-ebook-reminder/stop', { method: 'POST' })).status).toBe(200);
    const after = await get(path(), {});
    expect(JSON.parse(after.body.toString()).features['w01-onboarding-ebook-reminder']).toEqual({ defaultValue: 'control' });
    expect(after.headers.etag).not.toBe(fast.headers.etag);
  });

  it('a revoked key is refused at once', async () => {
    expect((await get(`/api/features/${keys.other}`, {})).status).toBe(200);
    const { keys: all } = await (await t.authed('/api/v1/keys')).json();
    const id = all.find((k: { name: string }) => k.name === 'fast, revoked later').id;
    expect((await t.authed(`/api/v1/keys/${id}`, { method: 'DELETE' })).status).toBe(200);
    expect((await get(`/api/features/${keys.other}`, {})).status).toBe(401);
  });
});
