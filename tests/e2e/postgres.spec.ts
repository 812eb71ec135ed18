// The planner's main path on PostgreSQL (issue 12: `DATABASE_URL` works for every feature): the
// real built server started with DATABASE_URL on a throwaway cluster of its own (tests/postgres/cluster.ts),
// its scheduler on a 1-second interval. The plan page and its iCalendar feed, the scheduler starting
// a scheduled experiment, assignments and OFREP evaluations with exposures, events, and the
// experiment's report page counting them. The other specs run the same pages on SQLite.
import { expect, test } from '@playwright/test';
import { createDatabase, startCluster, type Cluster } from '../postgres/cluster.ts';
import { startRealServer, type RunningServer } from './server.ts';

const KEY = 'w01-onboarding-ebook-reminder';
const ADMIN = 'e2e-postgres-admin-key-not-secret';
const admin = { authorization: `Bearer ${ADMIN}` };
let cluster: Cluster | null = null;
let server: RunningServer | null = null;

test.beforeAll(async () => {
  test.setTimeout(240_000); // initdb, and a server start that may take 120 s on a loaded machine (tests/e2e/server.ts)
  cluster = await startCluster();
  await createDatabase(cluster.adminUrl, 'e2e');
  // Started from the test worker, whose NODE_OPTIONS carry Playwright's own module loader: not for the server.
  server = await startRealServer({ DATABASE_URL: cluster.urlOf('e2e'), ADMIN_API_KEY: ADMIN, SCHEDULER_INTERVAL_SECONDS: '1', NODE_OPTIONS: '' });
  for (const stream of [server.process.stdout!, server.process.stderr!]) stream.on('data', (chunk: Buffer) => { serverLog += chunk.toString(); });
});

// The server's output, shown when the test fails (a page answering 500 says why there).
let serverLog = '';
test.afterEach(async ({}, testInfo) => {
  if (testInfo.status !== testInfo.expectedStatus) await testInfo.attach('server.log', { body: serverLog, contentType: 'text/plain' });
});

test.afterAll(async () => {
  await server?.stop();
  await cluster?.stop();
});

test('on PostgreSQL: plan page and feed, the scheduler starts a test, assign/OFREP/events, the report page', async ({ page, request }) => {
  test.setTimeout(120_000);
  const base = server!.url;
  const api = (path: string) => `${base}${path}`;
  expect((await (await request.get(api('/api/v1/health'))).json())).toMatchObject({ status: 'ok' });

  // 1. The plan page of the starter plan seeded on first start, and its iCalendar feed.
  const { plans } = (await (await request.get(api('/api/v1/plans'), { headers: admin })).json()) as { plans: Array<{ id: number; name: string }> };
  const plan = plans[0]!;
  await page.goto(api(`/plans/${plan.id}`));
  await expect(page.getByRole('heading', { level: 1 })).toContainText(plan.name);
  await expect(page.getByText('Onboarding reminder about e-book access').first()).toBeVisible();
  const feedHref = await page.getByRole('link', { name: 'Calendar feed (.ics)' }).getAttribute('href');
  const feed = await request.get(api(feedHref!));
  expect(feed.status()).toBe(200);
  expect(feed.headers()['content-type']).toContain('text/calendar');
  const ics = await feed.text();
  expect(ics).toMatch(/^BEGIN:VCALENDAR/);
  expect(ics).toContain('Onboarding reminder about e-book access');
  await page.screenshot({ path: 'test-results/postgres-plan.png', fullPage: true });

  // 2. Week 1 moved to today and scheduled: the server's scheduler (leader on PostgreSQL) starts it.
  const { today } = await (await request.get(api('/api/v1/clock'), { headers: admin })).json();
  expect((await request.post(api(`/api/v1/experiments/${KEY}/reschedule`), { headers: admin, data: { startDate: today } })).status()).toBe(200);
  const { status } = await (await request.get(api(`/api/v1/experiments/${KEY}`), { headers: admin })).json();
  expect(['draft', 'scheduled']).toContain(status); // the starter plan's weeks may come scheduled already
  if (status === 'draft') expect((await request.post(api(`/api/v1/experiments/${KEY}/schedule`), { headers: admin })).status()).toBe(200);
  await expect.poll(async () => (await (await request.get(api(`/api/v1/experiments/${KEY}`), { headers: admin })).json()).status,
    { timeout: 30_000 }).toBe('running');

  // 3. Traffic: assignments with exposures, OFREP evaluations (exposed too), and activations.
  const sdk = { authorization: `Bearer ${(await (await request.post(api('/api/v1/keys'), { headers: admin, data: { name: 'app', scope: 'sdk' } })).json()).key}` };
  const variants = new Map<string, string>();
  for (let i = 0; i < 60; i++) {
    const userId = `pg-user-${i}`;
    const answer = i % 2
      ? (await (await request.get(api(`/api/v1/assign?experiment=${KEY}&userId=${userId}`), { headers: sdk })).json()).assignments[KEY]
      : await (await request.post(api(`/ofrep/v1/evaluate/flags/${KEY}`), { headers: sdk, data: { context: { targetingKey: userId } } })).json();
    variants.set(userId, i % 2 ? answer.variant : answer.value);
  }
  // OFREP answers what /assign answers for the same user (sticky once exposed).
  const ofrep = await (await request.post(api(`/ofrep/v1/evaluate/flags/${KEY}`), { headers: sdk, data: { context: { targetingKey: 'pg-user-1' } } })).json();
  expect(ofrep).toMatchObject({ key: KEY, value: variants.get('pg-user-1') });
  const events = [...variants.keys()].filter((_, i) => i % 3 === 0).map((userId) => ({ userId, event: 'activation', id: `act-${userId}` }));
  const posted = await (await request.post(api('/api/v1/events'), { headers: sdk, data: { events } })).json();
  expect(posted).toMatchObject({ accepted: events.length, duplicates: 0 });

  // 4. The report, through the API and on its page.
  const results = await (await request.get(api(`/api/v1/experiments/${KEY}/results`), { headers: admin })).json();
  expect(results.health.usersExposed).toBeGreaterThan(0);
  await page.goto(api(`/experiments/${KEY}/report`));
  await expect(page.getByTestId('health-panel')).toContainText('Sample ratio');
  await expect(page.getByTestId('metric-table').first()).toContainText('7-day activation rate');
  await page.screenshot({ path: 'test-results/postgres-report.png', fullPage: true });
});
