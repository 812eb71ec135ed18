// Reviewer decisions at their edges (a report handed in by the caller, no exposures at all), metric
// edits that change a metric's kind (each old kind's settings dropped) and the input schema's
// "at least one field", and the report view counter: on a fresh seeded SQLite file per test.
import { describe, expect, it } from 'vitest';
import { useReportDatabase, type ReportRows } from '../../tests/helpers/report-rows.ts';
import type { Data } from '../../db/store/index.ts';
import { InvalidInputError, NotFoundError } from '../errors.ts';
import { buildReport } from './build.ts';
import { latestDecision, recordDecision } from './decisions.ts';
import { loadReportDesign } from './load.ts';
import { updateMetric, updateMetricInput } from './metric-definitions.ts';
import { countReportView } from './views.ts';

const KEY = 'w01-onboarding-ebook-reminder';
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

// activation 12% -> 18% over 6,000 users in 14 days: the computed decision at NOW ships 'guided'.
const shipTraffic = () => rows.synthetic({
  experimentId, users: 6000, seed: 11, startMs: START, days: 14,
  variants: [{ key: 'control', weight: 1 }, { key: 'guided', weight: 1 }],
  events: [
    { name: 'activation', rate: { control: 0.12, guided: 0.18 } },
    { name: 'unsubscribe', rate: { control: 0.05, guided: 0.03 } }
  ]
});

describe('recordDecision at its edges', () => {
  it('decides against the report it is given instead of building one', async () => {
    shipTraffic();
    // The default report ships 'guided'; the one handed in (as the report thread would) says no-ship.
    const report = await buildReport(data, KEY, {}, NOW);
    expect(report.decision.outcome).toBe('ship');
    const handed = { ...report, decision: { ...report.decision, outcome: 'no-ship' as const, winningVariant: null } };
    const { recorded, computed } = await recordDecision(data, KEY, { finalDecision: 'no-ship', rationale: 'Follows the report handed in.', decidedBy: 'ana' }, NOW, handed);
    expect(computed).toEqual(handed.decision);
    expect(recorded).toMatchObject({ computedDecision: handed.decision.outcome, finalDecision: 'no-ship', decidedAtMs: NOW });
  });

  it('with a report handed in for a key that does not exist, the experiment is not found and nothing is written', async () => {
    shipTraffic();
    const report = await buildReport(data, KEY, {}, NOW);
    await expect(recordDecision(data, 'nope', { finalDecision: 'ship', rationale: 'ok', decidedBy: 'ana' }, NOW, report))
      .rejects.toThrow(new NotFoundError('experiment', 'nope'));
    expect(await data.audit.list({ action: 'experiment.decision' })).toEqual([]);
  });

  it('"ship" with nobody exposed (no sample ratio test) needs a named winner and a rationale, not an acknowledgement', async () => {
    const report = await buildReport(data, KEY, {}, NOW);
    expect([report.health.srm, report.decision.outcome, report.decision.winningVariant]).toEqual([null, 'inconclusive', null]);
    const { recorded } = await recordDecision(data, KEY, { finalDecision: 'ship', winningVariantKey: 'guided', rationale: 'Shipped on qualitative grounds.', decidedBy: 'ana' }, NOW);
    expect(recorded).toMatchObject({ computedDecision: 'inconclusive', finalDecision: 'ship', winningVariantKey: 'guided' });
    // Promotion reads the reviewer's winner; without a primary result there is none to show for it.
    expect(await latestDecision(data, KEY, NOW)).toEqual({
      experimentKey: KEY, computed: 'inconclusive', computedWinningVariant: null, final: recorded, winningVariant: 'guided', primary: null
    });
  });

  it('nothing exposed and nothing recorded: no winner and no primary result', async () => {
    expect(await latestDecision(data, KEY, NOW)).toEqual({
      experimentKey: KEY, computed: 'inconclusive', computedWinningVariant: null, final: null, winningVariant: null, primary: null
    });
  });
});

describe('three arms', () => {
  /** control, guided and alt weighted a third each (no sample ratio mismatch), 9,000 users. */
  async function threeArms(ebookAccess: { control: number; guided: number; alt: number }) {
    await data.experiments.upsertVariant(experimentId, { key: 'alt', name: 'Alternative', description: null, weight: 1, isControl: false, position: 2 });
    for (const { id: _id, experimentId: _e, ...v } of await data.experiments.variants(experimentId)) {
      await data.experiments.upsertVariant(experimentId, { ...v, weight: 1 });
    }
    rows.synthetic({
      experimentId, users: 9000, seed: 5, startMs: START, days: 14,
      variants: [{ key: 'control', weight: 1 }, { key: 'guided', weight: 1 }, { key: 'alt', weight: 1 }],
      events: [
        { name: 'activation', rate: { control: 0.12, guided: 0.18, alt: 0.14 } },
        { name: 'ebook_access', rate: ebookAccess },
        { name: 'unsubscribe', rate: { control: 0.05, guided: 0.03, alt: 0.03 } }
      ]
    });
  }

  it('"ship" of a variant that is not a treatment lists every treatment', async () => {
    await threeArms({ control: 0.2, guided: 0.2, alt: 0.2 });
    await expect(recordDecision(data, KEY, { finalDecision: 'ship', winningVariantKey: 'other', rationale: 'A long enough rationale.', decidedBy: 'bo' }, NOW))
      .rejects.toThrow(new InvalidInputError(`winningVariantKey 'other' is not a treatment variant of '${KEY}' (one of: guided, alt)`));
  });

  it('the reviewer\'s winner gets its result on the decision\'s primary metric (here not the first metric), without a relative lift when the control has none', async () => {
    // The lift criterion on ebook_access, a secondary metric listed after activation; no control user reaches the ebook.
    const criteria = await data.experiments.criteria(experimentId);
    await data.experiments.replaceCriteria(experimentId, criteria.map(({ id: _id, experimentId: _e, ...c }) => (c.kind === 'lift' ? { ...c, metricKey: 'ebook_access' } : c)));
    await threeArms({ control: 0, guided: 0.2, alt: 0.1 });
    const report = await buildReport(data, KEY, {}, NOW);
    expect(report.metrics[0]!.key).toBe('activation');
    expect(report.decision.primary).toMatchObject({ metric: 'ebook_access', variant: 'guided' });
    const { recorded } = await recordDecision(data, KEY, { finalDecision: 'ship', winningVariantKey: 'alt', rationale: 'The cheaper one to run.', decidedBy: 'bo' }, NOW);
    const alt = report.metrics.find((m) => m.key === 'ebook_access')!.comparisons.find((c) => c.variant === 'alt')!;
    expect(alt.relative).toBeNull();
    expect((await latestDecision(data, KEY, NOW)).primary).toEqual({ metric: 'ebook_access', variant: 'alt', relativeLift: null, ciLow: null, ciHigh: null, pValue: alt.adjustedPValue });
    expect(recorded.winningVariantKey).toBe('alt');
  });
});

describe('the report design', () => {
  it('the variant marked control is the control wherever it stands', async () => {
    for (const { id: _id, experimentId: _e, ...v } of await data.experiments.variants(experimentId)) {
      await data.experiments.upsertVariant(experimentId, { ...v, position: v.key === 'control' ? 5 : v.position });
    }
    const design = await loadReportDesign(data, KEY);
    expect(design.variants.map((v) => [v.key, v.isControl])).toEqual([['guided', false], ['control', true]]);
    expect(design.control.key).toBe('control');
  });
});

describe('updateMetric: a change of kind drops the old kind\'s settings', () => {
  const ctx = { actor: 'ana', nowMs: NOW };
  const fields = ['kind', 'denominatorEventName', 'denominatorAggregate', 'extraEventNames', 'windowStartDays', 'minCount', 'windowDays'] as const;
  const definition = async (key: string) => {
    const m = (await data.metrics.byKey(key))!;
    return Object.fromEntries(fields.map((f) => [f, m[f]]));
  };
  // [name, metric, its definition before, the definition after becoming binomial]
  it.each<[string, string, Record<string, unknown>, Record<string, unknown>]>([
    ['a ratio per event: its denominator and its aggregate', 'order_value',
      { kind: 'ratio', denominatorEventName: 'purchase', denominatorAggregate: 'count', extraEventNames: [], windowStartDays: null, minCount: null, windowDays: 28 },
      { kind: 'binomial', denominatorEventName: null, denominatorAggregate: 'sum', extraEventNames: [], windowStartDays: null, minCount: null, windowDays: 28 }],
    ['a retention: its other return events and its window start', 'retention_d7_14',
      { kind: 'retention', denominatorEventName: null, denominatorAggregate: 'sum', extraEventNames: ['ebook_access', 'purchase'], windowStartDays: 7, minCount: null, windowDays: 14 },
      { kind: 'binomial', denominatorEventName: null, denominatorAggregate: 'sum', extraEventNames: [], windowStartDays: null, minCount: null, windowDays: 14 }],
    ['a threshold: its count', 'repeat_purchase',
      { kind: 'threshold', denominatorEventName: null, denominatorAggregate: 'sum', extraEventNames: [], windowStartDays: null, minCount: 2, windowDays: 28 },
      { kind: 'binomial', denominatorEventName: null, denominatorAggregate: 'sum', extraEventNames: [], windowStartDays: null, minCount: null, windowDays: 28 }]
  ])('%s', async (_name, key, before, after) => {
    expect(await definition(key)).toEqual(before);
    const row = await updateMetric(data, key, { kind: 'binomial' }, ctx);
    expect(Object.fromEntries(fields.map((f) => [f, row[f]]))).toEqual(after);
    expect(await definition(key)).toEqual(after);
    // The audit lists what was sent.
    const [audit] = await data.audit.list({ action: 'metric.update', entityId: key });
    expect(audit!.details).toEqual({ changed: { kind: { from: before.kind, to: 'binomial' } } });
  });
});

describe('updateMetricInput', () => {
  it.each<[string, unknown, string | null]>([
    ['nothing to change', {}, 'send at least one field to change'],
    ['one field', { name: 'Activation' }, null],
    ['a null that clears a field', { baseline: null }, null]
  ])('%s', (_name, input, error) => {
    const parsed = updateMetricInput.safeParse(input);
    expect(parsed.success).toBe(error === null);
    if (error !== null) expect(parsed.error!.issues.map((i) => i.message)).toEqual([error]);
  });
});

describe('countReportView', () => {
  it('counts each view of one experiment\'s report; an unknown experiment is not found', async () => {
    expect(await countReportView(data, KEY)).toBe(1);
    expect(await countReportView(data, KEY)).toBe(2);
    expect(await countReportView(data, 'w02-email-subject-line')).toBe(1);
    expect(await countReportView(data, KEY)).toBe(3);
    await expect(countReportView(data, 'nope')).rejects.toThrow(new NotFoundError('experiment', 'nope'));
  });
});
