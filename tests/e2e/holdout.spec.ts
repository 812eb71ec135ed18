import { expect, test, type APIRequestContext, type Page } from '@playwright/test';

/*
 * The program holdout panel and the program impact report (issue 16): set a holdout on the plan
 * page, see the power check warn when it is too small for the plan's goal, then see the impact
 * numbers (lift, CI, days needed) on the plan page and in the playbook, at 1280 and 390 px.
 * It makes its own plan and experiment (keys end with this run's id), so it depends on no other spec.
 */
const auth = () => ({ authorization: `Bearer ${process.env.E2E_ADMIN_KEY}` });
const run = Date.now().toString(36);

async function api(request: APIRequestContext, path: string, body?: unknown) {
  const res = await request.post(`/api/v1${path}`, { headers: auth(), data: body ?? {} });
  expect(res.status(), `${path}: ${await res.text()}`).toBeLessThan(300);
  return res.json();
}

/** Screenshots at 1280 and 390 px; at 390 the page must not scroll sideways. */
async function shoot(page: Page, name: string) {
  await page.setViewportSize({ width: 1280, height: 900 });
  await page.screenshot({ path: `test-results/holdout-${name}-1280.png`, fullPage: true });
  await page.setViewportSize({ width: 390, height: 844 });
  const sizes = await page.evaluate(() => ({ scroll: document.documentElement.scrollWidth, inner: window.innerWidth }));
  expect(sizes.scroll, `${name} scrolls sideways at ${sizes.inner} px`).toBeLessThanOrEqual(sizes.inner);
  await page.screenshot({ path: `test-results/holdout-${name}-390.png`, fullPage: true });
  await page.setViewportSize({ width: 1280, height: 900 });
}

test('holdout panel: the power check warns about a small holdout, then the impact shows lift, CI and days needed, also in the playbook', async ({ page, request }) => {
  test.setTimeout(180_000);
  const plan = await api(request, '/plans', { name: `Holdout e2e ${run}`, startDate: '2026-11-02', goal: '+20% e2e buys', dailyTraffic: { email: 1000 } });
  const metric = `e2e_buy_${run}`;
  await api(request, '/metrics', { key: metric, name: 'E2E buys', kind: 'binomial', eventName: metric, baseline: 0.12 });
  const key = `e2e-holdout-${run}`;
  await api(request, '/experiments', { key, name: 'E2E holdout test', exploratory: true, planId: plan.id,
    variants: [{ key: 'control' }, { key: 'treatment' }], metrics: { primary: [metric] } });

  // 1% of 1,000 a day cannot show +20% on a 12% rate in 84 days: said when it is saved, and on the panel.
  await page.goto(`/plans/${plan.id}`);
  await page.getByLabel('Holdout share (%, 0-20)').fill('1');
  await page.getByRole('button', { name: 'Save holdout' }).click();
  await expect(page.getByTestId('flash')).toContainText('Program holdout set: 1% of users stay out of this plan. Power check: the holdout is too small');
  await expect(page.getByTestId('power-warning')).toContainText(/too small to show \+20% \(the plan's goal\) in the plan's 84 days: with 1% held out .* on E2E buys/);
  await shoot(page, 'warning');

  // 20% is enough before any data; then users arrive through /assign and some buy.
  await page.getByLabel('Holdout share (%, 0-20)').fill('20');
  await page.getByRole('button', { name: 'Save holdout' }).click();
  await expect(page.getByTestId('flash')).toHaveText('✓ Program holdout set: 20% of users stay out of this plan.');
  await expect(page.getByTestId('power-warning')).toHaveCount(0);
  await api(request, `/experiments/${key}/start`);
  const events: Array<{ userId: string; event: string }> = [];
  for (let i = 0; i < 400; i++) {
    const userId = `e2e-h-${run}-${i}`;
    const assigned = await api(request, '/assign', { userId, experiments: [key] });
    const held = assigned.assignments[key].reason === 'holdout';
    if (i % 10 < (held ? 1 : 3)) events.push({ userId, event: metric });
  }
  await api(request, '/events', { events });
  await new Promise((resolve) => setTimeout(resolve, 50)); // the report counts events before its now

  await page.goto(`/plans/${plan.id}`);
  const impact = page.getByTestId('program-impact');
  await expect(impact.getByTestId('impact-row')).toHaveCount(1);
  await expect(impact.getByTestId('impact-row')).toContainText(/E2E buys\s*goal/);
  await expect(impact.getByTestId('impact-row')).toContainText(/[+-]\d+(\.\d)?% to \+\d+(\.\d)?%/); // a lift and its 95% CI
  await expect(impact.getByTestId('days-needed')).toContainText(/(about [\d,]+ more days?|enough: the holdout can show the expected lift now); the plan ends in \d+ days/);
  await expect(impact).toContainText('Days needed assume new plan users keep arriving');
  await shoot(page, 'impact');

  await page.goto('/playbook');
  const section = page.getByRole('region', { name: `Program impact of Holdout e2e ${run}` });
  await expect(section.getByTestId('impact-row')).toContainText('E2E buys');
  await expect(section.getByTestId('days-needed')).toBeVisible();
  await shoot(page, 'playbook');

  // The exports of the same numbers.
  const md = await request.get(`/plans/${plan.id}/impact.md`);
  expect(await md.text()).toContain(`# Program impact: Holdout e2e ${run}`);
});
