// Hostile-input suite (issue "Hardening"), finding 5: security headers on every API answer, and
// failed authentication throttled per client address without slowing valid keys.
import { afterAll, describe, expect, it } from 'vitest';
import { createTestApp } from '../helpers/test-app.ts';
import { useServedApp } from '../helpers/served-app.ts';
import { reloadConfig } from '../../db/config.ts';

const t = await createTestApp({ seed: false });
const served = useServedApp(t);
afterAll(() => { delete process.env.AUTH_FAILURES_PER_MINUTE; reloadConfig(); });

const expectSecurityHeaders = (res: Response) => {
  expect(res.headers.get('x-content-type-options')).toBe('nosniff');
  expect(res.headers.get('x-frame-options')).toBe('DENY');
  expect(res.headers.get('referrer-policy')).toBe('same-origin');
  expect(res.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
};

describe('security headers', () => {
  it.each([
    ['a Hono route (health)', '/api/v1/health', undefined],
    ['a 401', '/api/v1/experiments', undefined],
    ['the fast assign path', '/api/v1/assign?userId=u1', 'sdk'],
    ['a 404', '/api/v1/nothing-here', 'admin']
  ] as const)('on %s', async (_name, path, key) => {
    const headers: Record<string, string> = key ? { authorization: `Bearer ${key === 'sdk' ? t.sdkKey : t.adminKey}` } : {};
    const res = await fetch(`${served.base}${path}`, { headers });
    expectSecurityHeaders(res);
  });

  it('the docs page has a CSP that lets Swagger UI load its own files only, and is never framed', async () => {
    const res = await fetch(`${served.base}/api/v1/docs`);
    expect(res.status).toBe(200);
    const csp = res.headers.get('content-security-policy')!;
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).not.toContain("'unsafe-eval'");
    expect(res.headers.get('x-frame-options')).toBe('DENY');
  });

  it('the docs bundle (1.9 MB) is compressed for clients that accept gzip', async () => {
    const res = await fetch(`${served.base}/api/v1/docs/swagger-ui-bundle.js`, { headers: { 'accept-encoding': 'gzip' } });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-encoding')).toBe('gzip');
    expect((await res.text()).length).toBeGreaterThan(1_000_000); // fetch inflates it: the whole script arrived
  });
});

describe('failed authentication is throttled per address', () => {
  it('answers 429 with Retry-After after 20 bad keys a minute, and still serves a valid key', async () => {
    // A fresh app per test would reset the counters; this one counts from zero (no failures above).
    const bad = () => fetch(`${served.base}/api/v1/experiments`, { headers: { authorization: 'Bearer wx_admin_guess' } });
    // Tests run in any order: the 401 case above may have failed once from this address already.
    let statuses: number[] = [];
    for (let i = 0; i < 21; i++) statuses.push((await bad()).status);
    statuses = statuses.slice(0, statuses.indexOf(429) + 1);
    expect(statuses.length).toBeGreaterThanOrEqual(20); // 19 or 20 answers of 401 first, then 429
    expect(new Set(statuses.slice(0, -1))).toEqual(new Set([401]));
    const refused = await bad();
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(Number(refused.headers.get('retry-after'))).toBeLessThanOrEqual(60);
    expect((await refused.json()).error.code).toBe('too_many_failed_attempts');
    // A valid key from the same address is served: only failures are throttled.
    const ok = await fetch(`${served.base}/api/v1/experiments`, { headers: { authorization: `Bearer ${t.adminKey}` } });
    expect(ok.status).toBe(200);
    // A request without any key is refused too while the address waits.
    expect((await fetch(`${served.base}/api/v1/experiments`)).status).toBe(429);
  });
});
