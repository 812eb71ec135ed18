import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createTestApp } from '../../tests/helpers/test-app.ts';
import { apiListener } from '../listener.ts';
import { fastEvents } from './fast-path.ts';

const t = createTestApp();
const server = createServer(apiListener(t.app, t.deps));
let base = '';
beforeAll(async () => {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
  t.cleanup();
});

const json = { 'content-type': 'application/json' };
const sdk = { ...json, authorization: `Bearer ${t.sdkKey}` };
const overHttp = (body: string, headers: Record<string, string> = sdk) => fetch(`${base}/api/v1/events`, { method: 'POST', headers, body });
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
    ['not JSON', { authorization: `Bearer ${t.sdkKey}`, 'content-type': 'text/plain', 'content-length': '20' }, false]
  ];
  it.each(cases)('%s', (_name, headers, taken) => {
    const req = { method: 'POST', url: '/api/v1/events', headers, on: () => req } as unknown as IncomingMessage;
    expect(fastEvents(t.deps, () => {})(req, {} as ServerResponse)).toBe(taken);
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

describe('a client that goes away', () => {
  it('half a body and a closed socket: nothing stored, and the server keeps answering', async () => {
    const { connect } = await import('node:net');
    const { port } = server.address() as AddressInfo;
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
