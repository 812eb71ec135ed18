import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { FailureThrottle, securityHeaders } from '../front-door/index.ts';

const digest = (s: string) => createHash('sha256').update(s).digest();

/**
 * HTTP Basic authentication for the web UI, on when `UI_PASSWORD` is set: any user name, that
 * password (compared in constant time). The API has its own keys; this guards the pages, whose
 * form actions can do what an admin key can. Wrong passwords are throttled per client address
 * (429 with `Retry-After` once `throttle` says so); a browser that signed in recently keeps going.
 * @example const guard = uiBasicAuth('s3cret'); if (!guard(req, res)) return; // 401 or 429 sent
 */
export function uiBasicAuth(
  password: string | undefined, throttle = new FailureThrottle(), now: () => number = Date.now
): (req: IncomingMessage, res: ServerResponse) => boolean {
  if (!password) return () => true;
  const expected = digest(password);
  /** Authorization headers that carried the right password lately (hashed): never slowed. */
  const good = new Map<string, number>();
  return (req, res) => {
    const header = req.headers.authorization ?? '';
    const address = req.socket?.remoteAddress ?? 'unknown';
    const nowMs = now();
    const seen = good.get(header);
    if (seen !== undefined && nowMs - seen < 60_000) return true;
    const wait = throttle.retryAfterSeconds(address, nowMs);
    if (wait > 0) {
      res.writeHead(429, { ...securityHeaders, 'retry-after': String(wait), 'content-type': 'text/plain; charset=utf-8' })
        .end(`Too many wrong passwords from this address; try again in ${wait} s.`);
      return false;
    }
    const encoded = header.startsWith('Basic ') ? header.slice(6) : '';
    const decoded = Buffer.from(encoded, 'base64').toString('utf8');
    const given = decoded.includes(':') ? decoded.slice(decoded.indexOf(':') + 1) : null;
    if (given !== null && timingSafeEqual(digest(given), expected)) {
      if (good.size >= 1_000) good.clear(); // bounded
      good.set(header, nowMs);
      return true;
    }
    // A browser's first request carries no credentials: only a wrong password counts as a failure.
    if (given !== null) throttle.fail(address, nowMs);
    res.writeHead(401, { ...securityHeaders, 'www-authenticate': 'Basic realm="Weekly Experiments", charset="UTF-8"', 'content-type': 'text/plain' })
      .end('Sign in: any user name and the UI_PASSWORD of this server.');
    return false;
  };
}

/** True for addresses only this machine can reach. */
export function isLoopbackHost(host: string): boolean {
  return host === 'localhost' || host === '::1' || host.startsWith('127.');
}
