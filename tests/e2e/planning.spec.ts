import { expect, test, type APIRequestContext, type Page } from '@playwright/test';
import { openSqliteFile } from '../../db/sqlite/inspect.ts';

const DAY = 86_400_000;
const auth = () => ({ authorization: `Bearer ${process.env.E2E_ADMIN_KEY}` });
let advancedDays = 0;

async function serverNow(request: APIRequestContext): Promise<number> {
  return (await (await request.get('/api/v1/clock', { headers: auth() })).json()).nowMs;
}

/** Moves the server clock (and runs the scheduler at once). */
async function advance(request: APIRequestContext, days: number) {
  const res = await request.post('/api/v1/clock/advance', { headers: auth(), data: { days } });
  expect(res.status()).toBe(200);
  advancedDays += days;
  return res.json();
}

/** Exposures and activations straight into the server's database: short form 10% vs long form 5%. */
function recordTraffic(key: string, startMs: number) {
  const client = openSqliteFile(process.env.E2E_DATABASE_PATH!);
  client.pragma('busy_timeout = 5000');
  try {
    const id = (client.prepare('SELECT id FROM experiments WHERE key = ?').get(key) as { id: number }).id;
    const exposure = client.prepare('INSERT INTO exposures (experiment_id, user_id, variant_key, first_exposed_at_ms, last_exposed_at_ms) VALUES (?, ?, ?, ?, ?)');
    const event = client.prepare("INSERT INTO events (user_id, event_name, timestamp_ms, received_at_ms) VALUES (?, 'click', ?, ?)");
    client.transaction(() => {
      for (let i = 0; i < 6000; i++) {
        const variant = i % 2 ? 'short' : 'control';
        const at = startMs + i * 60_000;
        exposure.run(id, `pl-${i}`, variant, at, at);
        if (variant === 'control' ? i % 40 === 0 : i % 20 === 1) event.run(`pl-${i}`, at + 3_600_000, at + 3_600_000);
      }
    })();
  } finally {
    client.close();
  }
}

async function statusOf(page: Page, key: string) {
  await page.goto(`/experiments/${key}`);
  return page.getByTestId('status').first().textContent();
}

test.afterAll(async ({ request }) => {
  // Put the clock back so later specs see the real date.
  if (advancedDays) await request.post('/api/v1/clock/advance', { headers: auth(), data: { days: -advancedDays } });
});

test('plan, schedule, run, conclude, promote, and plan again', async ({ page, request }) => {
  test.setTimeout(120_000);
  // 1. A new plan.
  await page.goto('/plans');
  const form = page.getByTestId('new-plan');
  await form.getByLabel('Name').fill('E2E growth program');
  await form.getByLabel('Owner').fill('Ana');
  await form.getByLabel('Goal').fill('+10% sign-up clicks');
  await form.getByLabel(/Daily traffic/).fill('landing-page: 1200, email: 1500');
  await form.getByRole('button', { name: 'Create plan' }).click();
  await expect(page).toHaveURL(/\/plans\/\d+$/);
  const planUrl = page.url();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('E2E growth program');
  await expect(page.getByTestId('week')).toHaveCount(12);

  // 2. An experiment in week 3 through the editor, with the live power warning.
  await page.getByTestId('week').nth(2).getByRole('link', { name: '+ Add experiment' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('New experiment in week 3');
  await page.getByLabel('Name', { exact: true }).fill('Shorter signup form');
  await page.getByLabel('Objective').fill('More sign-up clicks from the landing page');
  await page.getByLabel('Hypothesis').fill('If the form asks for email only, more visitors click sign up, because it looks quicker.');
  await page.getByRole('group', { name: 'Channels' }).getByLabel('Landing page').check();
  await page.getByLabel('Audience / segment').fill('');
  await page.getByLabel('Lifecycle stage').fill('acquisition');
  await page.getByLabel('Primary metric').selectOption('click_through');
  await page.getByLabel('Minimum relative lift (%)').fill('20');
  await page.getByLabel('Variant 2 key').fill('short');
  await page.getByLabel('Variant 2 name').fill('Email-only form');
  await expect(page.getByTestId('live-power')).toContainText('needs 20 days at 1,200 users/day to detect +20% on a 3.5% baseline; planned 14');
  await page.screenshot({ path: 'test-results/planning-editor.png', fullPage: true });
  await page.getByRole('button', { name: 'Create draft experiment' }).click();
  await expect(page).toHaveURL(/\/experiments\/w03-shorter-signup-form$/);
  await expect(page.getByTestId('power')).toContainText('needs 20 days');

  // 3. The plan shows it in week 3 with the warning; accept and start the plan.
  await page.goto(planUrl);
  const week3 = page.getByTestId('week').nth(2);
  await expect(week3).toContainText('Shorter signup form');
  await expect(week3.getByTestId('power-warning')).toContainText('needs 20 days at 1,200 users/day');
  await page.getByRole('button', { name: 'Accept and start plan' }).click();
  await expect(page.getByTestId('plan-status')).toHaveText('active');
  await expect(page.getByTestId('week').nth(2)).toContainText('scheduled');
  await page.screenshot({ path: 'test-results/planning-calendar.png', fullPage: true });

  // 4. Advance the clock to week 3: the scheduler starts it; traffic comes in; after 14 days it stops.
  const timeline = await (await request.get(`/api/v1/plans/${planUrl.split('/').pop()}`, { headers: auth() })).json();
  const w03 = timeline.experiments.find((e: { key: string }) => e.key === 'w03-shorter-signup-form');
  const startMs = new Date(`${w03.startDate}T12:00:00`).getTime();
  const toStart = Math.ceil((startMs - (await serverNow(request))) / DAY);
  const started = await advance(request, toStart);
  expect(started.scheduler.started).toContain('w03-shorter-signup-form');
  expect(await statusOf(page, 'w03-shorter-signup-form')).toBe('running');
  recordTraffic('w03-shorter-signup-form', startMs);
  const stopped = await advance(request, 14);
  expect(stopped.scheduler.stopped).toContain('w03-shorter-signup-form');
  expect(await statusOf(page, 'w03-shorter-signup-form')).toBe('stopped');

  // 5. Conclude, and record the ship decision on the report.
  await page.getByTestId('confirm-conclude').locator('summary').click();
  await page.getByRole('button', { name: 'Conclude the test' }).click();
  await expect(page.getByTestId('status').first()).toHaveText('concluded');
  await page.getByTestId('report-link').click();
  const decision = page.getByTestId('decision-form');
  await decision.getByLabel('Decision').selectOption('ship');
  await decision.getByLabel(/Winning variant/).selectOption('short');
  await decision.getByLabel('Reviewer').fill('Rita');
  await decision.getByLabel('Rationale').fill('Clear lift on click-through, guardrails fine.');
  await decision.getByRole('button', { name: 'Record decision' }).click();
  await expect(decision.getByRole('status')).toHaveText('Decision recorded.');

  // 6. Promote with rollout: the entry is in the playbook.
  await page.goto('/experiments/w03-shorter-signup-form');
  const promote = page.getByTestId('promote-form');
  await promote.getByLabel('What did we learn?').fill('An email-only sign-up form doubles sign-up clicks from the landing page.');
  await promote.getByLabel(/Roll the winner out/).check();
  await promote.getByTestId('confirm-rollout').locator('input').check();
  await promote.getByRole('button', { name: 'Promote' }).click();
  await expect(page).toHaveURL(/\/playbook/);
  const entry = page.getByTestId('playbook-entry').filter({ hasText: 'Shorter signup form' });
  await expect(entry).toContainText('An email-only sign-up form doubles sign-up clicks');
  await expect(entry).toContainText('click_through +');
  await page.screenshot({ path: 'test-results/playbook.png', fullPage: true });
  await page.getByRole('searchbox').fill('email-only');
  await page.getByRole('button', { name: 'Search' }).click();
  await expect(page.getByTestId('playbook-entry')).toHaveCount(1);
  const md = await request.get('/playbook/export.md');
  expect(await md.text()).toContain('**Shorter signup form**: winner `short`');

  // 7. Plan again: the draft next plan holds the follow-up with a power check; it is a draft to edit.
  await page.goto(planUrl);
  await page.getByRole('button', { name: /Plan again/ }).click();
  await expect(page.getByTestId('draft-note')).toBeVisible();
  await expect(page.getByTestId('week').first()).toContainText('Follow-up: Shorter signup form');
  await page.screenshot({ path: 'test-results/planning-next-draft.png', fullPage: true });
});

test('phone width: the week list replaces the timeline', async ({ page }) => {
  await page.setViewportSize({ width: 390, height: 844 });
  await page.goto('/');
  await expect(page.getByTestId('timeline')).toBeHidden();
  await expect(page.getByTestId('week').first()).toBeVisible();
  await page.screenshot({ path: 'test-results/calendar-phone.png', fullPage: false });
});
