// buildReport's inputs to the users needed (the planned MDE, else the lift criterion's; the
// variants' weights; the control's observed rate when the metric has no baseline), the treatments
// the decision judges (never the control), a variant without users in the cumulative series, and
// the amended decision made on its own table: on a fresh seeded SQLite file per test.
import { describe, expect, it } from 'vitest';
import { useReportDatabase, type ReportRows } from '../../tests/helpers/report-rows.ts';
import type { Data } from '../../db/store/index.ts';
import { requiredSampleSize } from '../../stats/index.ts';
import { startExperiment, updateExperiment } from '../experiments/index.ts';
import { buildReport } from './build.ts';

const KEY = 'w01-onboarding-ebook-reminder'; // lift: activation +20%, p < 0.05; unsubscribe guardrail monitor only
const SEEDED_AT = new Date(2026, 10, 23, 9).getTime();
const START = Date.parse('2026-11-30T00:00:00Z');
const NOW = Date.parse('2026-12-20T12:00:00Z');

let data: Data;
let rows: ReportRows;
let experimentId: number;

useReportDatabase(SEEDED_AT, async (fresh, freshRows) => {
  data = fresh;
  rows = freshRows;
  experimentId = (await data.experiments.byKey(KEY))!.id;
});

const stopped = () => data.experiments.update(experimentId, { status: 'stopped', startedAtMs: START, stoppedAtMs: START + 14 * 86_400_000 });

/** control, guided and alt (alt sorts before control), weights 1/1/2, 8,000 users. */
async function threeArms(activation: { control: number; guided: number; alt: number }) {
  await data.experiments.upsertVariant(experimentId, { key: 'alt', name: 'Alternative', description: null, weight: 2, isControl: false, position: 2 });
  for (const { id: _id, experimentId: _e, ...v } of await data.experiments.variants(experimentId)) {
    await data.experiments.upsertVariant(experimentId, { ...v, weight: v.key === 'alt' ? 2 : 1 });
  }
  rows.synthetic({
    experimentId, users: 8000, seed: 9, startMs: START, days: 14,
    variants: [{ key: 'control', weight: 1 }, { key: 'guided', weight: 1 }, { key: 'alt', weight: 2 }],
    events: [{ name: 'activation', rate: activation }, { name: 'unsubscribe', rate: { control: 0.05, guided: 0.05, alt: 0.05 } }]
  });
}

async function setLift(minRelativeLift: number | null) {
  const criteria = await data.experiments.criteria(experimentId);
  await data.experiments.replaceCriteria(experimentId, criteria.map(({ id: _id, experimentId: _e, ...c }) => (c.kind === 'lift' ? { ...c, minRelativeLift } : c))
    .filter((c) => c.kind !== 'lift' || minRelativeLift !== null));
}

describe('the users needed', () => {
  it('from the planned MDE, else the lift criterion\'s, on the control\'s observed rate, for the arm with the smallest weight', async () => {
    await stopped();
    const activation = (await data.metrics.byKey('activation'))!;
    await data.metrics.update(activation.id, { baseline: null });
    await threeArms({ control: 0.1, guided: 0.1, alt: 0.2 });
    const needed = async (plannedMde: number | null, lift: number | null) => {
      await data.experiments.update(experimentId, { plannedMde });
      await setLift(lift);
      const report = await buildReport(data, KEY, {}, NOW);
      const control = report.metrics.find((m) => m.key === 'activation')!.arms.find((a) => a.variant === 'control')!;
      return { users: report.health.usersNeeded, control: control.mean };
    };
    // Weights 1, 1 and 2: the arms weighted 1 need perArm users each at weight 1.
    const expected = (mde: number, control: number) => Math.ceil(requiredSampleSize({ kind: 'proportion', baseline: control, mde, relative: true, alpha: 0.05 }) / 1);
    const a = await needed(0.3, 0.2);
    expect(a.users).toBe(expected(0.3, a.control!));
    const b = await needed(null, 0.2);
    expect(b.users).toBe(expected(0.2, b.control!));
    expect(a.users!).toBeLessThan(b.users!);
    const c = await needed(null, null);
    expect(c.users).toBeNull();
  });
});

describe('the decision judges the treatments only', () => {
  it('no reason speaks of the control as a variant to judge', async () => {
    await stopped();
    rows.synthetic({
      experimentId, users: 6000, seed: 4, startMs: START, days: 14,
      variants: [{ key: 'control', weight: 1 }, { key: 'guided', weight: 1 }],
      events: [{ name: 'activation', rate: { control: 0.12, guided: 0.12 } }, { name: 'unsubscribe', rate: { control: 0.05, guided: 0.05 } }]
    });
    const decision = (await buildReport(data, KEY, {}, NOW)).decision;
    expect(decision.outcome).not.toBe('ship');
    expect(decision.reasons.join('\n')).not.toMatch(/for control|control met|control:/);
    expect(decision.reasons.join('\n')).toMatch(/guided/);
  });
});

describe('the cumulative series', () => {
  it('a variant without users has its series, without a relative lift', async () => {
    await stopped();
    await data.experiments.upsertVariant(experimentId, { key: 'paused', name: 'Paused', description: null, weight: 0, isControl: false, position: 2 });
    rows.synthetic({
      experimentId, users: 2800, seed: 4, startMs: START, days: 14,
      variants: [{ key: 'control', weight: 1 }, { key: 'guided', weight: 1 }],
      events: [{ name: 'activation', rate: { control: 0.12, guided: 0.2 } }]
    });
    const report = await buildReport(data, KEY, {}, NOW);
    const paused = report.cumulative.find((s) => s.variant === 'paused')!;
    expect(paused.points).toHaveLength(14);
    expect(paused.points.every((p) => p.relative === null && p.ciLow === null && p.ciHigh === null)).toBe(true);
    expect(report.exploratory).toBe(false);
  });
});

describe('an amended decision', () => {
  it('is the decision the amended criteria make on their own table', async () => {
    const ctx = { actor: 'ana', nowMs: START };
    await startExperiment(data, KEY, ctx);
    rows.synthetic({
      experimentId, users: 6000, seed: 11, startMs: START, days: 14,
      variants: [{ key: 'control', weight: 1 }, { key: 'guided', weight: 1 }],
      events: [{ name: 'activation', rate: { control: 0.12, guided: 0.18 } }, { name: 'unsubscribe', rate: { control: 0.05, guided: 0.03 } }]
    });
    // The registered guardrail is monitor only; the amendment gives it a 5% margin.
    const criteria = (await data.experiments.criteria(experimentId)).map((c) => Object.fromEntries(Object.entries({
      kind: c.kind, metricKey: c.metricKey, minRelativeLift: c.minRelativeLift, maxPValue: c.maxPValue, description: c.description,
      maxRelativeDegradation: c.kind === 'guardrail' ? 0.05 : c.maxRelativeDegradation
    }).filter(([, v]) => v !== null))) as Parameters<typeof updateExperiment>[2]['successCriteria'];
    await updateExperiment(data, KEY, { successCriteria: criteria, amendmentReason: 'a margin for unsubscribes' }, { actor: 'ana', nowMs: START + 86_400_000 });
    const registered = await buildReport(data, KEY, {}, NOW);
    expect(registered.registration!.amendedCriteria!.find((c) => c.kind === 'guardrail')!.maxRelativeDegradation).toBe(0.05);
    // The same experiment without its registration decides by the amended criteria directly.
    await data.experiments.update(experimentId, { registration: null });
    const direct = await buildReport(data, KEY, {}, NOW);
    expect(registered.amendedDecision).toEqual(direct.decision);
    expect(registered.amendedDecision).not.toEqual(registered.decision);
  });
});
