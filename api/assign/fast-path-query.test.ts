// The assign fast path's query reading: which query strings it takes, how it decodes them (the
// way URLSearchParams does, so the answer equals the Hono route's), and what it leaves to Hono.
import { describe, expect, it } from 'vitest';
import type { ServerResponse } from 'node:http';
import { createTestApp } from '../../tests/helpers/test-app.ts';
import { useServedApp } from '../../tests/helpers/served-app.ts';
import { fakeRequest } from '../../tests/helpers/fake-request.ts';
import { fastAssign } from './fast-path.ts';

const t = await createTestApp({ seed: false });
const served = useServedApp(t, async () => {
  await t.authed('/api/v1/experiments', { method: 'POST', body: { key: 'hero', name: 'Hero', exploratory: true, variants: [{ key: 'control' }, { key: 'treatment' }] } });
  await t.authed('/api/v1/experiments/hero/start', { method: 'POST' });
});

const key = { authorization: `Bearer ${t.sdkKey}` };
/** A response that only records the status the fast path answers with. */
function answered(): { res: ServerResponse; status: Promise<number> } {
  let resolve: (status: number) => void = () => {};
  const status = new Promise<number>((r) => { resolve = r; });
  const res = { writeHead: (code: number) => ({ end: () => resolve(code) }) } as unknown as ServerResponse;
  return { res, status };
}
/** Whether the fast path takes the request; when it does, waits for its 200. */
async function taken(url: string, headers: Record<string, string> = key, method = 'GET'): Promise<boolean> {
  const { res, status } = answered();
  const took = fastAssign(t.deps)(fakeRequest(method, url, headers), res);
  if (took) expect(await status).toBe(200);
  return took;
}

describe('fastAssign: the query strings it takes', () => {
  const cases: Array<[string, string, boolean]> = [
    ['expose=true', '/api/v1/assign?experiment=hero&userId=u1&expose=true', true],
    ['a percent-encoded experiment key', '/api/v1/assign?experiment=h%65ro&userId=u1&expose=false', true],
    ['"+" and %20 in the user id', '/api/v1/assign?experiment=hero&userId=a+b%20c&expose=false', true],
    ['expose twice', '/api/v1/assign?experiment=hero&userId=u1&expose=false&expose=false', false],
    ['experiment twice', '/api/v1/assign?experiment=hero&experiment=hero&userId=u1', false],
    ['a trailing "&"', '/api/v1/assign?experiment=hero&userId=u1&', false],
    ['a name without "="', '/api/v1/assign?experiment=hero&userId=u1&flag', false],
    ['another parameter', '/api/v1/assign?experiment=hero&userId=u1&other=1', false],
    ['an empty query', '/api/v1/assign?', false],
    ['no query', '/api/v1/assign', false],
    ['no experiment', '/api/v1/assign?userId=u1', false],
    ['no user id', '/api/v1/assign?experiment=hero', false],
    ['an invalid experiment key', '/api/v1/assign?experiment=-hero&userId=u1', false],
    ['a user id over 256 characters', `/api/v1/assign?experiment=hero&userId=${'x'.repeat(257)}`, false],
    ['a user id of 256 characters', `/api/v1/assign?experiment=hero&userId=${'x'.repeat(256)}&expose=false`, true],
    ['an empty user id', '/api/v1/assign?experiment=hero&userId=', false],
    ['an experiment key of 101 characters', `/api/v1/assign?experiment=${'h'.repeat(101)}&userId=u1`, false],
    ['a bad escape in the name part', '/api/v1/assign?experiment=hero&userId=u1&expose=%ZZ', false],
    ['a user id of one character', '/api/v1/assign?experiment=hero&userId=u&expose=false', true],
    ['another parameter before the user id', '/api/v1/assign?experiment=hero&user=u1', false],
    ['another parameter with a boolean value', '/api/v1/assign?experiment=hero&userId=u1&debug=false', false],
    ['a bare name that starts with a known name', '/api/v1/assign?experiment=hero&userIdx', false],
    ['a bad escape, then the same name again', '/api/v1/assign?experiment=%ZZ&experiment=hero&userId=u1', false]
  ];
  it.each(cases)('%s', async (_name, url, expected) => {
    expect(await taken(url)).toBe(expected);
  });

  it.each([
    ['a body length', { ...key, 'content-length': '0' }],
    ['a chunked body', { ...key, 'transfer-encoding': 'chunked' }]
  ])('a GET with %s goes to Hono', async (_name, headers) => {
    expect(await taken('/api/v1/assign?experiment=hero&userId=u1', headers)).toBe(false);
  });

  it('only GET', async () => {
    expect(await taken('/api/v1/assign?experiment=hero&userId=u1', key, 'HEAD')).toBe(false);
  });
});

describe('fastAssign answers what the Hono route answers', () => {
  it.each([
    ['/api/v1/assign?experiment=hero&userId=a+b%20c&expose=false', 'a b c'],
    ['/api/v1/assign?experiment=h%65ro&userId=%C3%A9t%C3%A9&expose=false', 'été'],
    ['/api/v1/assign?experiment=hero&userId=a+b&expose=false', 'a b'],
    ['/api/v1/assign?experiment=hero&userId=+a&expose=false', ' a']
  ])('%s decodes the user id to %j', async (path, userId) => {
    const viaHttp = await fetch(served.base + path, { headers: key });
    const viaHono = await t.app.request(path, { headers: key });
    const body = await viaHttp.json();
    expect(viaHttp.status).toBe(200);
    expect(body).toEqual(await viaHono.json());
    expect(body.userId).toBe(userId);
    expect(Object.keys(body.assignments)).toEqual(['hero']);
  });

  it('expose defaults to true: the exposure is recorded once per request', async () => {
    const count = () => t.db.$client.prepare("select exposure_count from exposures where user_id = 'fp-exposed'").pluck().get();
    expect((await fetch(`${served.base}/api/v1/assign?experiment=hero&userId=fp-exposed`, { headers: key })).status).toBe(200);
    expect(count()).toBe(1);
    expect((await fetch(`${served.base}/api/v1/assign?experiment=hero&userId=fp-exposed&expose=true`, { headers: key })).status).toBe(200);
    expect(count()).toBe(2);
    expect((await fetch(`${served.base}/api/v1/assign?experiment=hero&userId=fp-exposed&expose=false`, { headers: key })).status).toBe(200);
    expect(count()).toBe(2);
  });
});
