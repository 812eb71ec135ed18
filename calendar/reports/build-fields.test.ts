// buildReport's plumbing on a small seeded experiment (3,000 synthetic users over 14 days): the
// options and their defaults, the fields copied from the design, which metric is primary, the
// segment table (largest first, at most 20) and the cumulative series day by day.
import { describe, expect, it } from 'vitest';
import { useReportDatabase, type ReportRows } from '../../tests/helpers/report-rows.ts';
import type { Data, NewCriterion } from '../../db/store/index.ts';
import { buildReport } from './build.ts';
import { recordDecision } from './decisions.ts';

const KEY = 'w01-onboarding-ebook-reminder';
// A local Monday: plans count the server's calendar days.
const SEEDED_AT = new Date(2026, 10, 23, 9).getTime();
const START = Date.parse('2026-11-30T00:00:00Z');
const MID_RUN = Date.parse('2026-12-05T12:00:00Z');
const AFTER_END = Date.parse('2026-12-20T12:00:00Z');
const USERS = 3000;

let data: Data;
let rows: ReportRows;
let experimentId: number;

useReportDatabase(SEEDED_AT, async (fresh, freshRows) => {
  data = fresh;
  rows = freshRows;
  experimentId = (await data.experiments.byKey(KEY))!.id;
  await data.experiments.update(experimentId, { status: 'running', startedAtMs: START });
  rows.synthetic({
    experimentId, users: USERS, seed: 5, startMs: START, days: 14,
    variants: [{ key: 'control', weight: 1 }, { key: 'guided', weight: 1 }],
    events: [
      { name: 'activation', rate: { control: 0.12, guided: 0.18 } },
      { name: 'ebook_access', rate: { control: 0.2, guided: 0.2 } },
      { name: 'unsubscribe', rate: { control: 0.05, guided: 0.05 } }
    ],
    // 25 countries of different sizes (c0 the smallest); every 10th user has none.
    attributes: (i) => (i % 10 === 9 ? {} : { country: `c${Math.floor(Math.sqrt(i % 625))}` })
  });
});

describe('buildReport options', () => {
  it.each([
    ['running: sequential, Holm, alpha 0.05', MID_RUN, {}, ['sequential', 'holm', 0.05]],
    ['ended: fixed-horizon', AFTER_END, {}, ['fixed', 'holm', 0.05]],
    ['asked for: fixed while running, no correction, alpha 0.1', MID_RUN, { analysis: 'fixed' as const, correction: 'none' as const, alpha: 0.1 }, ['fixed', 'none', 0.1]],
    ['asked for: sequential after the end, Benjamini-Hochberg', AFTER_END, { analysis: 'sequential' as const, correction: 'benjamini-hochberg' as const }, ['sequential', 'benjamini-hochberg', 0.05]]
  ])('%s', async (_name, nowMs, options, [analysis, correction, alpha]) => {
    const report = await buildReport(data, KEY, options, nowMs);
    expect([report.analysis, report.correction, report.alpha, report.generatedAtMs]).toEqual([analysis, correction, alpha, nowMs]);
  });

  it('alpha decides significance: what is significant at 0.05 is not at 0.0001', async () => {
    const loose = (await buildReport(data, KEY, { analysis: 'fixed', correction: 'none' }, AFTER_END)).metrics[0]!.comparisons[0]!;
    const strict = (await buildReport(data, KEY, { analysis: 'fixed', correction: 'none', alpha: 1e-12 }, AFTER_END)).metrics[0]!.comparisons[0]!;
    expect(loose.pValue).toBe(strict.pValue);
    expect([loose.significant, strict.significant]).toEqual([true, false]);
  });

  it('copies the design: experiment, variants with the control marked, criteria as written', async () => {
    const report = await buildReport(data, KEY, {}, AFTER_END);
    const e = (await data.experiments.byId(experimentId))!;
    expect(report.experiment).toEqual({
      key: KEY, name: e.name, status: 'running', startDate: '2026-11-30', endDate: '2026-12-13', durationDays: 14,
      plannedMde: e.plannedMde, hypothesis: e.hypothesis
    });
    expect(report.variants.map((v) => [v.key, v.isControl])).toEqual([['control', true], ['guided', false]]);
    expect(report.criteria).toEqual([
      { kind: 'lift', metricKey: 'activation', description: '≥20% relative lift in activation; p < 0.05 (A/B test).', minRelativeLift: 0.2, maxPValue: 0.05, maxRelativeDegradation: null },
      { kind: 'guardrail', metricKey: 'unsubscribe', description: expect.stringMatching(/^Monitor only: unsubscribes must not rise significantly/), minRelativeLift: null, maxPValue: null, maxRelativeDegradation: null }
    ]);
    expect(report.recorded).toBeNull();
    const { recorded } = await recordDecision(data, KEY, { finalDecision: 'no-ship', rationale: 'Waiting for the legal review.', decidedBy: 'ana' }, AFTER_END);
    expect((await buildReport(data, KEY, {}, AFTER_END)).recorded).toEqual(recorded);
  });
});

/** Rewrites the experiment's success criteria (null drops one), keeping their order. */
async function editCriteria(edit: (c: NewCriterion) => NewCriterion | null) {
  const criteria = await data.experiments.criteria(experimentId);
  const edited = criteria.map(({ id: _id, experimentId: _e, ...c }) => edit(c)).filter((c): c is NewCriterion => c !== null);
  await data.experiments.replaceCriteria(experimentId, edited);
}

describe('which metric is primary', () => {
  it('the lift criterion\'s metric, even when another metric has the primary role', async () => {
    const ebook = (await data.metrics.byKey('ebook_access'))!;
    await editCriteria((c) => (c.kind === 'lift' ? { ...c, metricKey: 'ebook_access' } : c));
    const report = await buildReport(data, KEY, {}, AFTER_END);
    expect(report.cumulative.map((s) => [s.metric, s.variant])).toEqual([['ebook_access', 'guided']]);
    expect(report.decision.primary?.metric).toBe('ebook_access');
    expect(ebook.key).toBe('ebook_access');
  });

  it('without a lift criterion, the metric with the primary role', async () => {
    await editCriteria((c) => (c.kind === 'lift' ? null : c));
    expect((await buildReport(data, KEY, {}, AFTER_END)).cumulative.map((s) => s.metric)).toEqual(['activation']);
  });

  it('with neither, no cumulative series', async () => {
    await editCriteria((c) => (c.kind === 'lift' ? null : c));
    const links = await data.experiments.metricLinks(experimentId);
    await data.experiments.replaceMetricLinks(experimentId, links.map((l) => ({ metricId: l.metric.id, role: l.role === 'primary' ? 'secondary' : l.role })));
    const report = await buildReport(data, KEY, {}, AFTER_END);
    expect(report.cumulative).toEqual([]);
    expect(report.health.usersNeeded).toBeNull();
  });
});

describe('segments and the cumulative series', () => {
  it('no segment asked: none', async () => {
    expect((await buildReport(data, KEY, {}, AFTER_END)).segments).toBeNull();
  });

  it('the 20 largest values, largest first, users summed over the variants, each with its own metric table', async () => {
    const report = await buildReport(data, KEY, { segment: 'country' }, AFTER_END);
    const counts = rows.usersByAttribute(experimentId, 'country');
    expect(counts.length).toBeGreaterThan(20);
    const segments = report.segments!;
    expect(segments.attribute).toBe('country');
    expect(segments.caveat).toBe('Segment results are exploratory: p-values are not adjusted for the number of segments, and a segment was not a pre-registered criterion.');
    expect(segments.values).toHaveLength(20);
    expect(segments.values.map((v) => v.users)).toEqual(counts.slice(0, 20).map((c) => c.users));
    const kept = new Set(segments.values.map((v) => v.value));
    const smallestKept = Math.min(...segments.values.map((v) => v.users));
    for (const c of counts) if (!kept.has(c.value)) expect(c.users, c.value).toBeLessThanOrEqual(smallestKept);
    expect(segments.values[0]!.value).toBe('(none)');
    expect(kept.has('c0')).toBe(false);
    const largest = segments.values[1]!;
    expect(largest.metrics.map((m) => m.key)).toEqual(report.metrics.map((m) => m.key));
    expect(largest.metrics[0]!.arms.reduce((a, arm) => a + arm.users, 0)).toBe(largest.users);
  });

  it('one point per day with exposures, cumulative users, ending at the overall comparison', async () => {
    const report = await buildReport(data, KEY, { analysis: 'fixed' }, AFTER_END);
    const [series] = report.cumulative;
    expect(series!.points.map((p) => p.date)).toEqual(Array.from({ length: 14 }, (_, i) => new Date(START + i * 86_400_000).toISOString().slice(0, 10)));
    const users = series!.points.map((p) => p.users);
    expect(users.every((u, i) => i === 0 || u > users[i - 1]!)).toBe(true);
    expect(users.at(-1)).toBe(USERS);
    const overall = report.metrics[0]!.comparisons[0]!.relative!;
    expect(series!.points.at(-1)).toMatchObject({ relative: overall.estimate, ciLow: overall.ciLow, ciHigh: overall.ciHigh });
  });
});
