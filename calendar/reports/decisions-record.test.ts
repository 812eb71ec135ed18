// Reviewer decisions, the promotion view of them, metric edits, segments and the report design,
// on a fresh seeded SQLite file per test with synthetic traffic for the week-1 experiment
// (activation 12% -> 18%, unsubscribe 5% -> 3%: the computed decision ships 'guided').
import { and, desc, eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { useSeededDatabase } from '../../tests/helpers/seeded-database.ts';
import { generateSynthetic } from '../../tests/reports/synthetic.ts';
import { auditLog, experiments, metrics, variants } from '../../db/schema.ts';
import type { Db } from '../../db/connection.ts';
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

let db: Db;
let experimentId: number;

useSeededDatabase(SEEDED_AT, (fresh) => {
  db = fresh;
  experimentId = db.select().from(experiments).where(eq(experiments.key, KEY)).get()!.id;
  db.update(experiments).set({ status: 'stopped', startedAtMs: START, stoppedAtMs: START + 14 * 86_400_000 }).where(eq(experiments.id, experimentId)).run();
});

function traffic(arms: Array<{ key: string; activation: number }>, users = 6000) {
  generateSynthetic(db.$client, {
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
const audits = () => db.select().from(auditLog).where(eq(auditLog.action, 'experiment.decision')).orderBy(desc(auditLog.id)).all();

describe('recordDecision', () => {
  it('a "ship" that follows the computed decision takes its winner, needs no long rationale, and is audited in full', () => {
    shipTraffic();
    const { recorded, computed } = recordDecision(db, KEY, { finalDecision: 'ship', rationale: 'ok', decidedBy: 'ana' }, NOW);
    expect(computed).toMatchObject({ outcome: 'ship', winningVariant: 'guided' });
    expect(recorded).toEqual({
      id: recorded.id, computedDecision: 'ship', finalDecision: 'ship', winningVariantKey: 'guided', rationale: 'ok', decidedBy: 'ana', decidedAtMs: NOW
    });
    const [audit] = audits();
    expect(audit).toMatchObject({ actor: 'ana', entityType: 'experiment', entityId: KEY, atMs: NOW });
    expect(audit!.details).toEqual({
      decisionId: recorded.id, computed: 'ship', computedWinner: 'guided', final: 'ship', winner: 'guided', decidedBy: 'ana',
      overridden: false, rationale: 'ok', reasons: computed.reasons, primary: computed.primary, srmAcknowledged: false
    });
  });

  it('the audit actor can differ from who decided', () => {
    shipTraffic();
    recordDecision(db, KEY, { finalDecision: 'ship', rationale: 'ok', decidedBy: 'ana', actor: 'key:ci' }, NOW);
    expect(audits()[0]).toMatchObject({ actor: 'key:ci', details: { decidedBy: 'ana' } });
  });

  it('an override needs a rationale of at least 10 characters, spaces not counted', () => {
    shipTraffic();
    const message = 'the final decision differs from the computed one (ship); write a rationale of at least 10 characters';
    expect(() => recordDecision(db, KEY, { finalDecision: 'no-ship', rationale: '  123456789  ', decidedBy: 'bo' }, NOW))
      .toThrow(new InvalidInputError(message));
    const { recorded } = recordDecision(db, KEY, { finalDecision: 'no-ship', rationale: '1234567890', decidedBy: 'bo' }, NOW);
    expect(recorded).toMatchObject({ computedDecision: 'ship', finalDecision: 'no-ship', winningVariantKey: null });
    expect(audits()[0]!.details).toMatchObject({ overridden: true, winner: null, computedWinner: 'guided' });
  });

  it('"ship" with another treatment than the computed winner is an override', () => {
    db.insert(variants).values({ experimentId, key: 'alt', name: 'Alternative', weight: 1, position: 2 }).run();
    db.update(variants).set({ weight: 1 }).where(eq(variants.experimentId, experimentId)).run(); // a third each: no sample ratio mismatch
    traffic([{ key: 'control', activation: 0.12 }, { key: 'guided', activation: 0.18 }, { key: 'alt', activation: 0.13 }], 9000);
    expect(() => recordDecision(db, KEY, { finalDecision: 'ship', winningVariantKey: 'alt', rationale: 'short', decidedBy: 'bo' }, NOW))
      .toThrow(/differs from the computed one \(ship\)/);
    const { recorded } = recordDecision(db, KEY, { finalDecision: 'ship', winningVariantKey: 'alt', rationale: 'Cheaper to build.', decidedBy: 'bo' }, NOW);
    expect(recorded.winningVariantKey).toBe('alt');
    expect(audits()[0]!.details).toMatchObject({ overridden: true, winner: 'alt', computedWinner: 'guided' });
    // What promotion reads: the reviewer's winner, with that variant's own primary result.
    const latest = latestDecision(db, KEY, NOW);
    const report = buildReport(db, KEY, {}, NOW);
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
  ])('rejects %s', (_name, extra, setup, error) => {
    setup();
    expect(() => recordDecision(db, KEY, { finalDecision: 'ship', rationale: 'A long enough rationale.', decidedBy: 'bo', ...extra }, NOW)).toThrow(error);
    expect(decisionHistory(db, KEY)).toEqual([]);
    expect(audits()).toEqual([]);
  });

  it('"ship" under a sample ratio mismatch needs acknowledgeSrm, and the audit says it was acknowledged', () => {
    shipTraffic();
    db.$client.prepare("update exposures set variant_key = 'guided' where variant_key = 'control' and id % 6 = 0").run();
    const input = { finalDecision: 'ship' as const, winningVariantKey: 'guided', rationale: 'Logging bug found and fixed.', decidedBy: 'bo' };
    expect(() => recordDecision(db, KEY, input, NOW)).toThrow(new ConflictError(
      'a sample ratio mismatch is flagged: explain it in the rationale and send acknowledgeSrm: true to record "ship" anyway'));
    expect(() => recordDecision(db, KEY, { ...input, acknowledgeSrm: false }, NOW)).toThrow(ConflictError);
    const { computed } = recordDecision(db, KEY, { ...input, acknowledgeSrm: true }, NOW);
    expect(computed.blockedBySrm).toBe(true);
    expect(audits()[0]!.details).toMatchObject({ srmAcknowledged: true, overridden: true });
  });

  it('"no-ship" under a sample ratio mismatch needs no acknowledgement', () => {
    shipTraffic();
    db.$client.prepare("update exposures set variant_key = 'guided' where variant_key = 'control' and id % 6 = 0").run();
    expect(recordDecision(db, KEY, { finalDecision: 'no-ship', rationale: 'The split is broken.', decidedBy: 'bo' }, NOW).recorded.finalDecision).toBe('no-ship');
  });

  it('an unknown experiment is not found', () => {
    expect(() => recordDecision(db, 'nope', { finalDecision: 'no-ship', rationale: 'x', decidedBy: 'bo' }, NOW)).toThrow(new NotFoundError('experiment', 'nope'));
  });
});

describe('decisionHistory and latestDecision', () => {
  it('without a recorded decision: the computed winner and its primary result', () => {
    shipTraffic();
    const report = buildReport(db, KEY, {}, NOW);
    expect(latestDecision(db, KEY, NOW)).toEqual({
      experimentKey: KEY, computed: 'ship', computedWinningVariant: 'guided', final: null, winningVariant: 'guided', primary: report.decision.primary
    });
    expect(report.decision.primary).toMatchObject({ metric: 'activation', variant: 'guided' });
  });

  it('a recorded "no-ship" has no winner, newest decision first in the history', () => {
    shipTraffic();
    const first = recordDecision(db, KEY, { finalDecision: 'ship', rationale: 'ok', decidedBy: 'ana' }, NOW).recorded;
    const second = recordDecision(db, KEY, { finalDecision: 'no-ship', rationale: 'Legal flagged the copy.', decidedBy: 'bo' }, NOW + 1000).recorded;
    expect(decisionHistory(db, KEY)).toEqual([second, first]);
    const latest = latestDecision(db, KEY, NOW);
    expect(latest).toMatchObject({ computed: 'ship', computedWinningVariant: 'guided', final: second, winningVariant: null });
    expect(latest.primary).toEqual(buildReport(db, KEY, {}, NOW).decision.primary);
  });

  it('the history of an unknown experiment is not found; of another experiment, empty', () => {
    expect(() => decisionHistory(db, 'nope')).toThrow(new NotFoundError('experiment', 'nope'));
    expect(decisionHistory(db, 'w02-email-subject-line')).toEqual([]);
  });
});

describe('updateMetric', () => {
  const ctx = { actor: 'ana', nowMs: NOW };
  const metricAudit = () => db.select().from(auditLog).where(and(eq(auditLog.action, 'metric.update'), eq(auditLog.entityId, 'activation'))).all();

  it('changes the given fields, stamps the time and audits each change from and to', () => {
    const row = updateMetric(db, 'activation', { name: 'Activation (14 days)', windowDays: 14 }, ctx);
    expect(row).toMatchObject({ key: 'activation', name: 'Activation (14 days)', windowDays: 14, updatedAtMs: NOW, denominatorEventName: null });
    expect(metricAudit()).toEqual([expect.objectContaining({
      actor: 'ana', entityType: 'metric', atMs: NOW,
      details: { changed: { name: { from: '7-day activation rate', to: 'Activation (14 days)' }, windowDays: { from: 7, to: 14 } } }
    })]);
  });

  it('a ratio keeps its denominator; another kind drops it', () => {
    expect(updateMetric(db, 'activation', { kind: 'ratio', denominatorEventName: 'signup' }, ctx)).toMatchObject({ kind: 'ratio', denominatorEventName: 'signup' });
    expect(updateMetric(db, 'activation', { name: 'Still a ratio' }, ctx)).toMatchObject({ kind: 'ratio', denominatorEventName: 'signup' });
    expect(updateMetric(db, 'activation', { kind: 'binomial' }, ctx)).toMatchObject({ kind: 'binomial', denominatorEventName: null });
    expect(updateMetric(db, 'activation', { denominatorEventName: 'signup' }, ctx)).toMatchObject({ denominatorEventName: null });
  });

  it.each([
    ['a ratio without a denominator', 'activation', { kind: 'ratio' as const }, new InvalidInputError('a ratio metric needs denominatorEventName')],
    ['a ratio whose denominator is removed', 'activation', { kind: 'ratio' as const, denominatorEventName: null }, new InvalidInputError('a ratio metric needs denominatorEventName')],
    ['an unknown metric', 'nope', { name: 'x' }, new NotFoundError('metric', 'nope')]
  ])('rejects %s and changes nothing', (_name, key, input, error) => {
    const before = db.select().from(metrics).all();
    expect(() => updateMetric(db, key, input, ctx)).toThrow(error);
    expect(db.select().from(metrics).all()).toEqual(before);
    expect(metricAudit()).toEqual([]);
  });
});

describe('report design and segments', () => {
  it('metrics by role (primary, secondary, guardrail) then key; variants by position; the marked control', () => {
    const design = loadReportDesign(db, KEY);
    expect(design.metrics.map((m) => [m.role, m.key])).toEqual([
      ['primary', 'activation'], ['secondary', 'ebook_access'], ['secondary', 'time_to_activation'], ['guardrail', 'unsubscribe']
    ]);
    expect(design.variants.map((v) => v.key)).toEqual(['control', 'guided']);
    expect(design.control.key).toBe('control');
    expect(design.criteria.map((c) => c.kind)).toEqual(['lift', 'guardrail']);
    expect(design.experiment).toMatchObject({ key: KEY, endDate: '2026-12-13' });
  });

  it('without a marked control the first variant by position is the control', () => {
    db.update(variants).set({ isControl: false }).where(eq(variants.experimentId, experimentId)).run();
    db.update(variants).set({ position: 5 }).where(and(eq(variants.experimentId, experimentId), eq(variants.key, 'control'))).run();
    const design = loadReportDesign(db, KEY);
    expect(design.variants.map((v) => v.key)).toEqual(['guided', 'control']);
    expect(design.control.key).toBe('guided');
  });

  it('segments are the exposure attributes; an unknown experiment is not found', () => {
    shipTraffic();
    expect(availableSegments(db, KEY)).toEqual(['channel']);
    expect(availableSegments(db, 'w02-email-subject-line')).toEqual([]);
    expect(() => availableSegments(db, 'nope')).toThrow(new NotFoundError('experiment', 'nope'));
    expect(() => loadReportDesign(db, 'nope')).toThrow(new NotFoundError('experiment', 'nope'));
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
