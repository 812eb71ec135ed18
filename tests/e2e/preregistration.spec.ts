import { expect, test, type Page } from '@playwright/test';

/** Screenshots at 1280 and 390 px; at 390 the page must not scroll sideways. */
async function shoot(page: Page, name: string) {
  await page.setViewportSize({ width: 1280, height: 900 });
  await page.screenshot({ path: `test-results/prereg-${name}-1280.png`, fullPage: true });
  await page.setViewportSize({ width: 390, height: 844 });
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  expect(overflow, `${name} scrolls sideways at 390 px`).toBeLessThanOrEqual(0);
  await page.screenshot({ path: `test-results/prereg-${name}-390.png`, fullPage: true });
  await page.setViewportSize({ width: 1280, height: 900 });
}

test('pre-registration: cannot start without criteria, a typo is a field error, amendments need a reason, overrides show', async ({ page }) => {
  test.setTimeout(120_000);
  // The starter plan's first screen: no conflicts, and week 1's power check passes.
  await page.goto('/');
  await expect(page.getByTestId('week')).toHaveCount(12);
  const warnings = page.getByTestId('warnings');
  if (await warnings.count()) await expect(warnings.locator('summary')).toContainText(/^0 conflicts/);
  await shoot(page, 'calendar');

  // 1. A new experiment without a primary metric or criteria cannot start.
  await page.goto('/plans/1/weeks/12/new');
  const editor = page.getByTestId('editor');
  await editor.getByLabel('Name', { exact: true }).fill('Prereg walk');
  await editor.getByLabel('Web', { exact: true }).check();
  await editor.getByLabel('Minimum relative lift (%)').fill('');
  await editor.getByRole('button', { name: 'Create draft experiment' }).click();
  await expect(page).toHaveURL(/\/experiments\/w12-prereg-walk$/);
  await expect(page.getByTestId('start-blocked')).toContainText('Cannot start yet: it has no primary metric and no success criteria');
  await page.getByRole('button', { name: 'Start now' }).click();
  await expect(page.getByRole('alert')).toContainText("experiment 'w12-prereg-walk' cannot start: it has no primary metric and no success criteria");
  await shoot(page, 'experiment-blocked');

  // 2. "abc" in the minimum lift is an error next to the field; nothing typed is lost.
  await page.goto('/experiments/w12-prereg-walk/edit');
  await editor.getByLabel('Primary metric').selectOption('signup');
  await editor.getByLabel('Minimum relative lift (%)').fill('abc');
  await expect(page.getByTestId('minLiftPercent-error')).toHaveText('Minimum lift must be a number between 0 and 1000%');
  await editor.getByRole('button', { name: 'Save' }).click(); // the browser refuses it (pattern)
  await expect(page).toHaveURL(/\/edit$/);
  await expect(editor.getByLabel('Minimum relative lift (%)')).toHaveValue('abc');
  await expect(editor.getByLabel('Primary metric')).toHaveValue('signup');
  await page.getByRole('heading', { level: 1 }).click(); // closes the browser's own validation bubble
  await expect(page.getByTestId('minLiftPercent-error')).toBeVisible();
  await shoot(page, 'editor-field-error');
  await editor.getByLabel('Minimum relative lift (%)').fill('10');
  await expect(page.getByTestId('minLiftPercent-error')).toHaveCount(0);
  await editor.getByRole('button', { name: 'Save' }).click();
  await expect(page).toHaveURL(/\/experiments\/w12-prereg-walk$/);

  // 3. Start, then change a criterion: asked for a reason; with one, the report marks the amendment.
  await page.getByRole('button', { name: 'Start now' }).click();
  await expect(page.getByTestId('status').first()).toHaveText(/running/i);
  await expect(page.getByTestId('registration')).toContainText('Pre-registered on');
  await page.goto('/experiments/w12-prereg-walk/report');
  await page.goto('/experiments/w12-prereg-walk/edit');
  await editor.getByLabel('Minimum relative lift (%)').fill('5');
  await editor.getByRole('button', { name: 'Save' }).click();
  await expect(page.getByRole('alert').first()).toContainText('changing criteria, plannedMde is an amendment and needs a reason');
  await expect(editor.getByLabel('Minimum relative lift (%)')).toHaveValue('5');
  await page.getByTestId('amendment-reason').fill('10% was a typo for 5%');
  await editor.getByRole('button', { name: 'Save' }).click();
  await expect(page).toHaveURL(/\/experiments\/w12-prereg-walk$/);
  await expect(page.getByTestId('amendments')).toContainText('Amended criteria, plannedMde');
  await expect(page.getByTestId('amendments')).toContainText('after 1 report view');
  await shoot(page, 'experiment-amended');
  await page.goto('/experiments/w12-prereg-walk/report');
  await expect(page.getByTestId('report-amendments')).toContainText('“10% was a typo for 5%”');
  await expect(page.getByTestId('amended-decision')).toContainText('By the amended criteria');

  // 4. A reviewer overrides the computed decision: the banner and the playbook card say so.
  await page.goto('/experiments/w12-prereg-walk');
  await page.getByTestId('confirm-conclude').locator('summary').click();
  await page.getByRole('button', { name: 'Conclude the test' }).click();
  await page.goto('/experiments/w12-prereg-walk/report');
  const decision = page.getByTestId('decision-form');
  await decision.getByLabel('Decision').selectOption('ship');
  await decision.getByLabel('Winning variant (for ship)').selectOption('treatment');
  await decision.getByLabel('Reviewer').fill('Rita');
  await decision.getByLabel('Rationale').fill('Qualitative feedback was strong');
  await decision.getByRole('button', { name: 'Record decision' }).click();
  await expect(decision.getByRole('status')).toHaveText('Decision recorded.');
  await page.reload();
  await expect(page.getByTestId('override')).toHaveText(/^Reviewer: Ship — computed: Inconclusive, because /);
  await shoot(page, 'report');
  await page.goto('/experiments/w12-prereg-walk');
  await page.getByTestId('promote-form').getByLabel('What did we learn?').fill('Social prompts for sign-ups need a longer test');
  await page.getByTestId('promote-form').getByRole('button', { name: 'Promote' }).click();
  await expect(page).toHaveURL(/\/playbook/);
  const card = page.getByTestId('playbook-entry').filter({ hasText: 'Prereg walk' });
  await expect(card.getByTestId('playbook-override')).toContainText('Reviewer: Ship — computed: Inconclusive: “Qualitative feedback was strong”');
  await shoot(page, 'playbook');
});
