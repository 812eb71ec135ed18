import { describe, expect, it } from 'vitest';
import type { ServerResponse } from 'node:http';
import { createTestApp } from '../../tests/helpers/test-app.ts';
import { useServedApp } from '../../tests/helpers/served-app.ts';
import { fastAssign } from './fast-path.ts';
import { fakeRequest } from '../../tests/helpers/fake-request.ts';

const t = await createTestApp();
const served = useServedApp(t, async () => {
  await t.authed('/api/v1/experiments', { method: 'POST', body: { key: 'hero', name: 'Hero', exploratory: true, variants: [{ key: 'control' }, { key: 'treatment' }] } });
  await t.authed('/api/v1/experiments/hero/start', { method: 'POST' });
});

/** Through the real listener (fast path when it applies). */
const overHttp = (path: string, headers: Record<string, string> = { authorization: `Bearer ${t.sdkKey}` }) => fetch(served.base + path, { headers });
/** Through the Hono app alone. */
const throughHono = (path: string, headers: Record<string, string> = { authorization: `Bearer ${t.sdkKey}` }) => t.app.request(path, { headers });
const answer = async (res: Response) => ({ status: res.status, type: res.headers.get('content-type'), body: await res.json() });

describe('fastAssign: which requests it answers', () => {
  const cases: Array<[string, string, Record<string, string | undefined>, boolean]> = [
    ['the plain exposing GET', '/api/v1/assign?experiment=hero&userId=u1', { authorization: `Bearer ${t.sdkKey}` }, true],
    ['an admin key, expose=false, encoded id', '/api/v1/assign?userId=a%40b.c&experiment=hero&expose=false', { authorization: `Bearer ${t.adminKey}` }, true],
    ['X-API-Key', '/api/v1/assign?experiment=hero&userId=u1', { 'x-api-key': t.sdkKey }, true],
    ['no key', '/api/v1/assign?experiment=hero&userId=u1', {}, false],
    ['a wrong key', '/api/v1/assign?experiment=hero&userId=u1', { authorization: 'Bearer nope' }, false],
    ['an unknown experiment', '/api/v1/assign?experiment=nope&userId=u1', { authorization: `Bearer ${t.sdkKey}` }, false],
    ['attributes', '/api/v1/assign?experiment=hero&userId=u1&attributes.country=TR', { authorization: `Bearer ${t.sdkKey}` }, false],
    ['a repeated name', '/api/v1/assign?experiment=hero&userId=u1&userId=u2', { authorization: `Bearer ${t.sdkKey}` }, false],
    ['expose=yes', '/api/v1/assign?experiment=hero&userId=u1&expose=yes', { authorization: `Bearer ${t.sdkKey}` }, false],
    ['an empty userId', '/api/v1/assign?experiment=hero&userId=', { authorization: `Bearer ${t.sdkKey}` }, false],
    ['a bad percent escape', '/api/v1/assign?experiment=hero&userId=%E0%A4%A', { authorization: `Bearer ${t.sdkKey}` }, false],
    ['POST', '/api/v1/assign?experiment=hero&userId=u1', { authorization: `Bearer ${t.sdkKey}`, method: 'POST' }, false],
    ['another path', '/api/v1/assignments?experiment=hero&userId=u1', { authorization: `Bearer ${t.sdkKey}` }, false]
  ];
  it.each(cases)('%s', (_name, url, { method, ...headers }, handled) => {
    const res = { writeHead: () => res, end: () => res } as unknown as ServerResponse;
    expect(fastAssign(t.deps)(fakeRequest(method ?? 'GET', url, headers), res)).toBe(handled);
  });

  it('a repeated Authorization, a fragment or an odd Host go to Hono', () => {
    const res = { writeHead: () => res, end: () => res } as unknown as ServerResponse;
    const plain = '/api/v1/assign?experiment=hero&userId=u1';
    const key = `Bearer ${t.sdkKey}`;
    expect(fastAssign(t.deps)(fakeRequest('GET', plain, { authorization: [key, 'Bearer other'] }), res)).toBe(false);
    expect(fastAssign(t.deps)(fakeRequest('GET', `${plain}#frag`, { authorization: key }), res)).toBe(false);
    expect(fastAssign(t.deps)(fakeRequest('GET', plain, { authorization: key, host: 'a b' }), res)).toBe(false);
    expect(fastAssign(t.deps)(fakeRequest('GET', plain, { authorization: key, host: undefined }), res)).toBe(false);
  });
});

describe('GET /api/v1/assign over HTTP answers as the Hono route does', () => {
  it('the same status, type and body, without and with a recorded exposure', async () => {
    for (const path of ['/api/v1/assign?experiment=hero&userId=same-1&expose=false', '/api/v1/assign?experiment=hero&userId=a%40b.c&expose=false']) {
      expect(await answer(await overHttp(path))).toEqual(await answer(await throughHono(path)));
    }
    const first = await answer(await overHttp('/api/v1/assign?experiment=hero&userId=same-2'));
    expect(first).toMatchObject({ status: 200, type: 'application/json', body: { userId: 'same-2', assignments: { hero: { reason: 'split', inExperiment: true } } } });
    // The exposure is committed before the answer: Hono's route now sees it (sticky), and so does the fast path.
    const viaHono = await answer(await throughHono('/api/v1/assign?experiment=hero&userId=same-2'));
    expect(viaHono.body.assignments.hero).toMatchObject({ reason: 'sticky', variant: first.body.assignments.hero.variant });
    expect(await answer(await overHttp('/api/v1/assign?experiment=hero&userId=same-2'))).toEqual(viaHono);
    const count = t.db.$client.prepare("select exposure_count from exposures where user_id = 'same-2'").pluck().get();
    expect(count).toBe(3);
  });

  it('the requests it leaves to Hono get Hono\'s errors', async () => {
    const cases: Array<[string, Record<string, string>, number]> = [
      ['/api/v1/assign?experiment=hero&userId=u1', {}, 401],
      ['/api/v1/assign?experiment=nope&userId=u1', { authorization: `Bearer ${t.sdkKey}` }, 404],
      ['/api/v1/assign?experiment=hero&userId=', { authorization: `Bearer ${t.sdkKey}` }, 400],
      ['/api/v1/assign?experiment=hero&userId=u1&expose=yes', { authorization: `Bearer ${t.sdkKey}` }, 400]
    ];
    for (const [path, headers, status] of cases) {
      const viaHttp = await answer(await overHttp(path, headers));
      expect(viaHttp.status).toBe(status);
      expect(viaHttp).toEqual(await answer(await throughHono(path, headers)));
    }
  });
});
