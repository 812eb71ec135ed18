import { expect, test } from '@playwright/test';
import { openSqliteFile } from '../../db/sqlite/inspect.ts';
import { generateSynthetic } from '../reports/synthetic.ts';

const KEY = 'e2e-report-demo';
const DAY = 86_400_000;

/**
 * Seeds one running experiment with a strong effect straight into the e2e server's database
 * (a second connection on the same WAL file): 20,000 users over 10 days.
 */
function seedExperiment(): void {
  const client = openSqliteFile(process.env.E2E_DATABASE_PATH!);
  client.pragma('busy_timeout = 5000');
  try {
    if (client.prepare('SELECT 1 FROM experiments WHERE key = ?').get(KEY)) return;
    const now = Date.now();
    const start = now - 10 * DAY;
    const id = Number(client.prepare(
      `INSERT INTO experiments (key, name, hypothesis, status, start_date, duration_days, started_at_ms, planned_mde)
       VALUES (?, 'Guided onboarding (report demo)', 'A guided flow raises activation.', 'running', ?, 14, ?, 0.2)`
    ).run(KEY, new Date(start).toISOString().slice(0, 10), start).lastInsertRowid);
    const variant = client.prepare('INSERT INTO variants (experiment_id, key, name, weight, is_control, position) VALUES (?, ?, ?, 0.5, ?, ?)');
    variant.run(id, 'control', 'Current onboarding', 1, 0);
    variant.run(id, 'guided', 'Guided onboarding', 0, 1);
    const link = client.prepare("INSERT INTO experiment_metrics (experiment_id, metric_id, role) SELECT ?, id, ? FROM metrics WHERE key = ?");
    link.run(id, 'primary', 'activation');
    link.run(id, 'secondary', 'ebook_access');
    link.run(id, 'guardrail', 'unsubscribe');
    const criterion = client.prepare(
      'INSERT INTO success_criteria (experiment_id, kind, metric_key, min_relative_lift, max_p_value, max_relative_degradation, description) VALUES (?, ?, ?, ?, ?, ?, ?)'
    );
    criterion.run(id, 'lift', 'activation', 0.2, 0.05, null, '≥20% relative lift in activation; p < 0.05.');
    criterion.run(id, 'guardrail', 'unsubscribe', null, null, 0.25, 'Unsubscribe rate not worse by more than 25%.');
    generateSynthetic(client, {
      experimentId: id, users: 20_000, seed: 11, startMs: start, days: 10, userPrefix: 'e2e-',
      variants: [{ key: 'control', weight: 1 }, { key: 'guided', weight: 1 }],
      events: [
        { name: 'activation', rate: { control: 0.12, guided: 0.18 } },
        { name: 'ebook_access', rate: { control: 0.18, guided: 0.22 } },
        { name: 'unsubscribe', rate: { control: 0.05, guided: 0.03 } }
      ],
      attributes: (i) => ({ segment: i % 3 === 0 ? 'new' : 'returning', channel: i % 2 ? 'email' : 'in-app' })
    });
  } finally {
    client.close();
  }
}

test.beforeAll(seedExperiment);

test('the report shows the decision, health, forest plot, cumulative chart and segments; exports open', async ({ page, request }) => {
  await page.goto(`/experiments/${KEY}`);
  await page.getByTestId('report-link').click();
  await expect(page).toHaveURL(new RegExp(`/experiments/${KEY}/report$`));

  const banner = page.getByTestId('decision-banner');
  await expect(banner).toContainText('Ship');
  await expect(banner).toContainText('guided');
  await expect(page.getByTestId('health-panel')).toContainText('Sample ratio');
  await expect(page.getByTestId('forest-plot').locator('circle')).toHaveCount(3); // activation, ebook_access, unsubscribe × guided
  await expect(page.getByTestId('metric-table').first()).toContainText('7-day activation rate');
  await expect(page.getByTestId('cumulative-chart').locator('path.line')).toHaveCount(1);
  await expect(page.getByTestId('guardrails')).toContainText('within the limit');
  await page.screenshot({ path: 'test-results/report-desktop.png', fullPage: true });

  await page.setViewportSize({ width: 390, height: 844 });
  await page.reload();
  await expect(banner).toBeVisible();
  await page.screenshot({ path: 'test-results/report-mobile.png', fullPage: true });
  // Close-ups at phone width, to check the charts and the table are readable there.
  await page.getByTestId('forest-plot').screenshot({ path: 'test-results/report-mobile-forest.png' });
  await page.getByTestId('metric-table').first().screenshot({ path: 'test-results/report-mobile-table.png' });
  await page.setViewportSize({ width: 1280, height: 900 });

  await page.getByRole('navigation', { name: 'Segments' }).getByRole('link', { name: 'segment' }).click();
  await expect(page).toHaveURL(/segment=segment/);
  await expect(page.getByText('Segment results are exploratory')).toBeVisible();
  await expect(page.getByRole('heading', { name: /segment = new/ })).toBeVisible();

  const md = await request.get(`/experiments/${KEY}/report/results.md`);
  expect(md.headers()['content-type']).toMatch(/text\/markdown/);
  expect(await md.text()).toContain('**Decision: Ship — guided**');
  const csv = await request.get(`/experiments/${KEY}/report/results.csv`);
  expect((await csv.text()).split('\r\n')[0]).toMatch(/^segment,metric_key,metric_name/);
});

test('a reviewer records a different final decision with a rationale', async ({ page }) => {
  await page.goto(`/experiments/${KEY}/report`);
  const form = page.getByTestId('decision-form');
  await form.getByLabel('Decision').selectOption('no-ship');
  await form.getByLabel('Reviewer').fill('Ana Reviewer');
  await form.getByLabel('Rationale').fill('The e-book licence ends next month; not worth shipping.');
  await form.getByRole('button', { name: 'Record decision' }).click();
  await expect(page.getByRole('status')).toHaveText('Decision recorded.');
  // It differs from the computed one, so it leads the banner with the computed decision beside it.
  await expect(page.getByTestId('override')).toContainText(/^Reviewer: Do not ship — computed: /);
  await expect(page.getByTestId('recorded-decision')).toContainText('Ana Reviewer');

  await form.getByLabel('Decision').selectOption('harmful');
  await form.getByLabel('Reviewer').fill('Bo');
  await form.getByLabel('Rationale').fill('no');
  await form.getByRole('button', { name: 'Record decision' }).click();
  await expect(page.getByRole('alert')).toContainText('rationale of at least 10 characters');
});
