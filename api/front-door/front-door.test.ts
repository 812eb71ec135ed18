import { describe, expect, it } from 'vitest';
import { FailureThrottle } from './throttle.ts';
import { hostAllowed, hostnameOf, hostPolicy } from './hosts.ts';

const byDefault = hostPolicy({ origin: null, allowedHosts: [] });
const configured = hostPolicy({ origin: 'https://Exp.Example.com', allowedHosts: ['exp-internal:8080', 'second.example'] });

describe('hostAllowed (DNS rebinding)', () => {
  const cases: Array<[string, string | undefined, typeof byDefault, boolean]> = [
    ['loopback IPv4 with port', '127.0.0.1:3000', byDefault, true],
    ['another 127/8 address', '127.0.0.2', byDefault, true],
    ['localhost', 'localhost:3000', byDefault, true],
    ['LOCALHOST in capitals', 'LOCALHOST:3000', byDefault, true],
    ['a name under .localhost', 'app.localhost:5173', byDefault, true],
    ['IPv6 loopback in brackets', '[::1]:3000', byDefault, true],
    ['a LAN IP literal (no rebinding comes with an IP)', '192.168.1.20:3000', byDefault, true],
    ['the rebinding request of the issue', 'evil.example:3000', byDefault, false],
    ['a name ending in localhost but not under it', 'evillocalhost:3000', byDefault, false],
    ['no Host header at all', undefined, byDefault, false],
    ['empty Host header', '', byDefault, false],
    ["ORIGIN's host, any case", 'exp.example.COM', configured, true],
    ["ORIGIN's host with a trailing dot", 'exp.example.com.', configured, true],
    ['an ALLOWED_HOSTS name (port in the list ignored)', 'exp-internal:9999', configured, true],
    ['a second ALLOWED_HOSTS name', 'second.example', configured, true],
    ['a name in neither', 'evil.example', configured, false],
    ['"*" turns the check off', 'anything.example', hostPolicy({ origin: null, allowedHosts: ['*'] }), true]
  ];
  it.each(cases)('%s: %s', (_name, host, policy, expected) => {
    expect(hostAllowed(host, policy)).toBe(expected);
    // The second answer comes from the verdict kept for this Host value: the same.
    expect(hostAllowed(host, policy)).toBe(expected);
  });

  it('keeps a verdict per Host value and policy: one policy\'s answer never leaks into another\'s', () => {
    const open = hostPolicy({ origin: null, allowedHosts: ['shared.example'] });
    expect(hostAllowed('shared.example:3000', open)).toBe(true);
    expect(hostAllowed('shared.example:3000', byDefault)).toBe(false);
    for (let i = 0; i < 2_500; i++) hostAllowed(`n${i}.example`, byDefault); // past the bound: the kept verdicts start over
    expect(hostAllowed('shared.example:3000', byDefault)).toBe(false);
    expect(hostAllowed('localhost:3000', byDefault)).toBe(true);
  });

  it.each([
    ['Example.COM:3000', 'example.com'], ['[::1]:3000', '::1'], ['::1', '::1'], ['host.', 'host'], ['127.0.0.1', '127.0.0.1']
  ])('hostnameOf(%s) = %s', (host, name) => {
    expect(hostnameOf(host)).toBe(name);
  });
});

describe('FailureThrottle', () => {
  it('blocks an address after `limit` failures in the window, until the window ends', () => {
    const t = new FailureThrottle({ limit: 3, windowMs: 10_000 });
    for (let i = 0; i < 2; i++) t.fail('a', 1_000 + i);
    expect(t.retryAfterSeconds('a', 1_500)).toBe(0);
    t.fail('a', 1_600);
    expect(t.retryAfterSeconds('a', 1_700)).toBe(10); // window 1_000..11_000: 9.3 s left, rounded up
    expect(t.retryAfterSeconds('a', 10_999)).toBe(1);
    expect(t.retryAfterSeconds('a', 11_000)).toBe(0);
    // A fresh window counts from zero again.
    t.fail('a', 11_500);
    expect(t.retryAfterSeconds('a', 11_600)).toBe(0);
  });

  it('counts each address on its own', () => {
    const t = new FailureThrottle({ limit: 2, windowMs: 60_000 });
    t.fail('a', 0); t.fail('a', 1);
    t.fail('b', 2);
    expect(t.retryAfterSeconds('a', 3)).toBe(60);
    expect(t.retryAfterSeconds('b', 3)).toBe(0);
    expect(t.retryAfterSeconds('never-failed', 3)).toBe(0);
  });

  it('keeps at most maxAddresses counters, forgetting the oldest first', () => {
    const t = new FailureThrottle({ limit: 1, windowMs: 60_000, maxAddresses: 3 });
    for (const a of ['a', 'b', 'c', 'd']) t.fail(a, 0);
    expect(t.size).toBe(3);
    expect(t.retryAfterSeconds('a', 1)).toBe(0); // forgotten
    expect(t.retryAfterSeconds('d', 1)).toBe(60);
  });
});
