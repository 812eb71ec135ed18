import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';

const digest = (s: string) => createHash('sha256').update(s).digest();

/**
 * HTTP Basic authentication for the web UI, on when `UI_PASSWORD` is set: any user name, that
 * password (compared in constant time). The API has its own keys; this guards the pages, whose
 * form actions can do what an admin key can.
 * @example const guard = uiBasicAuth('s3cret'); if (!guard(req, res)) return; // 401 sent
 */
export function uiBasicAuth(password: string | undefined): (req: IncomingMessage, res: ServerResponse) => boolean {
  if (!password) return () => true;
  const expected = digest(password);
  return (req, res) => {
    const header = req.headers.authorization ?? '';
    const encoded = header.startsWith('Basic ') ? header.slice(6) : '';
    const decoded = Buffer.from(encoded, 'base64').toString('utf8');
    const given = decoded.includes(':') ? decoded.slice(decoded.indexOf(':') + 1) : null;
    if (given !== null && timingSafeEqual(digest(given), expected)) return true;
    res.writeHead(401, { 'www-authenticate': 'Basic realm="Weekly Experiments", charset="UTF-8"', 'content-type': 'text/plain' })
      .end('Sign in: any user name and the UI_PASSWORD of this server.');
    return false;
  };
}

/** True for addresses only this machine can reach. */
export function isLoopbackHost(host: string): boolean {
  return host === 'localhost' || host === '::1' || host.startsWith('127.');
}
