// fastEvents in process, with the request's body sent in chunks by hand: a body that parses and
// fits the schema is answered here (the fallback is never called), any other body is handed to
// the fallback whole, byte for byte, and nothing is answered or stored here.
import { afterAll, describe, expect, it } from 'vitest';
import { EventEmitter } from 'node:events';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createTestApp } from '../../tests/helpers/test-app.ts';
import { fakeRequest } from '../../tests/helpers/fake-request.ts';
import { fastEvents } from './fast-path.ts';

const t = await createTestApp({ seed: false });
afterAll(() => t.cleanup());

type Answer = { status: number; headers: Record<string, unknown>; body: unknown };

/** Sends `chunks` as the body of a POST /api/v1/events; resolves with the answer or the fallback's call. */
function post(chunks: string[]): Promise<{ answered?: Answer; fellBack?: Buffer }> {
  const body = chunks.join('');
  const emitter = new EventEmitter();
  const req = Object.assign(fakeRequest('POST', '/api/v1/events', {
    'content-type': 'application/json', authorization: `Bearer ${t.sdkKey}`, 'content-length': String(Buffer.byteLength(body))
  }), { on: emitter.on.bind(emitter) }) as IncomingMessage;
  return new Promise((resolve) => {
    let status = 0;
    let headers: Record<string, unknown> = {};
    const res = {
      // send() passes a flat [name, value, …] list (as node:http takes it), reused between answers: copied here.
      writeHead(s: number, h: unknown[]) { status = s; headers = Object.fromEntries(h.flatMap((v, i) => (i % 2 ? [] : [[v, h[i + 1]]]))); return res; },
      end(text: string) { resolve({ answered: { status, headers, body: JSON.parse(text) } }); }
    } as unknown as ServerResponse;
    const taken = fastEvents(t.deps, (_req, _res, buffer) => resolve({ fellBack: buffer }))(req, res);
    expect(taken).toBe(true);
    for (const chunk of chunks) emitter.emit('data', Buffer.from(chunk));
    emitter.emit('end');
  });
}
const stored = (prefix: string) => t.db.$client.prepare('select client_event_id from events where client_event_id like ? order by client_event_id').pluck().all(`${prefix}%`);

describe('fastEvents: answered here or handed to the fallback', () => {
  it('a valid body in two chunks is answered here with 202, never handed on', async () => {
    const body = JSON.stringify({ events: [{ userId: 'u', event: 'activation', id: 'own-1' }, { userId: 'u', event: 'e', id: 'own-2' }, { userId: '', event: 'e' }] });
    const result = await post([body.slice(0, 25), body.slice(25)]);
    expect(result).toEqual({
      answered: {
        status: 202, headers: expect.objectContaining({ 'content-type': 'application/json', 'content-length': expect.any(Number), 'x-content-type-options': 'nosniff' }),
        body: { accepted: 2, duplicates: 0, rejected: [{ index: 2, error: expect.stringContaining('userId') }] }
      }
    });
    expect(stored('own-')).toEqual(['own-1', 'own-2']);
  });

  it.each([
    ['malformed JSON', ['{"events": [{"userId": "u", "event": "e", "id": "bad-1"}', ']']],
    ['JSON that does not fit the body schema', ['{"events": []', '}']],
    ['a list instead of an object', ['[{"userId": "u", "event": "e", "id": "bad-2"}]']],
    ['null', ['nu', 'll']],
    ['events that are not a list', ['{"events": "bad-3"}']]
  ])('%s is handed to the fallback whole, and nothing is stored here', async (_name, chunks) => {
    const result = await post(chunks);
    expect(result.answered).toBeUndefined();
    expect(result.fellBack?.toString('utf8')).toBe(chunks.join(''));
    expect(stored('bad-')).toEqual([]);
  });
});
