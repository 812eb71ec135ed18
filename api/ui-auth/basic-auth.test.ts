import { describe, expect, it } from 'vitest';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { isLoopbackHost, uiBasicAuth } from './basic-auth.ts';
import { FailureThrottle } from '../front-door/index.ts';

function attempt(password: string | undefined, authorization?: string) {
  const sent: { status?: number; headers?: Record<string, string> } = {};
  const res = { writeHead: (status: number, headers: Record<string, string>) => { Object.assign(sent, { status, headers }); return res; }, end: () => res };
  const req = { headers: authorization ? { authorization } : {} } as IncomingMessage;
  const allowed = uiBasicAuth(password)(req, res as unknown as ServerResponse);
  return { allowed, status: sent.status, challenge: sent.headers?.['www-authenticate'] };
}
const basic = (user: string, pass: string) => `Basic ${Buffer.from(`${user}:${pass}`).toString('base64')}`;

describe('UI basic auth', () => {
  it.each<[string, string | undefined, string | undefined, boolean]>([
    ['off without a password', undefined, undefined, true],
    ['the right password, any user', 's3cret:x', basic('ana', 's3cret:x'), true],
    ['no credentials', 's3cret', undefined, false],
    ['a wrong password', 's3cret', basic('ana', 's3cre'), false],
    ['a bearer token instead', 's3cret', 'Bearer s3cret', false],
    ['garbage', 's3cret', 'Basic !!!', false]
  ])('%s', (_name, password, header, allowed) => {
    const result = attempt(password, header);
    expect(result.allowed).toBe(allowed);
    if (!allowed) expect(result).toMatchObject({ status: 401, challenge: expect.stringContaining('Basic') });
  });

  it.each([['127.0.0.1', true], ['localhost', true], ['::1', true], ['0.0.0.0', false], ['10.1.2.3', false]])('%s is loopback: %s', (host, loopback) => {
    expect(isLoopbackHost(host)).toBe(loopback);
  });

  it('throttles wrong passwords per address: 429 with Retry-After, even for the right one, while a signed-in browser goes on', () => {
    let nowMs = 1_000_000;
    const guard = uiBasicAuth('s3cret', new FailureThrottle({ limit: 3, windowMs: 60_000 }), () => nowMs);
    const call = (authorization: string | undefined, address = '203.0.113.7') => {
      const sent: { status?: number; headers?: Record<string, string> } = {};
      const res = { writeHead: (status: number, headers: Record<string, string>) => { Object.assign(sent, { status, headers }); return res; }, end: () => res };
      const req = { headers: authorization ? { authorization } : {}, socket: { remoteAddress: address } } as unknown as IncomingMessage;
      return { allowed: guard(req, res as unknown as ServerResponse), ...sent };
    };
    const signedIn = basic('rita', 's3cret');
    expect(call(signedIn).allowed).toBe(true);
    expect(call(undefined).status).toBe(401); // a browser's first request: not a failure
    for (let i = 0; i < 3; i++) expect(call(basic('x', `guess-${i}`)).status).toBe(401);
    const refused = call(basic('x', 's3cret'));
    expect(refused).toMatchObject({ allowed: false, status: 429 });
    expect(refused.headers?.['retry-after']).toBe('60');
    expect(call(signedIn).allowed).toBe(true); // the browser that signed in before keeps working
    expect(call(basic('y', 's3cret'), '198.51.100.1').allowed).toBe(true); // another address is not affected
    nowMs += 60_000;
    expect(call(basic('x', 's3cret')).allowed).toBe(true);
  });
});
