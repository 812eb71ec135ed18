// Reviewer decisions, the promotion view of them, metric edits, segments and the report design,
// on a fresh seeded SQLite file per test with synthetic traffic for the week-1 experiment
// (activation 12% -> 18%, unsubscribe 5% -> 3%: the computed decision ships 'guided').
import { describe, expect, it } from 'vitest';
import { useReportDatabase, type ReportRows } from '../../tests/helpers/report-rows.ts';
import type { Data } from '../../db/store/index.ts';
import { ConflictError, InvalidInputError, NotFoundError } from '../errors.ts';
import { buildReport, hasEnded } from './build.ts';
import { decisionHistory, latestDecision, recordDecision } from './decisions.ts';
import { loadReportDesign, type ReportDesign } from './load.ts';
import { updateMetric } from './metric-definitions.ts';
import { availableSegments } from './segments.ts';

const KEY = 'w01-onboarding-ebook-reminder';
// Local times: plans count the server's calendar days (a Monday here is a Monday in every time zone).
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
  await data.experiments.update(experimentId, { status: 'stopped', startedAtMs: START, stoppedAtMs: START + 14 * 86_400_000 });
});

function traffic(arms: Array<{ key: string; activation: number }>, users = 6000) {
  rows.synthetic({
    experimentId, users, seed: 11, startMs: START, days: 14,
    variants: arms.map((a) => ({ key: a.key, weight: 1 })),
    events: [
      { name: 'activation', rate: Object.fromEntries(arms.map((a) => [a.key, a.activation])) },
      { name: 'unsubscribe', rate: Object.fromEntries(arms.map((a) => [a.key, a.key === 'control' ? 0.05 : 0.03])) }
    ],
    attributes: (i) => ({ channel: i % 2 ? 'email' : 'in-app' })
  });
}
const shipTraffic = () => traffic([{ key: 'control', activation: 0.12 }, { key: 'guided', activation: 0.18 }]);
const audits = () => data.audit.list({ action: 'experiment.decision' });

describe('recordDecision', () => {
  it('a "ship" that follows the computed decision takes its winner, needs no long rationale, and is audited in full', async () => {
    shipTraffic();
    const { recorded, computed } = await recordDecision(data, KEY, { finalDecision: 'ship', rationale: 'ok', decidedBy: 'ana' }, NOW);
    expect(computed).toMatchObject({ outcome: 'ship', winningVariant: 'guided' });
    expect(recorded).toEqual({
      id: recorded.id, computedDecision: 'ship', finalDecision: 'ship', winningVariantKey: 'guided', rationale: 'ok', decidedBy: 'ana', decidedAtMs: NOW
    });
    const [audit] = await audits();
    expect(audit).toMatchObject({ actor: 'ana', entityType: 'experiment', entityId: KEY, atMs: NOW });
    expect(audit!.details).toEqual({
      decisionId: recorded.id, computed: 'ship', computedWinner: 'guided', final: 'ship', winner: 'guided', decidedBy: 'ana',
      overridden: false, rationale: 'ok', reasons: computed.reasons, primary: computed.primary, srmAcknowledged: false
    });
  });

  it('the audit actor can differ from who decided', async () => {
    shipTraffic();
    await recordDecision(data, KEY, { finalDecision: 'ship', rationale: 'ok', decidedBy: 'ana', actor: 'key:ci' }, NOW);
    expect((await audits())[0]).toMatchObject({ actor: 'key:ci', details: { decidedBy: 'ana' } });
  });

  it('an override needs a rationale of at least 10 characters, spaces not counted', async () => {
    shipTraffic();
    const message = 'the final decision differs from the computed one (ship); write a rationale of at least 10 characters';
    await expect(recordDecision(data, KEY, { finalDecision: 'no-ship', rationale: '  123456789  ', decidedBy: 'bo' }, NOW))
      .rejects.toThrow(new InvalidInputError(message));
    const { recorded } = await recordDecision(data, KEY, { finalDecision: 'no-ship', rationale: '1234567890', decidedBy: 'bo' }, NOW);
    expect(recorded).toMatchObject({ computedDecision: 'ship', finalDecision: 'no-ship', winningVariantKey: null });
    expect((await audits())[0]!.details).toMatchObject({ overridden: true, winner: null, computedWinner: 'guided' });
  });

  it('"ship" with another treatment than the computed winner is an override', async () => {
    await data.experiments.upsertVariant(experimentId, { key: 'alt', name: 'Alternative', description: null, weight: 1, isControl: false, position: 2 });
    for (const { id: _id, experimentId: _e, ...v } of await data.experiments.variants(experimentId)) {
      await data.experiments.upsertVariant(experimentId, { ...v, weight: 1 }); // a third each: no sample ratio mismatch
    }
    traffic([{ key: 'control', activation: 0.12 }, { key: 'guided', activation: 0.18 }, { key: 'alt', activation: 0.13 }], 9000);
    await expect(recordDecision(data, KEY, { finalDecision: 'ship', winningVariantKey: 'alt', rationale: 'short', decidedBy: 'bo' }, NOW))
      .rejects.toThrow(/differs from the computed one \(ship\)/);
    const { recorded } = await recordDecision(data, KEY, { finalDecision: 'ship', winningVariantKey: 'alt', rationale: 'Cheaper to build.', decidedBy: 'bo' }, NOW);
    expect(recorded.winningVariantKey).toBe('alt');
    expect((await audits())[0]!.details).toMatchObject({ overridden: true, winner: 'alt', computedWinner: 'guided' });
    // What promotion reads: the reviewer's winner, with that variant's own primary result.
    const latest = await latestDecision(data, KEY, NOW);
    const report = await buildReport(data, KEY, {}, NOW);
    const alt = report.metrics.find((m) => m.key === 'activation')!.comparisons.find((c) => c.variant === 'alt')!;
    expect(latest).toEqual({
      experimentKey: KEY, computed: 'ship', computedWinningVariant: 'guided', final: recorded, winningVariant: 'alt',
      primary: { metric: 'activation', variant: 'alt', relativeLift: alt.relative!.estimate, ciLow: alt.relative!.ciLow, ciHigh: alt.relative!.ciHigh, pValue: alt.adjustedPValue }
    });
    expect(latest.primary!.relativeLift).not.toBe(report.decision.primary!.relativeLift);
  });

  it.each([
    ['"ship" without a winner when none won', {}, () => traffic([{ key: 'control', activation: 0.12 }, { key: 'guided', activation: 0.12 }], 600),
      new InvalidInputError('a "ship" decision needs winningVariantKey (no variant won mechanically)')],
    ['"ship" of the control', { winningVariantKey: 'control' }, shipTraffic,
      new InvalidInputError(`winningVariantKey 'control' is not a treatment variant of '${KEY}' (one of: guided)`)],
    ['"ship" of a variant the experiment does not have', { winningVariantKey: 'other' }, shipTraffic,
      new InvalidInputError(`winningVariantKey 'other' is not a treatment variant of '${KEY}' (one of: guided)`)]
  ])('rejects %s', async (_name, extra, setup, error) => {
    setup();
    await expect(recordDecision(data, KEY, { finalDecision: 'ship', rationale: 'A long enough rationale.', decidedBy: 'bo', ...extra }, NOW)).rejects.toThrow(error);
    expect(await decisionHistory(data, KEY)).toEqual([]);
    expect(await audits()).toEqual([]);
  });

  it('"ship" under a sample ratio mismatch needs acknowledgeSrm, and the audit says it was acknowledged', async () => {
    shipTraffic();
    rows.moveExposures('control', 'guided', 6);
    const input = { finalDecision: 'ship' as const, winningVariantKey: 'guided', rationale: 'Logging bug found and fixed.', decidedBy: 'bo' };
    await expect(recordDecision(data, KEY, input, NOW)).rejects.toThrow(new ConflictError(
      'a sample ratio mismatch is flagged: explain it in the rationale and send acknowledgeSrm: true to record "ship" anyway'));
    await expect(recordDecision(data, KEY, { ...input, acknowledgeSrm: false }, NOW)).rejects.toThrow(ConflictError);
    const { computed } = await recordDecision(data, KEY, { ...input, acknowledgeSrm: true }, NOW);
    expect(computed.blockedBySrm).toBe(true);
    expect((await audits())[0]!.details).toMatchObject({ srmAcknowledged: true, overridden: true });
  });

  it('"no-ship" under a sample ratio mismatch needs no acknowledgement', async () => {
    shipTraffic();
    rows.moveExposures('control', 'guided', 6);
    expect((await recordDecision(data, KEY, { finalDecision: 'no-ship', rationale: 'The split is broken.', decidedBy: 'bo' }, NOW)).recorded.finalDecision).toBe('no-ship');
  });

  it('an unknown experiment is not found', async () => {
    await expect(recordDecision(data, 'nope', { finalDecision: 'no-ship', rationale: 'x', decidedBy: 'bo' }, NOW)).rejects.toThrow(new NotFoundError('experiment', 'nope'));
  });
});

describe('decisionHistory and latestDecision', () => {
  it('without a recorded decision: the computed winner and its primary result', async () => {
    shipTraffic();
    const report = await buildReport(data, KEY, {}, NOW);
    expect(await latestDecision(data, KEY, NOW)).toEqual({
      experimentKey: KEY, computed: 'ship', computedWinningVariant: 'guided', final: null, winningVariant: 'guided', primary: report.decision.primary
    });
    expect(report.decision.primary).toMatchObject({ metric: 'activation', variant: 'guided' });
  });

  it('a recorded "no-ship" has no winner, newest decision first in the history', async () => {
    shipTraffic();
    const first = (await recordDecision(data, KEY, { finalDecision: 'ship', rationale: 'ok', decidedBy: 'ana' }, NOW)).recorded;
    const second = (await recordDecision(data, KEY, { finalDecision: 'no-ship', rationale: 'Legal flagged the copy.', decidedBy: 'bo' }, NOW + 1000)).recorded;
    expect(await decisionHistory(data, KEY)).toEqual([second, first]);
    const latest = await latestDecision(data, KEY, NOW);
    expect(latest).toMatchObject({ computed: 'ship', computedWinningVariant: 'guided', final: second, winningVariant: null });
    expect(latest.primary).toEqual((await buildReport(data, KEY, {}, NOW)).decision.primary);
  });

  it('the history of an unknown experiment is not found; of another experiment, empty', async () => {
    await expect(decisionHistory(data, 'nope')).rejects.toThrow(new NotFoundError('experiment', 'nope'));
    expect(await decisionHistory(data, 'w02-email-subject-line')).toEqual([]);
  });
});

describe('updateMetric', () => {
  const ctx = { actor: 'ana', nowMs: NOW };
  const metricAudit = () => data.audit.list({ action: 'metric.update', entityId: 'activation' });

  it('changes the given fields, stamps the time and audits each change from and to', async () => {
    const row = await updateMetric(data, 'activation', { name: 'Activation (14 days)', windowDays: 14 }, ctx);
    expect(row).toMatchObject({ key: 'activation', name: 'Activation (14 days)', windowDays: 14, updatedAtMs: NOW, denominatorEventName: null });
    expect(await metricAudit()).toEqual([expect.objectContaining({
      actor: 'ana', entityType: 'metric', atMs: NOW,
      details: { changed: { name: { from: '7-day activation rate', to: 'Activation (14 days)' }, windowDays: { from: 7, to: 14 } } }
    })]);
  });

  it('a ratio keeps its denominator; another kind drops it', async () => {
    expect(await updateMetric(data, 'activation', { kind: 'ratio', denominatorEventName: 'signup' }, ctx)).toMatchObject({ kind: 'ratio', denominatorEventName: 'signup' });
    expect(await updateMetric(data, 'activation', { name: 'Still a ratio' }, ctx)).toMatchObject({ kind: 'ratio', denominatorEventName: 'signup' });
    expect(await updateMetric(data, 'activation', { kind: 'binomial' }, ctx)).toMatchObject({ kind: 'binomial', denominatorEventName: null });
    // A setting the kind does not read is refused rather than stored unread.
    await expect(updateMetric(data, 'activation', { denominatorEventName: 'signup' }, ctx))
      .rejects.toThrow(new InvalidInputError('denominatorEventName is for ratio metrics only, not binomial'));
  });

  it.each([
    ['a ratio without a denominator', 'activation', { kind: 'ratio' as const }, new InvalidInputError('a ratio metric needs denominatorEventName')],
    ['a ratio whose denominator is removed', 'activation', { kind: 'ratio' as const, denominatorEventName: null }, new InvalidInputError('a ratio metric needs denominatorEventName')],
    ['an unknown metric', 'nope', { name: 'x' }, new NotFoundError('metric', 'nope')]
  ])('rejects %s and changes nothing', async (_name, key, input, error) => {
    const before = await data.metrics.list();
    await expect(updateMetric(data, key, input, ctx)).rejects.toThrow(error);
    expect(await data.metrics.list()).toEqual(before);
    expect(await metricAudit()).toEqual([]);
  });
});

describe('report design and segments', () => {
  it('metrics by role (primary, secondary, guardrail) then key; variants by position; the marked control', async () => {
    const design = await loadReportDesign(data, KEY);
    expect(design.metrics.map((m) => [m.role, m.key])).toEqual([
      ['primary', 'activation'], ['secondary', 'ebook_access'], ['secondary', 'time_to_activation'], ['guardrail', 'unsubscribe']
    ]);
    expect(design.variants.map((v) => v.key)).toEqual(['control', 'guided']);
    expect(design.control.key).toBe('control');
    expect(design.criteria.map((c) => c.kind)).toEqual(['lift', 'guardrail']);
    expect(design.experiment).toMatchObject({ key: KEY, endDate: '2026-12-13' });
  });

  it('without a marked control the first variant by position is the control', async () => {
    for (const { id: _id, experimentId: _e, ...v } of await data.experiments.variants(experimentId)) {
      await data.experiments.upsertVariant(experimentId, { ...v, isControl: false, position: v.key === 'control' ? 5 : v.position });
    }
    const design = await loadReportDesign(data, KEY);
    expect(design.variants.map((v) => v.key)).toEqual(['guided', 'control']);
    expect(design.control.key).toBe('guided');
  });

  it('segments are the exposure attributes; an unknown experiment is not found', async () => {
    shipTraffic();
    expect(await availableSegments(data, KEY)).toEqual(['channel']);
    expect(await availableSegments(data, 'w02-email-subject-line')).toEqual([]);
    await expect(availableSegments(data, 'nope')).rejects.toThrow(new NotFoundError('experiment', 'nope'));
    await expect(loadReportDesign(data, 'nope')).rejects.toThrow(new NotFoundError('experiment', 'nope'));
  });

  // Instants without a zone are local times: hasEnded compares the server's calendar day.
  const ended: Array<[string, string, string | null, string, boolean]> = [
    ['stopped', 'stopped', '2026-12-31', '2026-12-01T00:00:00', true],
    ['concluded', 'concluded', null, '2026-12-01T00:00:00', true],
    ['promoted', 'promoted', null, '2026-12-01T00:00:00', true],
    ['running, the day after its end date', 'running', '2026-12-13', '2026-12-14T00:00:00', true],
    ['running, on its end date', 'running', '2026-12-13', '2026-12-13T23:59:59', false],
    ['running without an end date', 'running', null, '2030-01-01T00:00:00', false],
    ['draft', 'draft', null, '2030-01-01T00:00:00', false]
  ];
  it.each(ended)('hasEnded: %s', (_name, status, endDate, now, expected) => {
    const design = { experiment: { status, endDate } } as unknown as ReportDesign;
    expect(hasEnded(design, Date.parse(now))).toBe(expected);
  });
});
