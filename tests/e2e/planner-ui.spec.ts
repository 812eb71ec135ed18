import { expect, test, type APIRequestContext, type Page } from '@playwright/test';

/*
 * The planner's pages of issue 13 (items 4, 6, 7 and 8): layers, lifecycle safeguards, the
 * experiments, metrics and audit pages, playbook search, and no sideways scroll at 390 px.
 * It makes its own experiments and layers (keys start with "ui-"), so it does not depend on the
 * order of the specs or on the server clock.
 */
const auth = () => ({ authorization: `Bearer ${process.env.E2E_ADMIN_KEY}` });
const run = Date.now().toString(36);
const key = (name: string) => `ui-${name}-${run}`;

async function api(request: APIRequestContext, path: string, body: unknown) {
  const res = await request.post(`/api/v1${path}`, { headers: auth(), data: body });
  expect(res.status(), `${path}: ${await res.text()}`).toBeLessThan(300);
  return res.json();
}

/** An experiment outside any plan, ready to start (primary metric and a lift criterion). */
function experimentBody(k: string, extra: Record<string, unknown> = {}) {
  return {
    key: k, name: `UI ${k.split('-')[1]} test`, channels: ['in-app', 'email'], owner: 'Ulla',
    variants: [{ key: 'control' }, { key: 'guided' }], durationDays: 14,
    metrics: { primary: ['activation'] },
    successCriteria: [{ kind: 'lift', metricKey: 'activation', minRelativeLift: 0.1, description: 'activation +10%' }],
    ...extra
  };
}

/** Screenshots at 1280 and 390 px; at 390 the page must not scroll sideways. */
async function shoot(page: Page, name: string) {
  await page.setViewportSize({ width: 1280, height: 900 });
  await page.screenshot({ path: `test-results/ui-${name}-1280.png`, fullPage: true });
  await page.setViewportSize({ width: 390, height: 844 });
  await expectNoSidewaysScroll(page, name);
  await page.screenshot({ path: `test-results/ui-${name}-390.png`, fullPage: true });
  await page.setViewportSize({ width: 1280, height: 900 });
}

async function expectNoSidewaysScroll(page: Page, name: string) {
  const sizes = await page.evaluate(() => ({ scroll: document.documentElement.scrollWidth, inner: window.innerWidth }));
  expect(sizes.scroll, `${name} scrolls sideways at ${sizes.inner} px`).toBeLessThanOrEqual(sizes.inner);
}

/** Opens a confirmation (a disclosure) and confirms it. */
async function confirm(page: Page, action: string, button: string) {
  const panel = page.getByTestId(`confirm-${action}`);
  await panel.locator('summary').click();
  await expect(panel.locator('form')).toBeVisible();
  await panel.getByRole('button', { name: button }).click();
}

test('lifecycle safeguards: confirmations that say what happens, clean URLs with a confirmation, restarts with a reason', async ({ page, request }) => {
  test.setTimeout(120_000);
  const k = key('life');
  await api(request, '/experiments', experimentBody(k));

  // Start: said before (no date yet, so it starts today), confirmed after, on a clean URL.
  await page.goto(`/experiments/${k}`);
  await expect(page.getByTestId('start-moves')).toContainText('Starting now moves the start from no date to today');
  await page.getByRole('button', { name: 'Start now' }).click();
  await expect(page).toHaveURL(new RegExp(`/experiments/${k}$`));
  await expect(page.getByTestId('flash')).toContainText(/Started: users are assigned from now on\. The start moved from no date to .+; it now ends /);
  await page.reload();
  await expect(page.getByTestId('flash')).toHaveCount(0); // shown once

  // While it runs, conclude is not the primary action, and stop asks first.
  await expect(page.getByTestId('confirm-conclude').locator('summary')).not.toHaveClass(/primary/);
  await page.getByTestId('confirm-stop').locator('summary').click();
  await expect(page.getByTestId('confirm-stop')).toContainText('Every user gets the control from now on');
  await shoot(page, 'experiment-confirm-stop');
  await page.getByRole('button', { name: 'Stop the test' }).click();
  await expect(page).toHaveURL(new RegExp(`/experiments/${k}$`));
  await expect(page.getByTestId('flash')).toContainText('Stopped: every user now gets the control.');
  await expect(page.getByTestId('status').first()).toHaveText(/stopped/i);

  // A restart needs a reason, and the experiment page and the report mark it.
  await expect(page.getByTestId('confirm-conclude').locator('summary')).toHaveClass(/primary/);
  const restart = page.getByTestId('restart-form');
  await restart.getByRole('button', { name: 'Start again' }).click(); // the browser asks for the reason
  await expect(page).toHaveURL(new RegExp(`/experiments/${k}$`));
  await restart.getByLabel('Why start it again?').fill('the guided variant crashed on Android');
  await restart.getByRole('button', { name: 'Start again' }).click();
  await expect(page.getByTestId('flash')).toContainText('Started again');
  await expect(page.getByTestId('restarted')).toContainText('“the guided variant crashed on Android”');
  await page.goto(`/experiments/${k}/report`);
  await expect(page.getByTestId('report-restarted')).toContainText('Restarted after a stop');
  await expect(page.getByTestId('report-restarted')).toContainText('the guided variant crashed on Android');

  // Conclude while running: asks, says it stops the test first.
  await page.goto(`/experiments/${k}`);
  await page.getByTestId('confirm-conclude').locator('summary').click();
  await expect(page.getByTestId('confirm-conclude')).toContainText('It is still running: concluding stops it now');
  await page.getByRole('button', { name: 'Conclude the test' }).click();
  await expect(page.getByTestId('flash')).toContainText('Concluded');
  await expect(page.getByTestId('status').first()).toHaveText(/concluded/i);

  // Rollout asks for a second tick; then the playbook finds the In-app + Email winner by "email".
  await api(request, `/experiments/${k}/decision`, { finalDecision: 'ship', winningVariantKey: 'guided', rationale: 'Guided onboarding reads better in interviews.', decidedBy: 'Rita' });
  await page.reload();
  const promote = page.getByTestId('promote-form');
  await promote.getByLabel('What did we learn?').fill('A guided first session keeps new users around.');
  await promote.getByLabel(/Roll the winner out/).check();
  await expect(promote.getByTestId('confirm-rollout')).toContainText('every user gets “guided” and the control group ends');
  await promote.getByRole('button', { name: 'Promote and roll out' }).click();
  await expect(page).toHaveURL(/\/experiments\//); // the browser asks for the confirmation tick
  await promote.getByTestId('confirm-rollout').locator('input').check();
  await promote.getByRole('button', { name: 'Promote and roll out' }).click();
  await expect(page).toHaveURL(/\/playbook#entry-\d+$/);
  await expect(page.getByTestId('flash')).toContainText('rolled out');
  await page.getByRole('searchbox').fill('email');
  await page.getByRole('button', { name: 'Search' }).click();
  await expect(page.getByTestId('playbook-entry').filter({ hasText: 'A guided first session' })).toHaveCount(1);

  // The experiment's history reads in words, never JSON.
  await page.goto(`/experiments/${k}/audit`);
  const lines = page.getByTestId('audit-line');
  await expect(lines.filter({ hasText: 'stopped → running; restart reason: the guided variant crashed on Android' })).toHaveCount(1);
  await expect(page.getByTestId('audit-list')).not.toContainText('{"');
  await shoot(page, 'experiment-history');
});

test('layers: slices, their shares in the power check, locked while running, empty layers removed', async ({ page, request }) => {
  test.setTimeout(120_000);
  const layer = key('layer');
  const [a, b] = [key('sliceA'), key('sliceB')];
  await api(request, '/experiments', experimentBody(a, { layer, layerRange: [0, 0.5] }));
  await api(request, '/experiments', experimentBody(b, { layer, layerRange: [0.5, 1] }));
  await api(request, '/layers', { key: key('empty'), name: 'Spare layer' });

  await page.goto(`/layers#layer-${layer}`);
  const section = page.locator(`#layer-${layer}`);
  await expect(section.getByTestId('layer-member')).toHaveCount(2);
  // Overlapping slices for tests that could run together are refused, naming both.
  await section.getByLabel(`Slice end of UI sliceA test (%)`).fill('60');
  await section.getByRole('button', { name: 'Save slices' }).click();
  await expect(page.getByRole('alert')).toContainText('“UI sliceA test” and “UI sliceB test” run at the same time and would share users');
  await page.goto(`/layers#layer-${layer}`);
  await section.getByLabel(`Slice end of UI sliceA test (%)`).fill('30');
  await section.getByLabel(`Slice start of UI sliceB test (%)`).fill('30');
  await section.getByRole('button', { name: 'Save slices' }).click();
  await expect(page).toHaveURL(/\/layers$|\/layers#/);
  await expect(page.getByTestId('flash')).toContainText('Slices saved');
  await expect(section.getByTestId('layer-member').first()).toContainText('30%');

  // The experiment page and the editor's live check count only the share.
  await page.goto(`/experiments/${a}`);
  await expect(page.getByTestId('layer-share')).toContainText('it gets 30% of the eligible users');

  // Once one runs, the slices are fixed.
  await page.getByRole('button', { name: 'Start now' }).click();
  await page.goto('/layers');
  await expect(section.getByTestId('layer-locked')).toBeVisible();
  await expect(section.getByRole('button', { name: 'Save slices' })).toHaveCount(0);

  // An empty layer can be removed after a confirmation.
  await confirm(page, `remove-${key('empty')}`, 'Remove the layer');
  await expect(page.getByTestId('flash')).toContainText(`Layer ${key('empty')} removed.`);
  await expect(page.locator(`#layer-${key('empty')}`)).toHaveCount(0);
  await shoot(page, 'layers');
});

test('experiments, metrics and audit pages; the API docs link', async ({ page, request }) => {
  test.setTimeout(150_000);
  const k = key('find');
  await api(request, '/experiments', experimentBody(k, { owner: 'Finder Owner', audience: 'lapsed readers' }));

  // Experiments: searchable and filterable, with the decision column.
  await page.goto('/experiments');
  await expect(page.getByTestId('experiment-row').first()).toBeVisible();
  const filters = page.getByTestId('experiment-filters');
  await filters.getByLabel('Search').fill('lapsed readers');
  await filters.getByLabel('Status').selectOption('draft');
  await filters.getByLabel('Channel').selectOption('email');
  await filters.getByLabel('Owner').selectOption('Finder Owner');
  await filters.getByRole('button', { name: 'Filter' }).click();
  await expect(page).toHaveURL(/status=draft/);
  await expect(page.getByTestId('experiment-row')).toHaveCount(1);
  await expect(page.getByTestId('experiment-row')).toContainText('UI find test');
  await expect(page.getByTestId('experiment-decision')).toContainText('No decision yet');
  await shoot(page, 'experiments');

  // Metrics: a field that does not parse is an error next to it, with nothing lost; then create and edit.
  const m = `ui_metric_${run}`;
  await page.goto('/metrics');
  const form = page.getByTestId('metric-form');
  await form.getByLabel('Key').fill(m);
  await form.getByLabel('Name').fill('UI signups');
  await form.getByLabel('Event', { exact: true }).fill('signup');
  await form.getByLabel('Window (days)').fill('abc');
  await form.getByRole('button', { name: 'Create metric' }).click();
  await expect(page.getByTestId('windowDays-error')).toHaveText('Window must be a whole number of days from 1 to 365, or empty for the whole test');
  await expect(form.getByLabel('Name')).toHaveValue('UI signups');
  await expect(form.getByLabel('Window (days)')).toHaveValue('abc');
  await shoot(page, 'metrics-field-error');
  await form.getByLabel('Window (days)').fill('7');
  await form.getByRole('button', { name: 'Create metric' }).click();
  await expect(page).toHaveURL(new RegExp(`/metrics/${m}$`));
  await expect(page.getByTestId('flash')).toContainText(`Metric ${m} created`);
  await expect(page.getByTestId('metric-used-by')).toContainText('No experiment uses it yet.');
  await page.getByTestId('metric-form').getByLabel('Name').fill('UI sign-ups (7 days)');
  await page.getByRole('button', { name: 'Save metric' }).click();
  await expect(page.getByTestId('flash')).toContainText('Metric saved');
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('UI sign-ups (7 days)');
  await page.goto('/metrics/activation');
  await expect(page.getByTestId('metric-used-by')).toContainText('UI find test');
  await shoot(page, 'metric');
  await page.goto('/metrics');
  await shoot(page, 'metrics');

  // Audit log overall, filterable, in words.
  await page.goto(`/audit?entity=metric&id=${m}`);
  await expect(page.getByTestId('audit-line')).toHaveCount(2);
  await expect(page.getByTestId('audit-line').first()).toContainText('edited the metric');
  await expect(page.getByTestId('audit-line').first()).toContainText('changed: name UI signups → UI sign-ups (7 days)');
  await page.goto('/audit');
  await shoot(page, 'audit');

  // The API docs are one click away.
  await page.getByRole('link', { name: 'API docs' }).click();
  await expect(page).toHaveURL(/\/api\/v1\/docs/);
});

test('plans refuse years outside 2000-2100 in words; the timeline: today label clear of the week headers, not in conflict red, stopped bars end early', async ({ page, request }) => {
  test.setTimeout(120_000);
  await page.goto('/plans');
  const form = page.getByTestId('new-plan');
  await form.getByLabel('Name').fill('Far future');
  await form.getByLabel(/Start date/).fill('2150-01-05');
  await form.getByRole('button', { name: 'Create plan' }).click();
  await expect(page.getByRole('alert')).toContainText('start date: the year must be between 2000 and 2100');
  await expect(form.getByLabel('Name')).toHaveValue('Far future');

  // A plan that started this Monday (server clock), with a week-1 test stopped today: today's line shows.
  const nowMs = (await (await request.get('/api/v1/clock', { headers: auth() })).json()).nowMs as number;
  const now = new Date(nowMs);
  const monday = new Date(now.getFullYear(), now.getMonth(), now.getDate() - ((now.getDay() + 6) % 7));
  const iso = `${monday.getFullYear()}-${String(monday.getMonth() + 1).padStart(2, '0')}-${String(monday.getDate()).padStart(2, '0')}`;
  const plan = await api(request, '/plans', { name: `UI this week ${run}`, startDate: iso, weeks: 12, dailyTraffic: { web: 800 } });
  const created = await api(request, `/plans/${plan.id}/experiments`, {
    name: 'Stopped early', week: 1, channels: ['web'], durationDays: 14, primaryMetric: 'activation',
    successCriteria: [{ kind: 'lift', metricKey: 'activation', minRelativeLift: 0.1 }],
    variants: [{ key: 'control', name: 'Control', weight: 1 }, { key: 'b', name: 'B', weight: 1 }]
  });
  const stoppedKey = (created.key ?? created.experiment?.key) as string;
  await api(request, `/experiments/${stoppedKey}/start`, {});
  await api(request, `/experiments/${stoppedKey}/stop`, {});
  await page.goto(`/plans/${plan.id}`);
  const bar = (await page.locator(`.bar[href="/experiments/${stoppedKey}"]`).boundingBox())!;
  const week = (await page.locator('.week-col').first().boundingBox())!;
  expect(bar.width, 'a run stopped in its first week ends there, not after its 14 planned days').toBeLessThan(week.width * 1.05);
  const today = page.locator('.today span');
  await expect(today).toHaveCount(1);
  {
    const label = (await today.boundingBox())!;
    for (const header of await page.locator('.week-col').all()) {
      const box = (await header.boundingBox())!;
      const overlaps = label.x < box.x + box.width && box.x < label.x + label.width && label.y < box.y + box.height && box.y < label.y + label.height;
      expect(overlaps, 'the today label covers a week header').toBe(false);
    }
    // Today is drawn in ink, not in the conflict red.
    expect(await page.locator('.today').evaluate((el) => getComputedStyle(el).borderLeftColor)).not.toBe('rgb(210, 60, 60)');
  }
  const current = page.locator('.week.current');
  await expect(current).toHaveCount(1);
  expect(await current.evaluate((el) => getComputedStyle(el).borderTopColor)).not.toBe('rgb(210, 60, 60)');
  await shoot(page, 'calendar');
});

test('no page scrolls sideways at 390 px', async ({ page }) => {
  await page.setViewportSize({ width: 390, height: 844 });
  await page.goto('/plans/1');
  const first = await page.getByTestId('week').first().locator('a.title').first().getAttribute('href');
  const pages = ['/', '/plans', '/plans/1', '/plans/1/weeks/12/new', '/experiments', '/experiments?status=running', '/ideas', '/metrics',
    '/metrics/activation', '/layers', '/playbook', '/playbook?q=email', '/audit',
    ...(first ? [first, `${first}/edit`, `${first}/report`, `${first}/audit`] : [])];
  for (const path of pages) {
    await page.goto(path);
    await expectNoSidewaysScroll(page, path);
  }
});
