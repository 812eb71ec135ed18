// Which POST /api/v1/events requests the fast path takes, at the edges of each check, and a body
// that arrives in many chunks (read whole, not just its first chunk).
import { describe, expect, it } from 'vitest';
import type { ServerResponse } from 'node:http';
import { createTestApp } from '../../tests/helpers/test-app.ts';
import { useServedApp } from '../../tests/helpers/served-app.ts';
import { fakeRequest } from '../../tests/helpers/fake-request.ts';
import { fastEvents } from './fast-path.ts';

const t = await createTestApp({ seed: false });
const served = useServedApp(t);

const sdk = { 'content-type': 'application/json', authorization: `Bearer ${t.sdkKey}` };

describe('fastEvents: the edges of each check', () => {
  const cases: Array<[string, string, string, Record<string, string>, boolean]> = [
    ['a GET', 'GET', '/api/v1/events', { ...sdk, 'content-length': '20' }, false],
    ['a PUT', 'PUT', '/api/v1/events', { ...sdk, 'content-length': '20' }, false],
    ['another path', 'POST', '/api/v1/exposures', { ...sdk, 'content-length': '20' }, false],
    ['a query string', 'POST', '/api/v1/events?x=1', { ...sdk, 'content-length': '20' }, false],
    ['chunked with a length too', 'POST', '/api/v1/events', { ...sdk, 'content-length': '20', 'transfer-encoding': 'chunked' }, false],
    ['a length of 0', 'POST', '/api/v1/events', { ...sdk, 'content-length': '0' }, false],
    ['a length of 1', 'POST', '/api/v1/events', { ...sdk, 'content-length': '1' }, true],
    ['a fractional length', 'POST', '/api/v1/events', { ...sdk, 'content-length': '1.5' }, false],
    ['a negative length', 'POST', '/api/v1/events', { ...sdk, 'content-length': '-5' }, false],
    ['exactly 1 MiB', 'POST', '/api/v1/events', { ...sdk, 'content-length': String(1024 * 1024) }, true],
    ['no content type', 'POST', '/api/v1/events', { authorization: sdk.authorization, 'content-length': '20' }, false]
  ];
  it.each(cases)('%s', (_name, method, url, headers, taken) => {
    expect(fastEvents(t.deps, () => {})(fakeRequest(method, url, headers), {} as ServerResponse)).toBe(taken);
  });
});

describe('a body in many chunks', () => {
  it('is read whole: 1000 events of about 250 bytes each are all stored', async () => {
    const events = Array.from({ length: 1000 }, (_, i) => ({ userId: `chunk-${i}`, event: 'activation', id: `chunk-${i}-${'x'.repeat(180)}`, value: i }));
    const body = JSON.stringify({ events });
    expect(body.length).toBeGreaterThan(200 * 1024); // far more than one socket read
    const res = await fetch(`${served.base}/api/v1/events`, { method: 'POST', headers: sdk, body });
    expect(res.status).toBe(202);
    expect(await res.json()).toEqual({ accepted: 1000, duplicates: 0, rejected: [] });
    expect(t.db.$client.prepare("select count(*) from events where user_id like 'chunk-%'").pluck().get()).toBe(1000);
  });
});
