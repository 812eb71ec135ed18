/**
 * The store contract: one suite of behaviour tests for the data seam, run once per engine
 * (the model is Drizzle's own integration tests, `integration-tests/tests/pg/pg-common.ts`).
 * Each engine's test file only builds a fresh database and calls `storeContract`:
 *
 *   db/sqlite/stores.test.ts    storeContract('sqlite', async () => ({ data: sqliteData(db), ... }))
 *   db/postgres/stores.test.ts  storeContract('postgres', async () => ({ data: postgresData(db), ... }))
 *
 * The suite speaks only the seam (`Data`): what one engine does, the other must do too, down to
 * ordering, nulls, JSON round trips and transactions. The few rows no store writes (exposures and
 * events, written by ingestion) come from the engine's `fixtures`.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Data } from './index.ts';
import type { Registration, TargetingCondition } from '../../calendar/model.ts';

/** One fresh, migrated, empty database behind the seam. */
export type ContractDatabase = {
  data: Data;
  fixtures: {
    exposure(row: { experimentId: number; userId: string; variantKey: string; firstExposedAtMs: number }): Promise<void>;
    event(row: { userId: string; eventName: string; timestampMs: number; value?: number | null }): Promise<void>;
    planExposure(row: { planId: number; userId: string; holdout: boolean; firstExposedAtMs: number }): Promise<void>;
  };
  close(): Promise<void>;
};

/** True when `err` (or an error it wraps) is a unique-key violation, whatever the engine's words. */
function isUniqueViolation(err: unknown): boolean {
  for (let e = err as { message?: string; code?: string; cause?: unknown } | undefined, depth = 0; e && depth < 5; e = e.cause as typeof e, depth++) {
    if (e.code === '23505' || e.code === 'SQLITE_CONSTRAINT_UNIQUE' || e.code === 'SQLITE_CONSTRAINT_PRIMARYKEY') return true;
    if (/unique constraint|duplicate key/i.test(e.message ?? '')) return true;
  }
  return false;
}

async function expectUniqueViolation(promise: Promise<unknown>): Promise<void> {
  const error = await promise.then(() => null, (e: unknown) => e);
  expect(error, 'expected a unique-key violation, got success').not.toBeNull();
  expect(isUniqueViolation(error), `expected a unique-key violation, got: ${String(error)}`).toBe(true);
}

const sortedBy = <T>(rows: T[], key: (r: T) => string | number) => [...rows].sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));

export type ContractOptions = {
  /** Titles of tests this engine is known to fail today (a bug on file), run as `it.fails`. */
  knownFailures?: string[];
};

/**
 * Registers the contract suite for one engine. `open` is called before every test and must give a
 * fresh, empty, migrated database; `close` is called after it.
 */
export function storeContract(engine: string, open: () => Promise<ContractDatabase>, options: ContractOptions = {}): void {
  const known = new Set(options.knownFailures ?? []);
  /** `it`, or `it.fails` for a test this engine is known to fail (it turns red once fixed: then drop it from the list). */
  const test = (name: string, fn: () => Promise<void>) => (known.has(name) ? it.fails : it)(name, fn);
  describe(`store contract: ${engine}`, () => {
    let db: ContractDatabase;
    let data: Data;
    beforeEach(async () => { db = await open(); data = db.data; });
    afterEach(async () => { await db?.close(); });

    const plan = (over: Partial<Parameters<Data['plans']['insert']>[0]> = {}) =>
      data.plans.insert({ name: 'Q1 growth', startDate: '2026-01-05', ...over });
    const experiment = (key: string, over: Partial<Parameters<Data['experiments']['insert']>[0]> = {}) =>
      data.experiments.insert({ key, name: `Experiment ${key}`, ...over });
    const metric = (key: string, over: Partial<Parameters<Data['metrics']['insert']>[0]> = {}) =>
      data.metrics.insert({ key, name: `Metric ${key}`, kind: 'binomial', eventName: `${key}_event`, ...over });
    const withVariants = async (experimentId: number) => {
      await data.experiments.upsertVariant(experimentId, { key: 'control', name: 'Control', description: null, weight: 0.5, isControl: true, position: 0 });
      await data.experiments.upsertVariant(experimentId, { key: 'b', name: 'B', description: null, weight: 0.5, isControl: false, position: 1 });
    };

    describe('experiments', () => {
      it('insert fills the stored defaults and reads back the same record by key and by id', async () => {
        const before = Date.now();
        const e = await experiment('onboarding-email');
        const after = Date.now();
        expect(e).toMatchObject({
          key: 'onboarding-email', name: 'Experiment onboarding-email', planId: null, week: null, objective: null,
          hypothesis: null, description: null, channels: [], assets: [], metricsPlanned: [], audience: null, owner: null,
          notes: null, lifecycleStage: null, startDate: null, durationDays: 14, status: 'draft', coverage: 1, seed: null,
          hashVersion: 2, layerId: null, layerStart: null, layerEnd: null, targeting: [], forcedVariants: {},
          rolloutVariantKey: null, plannedMde: null, baselineRate: null, startedAtMs: null, stoppedAtMs: null, concludedAtMs: null
        });
        expect(typeof e.id).toBe('number');
        expect(e.createdAtMs).toBeGreaterThanOrEqual(before - 1000);
        expect(e.createdAtMs).toBeLessThanOrEqual(after + 1000);
        expect(e.updatedAtMs).toBe(e.createdAtMs);
        expect(await data.experiments.byKey('onboarding-email')).toEqual(e);
        expect(await data.experiments.byId(e.id)).toEqual(e);
        expect(await data.experiments.byKey('missing')).toBeNull();
        expect(await data.experiments.byId(e.id + 1000)).toBeNull();
      });

      it('round-trips JSON columns, dates, fractions and millisecond timestamps exactly', async () => {
        const targeting: TargetingCondition[] = [
          { attribute: 'country', operator: 'in', value: ['DE', 'FR', 'Åland'] },
          { attribute: 'age', operator: 'gte', value: 18 },
          { attribute: 'beta', operator: 'eq', value: true },
          { attribute: 'plan', operator: 'nin', value: [1, 'free', false] }
        ];
        const e = await experiment('json-roundtrip', {
          channels: ['email', 'push'], assets: ['hero "v2".png', 'Überschrift – 🚀'], metricsPlanned: ['activation rate', ''],
          targeting, forcedVariants: { 'user-1': 'b', 'user "2"': 'control' }, startDate: '2026-02-28', coverage: 1 / 3,
          layerStart: 0.1, layerEnd: 0.35, plannedMde: 0.05, baselineRate: 0.123456789, startedAtMs: 1_796_170_329_675,
          week: 3, durationDays: 21, status: 'scheduled', seed: 'salt', hashVersion: 1
        });
        const read = await data.experiments.byId(e.id);
        expect(read).toEqual(e);
        expect(read!.targeting).toEqual(targeting);
        expect(read!.forcedVariants).toEqual({ 'user-1': 'b', 'user "2"': 'control' });
        expect(read!.assets).toEqual(['hero "v2".png', 'Überschrift – 🚀']);
        expect(read!.metricsPlanned).toEqual(['activation rate', '']);
        expect(read!.startDate).toBe('2026-02-28');
        expect(read!.coverage).toBe(1 / 3);
        expect(read!.baselineRate).toBe(0.123456789);
        expect(read!.startedAtMs).toBe(1_796_170_329_675);
      });

      it('update returns the new record; a patch can set columns back to null and JSON to empty', async () => {
        const p = await plan();
        const e = await experiment('patched', { planId: p.id, startDate: '2026-01-05', channels: ['sms'], rolloutVariantKey: 'b' });
        const updated = await data.experiments.update(e.id, {
          name: 'Renamed', startDate: null, planId: null, channels: [], forcedVariants: { u: 'b' }, rolloutVariantKey: null,
          status: 'running', startedAtMs: 1_700_000_000_123, updatedAtMs: 1_700_000_000_456
        });
        expect(updated).toEqual({
          ...e, name: 'Renamed', startDate: null, planId: null, channels: [], forcedVariants: { u: 'b' }, rolloutVariantKey: null,
          status: 'running', startedAtMs: 1_700_000_000_123, updatedAtMs: 1_700_000_000_456
        });
        expect(await data.experiments.byKey('patched')).toEqual(updated);
      });

      it('a second experiment with the same key is a unique-key error', async () => {
        await experiment('dup');
        await expectUniqueViolation(experiment('dup'));
        expect(await data.experiments.list()).toHaveLength(1);
      });

      it('lists by plan, then week, then id (experiments without plan or week first), with every filter', async () => {
        const p1 = await plan({ name: 'P1', startDate: '2026-01-05' });
        const p2 = await plan({ name: 'P2', startDate: '2026-04-06' });
        const layer = await data.layers.insert({ key: 'checkout', name: 'Checkout' });
        const e1 = await experiment('p2-w1', { planId: p2.id, week: 1, status: 'running', startDate: '2026-04-06' });
        const e2 = await experiment('p1-w3', { planId: p1.id, week: 3, status: 'draft', layerId: layer.id });
        const e3 = await experiment('p1-w1', { planId: p1.id, week: 1, status: 'running', startDate: '2026-01-05', layerId: layer.id });
        const e4 = await experiment('no-plan', { status: 'stopped', startDate: '2025-12-01' });
        const e5 = await experiment('p1-no-week', { planId: p1.id, status: 'concluded' });
        const e6 = await experiment('p1-w1-later', { planId: p1.id, week: 1 });
        const keys = (rows: Array<{ key: string }>) => rows.map((r) => r.key);
        expect(keys(await data.experiments.list())).toEqual([e4.key, e5.key, e3.key, e6.key, e2.key, e1.key]);
        expect(keys(await data.experiments.list({ planId: p1.id }))).toEqual([e5.key, e3.key, e6.key, e2.key]);
        expect(keys(await data.experiments.list({ status: 'running' }))).toEqual([e3.key, e1.key]);
        expect(keys(await data.experiments.list({ statuses: ['stopped', 'concluded'] }))).toEqual([e4.key, e5.key]);
        expect(await data.experiments.list({ statuses: [] })).toEqual([]);
        expect(keys(await data.experiments.list({ layerId: layer.id }))).toEqual([e3.key, e2.key]);
        expect(keys(await data.experiments.list({ hasStartDate: true }))).toEqual([e4.key, e3.key, e1.key]);
        expect(keys(await data.experiments.list({ planId: p1.id, status: 'running', hasStartDate: true }))).toEqual([e3.key]);
        expect(await data.experiments.list({ planId: p2.id + 100 })).toEqual([]);
        // byKeys: the same order; unknown keys are ignored; no keys, no rows.
        expect(keys(await data.experiments.byKeys(['p2-w1', 'missing', 'no-plan', 'p1-w1']))).toEqual([e4.key, e3.key, e1.key]);
        expect(await data.experiments.byKeys([])).toEqual([]);
      });

      it('runningPastEnd: running experiments whose last day (start + duration - 1) is before today', async () => {
        await experiment('ends-jan-14', { status: 'running', startDate: '2026-01-01', durationDays: 14 });
        await experiment('ends-feb-3', { status: 'running', startDate: '2026-01-25', durationDays: 10 });
        await experiment('one-day', { status: 'running', startDate: '2026-01-10', durationDays: 1 });
        await experiment('leap', { status: 'running', startDate: '2028-02-28', durationDays: 2 });
        await experiment('stopped-old', { status: 'stopped', startDate: '2025-01-01', durationDays: 7 });
        await experiment('no-start', { status: 'running', startDate: null });
        const past = async (today: string) => (await data.experiments.runningPastEnd(today)).map((e) => e.key);
        expect(await past('2026-01-10')).toEqual([]);
        expect(await past('2026-01-11')).toEqual(['one-day']);
        expect(await past('2026-01-14')).toEqual(['one-day']);
        expect(await past('2026-01-15')).toEqual(['ends-jan-14', 'one-day']);
        expect(await past('2026-02-03')).toEqual(['ends-jan-14', 'one-day']);
        expect(await past('2026-02-04')).toEqual(['ends-jan-14', 'ends-feb-3', 'one-day']);
        expect(await past('2028-02-29')).not.toContain('leap');
        expect(await past('2028-03-01')).toContain('leap');
      });

      it('deleteOfPlan deletes that plan\'s experiments with their variants, links and criteria', async () => {
        const p1 = await plan({ name: 'P1' });
        const p2 = await plan({ name: 'P2' });
        const m = await metric('signup');
        const gone = await experiment('gone', { planId: p1.id });
        const kept = await experiment('kept', { planId: p2.id });
        for (const e of [gone, kept]) {
          await withVariants(e.id);
          await data.experiments.replaceMetricLinks(e.id, [{ metricId: m.id, role: 'primary' }]);
          await data.experiments.replaceCriteria(e.id, [{ kind: 'qualitative', metricKey: null, minRelativeLift: null, maxPValue: null, maxRelativeDegradation: null, description: 'looks right' }]);
        }
        await data.experiments.deleteOfPlan(p1.id);
        expect(await data.experiments.byId(gone.id)).toBeNull();
        expect(await data.experiments.variants(gone.id)).toEqual([]);
        expect(await data.experiments.metricLinks(gone.id)).toEqual([]);
        expect(await data.experiments.criteria(gone.id)).toEqual([]);
        expect(await data.experiments.byId(kept.id)).toEqual(kept);
        expect(await data.experiments.variants(kept.id)).toHaveLength(2);
        expect(await data.experiments.metricLinks(kept.id)).toHaveLength(1);
        expect(await data.experiments.criteria(kept.id)).toHaveLength(1);
      });

      it('upsertVariant inserts, then updates by key; variants come by position; deleteVariants removes the named ones', async () => {
        const e = await experiment('variants');
        const other = await experiment('other');
        await data.experiments.upsertVariant(e.id, { key: 'b', name: 'B', description: 'Bigger button', weight: 1 / 3, isControl: false, position: 1 });
        await data.experiments.upsertVariant(e.id, { key: 'control', name: 'Control', description: null, weight: 2 / 3, isControl: true, position: 0 });
        await data.experiments.upsertVariant(other.id, { key: 'b', name: 'Other B', description: null, weight: 1, isControl: false, position: 0 });
        let vs = await data.experiments.variants(e.id);
        expect(vs.map((v) => ({ ...v, id: undefined }))).toEqual([
          { id: undefined, experimentId: e.id, key: 'control', name: 'Control', description: null, weight: 2 / 3, isControl: true, position: 0 },
          { id: undefined, experimentId: e.id, key: 'b', name: 'B', description: 'Bigger button', weight: 1 / 3, isControl: false, position: 1 }
        ]);
        const bId = vs[1].id;
        await data.experiments.upsertVariant(e.id, { key: 'b', name: 'B2', description: null, weight: 0.5, isControl: false, position: 2 });
        await data.experiments.upsertVariant(e.id, { key: 'c', name: 'C', description: null, weight: 0, isControl: false, position: 1 });
        vs = await data.experiments.variants(e.id);
        expect(vs.map((v) => [v.key, v.name, v.description, v.weight, v.position])).toEqual([
          ['control', 'Control', null, 2 / 3, 0], ['c', 'C', null, 0, 1], ['b', 'B2', null, 0.5, 2]
        ]);
        expect(vs.find((v) => v.key === 'b')!.id).toBe(bId); // updated in place, not replaced
        await data.experiments.deleteVariants(e.id, []);
        expect(await data.experiments.variants(e.id)).toHaveLength(3);
        await data.experiments.deleteVariants(e.id, ['b', 'c', 'missing']);
        expect((await data.experiments.variants(e.id)).map((v) => v.key)).toEqual(['control']);
        expect((await data.experiments.variants(other.id)).map((v) => v.name)).toEqual(['Other B']);
      });

      it('exposedUsers counts the users exposed to the given variants of that experiment only', async () => {
        const e = await experiment('exposed');
        const other = await experiment('other');
        await withVariants(e.id);
        await withVariants(other.id);
        for (const [user, variant] of [['u1', 'control'], ['u2', 'control'], ['u3', 'b']] as const) {
          await db.fixtures.exposure({ experimentId: e.id, userId: user, variantKey: variant, firstExposedAtMs: 1_000 });
        }
        await db.fixtures.exposure({ experimentId: other.id, userId: 'u9', variantKey: 'control', firstExposedAtMs: 1_000 });
        expect(await data.experiments.exposedUsers(e.id, ['control'])).toBe(2);
        expect(await data.experiments.exposedUsers(e.id, ['control', 'b'])).toBe(3);
        expect(await data.experiments.exposedUsers(e.id, ['gone'])).toBe(0);
        expect(await data.experiments.exposedUsers(e.id, [])).toBe(0);
      });

      it('metric links come by role (primary, secondary, guardrail) then metric key; replacing replaces', async () => {
        const e = await experiment('linked');
        const [a, b, c, d] = await Promise.all(['aov', 'bounce', 'conversion', 'd7retention'].map((k) => metric(k)));
        await data.experiments.replaceMetricLinks(e.id, [
          { metricId: d.id, role: 'guardrail' }, { metricId: c.id, role: 'secondary' }, { metricId: a.id, role: 'guardrail' },
          { metricId: b.id, role: 'primary' }, { metricId: (await metric('aaa')).id, role: 'secondary' }
        ]);
        const links = await data.experiments.metricLinks(e.id);
        expect(links.map((l) => [l.role, l.metric.key])).toEqual([
          ['primary', 'bounce'], ['secondary', 'aaa'], ['secondary', 'conversion'], ['guardrail', 'aov'], ['guardrail', 'd7retention']
        ]);
        expect(links[0].metric).toEqual(b); // the whole metric record
        await data.experiments.replaceMetricLinks(e.id, [{ metricId: c.id, role: 'primary' }]);
        expect((await data.experiments.metricLinks(e.id)).map((l) => [l.role, l.metric.key])).toEqual([['primary', 'conversion']]);
        await data.experiments.replaceMetricLinks(e.id, []);
        expect(await data.experiments.metricLinks(e.id)).toEqual([]);
      });

      it('metricUsage: which experiments use which metric, by metric id then experiment key (code point), or one metric\'s', async () => {
        const [m1, m2, unused] = [await metric('activation'), await metric('unsubscribe'), await metric('unused')];
        const b = await experiment('b-test', { name: 'B test', status: 'running' });
        const a = await experiment('a-test', { name: 'A test' });
        const upper = await experiment('Z-test', { name: 'Z test', status: 'concluded' });
        await data.experiments.replaceMetricLinks(b.id, [{ metricId: m1.id, role: 'primary' }, { metricId: m2.id, role: 'guardrail' }]);
        await data.experiments.replaceMetricLinks(a.id, [{ metricId: m1.id, role: 'secondary' }]);
        await data.experiments.replaceMetricLinks(upper.id, [{ metricId: m1.id, role: 'primary' }]);
        expect(await data.experiments.metricUsage()).toEqual([
          { metricId: m1.id, experimentKey: 'Z-test', experimentName: 'Z test', status: 'concluded', role: 'primary' },
          { metricId: m1.id, experimentKey: 'a-test', experimentName: 'A test', status: 'draft', role: 'secondary' },
          { metricId: m1.id, experimentKey: 'b-test', experimentName: 'B test', status: 'running', role: 'primary' },
          { metricId: m2.id, experimentKey: 'b-test', experimentName: 'B test', status: 'running', role: 'guardrail' }
        ]);
        expect(await data.experiments.metricUsage(m2.id)).toEqual([{ metricId: m2.id, experimentKey: 'b-test', experimentName: 'B test', status: 'running', role: 'guardrail' }]);
        expect(await data.experiments.metricUsage(unused.id)).toEqual([]);
      });

      it('criteria keep the order they were written in, with their nulls; replacing replaces', async () => {
        const e = await experiment('criteria');
        const written = [
          { kind: 'lift' as const, metricKey: 'signup', minRelativeLift: 0.05, maxPValue: 0.05, maxRelativeDegradation: null, description: 'signups up 5%' },
          { kind: 'guardrail' as const, metricKey: 'unsubscribe', minRelativeLift: null, maxPValue: null, maxRelativeDegradation: 0.02, description: 'no more unsubscribes' },
          { kind: 'qualitative' as const, metricKey: null, minRelativeLift: null, maxPValue: null, maxRelativeDegradation: null, description: 'copy reads well' }
        ];
        await data.experiments.replaceCriteria(e.id, written);
        const read = await data.experiments.criteria(e.id);
        expect(read.map(({ id: _id, ...rest }) => rest)).toEqual(written.map((c) => ({ experimentId: e.id, ...c })));
        await data.experiments.replaceCriteria(e.id, [written[2]]);
        expect((await data.experiments.criteria(e.id)).map((c) => c.description)).toEqual(['copy reads well']);
        await data.experiments.replaceCriteria(e.id, []);
        expect(await data.experiments.criteria(e.id)).toEqual([]);
      });

      it('registration, exploratory and reportViews default empty and round-trip; countReportView counts per experiment', async () => {
        const e = await experiment('registered');
        const other = await experiment('other');
        expect(e).toMatchObject({ exploratory: false, registration: null, reportViews: 0 });
        const registration: Registration = {
          registeredAtMs: 1_764_547_200_123, metrics: [{ key: 'signup', role: 'primary' }, { key: 'unsubscribe', role: 'guardrail' }],
          criteria: [{ kind: 'lift', metricKey: 'signup', minRelativeLift: 0.05, maxPValue: 0.05, maxRelativeDegradation: null, description: 'signups “up” 5%' }],
          plannedMde: 0.05, analysis: { mode: 'sequential', correction: 'holm', alpha: 0.05 }, exploratory: false
        };
        expect(await data.experiments.update(e.id, { registration, exploratory: true })).toMatchObject({ registration, exploratory: true });
        expect((await data.experiments.byKey('registered'))!.registration).toEqual(registration);
        expect(await data.experiments.countReportView(e.id)).toBe(1);
        expect(await data.experiments.countReportView(e.id)).toBe(2);
        expect(await data.experiments.countReportView(other.id)).toBe(1);
        expect((await data.experiments.byId(e.id))!.reportViews).toBe(2);
        expect(await data.experiments.countReportView(other.id + 1000)).toBe(0);
      });

      it('amendments: insert returns the record; listed oldest first, per experiment, with JSON before/after', async () => {
        const e = await experiment('amended');
        const other = await experiment('not-amended');
        expect(await data.experiments.amendments(e.id)).toEqual([]);
        const first = await data.experiments.insertAmendment({
          experimentId: e.id, atMs: 1_764_547_200_456, actor: 'ana', reason: 'bar was a typo', fields: ['criteria', 'plannedMde'],
          before: { plannedMde: 0.2, criteria: [] }, after: { plannedMde: 0.05, criteria: [] }, reportViews: 3
        });
        expect(first).toEqual({
          id: expect.any(Number), experimentId: e.id, atMs: 1_764_547_200_456, actor: 'ana', reason: 'bar was a typo',
          fields: ['criteria', 'plannedMde'], before: { plannedMde: 0.2, criteria: [] }, after: { plannedMde: 0.05, criteria: [] }, reportViews: 3
        });
        const second = await data.experiments.insertAmendment({
          experimentId: e.id, atMs: 1_000, actor: 'ben', reason: 'x', fields: ['exploratory'], before: { exploratory: false }, after: { exploratory: true }, reportViews: 0
        });
        expect((await data.experiments.amendments(e.id)).map((a) => a.id)).toEqual([first.id, second.id]);
        expect(await data.experiments.amendments(other.id)).toEqual([]);
      });
    });

    describe('layers', () => {
      it('insert, byKey, byId, list by key; a duplicate key is a unique-key error', async () => {
        const before = Date.now();
        const pricing = await data.layers.insert({ key: 'pricing', name: 'Pricing' });
        const checkout = await data.layers.insert({ key: 'checkout', name: 'Checkout', description: 'All checkout tests', createdAtMs: 1_700_000_000_000 });
        expect(pricing).toMatchObject({ key: 'pricing', name: 'Pricing', description: null });
        expect(pricing.createdAtMs).toBeGreaterThanOrEqual(before - 1000);
        expect(checkout.createdAtMs).toBe(1_700_000_000_000);
        expect(await data.layers.byKey('checkout')).toEqual(checkout);
        expect(await data.layers.byId(pricing.id)).toEqual(pricing);
        expect(await data.layers.byKey('nope')).toBeNull();
        expect(await data.layers.byId(pricing.id + 100)).toBeNull();
        expect((await data.layers.list()).map((l) => l.key)).toEqual(['checkout', 'pricing']);
        await expectUniqueViolation(data.layers.insert({ key: 'pricing', name: 'Again' }));
      });

      it('delete removes that layer only; its key can be used again', async () => {
        const pricing = await data.layers.insert({ key: 'pricing', name: 'Pricing' });
        const checkout = await data.layers.insert({ key: 'checkout', name: 'Checkout' });
        await data.layers.delete(pricing.id);
        expect(await data.layers.byId(pricing.id)).toBeNull();
        expect(await data.layers.list()).toEqual([checkout]);
        await data.layers.delete(pricing.id + 100); // nothing there: no error
        expect((await data.layers.insert({ key: 'pricing', name: 'Pricing again' })).name).toBe('Pricing again');
      });
    });

    describe('plans', () => {
      it('insert fills defaults; dailyTraffic round-trips; byId, byTemplateKey', async () => {
        const p = await plan({ templateKey: 'starter', dailyTraffic: { email: 1200, 'in-app': 0.5, 'Ünïcode': 7 } });
        expect(p).toMatchObject({
          name: 'Q1 growth', templateKey: 'starter', startDate: '2026-01-05', weeks: 12, owner: null, goal: null, status: 'active',
          dailyTraffic: { email: 1200, 'in-app': 0.5, 'Ünïcode': 7 }, calendarToken: null, notes: null
        });
        expect(await data.plans.byId(p.id)).toEqual(p);
        expect(await data.plans.byTemplateKey('starter')).toEqual(p);
        expect(await data.plans.byTemplateKey('other')).toBeNull();
        expect(await data.plans.byId(p.id + 100)).toBeNull();
        const bare = await plan({ name: 'Bare' });
        expect(bare.dailyTraffic).toEqual({});
        expect(bare.templateKey).toBeNull();
      });

      it('program holdout: share 0 and no seed by default; a fraction and a seed round-trip exactly', async () => {
        const p = await plan();
        expect(p).toMatchObject({ holdoutShare: 0, holdoutSeed: null });
        const held = await data.plans.update(p.id, { holdoutShare: 0.075, holdoutSeed: 'plan-7:v1' });
        expect(held).toMatchObject({ holdoutShare: 0.075, holdoutSeed: 'plan-7:v1' });
        expect(await data.plans.byId(p.id)).toEqual(held);
      });

      it('impactStats: per-user values after the first plan exposure and before untilMs, summed per group (holdout, rest)', async () => {
        const p = await plan();
        const other = await plan({ name: 'Other' });
        for (const [userId, holdout, at] of [['h1', true, 100], ['h2', true, 100], ['r1', false, 100], ['r2', false, 200], ['r3', false, 100], ['late', false, 5_000]] as const) {
          await db.fixtures.planExposure({ planId: p.id, userId, holdout, firstExposedAtMs: at });
        }
        await db.fixtures.planExposure({ planId: other.id, userId: 'x', holdout: true, firstExposedAtMs: 100 });
        const buy = (userId: string, timestampMs: number, value: number) => db.fixtures.event({ userId, eventName: 'buy', timestampMs, value });
        // h1: two buys (3 + 4); h2: none; r1: one before its exposure (not counted) and one (10); r2: one at 150 (before 200: not counted);
        // r3: one at 4,000 (after untilMs: not counted); x (other plan) and 'late' (exposed after untilMs) are left out.
        await buy('h1', 150, 3); await buy('h1', 300, 4); await buy('r1', 50, 99); await buy('r1', 120, 10); await buy('r2', 150, 5);
        await buy('r3', 4_000, 7); await buy('x', 150, 1); await db.fixtures.event({ userId: 'r3', eventName: 'view', timestampMs: 150 });
        const until = 3_000;
        const sums = (users: number, sum: number, sumSquares: number, waiting = 0) =>
          ({ users, sum, sumSquares, sumDenominator: 0, sumDenominatorSquares: 0, sumCrossProducts: 0, waiting });
        expect(await data.plans.impactStats(p.id, { kind: 'binomial', eventName: 'buy' }, until)).toEqual({
          holdout: sums(2, 1, 1), rest: sums(3, 1, 1) });
        expect(await data.plans.impactStats(p.id, { kind: 'count', eventName: 'buy' }, until)).toEqual({
          holdout: sums(2, 2, 4), rest: sums(3, 1, 1) });
        expect(await data.plans.impactStats(p.id, { kind: 'sum', eventName: 'buy' }, until)).toEqual({
          holdout: sums(2, 7, 49), rest: sums(3, 10, 100) });
        expect(await data.plans.impactStats(p.id + 100, { kind: 'sum', eventName: 'buy' }, until)).toEqual({
          holdout: sums(0, 0, 0), rest: sums(0, 0, 0) });
        // Threshold 2 buys: h1 only. Within 100 ms of the exposure: h1 has one (150), not two.
        expect(await data.plans.impactStats(p.id, { kind: 'threshold', eventName: 'buy', minCount: 2 }, until)).toEqual({
          holdout: sums(2, 1, 1), rest: sums(3, 0, 0) });
        expect((await data.plans.impactStats(p.id, { kind: 'threshold', eventName: 'buy', minCount: 2, windowDays: 100 / 86_400_000 }, until)).holdout.sum).toBe(0);
        // Ratio: value per view event (sum / count of 'view'): r3 has one view and no counted buy.
        expect(await data.plans.impactStats(p.id, { kind: 'ratio', eventName: 'buy', denominatorEventName: 'view', denominatorAggregate: 'count' }, until)).toEqual({
          holdout: sums(2, 7, 49), rest: { users: 3, sum: 10, sumSquares: 100, sumDenominator: 1, sumDenominatorSquares: 1, sumCrossProducts: 0, waiting: 0 } });
      });

      it('impactStats: retention and time to event count only users whose window has closed, and say how many wait', async () => {
        const DAY = 86_400_000;
        const p = await plan();
        // a, b exposed at day 0; c at day 4.5: its windows (days 1-2, a 1-day restriction) close after untilMs = day 5.
        for (const [userId, holdout, at] of [['a', true, 0], ['b', false, 0], ['c', false, 4.5 * DAY]] as const) {
          await db.fixtures.planExposure({ planId: p.id, userId, holdout, firstExposedAtMs: at });
        }
        await db.fixtures.event({ userId: 'a', eventName: 'open', timestampMs: DAY / 2 }); // before day 1: not a return
        await db.fixtures.event({ userId: 'b', eventName: 'visit', timestampMs: DAY + 1 }); // an extra event inside days 1-2
        await db.fixtures.event({ userId: 'b', eventName: 'open', timestampMs: 3 * 3_600_000 }); // b's first open after 3 hours
        const retention = await data.plans.impactStats(p.id, { kind: 'retention', eventName: 'open', extraEventNames: ['visit'], windowStartDays: 1, windowDays: 2 }, 5 * DAY);
        expect(retention).toEqual({ holdout: { users: 1, sum: 0, sumSquares: 0, sumDenominator: 0, sumDenominatorSquares: 0, sumCrossProducts: 0, waiting: 0 },
          rest: { users: 1, sum: 1, sumSquares: 1, sumDenominator: 0, sumDenominatorSquares: 0, sumCrossProducts: 0, waiting: 1 } });
        // Time to 'open' restricted to 1 day: a after 12 hours, b after 3; c waits.
        const tte = await data.plans.impactStats(p.id, { kind: 'time_to_event', eventName: 'open', windowDays: 1 }, 5 * DAY);
        expect(tte.holdout).toEqual({ users: 1, sum: 12, sumSquares: 144, sumDenominator: 1, sumDenominatorSquares: 1, sumCrossProducts: 12, waiting: 0 });
        expect(tte.rest).toEqual({ users: 1, sum: 3, sumSquares: 9, sumDenominator: 1, sumDenominatorSquares: 1, sumCrossProducts: 3, waiting: 1 });
      });

      it('exposureCounts: plan exposures first exposed in a range, and the first exposure ever', async () => {
        const p = await plan();
        expect(await data.plans.exposureCounts(p.id, 0, 1_000)).toEqual({ users: 0, firstExposedAtMs: null });
        for (const [userId, at] of [['u1', 100], ['u2', 500], ['u3', 900], ['u4', 1_500]] as const) {
          await db.fixtures.planExposure({ planId: p.id, userId, holdout: userId === 'u1', firstExposedAtMs: at });
        }
        expect(await data.plans.exposureCounts(p.id, 500, 1_000)).toEqual({ users: 2, firstExposedAtMs: 100 });
      });

      it('lists newest start first, then by id; templateKey is unique but may be null many times', async () => {
        const a = await plan({ name: 'A', startDate: '2026-01-05' });
        const b = await plan({ name: 'B', startDate: '2026-04-06' });
        const c = await plan({ name: 'C', startDate: '2026-01-05' });
        const d = await plan({ name: 'D', startDate: '2025-10-06', templateKey: 't' });
        expect((await data.plans.list()).map((p) => p.name)).toEqual([b.name, a.name, c.name, d.name]);
        await expectUniqueViolation(plan({ name: 'E', templateKey: 't' }));
      });

      it('update returns the new record; delete keeps its experiments and ideas, without a plan', async () => {
        const p = await plan();
        const updated = await data.plans.update(p.id, { name: 'Renamed', calendarToken: 'tok', dailyTraffic: { web: 10 }, goal: null, status: 'archived' });
        expect(updated).toEqual({ ...p, name: 'Renamed', calendarToken: 'tok', dailyTraffic: { web: 10 }, goal: null, status: 'archived' });
        const e = await experiment('orphan', { planId: p.id, week: 2 });
        const idea = await data.ideas.insert({ title: 'Idea', createdAtMs: 1, planId: p.id });
        await data.plans.delete(p.id);
        expect(await data.plans.byId(p.id)).toBeNull();
        expect((await data.experiments.byId(e.id))!.planId).toBeNull();
        expect((await data.ideas.byId(idea.id))!.planId).toBeNull();
      });
    });

    describe('metrics', () => {
      it('insert fills defaults; byKey, byKeys, list by key in code point order', async () => {
        const m = await metric('signup', { kind: 'ratio', denominatorEventName: 'visit', winsorizePercentile: 0.99, baseline: 0.2, baselineSd: 0.05, windowDays: 7 });
        expect(m).toMatchObject({
          key: 'signup', name: 'Metric signup', description: null, kind: 'ratio', eventName: 'signup_event', denominatorEventName: 'visit',
          direction: 'increase', windowDays: 7, winsorizePercentile: 0.99, baseline: 0.2, baselineSd: 0.05
        });
        const plain = await metric('Revenue', { kind: 'sum', direction: 'decrease' });
        expect(plain).toMatchObject({ denominatorEventName: null, windowDays: null, winsorizePercentile: null, baseline: null, baselineSd: null, direction: 'decrease' });
        await metric('activation');
        expect(await data.metrics.byKey('signup')).toEqual(m);
        expect(await data.metrics.byKey('nope')).toBeNull();
        expect(sortedBy(await data.metrics.byKeys(['signup', 'Revenue', 'nope']), (r) => r.key).map((r) => r.key)).toEqual(['Revenue', 'signup']);
        expect(await data.metrics.byKeys([])).toEqual([]);
        // By code point, as SQLite compares text: upper case before lower case.
        expect((await data.metrics.list()).map((r) => r.key)).toEqual(['Revenue', 'activation', 'signup']);
        await expectUniqueViolation(metric('signup'));
      });

      it('insertIfAbsent inserts once and never overwrites; update returns the new record', async () => {
        expect(await data.metrics.insertIfAbsent({ key: 'seeded', name: 'First', kind: 'count', eventName: 'e' })).toBe(true);
        expect(await data.metrics.insertIfAbsent({ key: 'seeded', name: 'Second', kind: 'sum', eventName: 'f' })).toBe(false);
        const m = (await data.metrics.byKey('seeded'))!;
        expect(m).toMatchObject({ name: 'First', kind: 'count', eventName: 'e' });
        const updated = await data.metrics.update(m.id, { name: 'Renamed', baseline: 3.5, windowDays: null, updatedAtMs: 42 });
        expect(updated).toEqual({ ...m, name: 'Renamed', baseline: 3.5, windowDays: null, updatedAtMs: 42 });
      });

      it('measuredControlRate: control users of finished experiments using the metric who converted after first exposure', async () => {
        const signup = await metric('signup', { eventName: 'signup' });
        const other = await metric('other', { eventName: 'other' });
        expect(await data.metrics.measuredControlRate(signup.id, null)).toEqual({ users: 0, converted: 0, experiments: 0 });
        const finished = async (key: string, status: 'stopped' | 'concluded' | 'promoted' | 'running', metricId: number) => {
          const e = await experiment(key, { status });
          await withVariants(e.id);
          await data.experiments.replaceMetricLinks(e.id, [{ metricId, role: 'primary' }]);
          return e;
        };
        const a = await finished('a-stopped', 'stopped', signup.id);
        const d = await finished('d-promoted', 'promoted', signup.id);
        const running = await finished('running', 'running', signup.id);
        const unlinked = await finished('unlinked', 'concluded', other.id);
        const x = db.fixtures.exposure;
        await x({ experimentId: a.id, userId: 'u1', variantKey: 'control', firstExposedAtMs: 1_000 });
        await x({ experimentId: a.id, userId: 'u2', variantKey: 'control', firstExposedAtMs: 1_000 });
        await x({ experimentId: a.id, userId: 'u3', variantKey: 'control', firstExposedAtMs: 5_000 });
        await x({ experimentId: a.id, userId: 'u4', variantKey: 'b', firstExposedAtMs: 1_000 });
        await x({ experimentId: d.id, userId: 'u5', variantKey: 'control', firstExposedAtMs: 100 });
        await x({ experimentId: running.id, userId: 'u6', variantKey: 'control', firstExposedAtMs: 100 });
        await x({ experimentId: unlinked.id, userId: 'u7', variantKey: 'control', firstExposedAtMs: 100 });
        const ev = db.fixtures.event;
        await ev({ userId: 'u1', eventName: 'signup', timestampMs: 2_000 }); // after exposure: converted
        await ev({ userId: 'u1', eventName: 'signup', timestampMs: 3_000 }); // twice: still one user
        await ev({ userId: 'u2', eventName: 'signup', timestampMs: 500 }); // before exposure: not
        await ev({ userId: 'u2', eventName: 'other', timestampMs: 3_000 }); // another event: not
        await ev({ userId: 'u3', eventName: 'signup', timestampMs: 5_000 }); // at exposure: converted
        await ev({ userId: 'u4', eventName: 'signup', timestampMs: 2_000 }); // treatment: not counted
        await ev({ userId: 'u5', eventName: 'signup', timestampMs: 200, value: 9.5 });
        await ev({ userId: 'u6', eventName: 'signup', timestampMs: 200 }); // running experiment
        await ev({ userId: 'u7', eventName: 'signup', timestampMs: 200 }); // experiment not using the metric
        expect(await data.metrics.measuredControlRate(signup.id, null)).toEqual({ users: 4, converted: 3, experiments: 2 });
        expect(await data.metrics.measuredControlRate(signup.id, d.id)).toEqual({ users: 3, converted: 2, experiments: 1 });
        expect(await data.metrics.measuredControlRate(signup.id, a.id)).toEqual({ users: 1, converted: 1, experiments: 1 });
        expect(await data.metrics.measuredControlRate(other.id, null)).toEqual({ users: 1, converted: 0, experiments: 1 });
      });
    });

    describe('ideas', () => {
      it('insert fills defaults; newest first with filters; update returns the new record', async () => {
        const p = await plan();
        const a = await data.ideas.insert({ title: 'Shorter form', createdAtMs: 1_000 });
        const b = await data.ideas.insert({ title: 'Exit survey', createdAtMs: 3_000, source: 'survey', planId: p.id, hypothesis: 'h', channel: 'web', notes: 'n' });
        const c = await data.ideas.insert({ title: 'Same time, later id', createdAtMs: 3_000, status: 'dropped' });
        expect(a).toMatchObject({ planId: null, hypothesis: null, channel: null, source: 'other', notes: null, status: 'open', createdAtMs: 1_000 });
        expect(b).toMatchObject({ planId: p.id, source: 'survey', hypothesis: 'h', channel: 'web', notes: 'n' });
        expect(await data.ideas.byId(b.id)).toEqual(b);
        expect(await data.ideas.byId(c.id + 100)).toBeNull();
        expect((await data.ideas.list()).map((i) => i.id)).toEqual([c.id, b.id, a.id]);
        expect((await data.ideas.list({ status: 'open' })).map((i) => i.id)).toEqual([b.id, a.id]);
        expect((await data.ideas.list({ source: 'survey' })).map((i) => i.id)).toEqual([b.id]);
        expect(await data.ideas.list({ status: 'scheduled', source: 'analytics' })).toEqual([]);
        const updated = await data.ideas.update(a.id, { status: 'scheduled', notes: null, planId: p.id });
        expect(updated).toEqual({ ...a, status: 'scheduled', notes: null, planId: p.id });
      });
    });

    describe('playbook', () => {
      const entry = (over: Partial<Parameters<Data['playbook']['insert']>[0]>) => data.playbook.insert({
        experimentId: null, title: 'Entry', whatWasTested: null, winningVariantKey: null, metricKey: null, relativeLift: null,
        ciLow: null, ciHigh: null, pValue: null, channel: null, lifecycleStage: null, audience: null, evidenceUrl: null,
        learning: 'Something learnt', createdBy: null, createdAtMs: 1_000, ...over
      });

      it('insert and byExperiment; list newest first with the experiment\'s key and channels (null once it is gone)', async () => {
        const p = await plan();
        const e = await experiment('subject-lines', { planId: p.id, channels: ['email', 'push'] });
        const first = await entry({ title: 'Old lesson', createdAtMs: 1_000 });
        const second = await entry({ experimentId: e.id, title: 'Subject lines', relativeLift: 0.12, ciLow: -0.01, ciHigh: 0.25, pValue: 0.031, createdAtMs: 2_000 });
        const third = await entry({ title: 'Same time, later id', createdAtMs: 2_000 });
        expect(second).toMatchObject({ experimentId: e.id, relativeLift: 0.12, ciLow: -0.01, ciHigh: 0.25, pValue: 0.031 });
        expect(await data.playbook.byExperiment(e.id)).toEqual(second);
        expect(await data.playbook.byExperiment(e.id + 100)).toBeNull();
        const listed = await data.playbook.list();
        expect(listed.map((r) => r.id)).toEqual([third.id, second.id, first.id]);
        expect(listed[1]).toEqual({ ...second, experimentKey: 'subject-lines', experimentChannels: ['email', 'push'] });
        expect(listed[0]).toMatchObject({ experimentKey: null, experimentChannels: null });
        expect(await data.playbook.ofPlan(p.id)).toEqual([{ entry: second, key: 'subject-lines' }]);
        expect(await data.playbook.ofPlan(p.id + 100)).toEqual([]);
        await data.experiments.deleteOfPlan(p.id);
        const after = await data.playbook.list();
        expect(after.find((r) => r.id === second.id)).toMatchObject({ experimentId: null, experimentKey: null, experimentChannels: null });
      });

      it('list({ q }) matches a case-insensitive substring of any searchable column', async () => {
        const a = await entry({ title: 'Subject Lines', createdAtMs: 1 });
        const b = await entry({ whatWasTested: 'emoji in push', createdAtMs: 2 });
        const c = await entry({ learning: 'Shorter forms WIN', createdAtMs: 3 });
        const d = await entry({ audience: 'new users', channel: 'sms', lifecycleStage: 'onboarding', winningVariantKey: 'short_copy', metricKey: 'd7_retention', createdAtMs: 4 });
        const ids = async (q: string) => (await data.playbook.list({ q })).map((r) => r.id);
        expect(await ids('subject')).toEqual([a.id]);
        expect(await ids('PUSH')).toEqual([b.id]);
        expect(await ids('win')).toEqual([c.id]);
        expect(await ids('new us')).toEqual([d.id]);
        expect(await ids('SMS')).toEqual([d.id]);
        expect(await ids('boarding')).toEqual([d.id]);
        expect(await ids('RETENTION')).toEqual([d.id]);
        expect(await ids('  subject  ')).toEqual([a.id]);
        expect(await ids('')).toEqual([d.id, c.id, b.id, a.id]);
        expect(await ids('nothing like this')).toEqual([]);
      });

      it('list({ q }) matches any channel of the experiment and the metric\'s name', async () => {
        const e = await experiment('welcome', { channels: ['in-app', 'email'] });
        await metric('d7_activation', { name: 'Seven-day Activation' });
        const a = await entry({ experimentId: e.id, channel: 'in-app', metricKey: 'd7_activation', createdAtMs: 1 });
        const b = await entry({ channel: 'push', createdAtMs: 2 });
        const ids = async (q: string) => (await data.playbook.list({ q })).map((r) => r.id);
        expect(await ids('EMAIL')).toEqual([a.id]);
        expect(await ids('in-app')).toEqual([a.id]);
        expect(await ids('seven-day')).toEqual([a.id]);
        expect(await ids('push')).toEqual([b.id]);
      });

      test('list({ q }) takes % and _ literally, not as wildcards', async () => {
        const d = await entry({ title: '50% off', winningVariantKey: 'short_copy', createdAtMs: 1 });
        await entry({ title: '500 off', winningVariantKey: 'shortXcopy', createdAtMs: 2 });
        const ids = async (q: string) => (await data.playbook.list({ q })).map((r) => r.id);
        expect(await ids('50%')).toEqual([d.id]);
        expect(await ids('short_c')).toEqual([d.id]);
        expect(await ids('0% o')).toEqual([d.id]);
      });
    });

    describe('decisions', () => {
      it('insert with the default time; history newest first by id; latest', async () => {
        const e = await experiment('decided');
        const other = await experiment('other');
        expect(await data.decisions.latest(e.id)).toBeNull();
        expect(await data.decisions.history(e.id)).toEqual([]);
        const before = Date.now();
        const first = await data.decisions.insert({ experimentId: e.id, computedDecision: 'inconclusive', finalDecision: 'extend', winningVariantKey: null, rationale: null, decidedBy: 'ana', decidedAtMs: 5_000 });
        const second = await data.decisions.insert({ experimentId: e.id, computedDecision: 'ship', finalDecision: 'ship', winningVariantKey: 'b', rationale: 'clear win', decidedBy: 'ben', decidedAtMs: 1_000 });
        await data.decisions.insert({ experimentId: other.id, computedDecision: 'ship', finalDecision: 'stop', winningVariantKey: null, rationale: null, decidedBy: 'cy', decidedAtMs: 9_000 });
        expect(first.decidedAtMs).toBe(5_000);
        expect(await data.decisions.history(e.id)).toEqual([second, first]);
        expect(await data.decisions.latest(e.id)).toEqual(second);
        // decidedAtMs is optional in practice (the column has a default): the domain may leave it out.
        const defaulted = await data.decisions.insert({ experimentId: other.id, computedDecision: 'x', finalDecision: 'x', winningVariantKey: null, rationale: null, decidedBy: 'd' } as Parameters<Data['decisions']['insert']>[0]);
        expect(defaulted.decidedAtMs).toBeGreaterThanOrEqual(before - 1000);
      });
    });

    describe('audit', () => {
      it('append takes now unless told; list newest first with filters and a limit; details round-trip', async () => {
        const before = Date.now();
        await data.audit.append({ actor: 'ana', action: 'experiment.start', entityType: 'experiment', entityId: 'e1', details: { from: 'scheduled', to: 'running', nested: { n: [1, 2.5, null, 'x'] } } });
        const after = Date.now();
        await data.audit.append({ actor: 'ben', action: 'experiment.stop', entityType: 'experiment', entityId: 'e1', details: {}, atMs: after + 60_000 });
        await data.audit.append({ actor: 'cy', action: 'plan.create', entityType: 'plan', entityId: '7', details: { name: 'Q1 – “growth”' }, atMs: 1_000 });
        await data.audit.append({ actor: 'dee', action: 'plan.rename', entityType: 'plan', entityId: '7', details: {}, atMs: 1_000 });
        const all = await data.audit.list();
        expect(all.map((r) => r.actor)).toEqual(['ben', 'ana', 'dee', 'cy']); // by time, then newest id first
        const ana = all[1];
        expect(ana.atMs).toBeGreaterThanOrEqual(before - 1000);
        expect(ana.atMs).toBeLessThanOrEqual(after + 1000);
        expect(ana.details).toEqual({ from: 'scheduled', to: 'running', nested: { n: [1, 2.5, null, 'x'] } });
        expect(all[3]).toEqual({ id: all[3].id, atMs: 1_000, actor: 'cy', action: 'plan.create', entityType: 'plan', entityId: '7', details: { name: 'Q1 – “growth”' } });
        expect((await data.audit.list({ entityType: 'plan' })).map((r) => r.actor)).toEqual(['dee', 'cy']);
        expect((await data.audit.list({ entityType: 'experiment', entityId: 'e1' })).map((r) => r.actor)).toEqual(['ben', 'ana']);
        expect((await data.audit.list({ entityId: '7', action: 'plan.create' })).map((r) => r.actor)).toEqual(['cy']);
        expect((await data.audit.list({ limit: 2 })).map((r) => r.actor)).toEqual(['ben', 'ana']);
        expect(await data.audit.list({ entityType: 'key' })).toEqual([]);
      });
    });

    describe('keys', () => {
      it('insert, byId, byHash, newest first; update revocation, last use and name; a duplicate hash is a unique-key error', async () => {
        const a = await data.keys.insert({ name: 'sdk web', scope: 'sdk', prefix: 'wx_sdk_ab', hash: 'a'.repeat(64), createdAtMs: 1_000 });
        const b = await data.keys.insert({ name: 'admin', scope: 'admin', prefix: 'wx_admin_cd', hash: 'b'.repeat(64), createdAtMs: 2_000 });
        expect(a).toEqual({ id: a.id, name: 'sdk web', scope: 'sdk', prefix: 'wx_sdk_ab', hash: 'a'.repeat(64), createdAtMs: 1_000, lastUsedAtMs: null, revokedAtMs: null, allowedOrigins: [] });
        expect(await data.keys.byId(b.id)).toEqual(b);
        expect(await data.keys.byHash('a'.repeat(64))).toEqual(a);
        expect(await data.keys.byHash('c'.repeat(64))).toBeNull();
        expect(await data.keys.byId(b.id + 100)).toBeNull();
        expect((await data.keys.list()).map((k) => k.id)).toEqual([b.id, a.id]);
        expect(await data.keys.update(a.id, { lastUsedAtMs: 1_796_170_329_675 })).toEqual({ ...a, lastUsedAtMs: 1_796_170_329_675 });
        expect(await data.keys.update(a.id, { revokedAtMs: 5_000, name: 'old sdk' })).toEqual({ ...a, lastUsedAtMs: 1_796_170_329_675, revokedAtMs: 5_000, name: 'old sdk' });
        await expectUniqueViolation(data.keys.insert({ name: 'dup', scope: 'sdk', prefix: 'x', hash: 'b'.repeat(64), createdAtMs: 3_000 }));
        const client = await data.keys.insert({ name: 'web', scope: 'client', prefix: 'wx_client_ef', hash: 'd'.repeat(64), createdAtMs: 4_000, allowedOrigins: ['https://shop.example', 'http://localhost:5173'] });
        expect(client.allowedOrigins).toEqual(['https://shop.example', 'http://localhost:5173']);
        expect(await data.keys.byHash('d'.repeat(64))).toEqual(client);
      });
    });

    describe('transactions', () => {
      it('commits when the work resolves and answers its result; inTransaction says where we are', async () => {
        expect(data.inTransaction).toBe(false);
        const result = await data.transaction(async (tx) => {
          expect(tx.inTransaction).toBe(true);
          const p = await tx.plans.insert({ name: 'In tx', startDate: '2026-01-05' });
          const e = await tx.experiments.insert({ key: 'in-tx', name: 'In tx', planId: p.id });
          await tx.audit.append({ actor: 't', action: 'x', entityType: 'experiment', entityId: String(e.id), details: {} });
          expect(await tx.experiments.byKey('in-tx')).toEqual(e); // its own writes, before commit
          return e.id;
        });
        expect((await data.experiments.byKey('in-tx'))!.id).toBe(result);
        expect(await data.audit.list()).toHaveLength(1);
      });

      it('rolls everything back when the work throws, and rejects with that error', async () => {
        class Boom extends Error {}
        await plan({ name: 'Before' });
        await expect(data.transaction(async (tx) => {
          await tx.plans.insert({ name: 'Doomed', startDate: '2026-01-05' });
          await tx.experiments.insert({ key: 'doomed', name: 'Doomed' });
          await tx.metrics.insertIfAbsent({ key: 'doomed', name: 'Doomed', kind: 'count', eventName: 'e' });
          throw new Boom('boom');
        })).rejects.toBeInstanceOf(Boom);
        expect((await data.plans.list()).map((p) => p.name)).toEqual(['Before']);
        expect(await data.experiments.byKey('doomed')).toBeNull();
        expect(await data.metrics.byKey('doomed')).toBeNull();
        // The seam still works afterwards.
        await data.transaction(async (tx) => { await tx.plans.insert({ name: 'After', startDate: '2026-01-06' }); });
        expect((await data.plans.list()).map((p) => p.name)).toEqual(['After', 'Before']);
      });

      it('a unique-key error inside a transaction rejects it and undoes its earlier writes', async () => {
        await experiment('taken');
        await expectUniqueViolation(data.transaction(async (tx) => {
          await tx.plans.insert({ name: 'Half', startDate: '2026-01-05' });
          await tx.experiments.insert({ key: 'taken', name: 'Again' });
        }));
        expect(await data.plans.list()).toEqual([]);
      });

      it('transaction inside a transaction joins it: one commit, one rollback, no savepoints', async () => {
        await data.transaction(async (tx) => {
          await tx.plans.insert({ name: 'Outer', startDate: '2026-01-05' });
          const inner = await tx.transaction(async (inner) => {
            expect(inner.inTransaction).toBe(true);
            await inner.plans.insert({ name: 'Inner', startDate: '2026-01-06' });
            expect((await inner.plans.list()).map((p) => p.name).sort()).toEqual(['Inner', 'Outer']);
            return 'inner result';
          });
          expect(inner).toBe('inner result');
        });
        expect((await data.plans.list()).map((p) => p.name)).toEqual(['Inner', 'Outer']);

        // An error thrown by the outer work undoes the inner work too.
        await expect(data.transaction(async (tx) => {
          await tx.transaction(async (inner) => { await inner.plans.insert({ name: 'Inner 2', startDate: '2026-02-01' }); });
          throw new Error('outer fails');
        })).rejects.toThrow('outer fails');
        // An inner error the outer work catches undoes nothing: there is no savepoint to return to.
        await data.transaction(async (tx) => {
          await tx.transaction(async (inner) => {
            await inner.plans.insert({ name: 'Inner 3', startDate: '2026-03-01' });
            throw new Error('inner fails');
          }).catch(() => undefined);
        });
        expect((await data.plans.list()).map((p) => p.name)).toEqual(['Inner 3', 'Inner', 'Outer']);
      });

      it('transactions started together all commit, each with its own writes', async () => {
        const ids = await Promise.all(Array.from({ length: 6 }, (_, i) => data.transaction(async (tx) => {
          const e = await tx.experiments.insert({ key: `together-${i}`, name: `T${i}` });
          await tx.experiments.upsertVariant(e.id, { key: 'control', name: 'C', description: null, weight: 1, isControl: true, position: 0 });
          await tx.audit.append({ actor: 't', action: 'create', entityType: 'experiment', entityId: String(e.id), details: { i } });
          return e.id;
        })));
        expect(new Set(ids).size).toBe(6);
        expect(await data.experiments.list()).toHaveLength(6);
        for (const id of ids) expect(await data.experiments.variants(id)).toHaveLength(1);
        expect(await data.audit.list()).toHaveLength(6);
      });

      it('read, check, write: transactions started together lose no update (serial outcome)', async () => {
        // The domain's pattern (check a status, then move it) must not let two callers both pass.
        const plan = await data.plans.insert({ name: 'Counter', startDate: '2026-01-05', weeks: 0 });
        await Promise.all(Array.from({ length: 5 }, () => data.transaction(async (tx) => {
          const seen = (await tx.plans.byId(plan.id))!.weeks;
          await new Promise((r) => setTimeout(r, 5)); // let the others read the same value meanwhile, where the engine allows it
          await tx.plans.update(plan.id, { weeks: seen + 1 });
        })));
        expect((await data.plans.byId(plan.id))!.weeks).toBe(5);
      });
    });
  });
}
