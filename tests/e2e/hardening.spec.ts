import { expect, test } from '@playwright/test';
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { connect } from 'node:net';
import { openSqliteFile } from '../../db/sqlite/inspect.ts';
import { startRealServer } from './server.ts';

/**
 * The hardening probe against the real server (issue "Hardening", findings 1, 5 and 6): a DNS
 * rebinding page, framing and sniffing headers on the UI, the docs page under its CSP in
 * Chromium, SIGTERM during a burst of event posts, and a client that stalls its body.
 */
const base = () => process.env.E2E_BASE_URL!;
const adminKey = () => process.env.E2E_ADMIN_KEY!;

type Answer = { status: number; headers: IncomingMessage['headers']; body: string };

/** One request over its own connection, with any headers (fetch may not set Host). */
function send(url: string, options: { method?: string; headers?: Record<string, string>; body?: string }): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(url, { method: options.method ?? 'GET', headers: options.headers, agent: false }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => { body += chunk; });
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end(options.body);
  });
}

test('DNS rebinding: the probe\'s form post under the attacker\'s Host is refused with 421 and creates no idea', async () => {
  const port = new URL(base()).port;
  const title = `rebinding-probe-${Date.now()}`;
  const answer = await send(`${base()}/ideas?/create`, {
    method: 'POST',
    headers: {
      host: `evil.example:${port}`, origin: `http://evil.example:${port}`,
      'content-type': 'application/x-www-form-urlencoded'
    },
    body: new URLSearchParams({ title, source: 'other' }).toString()
  });
  expect(answer.status).toBe(421);
  expect(answer.body).toContain("does not answer for the host 'evil.example");
  expect(answer.headers['x-frame-options']).toBe('DENY');
  const ideas = await send(`${base()}/api/v1/ideas`, { headers: { authorization: `Bearer ${adminKey()}` } });
  expect(ideas.status).toBe(200);
  expect(ideas.body).not.toContain(title);
});

test('the UI page carries a CSP with frame-ancestors \'none\', X-Frame-Options, nosniff and Referrer-Policy', async ({ request }) => {
  const res = await request.get('/ideas');
  expect(res.status()).toBe(200);
  const headers = res.headers();
  const csp = headers['content-security-policy'] ?? '';
  expect(csp).toContain("frame-ancestors 'none'");
  expect(csp).toMatch(/script-src 'self'( 'sha256-[^']+')*(;|$)/); // no 'unsafe-inline' script: inline ones are hashed
  expect(headers['x-frame-options']).toBe('DENY');
  expect(headers['x-content-type-options']).toBe('nosniff');
  expect(headers['referrer-policy']).toBe('same-origin');
});

test('pages and the docs bundle are sent compressed to a browser that accepts it', async () => {
  const cases = [['/ideas', 'gzip', '<html'], ['/plans', 'br', '<html'], ['/api/v1/docs/swagger-ui-bundle.js', 'gzip', 'SwaggerUIBundle']] as const;
  for (const [path, encoding, text] of cases) {
    const plain = await send(`${base()}${path}`, {});
    const packed = await send(`${base()}${path}`, { headers: { 'accept-encoding': encoding } });
    expect(packed.status, path).toBe(200);
    expect(packed.headers['content-encoding'], path).toBe(encoding);
    expect(plain.headers['content-encoding'], path).toBeUndefined();
    expect(plain.body, path).toContain(text);
    expect(packed.body, path).not.toContain(text); // the bytes on the wire are compressed
  }
});

test('the docs page loads in Chromium without a CSP violation', async ({ page }) => {
  const problems: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error' || /Content Security Policy|Refused to/i.test(message.text())) problems.push(message.text());
  });
  page.on('pageerror', (error) => problems.push(error.message));
  // Runs before the page's own scripts, outside its CSP (Playwright injects it over CDP).
  await page.addInitScript(() => {
    const seen: string[] = [];
    (window as unknown as { cspViolations: string[] }).cspViolations = seen;
    document.addEventListener('securitypolicyviolation', (e) => seen.push(`${e.violatedDirective} ${e.blockedURI}`));
  });
  const res = await page.goto('/api/v1/docs');
  expect(res?.status()).toBe(200);
  expect(res?.headers()['content-security-policy']).toContain("frame-ancestors 'none'");
  // Swagger UI rendered the document: an operation of the API is on the page.
  await expect(page.getByRole('link', { name: '/events', exact: true }).first()).toBeVisible({ timeout: 20_000 });
  const violations = await page.evaluate(() => (window as unknown as { cspViolations: string[] }).cspViolations);
  expect(violations).toEqual([]);
  expect(problems).toEqual([]);
});

/**
 * A POST /api/v1/events whose headers the server has read (it answered `100 Continue`) and whose
 * body is held back until `release()`: a request certainly in flight.
 */
function heldEventsPost(url: string, key: string, ids: string[]): { started: Promise<void>; release: () => void; answer: Promise<Answer> } {
  const body = JSON.stringify({ events: ids.map((id) => ({ userId: `user-${id}`, event: 'activation', id })) });
  let started!: () => void;
  const startedPromise = new Promise<void>((resolve) => { started = resolve; });
  let req!: ReturnType<typeof httpRequest>;
  const answer = new Promise<Answer>((resolve, reject) => {
    req = httpRequest(`${url}/api/v1/events`, {
      method: 'POST', agent: false,
      headers: {
        authorization: `Bearer ${key}`, 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(body)),
        expect: '100-continue', connection: 'close'
      }
    }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => { text += chunk; });
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body: text }));
    });
    req.on('continue', () => started());
    req.on('error', reject);
    req.flushHeaders();
  });
  return { started: startedPromise, release: () => req.end(body), answer };
}

test('SIGTERM during a burst of event posts: every 2xx is stored, none is reset, exit code 0', async () => {
  const key = 'hardening-admin-key-not-secret';
  const first = await startRealServer({ ADMIN_API_KEY: key, SHUTDOWN_GRACE_SECONDS: '20' });
  let second: Awaited<ReturnType<typeof startRealServer>> | null = null;
  try {
    const burst = Array.from({ length: 40 }, (_, r) => heldEventsPost(first.url, key, Array.from({ length: 50 }, (_, i) => `sigterm-${r}-${i}`)));
    await Promise.all(burst.map((b) => b.started));
    const exited = new Promise<number | null>((resolve) => first.process.once('exit', (code) => resolve(code)));
    const shuttingDown = new Promise<void>((resolve) => {
      first.process.stdout!.on('data', (chunk: Buffer) => { if (chunk.toString().includes('SIGTERM: shutting down')) resolve(); });
    });
    first.process.kill('SIGTERM');
    await shuttingDown;
    // The server no longer accepts; the requests it has send their bodies now.
    await expect(send(`${first.url}/api/v1/health`, {})).rejects.toThrow(/ECONNREFUSED/);
    for (const b of burst) b.release();
    const answers = await Promise.allSettled(burst.map((b) => b.answer));
    expect(answers.filter((a) => a.status === 'rejected').map((a) => String((a as PromiseRejectedResult).reason))).toEqual([]);
    const acked = answers.map((a) => (a as PromiseFulfilledResult<Answer>).value);
    expect(acked.map((a) => a.status)).toEqual(Array(burst.length).fill(202));
    expect(acked.every((a) => JSON.parse(a.body).accepted === 50)).toBe(true);
    expect(await exited).toBe(0);

    // Restart on the same file: every acknowledged event is there.
    second = await startRealServer({ ADMIN_API_KEY: key, DATABASE_PATH: first.databasePath });
    const db = openSqliteFile(first.databasePath, { readonly: true });
    try {
      const stored = db.prepare(`select count(*) from events where client_event_id like 'sigterm-%'`).pluck().get();
      expect(stored).toBe(burst.length * 50);
    } finally {
      db.close();
    }
  } finally {
    await second?.stop(); // its own folder is empty: it used the first one's file
    await first.stop();
  }
});

test('a client that sends its headers and stalls its body is cut after REQUEST_TIMEOUT_SECONDS; others are served meanwhile', async () => {
  const key = 'slow-client-admin-key-not-secret';
  const server = await startRealServer({ ADMIN_API_KEY: key, REQUEST_TIMEOUT_SECONDS: '2', HEADERS_TIMEOUT_SECONDS: '1' });
  try {
    const { port } = new URL(server.url);
    const startedMs = Date.now();
    const socket = connect(Number(port), '127.0.0.1');
    let received = '';
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => { received += chunk; });
    const closed = new Promise<number>((resolve) => socket.on('close', () => resolve(Date.now() - startedMs)));
    socket.on('error', () => {}); // a reset after the 408 is still a cut
    socket.write(`POST /api/v1/events HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nAuthorization: Bearer ${key}\r\n` +
      'Content-Type: application/json\r\nContent-Length: 1000\r\n\r\n{"events": [');

    // While it stalls, other clients are answered.
    for (let i = 0; i < 3; i++) {
      const health = await send(`${server.url}/api/v1/health`, {});
      expect(health.status).toBe(200);
    }
    const heldMs = await closed;
    expect(received).toMatch(/^HTTP\/1\.1 408/);
    expect(heldMs).toBeGreaterThanOrEqual(2000);
    // Node checks the deadlines every second (connectionsCheckingInterval in api/server.ts), not every 30 s.
    expect(heldMs).toBeLessThan(15_000);
    expect((await send(`${server.url}/api/v1/health`, {})).status).toBe(200);
  } finally {
    await server.stop();
  }
});
