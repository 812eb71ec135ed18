import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { reportDatabase, type ReportRows, type SyntheticSpec } from '../../tests/helpers/report-rows.ts';
import type { Data } from '../../db/store/index.ts';
import { buildReport } from './index.ts';

const KEY = 'w01-onboarding-ebook-reminder'; // activation ≥ +20%, p < 0.05; unsubscribe not > 5% worse
const SEEDED_AT = Date.parse('2026-11-23T09:00:00Z');
const START = Date.parse('2026-11-30T00:00:00Z');
const AFTER_END = Date.parse('2026-12-20T12:00:00Z');
const MID_RUN = Date.parse('2026-12-05T12:00:00Z');

let database: Awaited<ReturnType<typeof reportDatabase>>;
let data: Data;
let rows: ReportRows;
let experimentId: number;

async function freshDatabase() {
  database = await reportDatabase(SEEDED_AT);
  ({ data, rows } = database);
  experimentId = (await data.experiments.byKey(KEY))!.id;
  // The starter plan's unsubscribe guardrail is monitor only; these tests check a margin of 5%.
  const criteria = (await data.experiments.criteria(experimentId)).map(({ id: _id, experimentId: _e, ...c }) => c);
  await data.experiments.replaceCriteria(experimentId, criteria.map((c) => (c.kind === 'guardrail' ? { ...c, maxRelativeDegradation: 0.05 } : c)));
}

beforeEach(async () => {
  await freshDatabase();
  await data.experiments.update(experimentId, { status: 'running', startedAtMs: START });
});
afterEach(() => database.cleanup());

function simulate(activation: [number, number], options: Partial<SyntheticSpec> = {}) {
  rows.synthetic({
    experimentId, users: 20_000, seed: 7, startMs: START, days: 14,
    variants: [{ key: 'control', weight: 1 }, { key: 'guided', weight: 1 }],
    events: [
      { name: 'activation', rate: { control: activation[0], guided: activation[1] } },
      { name: 'ebook_access', rate: { control: 0.18, guided: 0.25 } },
      { name: 'activation_hours', rate: { control: 0.12, guided: 0.12 }, meanValue: { control: 30, guided: 30 } },
      { name: 'unsubscribe', rate: { control: 0.05, guided: 0.03 } }
    ],
    attributes: (i) => ({ segment: i % 3 === 0 ? 'new' : 'returning' }),
    ...options
  });
}

describe('buildReport decisions from raw events', () => {
  const cases: Array<[string, [number, number], Partial<SyntheticSpec>, number, string, string | null]> = [
    ['a strong effect ships the treatment', [0.12, 0.18], {}, AFTER_END, 'ship', 'guided'],
    ['no effect after the full run is no-ship', [0.12, 0.12], {}, AFTER_END, 'no-ship', null],
    ['a drop in activation is harmful', [0.12, 0.08], {}, AFTER_END, 'harmful', null],
    ['a 45/55 split blocks ship', [0.12, 0.18], { variants: [{ key: 'control', weight: 45 }, { key: 'guided', weight: 55 }] }, AFTER_END, 'inconclusive', null],
    ['little data mid-run is inconclusive', [0.12, 0.13], { users: 600 }, MID_RUN, 'inconclusive', null],
    ['an underpowered test that ended is inconclusive, not no-ship', [0.12, 0.12], { users: 600 }, AFTER_END, 'inconclusive', null]
  ];
  it.each(cases)('%s', async (_name, activation, spec, nowMs, outcome, winner) => {
    simulate(activation, spec);
    const report = await buildReport(data, KEY, {}, nowMs);
    expect(report.decision.outcome, report.decision.reasons.join('\n')).toBe(outcome);
    expect(report.decision.winningVariant).toBe(winner);
    expect(report.decision.reasons.length).toBeGreaterThan(0);
  });

  it('an ended test whose needed sample is unknown (no planned effect) is inconclusive, not no-ship', async () => {
    await data.experiments.update(experimentId, { plannedMde: null });
    const criteria = await data.experiments.criteria(experimentId);
    await data.experiments.replaceCriteria(experimentId, criteria.map(({ id: _id, experimentId: _e, ...c }) => ({ ...c, minRelativeLift: 0 })));
    simulate([0.12, 0.12], { users: 600 });
    const report = await buildReport(data, KEY, {}, AFTER_END);
    expect(report.health.usersNeeded).toBeNull();
    expect(report.decision.outcome).toBe('inconclusive');
  });

  it('a variant weighted 0 needs no users: the sample needed stays finite and sequential analysis works', async () => {
    await data.experiments.upsertVariant(experimentId, { key: 'paused', name: 'Paused arm', description: null, weight: 0, isControl: false, position: 2 });
    simulate([0.12, 0.18], { users: 4000 });
    const report = await buildReport(data, KEY, {}, MID_RUN);
    expect(Number.isFinite(report.health.usersNeeded)).toBe(true);
    const activation = report.metrics.find((m) => m.key === 'activation')!;
    expect(activation.notes.join(' ')).not.toMatch(/tuning|Infinity/);
    expect(activation.comparisons.map((c) => c.variant)).toContain('guided');
  });

  it('flags SRM, says why ship is blocked and still shows the metrics', async () => {
    simulate([0.12, 0.18], { variants: [{ key: 'control', weight: 45 }, { key: 'guided', weight: 55 }] });
    const report = await buildReport(data, KEY, {}, AFTER_END);
    expect(report.health.srm?.mismatch).toBe(true);
    expect(report.decision.blockedBySrm).toBe(true);
    expect(report.health.warnings.join(' ')).toMatch(/Sample ratio mismatch/);
    expect(report.metrics.find((m) => m.key === 'activation')?.comparisons[0].verdict).toBe('better');
  });

  it('says how many more users and days an underpowered running test needs', async () => {
    simulate([0.12, 0.13], { users: 600 });
    const report = await buildReport(data, KEY, {}, MID_RUN);
    expect(report.analysis).toBe('sequential');
    expect(report.decision.needed?.users).toBeGreaterThan(0);
    expect(report.decision.needed?.days).toBeGreaterThan(0);
    expect(report.decision.reasons[0]).toMatch(/more users/);
  });
});

describe('buildReport contents', () => {
  beforeEach(() => simulate([0.12, 0.18]));

  it('defaults to fixed-horizon analysis once ended and to Holm', async () => {
    const report = await buildReport(data, KEY, {}, AFTER_END);
    expect([report.analysis, report.correction]).toEqual(['fixed', 'holm']);
    const activation = report.metrics.find((m) => m.key === 'activation')!;
    expect(activation.arms.map((a) => a.variant)).toEqual(['control', 'guided']);
    expect(activation.arms[0].mean).toBeCloseTo(0.12, 1);
    expect(activation.comparisons[0].relative!.estimate).toBeGreaterThan(0.3);
    expect(activation.comparisons[0].chanceToBeatControl).toBeGreaterThan(0.99);
  });

  it('adjusts goal metrics as one family and leaves guardrails unadjusted', async () => {
    const bonferroni = await buildReport(data, KEY, { correction: 'bonferroni' }, AFTER_END);
    const none = await buildReport(data, KEY, { correction: 'none' }, AFTER_END);
    const goals = bonferroni.metrics.filter((m) => m.role !== 'guardrail').map((m) => m.comparisons[0]);
    expect(goals).toHaveLength(3);
    for (const c of goals) expect(c.adjustedPValue).toBeCloseTo(Math.min(1, 3 * c.pValue), 12);
    for (const m of none.metrics) expect(m.comparisons[0].adjustedPValue).toBe(m.comparisons[0].pValue);
    const guardrail = bonferroni.metrics.find((m) => m.key === 'unsubscribe')!.comparisons[0];
    expect(guardrail.adjustedPValue).toBe(guardrail.pValue);
  });

  it('a guardrail that cannot be shown within its limit keeps the decision inconclusive', async () => {
    database.cleanup();
    await freshDatabase();
    simulate([0.12, 0.18], { events: [{ name: 'activation', rate: { control: 0.12, guided: 0.18 } }, { name: 'unsubscribe', rate: { control: 0.05, guided: 0.05 } }] });
    const decision = (await buildReport(data, KEY, {}, AFTER_END)).decision;
    expect(decision.outcome).toBe('inconclusive');
    expect(decision.reasons.join(' ')).toMatch(/guardrail/i);

    // How many users it needs: the sample at which the one-sided test at the 5% margin has 80% power.
    const fixed = await buildReport(data, KEY, { analysis: 'fixed' }, AFTER_END);
    const unsubscribe = fixed.metrics.find((m) => m.key === 'unsubscribe')!;
    const c = unsubscribe.comparisons[0]!;
    const g = unsubscribe.guardrails[0]!;
    const se = (c.absolute.ciHigh - c.absolute.ciLow) / (2 * 1.959963984540054); // the 95% Wald interval's standard error
    const zAlpha = 1.6448536269514722; // one-sided 5%
    const zPower = 0.8416212335729143; // 80%
    expect(g.sampleScaleNeeded).toBeCloseTo(((zAlpha + zPower) * se / (0.05 * c.control)) ** 2, 6);
    expect(g.sampleScaleNeeded).toBeGreaterThan(1);
    const exposed = fixed.health.usersExposed;
    expect(fixed.decision.needed!.users).toBe(Math.ceil(exposed * g.sampleScaleNeeded!) - exposed);
    expect(fixed.decision.reasons[0]).toMatch(/about [\d,]+ more users .* are needed for that \(80% power in the final fixed-horizon test/);
  });

  it('sequential intervals are wider than fixed-horizon ones', async () => {
    const width = async (analysis: 'sequential' | 'fixed') => {
      const c = (await buildReport(data, KEY, { analysis }, AFTER_END)).metrics[0].comparisons[0];
      return c.relative!.ciHigh - c.relative!.ciLow;
    };
    expect(await width('sequential')).toBeGreaterThan(await width('fixed'));
  });

  it('checks the guardrail for non-inferiority', async () => {
    const g = (await buildReport(data, KEY, {}, AFTER_END)).metrics.find((m) => m.key === 'unsubscribe')!.guardrails[0];
    expect(g).toMatchObject({ variant: 'guided', maxRelativeDegradation: 0.05 });
    expect(typeof g.nonInferior).toBe('boolean');
  });

  it('splits by segment with the exploratory caveat', async () => {
    const report = await buildReport(data, KEY, { segment: 'segment' }, AFTER_END);
    expect(report.segments?.values.map((v) => v.value).sort()).toEqual(['new', 'returning']);
    expect(report.segments?.values.reduce((a, v) => a + v.users, 0)).toBe(20_000);
    expect(report.segments?.caveat).toMatch(/exploratory/);
  });

  it('has cumulative lift by day, ending at the overall users', async () => {
    const report = await buildReport(data, KEY, {}, AFTER_END);
    const series = report.cumulative[0];
    expect(series).toMatchObject({ metric: 'activation', variant: 'guided' });
    expect(series.points).toHaveLength(14);
    expect(series.points.at(-1)!.users).toBe(20_000);
    expect(series.points.at(-1)!.relative).toBeCloseTo(report.metrics[0].comparisons[0].relative!.estimate, 10);
  });

  it('reports health: days, users needed and exposures per day', async () => {
    const h = (await buildReport(data, KEY, {}, AFTER_END)).health;
    expect(h.usersExposed).toBe(20_000);
    expect(h.exposuresByDay).toHaveLength(14);
    expect(h.usersNeeded).toBeGreaterThan(0);
    expect(h.daysPlanned).toBe(14);
  });

  it('counts a variant with no exposures as 0 users, not an error', async () => {
    await data.experiments.upsertVariant(experimentId, { key: 'extra', name: 'Extra', description: null, weight: 0, isControl: false, position: 9 });
    const report = await buildReport(data, KEY, {}, AFTER_END);
    expect(report.metrics[0].arms.find((a) => a.variant === 'extra')?.users).toBe(0);
    expect(report.metrics[0].notes.join(' ')).toMatch(/not enough users/);
  });
});
