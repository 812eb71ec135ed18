import { expect, test } from '@playwright/test';
import { createServer, type Server } from 'node:http';
import { readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { startRealServer } from './server.ts';

/**
 * The GrowthBook browser SDK in Chromium, on a page of another origin (a second server on
 * another port of 127.0.0.1), against the real server: CORS with a client key, local
 * assignment, an exposure through `trackingCallback`; and SDK streams on SIGTERM.
 */
const base = () => process.env.E2E_BASE_URL!;
const admin = () => ({ authorization: `Bearer ${process.env.E2E_ADMIN_KEY!}`, 'content-type': 'application/json' });
const sdkBundle = readFileSync('node_modules/@growthbook/growthbook/dist/bundles/index.min.js');

/**
 * The app's page: loads the SDK bundle (global `growthbook`), assigns the user of the query string
 * and forwards the SDK's exposures to POST /api/v1/exposures; the outcome lands in `window.outcome`.
 */
const appPage = `<!doctype html><meta charset="utf-8"><title>shop</title>
<script src="/growthbook.js"></script>
<script>
  const q = new URLSearchParams(location.search);
  const [apiHost, clientKey, experiment, userId] = ['apiHost', 'clientKey', 'experiment', 'userId'].map((n) => q.get(n));
  window.outcome = (async () => {
    const exposures = [];
    const gb = new growthbook.GrowthBook({
      apiHost, clientKey, attributes: { id: userId },
      trackingCallback: (exp, result) => exposures.push({ experiment: exp.key, userId, variant: result.key })
    });
    const init = await gb.init({ timeout: 5000 });
    const variant = gb.getFeatureValue(experiment, 'not-loaded');
    let posted = null;
    try {
      const res = await fetch(apiHost + '/api/v1/exposures', {
        method: 'POST', headers: { authorization: 'Bearer ' + clientKey, 'content-type': 'application/json' },
        body: JSON.stringify({ exposures: exposures.length ? exposures : [{ experiment, userId, variant: 'control' }] })
      });
      posted = { status: res.status, body: await res.json() };
    } catch (err) {
      posted = { error: String(err) };
    }
    gb.destroy();
    return { init: { success: init.success, source: init.source }, variant, exposures, posted };
  })();
</script>`;

/** A tiny server for the app's page and the SDK bundle, on its own port: its own origin. */
async function pageServer(): Promise<{ origin: string; server: Server }> {
  const server = createServer((req, res) => {
    if (req.url === '/growthbook.js') return res.writeHead(200, { 'content-type': 'text/javascript' }).end(sdkBundle);
    if (req.url?.startsWith('/shop')) return res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(appPage);
    res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server };
}

async function post(path: string, body: unknown): Promise<Record<string, unknown>> {
  const res = await fetch(`${base()}${path}`, { method: 'POST', headers: admin(), body: JSON.stringify(body) });
  expect(res.status, `${path}: ${await res.clone().text()}`).toBeLessThan(300);
  return res.json();
}

test('the GrowthBook browser SDK on another origin: payload over CORS, local assignment equal to /assign, an exposure recorded; another origin is refused', async ({ page }) => {
  const allowed = await pageServer();
  const other = await pageServer();
  try {
    const experiment = `browser-sdk-${Date.now()}`;
    await post('/api/v1/experiments', { key: experiment, name: 'Browser SDK', variants: [{ key: 'control' }, { key: 'treatment' }], exploratory: true });
    await post(`/api/v1/experiments/${experiment}/start`, {});
    const { key } = await post('/api/v1/keys', { name: 'shop web', scope: 'client', allowedOrigins: [allowed.origin] }) as { key: string };
    const query = (userId: string) => new URLSearchParams({ apiHost: base(), clientKey: key, experiment, userId }).toString();

    // The allowed origin: the SDK loads the payload, assigns, and its exposure is accepted.
    await page.goto(`${allowed.origin}/shop?${query('browser-user-1')}`);
    const outcome = await page.evaluate(() => (window as unknown as { outcome: Promise<unknown> }).outcome) as {
      init: { success: boolean; source: string }; variant: string; exposures: Array<{ variant: string }>; posted: { status: number; body: { accepted: number } };
    };
    expect(outcome.init).toEqual({ success: true, source: 'network' });
    const assigned = await (await fetch(`${base()}/api/v1/assign?experiment=${experiment}&userId=browser-user-1&expose=false`, { headers: admin() })).json();
    expect(outcome.variant).toBe(assigned.assignments[experiment].variant);
    expect(outcome.exposures).toEqual([{ experiment, userId: 'browser-user-1', variant: outcome.variant }]);
    expect(outcome.posted).toMatchObject({ status: 202, body: { accepted: 1 } });
    // The exposure arrived: the report counts it (built off the request path: ask until it has).
    await expect.poll(async () => {
      const report = await (await fetch(`${base()}/api/v1/experiments/${experiment}/results`, { headers: admin() })).json();
      return report.health?.srm?.observed;
    }, { timeout: 15_000 }).toEqual({ control: outcome.variant === 'control' ? 1 : 0, treatment: outcome.variant === 'treatment' ? 1 : 0 });

    // Another origin: the browser refuses the payload (no CORS header), so the SDK serves defaults,
    // and the exposure post fails in the browser (the server answered 403 and stored nothing).
    await page.goto(`${other.origin}/shop?${query('browser-user-2')}`);
    const refused = await page.evaluate(() => (window as unknown as { outcome: Promise<unknown> }).outcome) as {
      init: { success: boolean }; variant: string; exposures: unknown[]; posted: { error?: string };
    };
    expect(refused.init.success).toBe(false);
    expect(refused.variant).toBe('not-loaded');
    expect(refused.exposures).toEqual([]);
    expect(refused.posted.error).toMatch(/TypeError: Failed to fetch/);
    const direct = await fetch(`${base()}/api/features/${key}`, { headers: { origin: other.origin } });
    expect(direct.status).toBe(403);
    expect(direct.headers.get('access-control-allow-origin')).toBeNull();
  } finally {
    allowed.server.close();
    other.server.close();
  }
});

test('SIGTERM ends the SDK streams at once: they end cleanly and the server exits 0 long before its grace period', async () => {
  test.setTimeout(60_000);
  const adminKey = 'sdk-shutdown-admin-key-not-secret';
  // A grace period far longer than this test's timeout: a stream holding the shutdown would fail it.
  const server = await startRealServer({ ADMIN_API_KEY: adminKey, SHUTDOWN_GRACE_SECONDS: '600' });
  try {
    const created = await fetch(`${server.url}/api/v1/keys`, {
      method: 'POST', headers: { authorization: `Bearer ${adminKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'streams', scope: 'client' })
    });
    const { key } = await created.json();
    const readers = await Promise.all([1, 2, 3].map(async () => {
      const res = await fetch(`${server.url}/sub/${key}`);
      expect(res.status).toBe(200);
      const reader = res.body!.getReader();
      await reader.read(); // the first payload: the stream is open
      return reader;
    }));
    const exited = new Promise<number | null>((resolve) => server.process.once('exit', (code) => resolve(code)));
    server.process.kill('SIGTERM');
    const ends = await Promise.all(readers.map(async (reader) => {
      for (let chunk = await reader.read(); ; chunk = await reader.read()) if (chunk.done) return 'done';
    }));
    expect(ends).toEqual(['done', 'done', 'done']);
    expect(await exited).toBe(0);
  } finally {
    await server.stop();
  }
});
