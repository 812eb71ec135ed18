import { expect, test, type Page } from '@playwright/test';

/*
 * The metrics form's per-kind fields (issue 16's kinds, issue 13 item 2): retention's window
 * start and extra events, a threshold's count, a ratio's denominator aggregate, and the
 * direction that defaults to "decreases" for time to event as the API does. A field the kind
 * needs, or that does not parse, is an error in plain words next to it, with nothing typed lost.
 * Its metric keys end with a per-run suffix, so it does not depend on the order of the specs.
 */
const run = Date.now().toString(36);

async function shoot(page: Page, name: string) {
  await page.setViewportSize({ width: 1280, height: 900 });
  await page.screenshot({ path: `test-results/ui-${name}-1280.png`, fullPage: true });
  await page.setViewportSize({ width: 390, height: 844 });
  const sizes = await page.evaluate(() => ({ scroll: document.documentElement.scrollWidth, inner: window.innerWidth }));
  expect(sizes.scroll, `${name} scrolls sideways at ${sizes.inner} px`).toBeLessThanOrEqual(sizes.inner);
  await page.screenshot({ path: `test-results/ui-${name}-390.png`, fullPage: true });
  await page.setViewportSize({ width: 1280, height: 900 });
}

test('the metric form: per-kind fields, their errors in words, direction by kind', async ({ page }) => {
  test.setTimeout(90_000);
  await page.goto('/metrics');
  const form = page.getByTestId('metric-form');
  const direction = form.getByLabel('Better when it');

  // Direction follows the kind until the planner picks one.
  await expect(direction).toHaveValue('increase');
  await form.getByLabel('Kind').selectOption('time_to_event');
  await expect(direction).toHaveValue('decrease');
  await form.getByLabel('Kind').selectOption('count');
  await expect(direction).toHaveValue('increase');

  // A ratio: the denominator event and what it counts.
  await form.getByLabel('Kind').selectOption('ratio');
  await expect(form.getByLabel('Denominator event', { exact: true })).toBeVisible();
  await expect(form.getByLabel('Denominator counts')).toHaveValue('sum');
  await shoot(page, 'metric-form-ratio');

  // Retention: window start and extra events; a start at or after the window's end is an error next to it.
  const retention = `ui_return_${run}`;
  await form.getByLabel('Kind').selectOption('retention');
  await form.getByLabel('Key').fill(retention);
  await form.getByLabel('Name').fill('UI came back days 7-14');
  await form.getByLabel('Event', { exact: true }).fill('session_start');
  await form.getByLabel('Also counts as a return').fill('purchase, ebook_access');
  await form.getByLabel('From day').fill('14');
  await form.getByRole('button', { name: 'Create metric' }).click();
  await expect(form.locator('.field-error')).toHaveText('A retention metric needs a window: the last day a return counts, such as 14');
  await expect(form.getByLabel('Window (days)')).toHaveAttribute('aria-invalid', 'true');
  await form.getByLabel('Window (days)').fill('14');
  await form.getByRole('button', { name: 'Create metric' }).click();
  await expect(form.locator('.field-error')).toHaveText("From day must be below the window's last day (14): the window is days 14 to 14");
  // Nothing typed is lost, the kind's fields included.
  await expect(form.getByLabel('Kind')).toHaveValue('retention');
  await expect(form.getByLabel('Also counts as a return')).toHaveValue('purchase, ebook_access');
  await expect(form.getByLabel('From day')).toHaveValue('14');
  await shoot(page, 'metric-form-error');
  await form.getByLabel('From day').fill('7');
  await form.getByRole('button', { name: 'Create metric' }).click();
  await expect(page).toHaveURL(new RegExp(`/metrics/${retention}$`));
  const saved = page.getByTestId('metric-form');
  await expect(saved.getByLabel('From day')).toHaveValue('7');
  await expect(saved.getByLabel('Also counts as a return')).toHaveValue('purchase, ebook_access');

  // A threshold: its count must be a whole number.
  await page.goto('/metrics');
  await form.getByLabel('Kind').selectOption('threshold');
  await form.getByLabel('Key').fill(`ui_repeat_${run}`);
  await form.getByLabel('Name').fill('UI repeat purchase');
  await form.getByLabel('Event', { exact: true }).fill('purchase');
  await form.getByLabel('At least (events)').fill('1.5');
  await form.getByRole('button', { name: 'Create metric' }).click();
  await expect(form.locator('.field-error')).toHaveText('At least must be a whole number of events from 1 to 1000');
  await expect(form.getByLabel('At least (events)')).toHaveValue('1.5');

  // Time to event, direction untouched: stored as "decreases", as the API would.
  const tte = `ui_tta_${run}`;
  await page.goto('/metrics');
  await form.getByLabel('Kind').selectOption('time_to_event');
  await form.getByLabel('Key').fill(tte);
  await form.getByLabel('Name').fill('UI time to activation');
  await form.getByLabel('Event', { exact: true }).fill('activation');
  await form.getByLabel('Window (days)').fill('14');
  await form.getByRole('button', { name: 'Create metric' }).click();
  await expect(page).toHaveURL(new RegExp(`/metrics/${tte}$`));
  await expect(page.getByTestId('metric-form').getByLabel('Better when it')).toHaveValue('decrease');
});
