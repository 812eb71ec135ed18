import { expect, test } from '@playwright/test';

test('the calendar shows the 12 seeded weeks and opens the week-1 experiment', async ({ page }) => {
  await page.goto('/');
  await expect(page.getByRole('heading', { level: 1 })).toContainText('90-day test calendar');
  await expect(page.getByTestId('week')).toHaveCount(12);
  const week1 = page.getByTestId('week').first();
  await expect(week1).toContainText('Week 1');
  await expect(week1).toContainText('Onboarding reminder about e-book access');
  await expect(week1).toContainText('In-app + Email');
  await page.screenshot({ path: 'test-results/calendar.png', fullPage: true });

  await week1.getByRole('link', { name: /Onboarding reminder/ }).click();
  await expect(page).toHaveURL(/\/experiments\/w01-onboarding-ebook-reminder$/);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Onboarding reminder about e-book access');
  await expect(page.getByText('Increase 7-day activation by +20% over baseline.')).toBeVisible();
  await expect(page.getByText('relative lift ≥ 20%, p < 0.05')).toBeVisible();
  // Half of the in-app traffic (its layer slice) less the plan's 5% program holdout is enough for
  // week 1; the unsubscribe guardrail is monitor only.
  await expect(page.getByTestId('power')).toContainText('needs 9 days at 713 users/day');
  await expect(page.getByTestId('holdout-share')).toContainText('5% of users are held out of every test of the plan');
  await expect(page.getByTestId('guardrail-power')).toHaveCount(0);
  await expect(page.getByText(/Monitor only: unsubscribes must not rise significantly/)).toBeVisible();
  await page.screenshot({ path: 'test-results/experiment.png', fullPage: true });
});

test('an unknown experiment page is a 404, and the API answers JSON beside the UI', async ({ page, request }) => {
  const response = await page.goto('/experiments/not-a-real-one');
  expect(response?.status()).toBe(404);
  const health = await request.get('/api/v1/health');
  expect(health.status()).toBe(200);
  expect(await health.json()).toMatchObject({ status: 'ok' });
});

test('loading the starter template again from the UI opens the seeded plan and adds none', async ({ page }) => {
  await page.goto('/plans');
  const plansBefore = await page.locator('ul.plans > li').count();
  await page.getByRole('button', { name: 'Load the starter 90-day calendar' }).click();
  await expect(page).toHaveURL(/\/plans\/1$/);
  await expect(page.getByRole('heading', { level: 1 })).toContainText('90-day test calendar');
  await page.goto('/plans');
  await expect(page.locator('ul.plans > li')).toHaveCount(plansBefore);
});
