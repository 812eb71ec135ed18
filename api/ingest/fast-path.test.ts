import { describe, expect, it } from 'vitest';
import type { ServerResponse } from 'node:http';
import { createTestApp } from '../../tests/helpers/test-app.ts';
import { useServedApp } from '../../tests/helpers/served-app.ts';
import { fastEvents } from './fast-path.ts';
import { fakeRequest } from '../../tests/helpers/fake-request.ts';

const t = await createTestApp();
const served = useServedApp(t);

const json = { 'content-type': 'application/json' };
const sdk = { ...json, authorization: `Bearer ${t.sdkKey}` };
const overHttp = (body: string, headers: Record<string, string> = sdk) => fetch(`${served.base}/api/v1/events`, { method: 'POST', headers, body });
const throughHono = (body: string, headers: Record<string, string> = sdk) => t.app.request('/api/v1/events', { method: 'POST', headers, body });
const answer = async (res: Response) => ({ status: res.status, type: res.headers.get('content-type'), body: await res.json() });
const stored = (id: string) => t.db.$client.prepare('select count(*) from events where client_event_id = ?').pluck().get(id) as number;

describe('fastEvents: which requests it takes', () => {
  const cases: Array<[string, Record<string, string | undefined>, boolean]> = [
    ['JSON with a length and an sdk key', { ...sdk, 'content-length': '20' }, true],
    ['an admin key in X-API-Key', { ...json, 'x-api-key': t.adminKey, 'content-length': '20' }, true],
    ['no key', { ...json, 'content-length': '20' }, false],
    ['a wrong key', { ...json, authorization: 'Bearer nope', 'content-length': '20' }, false],
    ['over 1 MiB', { ...sdk, 'content-length': String(1024 * 1024 + 1) }, false],
    ['chunked', { ...sdk, 'transfer-encoding': 'chunked' }, false],
    ['not JSON', { authorization: `Bearer ${t.sdkKey}`, 'content-type': 'text/plain', 'content-length': '20' }, false],
    ['JSON with a charset', { ...sdk, 'content-type': 'Application/JSON; charset=UTF-8', 'content-length': '20' }, true],
    ['a JSON-like type', { ...sdk, 'content-type': 'application/jsonx', 'content-length': '20' }, false],
    ['a list of types', { ...sdk, 'content-type': 'application/json, text/plain', 'content-length': '20' }, false]
  ];
  it.each(cases)('%s', (_name, headers, taken) => {
    expect(fastEvents(t.deps, () => {})(fakeRequest('POST', '/api/v1/events', headers), {} as ServerResponse)).toBe(taken);
  });

  it('repeated Content-Type or Authorization headers go to Hono', () => {
    const one = { ...sdk, 'content-length': '20' };
    expect(fastEvents(t.deps, () => {})(fakeRequest('POST', '/api/v1/events', { ...one, 'content-type': ['application/json', 'text/plain'] }), {} as ServerResponse)).toBe(false);
    expect(fastEvents(t.deps, () => {})(fakeRequest('POST', '/api/v1/events', { ...one, authorization: [sdk.authorization, 'Bearer x'] }), {} as ServerResponse)).toBe(false);
  });
});

describe('POST /api/v1/events over HTTP answers as the Hono route does', () => {
  it('stores the good items and rejects the bad ones by index, once per id', async () => {
    const body = JSON.stringify({ events: [
      { userId: 'u1', event: 'activation', id: 'fast-1' },
      { userId: 'u1', event: 'bad name!', id: 'fast-2' },
      { userId: 'u2', event: 'purchase', value: 19.9, id: 'fast-3' }
    ] });
    const first = await answer(await overHttp(body));
    expect(first).toEqual({ status: 202, type: 'application/json', body: { accepted: 2, duplicates: 0, rejected: [{ index: 1, error: expect.stringContaining('event') }] } });
    expect([stored('fast-1'), stored('fast-2'), stored('fast-3')]).toEqual([1, 0, 1]);
    // A retry: the same answer through either path (the ids are stored once).
    const retryHono = await answer(await throughHono(body));
    expect(retryHono.body).toMatchObject({ accepted: 0, duplicates: 2 });
    expect(await answer(await overHttp(body))).toEqual(retryHono);
  });

  it('bodies it hands back to Hono get Hono\'s errors, and nothing is stored', async () => {
    const cases: Array<[string, string, Record<string, string>, number]> = [
      ['malformed JSON', '{"events": [', sdk, 400],
      ['no events', '{"events": []}', sdk, 400],
      ['not an object', '[1, 2]', sdk, 400],
      ['over the batch limit', JSON.stringify({ events: Array.from({ length: 1001 }, (_, i) => ({ userId: 'u', event: 'e', id: `over-${i}` })) }), sdk, 400],
      ['no key', '{"events": [{"userId": "u", "event": "e", "id": "nokey-1"}]}', json, 401]
    ];
    for (const [name, body, headers, status] of cases) {
      const viaHttp = await answer(await overHttp(body, headers));
      expect(viaHttp.status, name).toBe(status);
      expect(viaHttp, name).toEqual(await answer(await throughHono(body, headers)));
    }
    expect(stored('over-0') + stored('nokey-1')).toBe(0);
  });

  it('a body over 1 MiB is a 413 before it is read', async () => {
    const res = await answer(await overHttp(JSON.stringify({ events: [{ userId: 'u', event: 'e', pad: 'x'.repeat(1024 * 1024) }] })));
    expect(res).toMatchObject({ status: 413, body: { error: { code: 'payload_too_large' } } });
  });
});

/** Sends raw HTTP/1.1 and resolves with the status line (or '' when the connection closes first). */
async function rawRequest(text: string): Promise<string> {
  const { connect } = await import('node:net');
  const port = Number(new URL(served.base).port);
  return new Promise((resolve) => {
    let answer = '';
    const socket = connect(port, '127.0.0.1', () => socket.end(text));
    socket.on('data', (chunk) => { answer += chunk.toString(); });
    socket.on('close', () => resolve(answer.split('\r\n')[0] ?? ''));
  });
}

describe('odd requests never take the server down', () => {
  it('an invalid Host with a body Hono must answer is a 400, and the server keeps answering', async () => {
    const status = await rawRequest(`POST /api/v1/events HTTP/1.1\r\nhost: x y\r\nauthorization: Bearer ${t.sdkKey}\r\ncontent-type: application/json\r\ncontent-length: 2\r\nconnection: close\r\n\r\n{}`);
    expect(status).toMatch(/^HTTP\/1\.1 400/);
    expect((await overHttp('{"events": [{"userId": "u", "event": "e", "id": "alive-1"}]}')).status).toBe(202);
  });

  it('a check that throws (a broken experiment row) is Hono\'s 500, not a crash', async () => {
    await t.authed('/api/v1/experiments', { method: 'POST', body: { key: 'broken', name: 'Broken', exploratory: true, variants: [{ key: 'control' }, { key: 'treatment' }] } });
    await t.authed('/api/v1/experiments/broken/start', { method: 'POST' });
    t.db.$client.prepare("update experiments set targeting = '{bad' where key = 'broken'").run();
    const res = await fetch(`${served.base}/api/v1/assign?experiment=broken&userId=u1`, { headers: { authorization: `Bearer ${t.sdkKey}` } });
    expect(res.status).toBe(500);
    expect(await res.json()).toEqual({ error: { code: 'internal_error', message: 'Internal server error' } });
    t.db.$client.prepare("update experiments set targeting = '[]' where key = 'broken'").run();
    expect((await overHttp('{"events": [{"userId": "u", "event": "e", "id": "alive-2"}]}')).status).toBe(202);
  });
});

describe('a client that goes away', () => {
  it('half a body and a closed socket: nothing stored, and the server keeps answering', async () => {
    const { connect } = await import('node:net');
    const port = Number(new URL(served.base).port);
    const body = JSON.stringify({ events: [{ userId: 'gone', event: 'activation', id: 'gone-1' }] });
    await new Promise<void>((resolve) => {
      const socket = connect(port, '127.0.0.1', () => {
        socket.write(`POST /api/v1/events HTTP/1.1\r\nhost: x\r\nauthorization: Bearer ${t.sdkKey}\r\ncontent-type: application/json\r\ncontent-length: ${body.length}\r\n\r\n${body.slice(0, 20)}`);
        setTimeout(() => { socket.destroy(); resolve(); }, 50);
      });
    });
    await new Promise((r) => setTimeout(r, 50));
    expect(stored('gone-1')).toBe(0);
    expect((await overHttp(JSON.stringify({ events: [{ userId: 'after', event: 'activation', id: 'after-1' }] }))).status).toBe(202);
  });
});
