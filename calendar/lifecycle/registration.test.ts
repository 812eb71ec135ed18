import { describe, expect, it } from 'vitest';
import type { Data } from '../../db/store/index.ts';
import { useSeededDatabase } from '../../tests/helpers/seeded-database.ts';
import { experimentRows, type ExperimentRows } from '../../tests/helpers/experiment-rows.ts';
import { createExperiment, getExperimentDetail, startExperiment, updateExperiment } from '../experiments/index.ts';
import { buildReport, countReportView } from '../reports/index.ts';
import { ConflictError } from '../errors.ts';
import { changedFields, registrationGap, RegistrationMissingError, type RegisteredPlan } from './registration.ts';
import { tick } from './scheduler.ts';
import { transition } from './transitions.ts';

const wednesday = new Date(2026, 10, 25, 10).getTime(); // the seeded plan starts Monday 30 Nov 2026
const monday = new Date(2026, 10, 30, 9).getTime();
const w01 = 'w01-onboarding-ebook-reminder';
const ctx = { actor: 'ana@example.com', nowMs: wednesday };
let data: Data;
let rows: ExperimentRows;
useSeededDatabase(wednesday, (db, fresh) => { data = fresh; rows = experimentRows(db); });

const lift = { kind: 'lift' as const, metricKey: 'activation', minRelativeLift: 0.2, maxPValue: 0.05, maxRelativeDegradation: null, description: 'lift' };
const plan: RegisteredPlan = {
  metrics: [{ key: 'activation', role: 'primary' }], criteria: [lift], plannedMde: 0.2,
  analysis: { mode: 'sequential', correction: 'holm', alpha: 0.05 }, exploratory: false
};

describe('registrationGap', () => {
  it.each<[string, Partial<RegisteredPlan>, string | null]>([
    ['primary metric and a criterion', {}, null],
    ['nothing', { metrics: [], criteria: [] }, 'it has no primary metric and no success criteria'],
    ['no criterion', { criteria: [] }, 'it has no success criteria'],
    ['only a secondary metric', { metrics: [{ key: 'activation', role: 'secondary' }] }, 'it has no primary metric'],
    ['nothing but exploratory', { metrics: [], criteria: [], exploratory: true }, null]
  ])('%s -> %j', (_name, change, gap) => expect(registrationGap({ ...plan, ...change })).toBe(gap));
});

describe('changedFields', () => {
  it.each<[string, Partial<RegisteredPlan>, string[]]>([
    ['nothing sent', {}, []],
    ['the same values, criteria in another order and reworded', { ...plan, criteria: [{ ...lift, description: 'other words' }] }, []],
    ['a lower bar', { criteria: [{ ...lift, minRelativeLift: 0.1 }] }, ['criteria']],
    ['a metric moved to another role', { metrics: [{ key: 'activation', role: 'secondary' }] }, ['metrics']],
    ['MDE and analysis', { plannedMde: 0.1, analysis: { mode: 'fixed', correction: 'holm', alpha: 0.05 } }, ['plannedMde', 'analysis']],
    ['exploratory', { exploratory: true }, ['exploratory']]
  ])('%s -> %j', (_name, after, fields) => expect(changedFields(plan, after)).toEqual(fields));
});

describe('starting needs a registration', () => {
  const bare = { key: 'bare', name: 'Bare', variants: [{ key: 'a' }, { key: 'b' }], metrics: { primary: ['activation'] } };

  it('refuses without criteria, naming what is missing; exploratory starts', async () => {
    await createExperiment(data, bare, ctx);
    const refused = startExperiment(data, 'bare', ctx);
    await expect(refused).rejects.toThrow(RegistrationMissingError);
    await expect(startExperiment(data, 'bare', ctx)).rejects.toThrow(/cannot start: it has no success criteria\. .*exploratory/);
    expect(rows.row('bare').status).toBe('draft');
    await updateExperiment(data, 'bare', { exploratory: true }, ctx);
    const started = await startExperiment(data, 'bare', ctx);
    expect(started.registration).toMatchObject({ registeredAtMs: wednesday, exploratory: true, criteria: [], amendments: [] });
  });

  it('freezes metrics, criteria, MDE and the analysis plan at the first start; a restart keeps them', async () => {
    await transition(data, w01, 'start', ctx);
    const { registration } = await getExperimentDetail(data, w01);
    expect(registration).toMatchObject({
      registeredAtMs: wednesday, plannedMde: 0.2, exploratory: false,
      analysis: { mode: 'sequential', correction: 'holm', alpha: 0.05 },
      metrics: expect.arrayContaining([{ key: 'activation', role: 'primary' }, { key: 'unsubscribe', role: 'guardrail' }]),
      criteria: [expect.objectContaining({ kind: 'lift', metricKey: 'activation', minRelativeLift: 0.2 }), expect.objectContaining({ kind: 'guardrail' })]
    });
    await transition(data, w01, 'stop', ctx);
    await transition(data, w01, 'start', { ...ctx, nowMs: wednesday + 1000 });
    expect((await getExperimentDetail(data, w01)).registration!.registeredAtMs).toBe(wednesday);
  });

  it('the scheduler leaves it scheduled with its dates, and logs why once', async () => {
    await updateExperiment(data, w01, { successCriteria: [] }, ctx);
    const first = await tick(data, monday);
    expect(first.started).not.toContain(w01);
    expect(first.failed).toEqual([{ key: w01, error: expect.stringMatching(/cannot start: it has no success criteria/) }]);
    await tick(data, monday + 3_600_000);
    await tick(data, monday + 20 * 86_400_000); // window passed: a start would move the date
    expect(rows.row(w01)).toMatchObject({ status: 'scheduled', startDate: '2026-11-30' });
    const refusals = rows.audit({ entityId: w01 }).filter((a) => a.action === 'experiment.start-refused');
    expect(refusals).toHaveLength(1);
    expect(refusals[0]).toMatchObject({ actor: 'system:scheduler', details: { reason: expect.stringMatching(/no success criteria/) } });
  });
});

describe('amendments', () => {
  const lower = [{ kind: 'lift' as const, metricKey: 'activation', minRelativeLift: 0.05, maxPValue: 0.05, description: 'activation +5%' }];

  it('refuses a change to what was registered without a reason, naming the fields', async () => {
    await startExperiment(data, w01, ctx);
    const change = updateExperiment(data, w01, { successCriteria: lower, plannedMde: 0.05 }, ctx);
    await expect(change).rejects.toThrow(ConflictError);
    await expect(updateExperiment(data, w01, { successCriteria: lower, plannedMde: 0.05 }, ctx))
      .rejects.toThrow(/changing criteria, plannedMde is an amendment and needs a reason \("amendmentReason"\)/);
    // Unregistered fields and unchanged registered ones need no reason.
    await updateExperiment(data, w01, { notes: 'typo fixed', plannedMde: 0.2 }, ctx);
    expect(rows.criteria(rows.row(w01).id).map((c) => c.minRelativeLift)).toEqual([0.2, null]);
  });

  it('with a reason: records who, when, before/after and the report views; the registration stays; the report decides by it', async () => {
    await startExperiment(data, w01, ctx);
    await countReportView(data, w01);
    await countReportView(data, w01);
    const later = { actor: 'ben@example.com', nowMs: wednesday + 86_400_000 };
    const detail = await updateExperiment(data, w01, { successCriteria: lower, amendmentReason: 'the +20% bar was a typo' }, later);
    expect(detail.successCriteria.map((c) => c.minRelativeLift)).toEqual([0.05]);
    expect(detail.registration!.criteria.map((c) => c.minRelativeLift)).toEqual([0.2, null]);
    expect(detail.registration!.amendments).toEqual([{
      id: expect.any(Number), experimentId: detail.id, atMs: later.nowMs, actor: 'ben@example.com', reason: 'the +20% bar was a typo',
      fields: ['criteria'], reportViews: 2,
      before: { criteria: expect.arrayContaining([expect.objectContaining({ minRelativeLift: 0.2 })]) },
      after: { criteria: [expect.objectContaining({ minRelativeLift: 0.05 })] }
    }]);

    const report = await buildReport(data, w01, {}, later.nowMs);
    expect(report.criteria.map((c) => c.minRelativeLift)).toEqual([0.2, null]);
    expect(report.registration).toMatchObject({ registeredAtMs: wednesday, amendments: [{ reason: 'the +20% bar was a typo', reportViews: 2 }] });
    expect(report.registration!.amendedCriteria!.map((c) => c.minRelativeLift)).toEqual([0.05]);
    expect(report.amendedDecision).not.toBeNull();
  });

  it('the analysis plan is amended too, and the report uses the amended correction', async () => {
    await startExperiment(data, w01, ctx);
    const analysis = { mode: 'fixed' as const, correction: 'bonferroni' as const, alpha: 0.01 };
    await expect(updateExperiment(data, w01, { analysis }, ctx)).rejects.toThrow(/changing analysis/);
    await updateExperiment(data, w01, { analysis, amendmentReason: 'one look only' }, ctx);
    const report = await buildReport(data, w01, {}, wednesday);
    expect([report.analysis, report.correction, report.alpha]).toEqual(['fixed', 'bonferroni', 0.01]);
    expect(report.amendedDecision).toBeNull();
  });
});
