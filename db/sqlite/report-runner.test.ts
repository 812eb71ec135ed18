/**
 * The report runner: a file database's reports are computed on the analysis thread (its own
 * connection), equal to the same report built in process; concurrent requests share one
 * computation; an unknown key is the same NotFoundError; a split by an attribute nobody sent
 * is empty.
 */
import { eq } from 'drizzle-orm';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../tests/helpers/test-app.ts';
import { generateSynthetic } from '../../tests/reports/synthetic.ts';
import { experiments } from './schema.ts';
import { NotFoundError } from '../../calendar/errors.ts';
import { buildReport } from '../../calendar/reports/build.ts';
import { reportsFor } from './report-runner.ts';

const KEY = 'w01-onboarding-ebook-reminder';
const START = Date.parse('2026-11-30T00:00:00Z');
const NOW = Date.parse('2026-12-20T12:00:00Z');
let t: TestApp;

beforeEach(async () => {
  t = await createTestApp({ nowMs: NOW });
  const id = t.db.select().from(experiments).where(eq(experiments.key, KEY)).get()!.id;
  t.db.update(experiments).set({ status: 'stopped', startedAtMs: START, stoppedAtMs: START + 14 * 86_400_000 }).where(eq(experiments.id, id)).run();
  generateSynthetic(t.db.$client, {
    experimentId: id, users: 4000, seed: 5, startMs: START, days: 14,
    variants: [{ key: 'control', weight: 1 }, { key: 'guided', weight: 1 }],
    events: [{ name: 'activation', rate: { control: 0.1, guided: 0.16 } }],
    attributes: (i) => ({ channel: i % 2 ? 'email' : 'in-app' })
  });
});
afterEach(() => t.cleanup());

describe('reportsFor', () => {
  it('computes on a thread of its own for a database file, equal to the report built in process', async () => {
    const runner = reportsFor(t.db);
    expect(runner.threaded).toBe(true);
    expect(reportsFor(t.db)).toBe(runner); // one runner per connection
    const threaded = await runner.report(KEY, { correction: 'holm' }, NOW);
    const inProcess = await buildReport(t.data, KEY, { correction: 'holm' }, NOW);
    expect(threaded).toEqual(inProcess);
    expect(threaded.health.usersExposed).toBe(4000);
    expect(await runner.segments(KEY)).toEqual(['channel']);
  });

  it('shares one computation between requests in flight at once, and computes again afterwards', async () => {
    const runner = reportsFor(t.db);
    const [a, b] = await Promise.all([runner.report(KEY, {}, NOW), runner.report(KEY, {}, NOW + 1)]);
    expect(b).toBe(a); // the very same object: one computation
    expect(a.generatedAtMs).toBe(NOW);
    const later = await runner.report(KEY, {}, NOW + 2);
    expect(later).not.toBe(a);
    expect(later.generatedAtMs).toBe(NOW + 2);
    const other = runner.report(KEY, { correction: 'bonferroni' }, NOW);
    expect((await other).correction).toBe('bonferroni');
  });

  it('rejects an unknown experiment with the same NotFoundError as in process', async () => {
    const error = await reportsFor(t.db).report('no-such-experiment', {}, NOW).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NotFoundError);
    expect((error as NotFoundError).code).toBe('not_found');
    expect((error as Error).message).toBe("experiment 'no-such-experiment' was not found");
  });

  it('answers a split by an attribute nobody sent with an empty split, and splits by a real one', async () => {
    const runner = reportsFor(t.db);
    const none = await runner.report(KEY, { segment: 'country' }, NOW);
    expect(none.segments).toEqual({ attribute: 'country', caveat: expect.stringContaining('exploratory'), values: [] });
    const byChannel = await runner.report(KEY, { segment: 'channel' }, NOW);
    expect(byChannel.segments!.values.map((v) => [v.value, v.users]).sort()).toEqual([['email', 2000], ['in-app', 2000]]);
  });
});
