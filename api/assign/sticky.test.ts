/**
 * Stickiness: a user with a recorded exposure keeps the recorded variant while the experiment
 * runs, whatever happened to weights, coverage or targeting since, on every path through
 * `assignUser` (GET and POST, with and without `expose`). Each test builds its own app over a
 * fresh database and its own experiment.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../tests/helpers/test-app.ts';

const KEY = 'sticky-hero';

describe('assignment reads the recorded variant (guards: stickiness gone when assign never reads it)', () => {
  let t: TestApp | null = null;
  afterEach(() => { t?.cleanup(); t = null; });

  /** A running two-variant experiment, and user `u-1` exposed once: returns the recorded variant and the other. */
  async function exposedUser() {
    t = await createTestApp({ seed: false });
    const app = t;
    const admin = async (path: string, body?: unknown, method = 'POST') => {
      const res = await app.authed(path, { method, body });
      expect(res.status, `${method} ${path}: ${await res.clone().text()}`).toBeLessThan(300);
      return res;
    };
    await admin('/api/v1/experiments', {
      key: KEY, name: 'Sticky hero', exploratory: true, variants: [{ key: 'control' }, { key: 'treatment' }], forcedVariants: { 'qa-ana': 'treatment' }
    });
    await admin(`/api/v1/experiments/${KEY}/start`);
    const assign = async (query: string) => {
      const res = await app.authed(`/api/v1/assign?experiment=${KEY}&${query}`, { key: app.sdkKey });
      expect(res.status).toBe(200);
      return (await res.json()).assignments[KEY];
    };
    const post = async (body: unknown) => {
      const res = await app.authed('/api/v1/assign', { method: 'POST', body, key: app.sdkKey });
      expect(res.status).toBe(200);
      return (await res.json()).assignments[KEY];
    };
    const exposureOf = (userId: string) => app.rows.exposure(KEY, userId);
    const first = await assign('userId=u-1');
    expect(first).toMatchObject({ inExperiment: true, reason: 'split' });
    const recorded: string = first.variant;
    expect(['control', 'treatment']).toContain(recorded);
    const other = recorded === 'control' ? 'treatment' : 'control';
    /** Moves all new traffic to the variant u-1 did not get. */
    const weightsAway = () => admin(`/api/v1/experiments/${KEY}`, {
      variants: [{ key: 'control', weight: other === 'control' ? 1 : 0 }, { key: 'treatment', weight: other === 'treatment' ? 1 : 0 }], confirm: true
    }, 'PATCH');
    return { admin, assign, post, exposureOf, recorded, other, weightsAway };
  }

  it('expose=false after the weights moved: the recorded variant, reason sticky, nothing recorded again', async () => {
    const { assign, exposureOf, recorded, other, weightsAway } = await exposedUser();
    await weightsAway();
    expect(await assign('userId=never-seen&expose=false')).toMatchObject({ variant: other, reason: 'split' }); // the weights really moved
    expect(await assign('userId=u-1&expose=false')).toMatchObject({ variant: recorded, inExperiment: true, reason: 'sticky' });
    expect(await exposureOf('u-1')).toMatchObject({ variantKey: recorded, exposureCount: 1 });
  });

  it('POST /assign with expose false after the weights moved: the recorded variant', async () => {
    const { post, recorded, weightsAway } = await exposedUser();
    await weightsAway();
    expect(await post({ userId: 'u-1', experiments: [KEY], expose: false })).toMatchObject({ variant: recorded, inExperiment: true, reason: 'sticky' });
  });

  it('coverage cut to 0 after the exposure: the exposed user stays in the recorded variant and is counted again', async () => {
    const { admin, assign, exposureOf, recorded } = await exposedUser();
    await admin(`/api/v1/experiments/${KEY}`, { coverage: 0, confirm: true }, 'PATCH');
    expect(await assign('userId=never-seen&expose=false')).toMatchObject({ variant: 'control', inExperiment: false, reason: 'coverage' });
    expect(await assign('userId=u-1')).toMatchObject({ variant: recorded, inExperiment: true, reason: 'sticky' });
    expect(await assign('userId=u-1&expose=false')).toMatchObject({ variant: recorded, inExperiment: true, reason: 'sticky' });
    expect(await exposureOf('u-1')).toMatchObject({ variantKey: recorded, exposureCount: 2 });
  });

  it('targeting added after the exposure that the user no longer matches: still the recorded variant', async () => {
    const { admin, assign, exposureOf, recorded } = await exposedUser();
    await admin(`/api/v1/experiments/${KEY}`, { targeting: [{ attribute: 'country', operator: 'eq', value: 'TR' }], confirm: true }, 'PATCH');
    expect(await assign('userId=never-seen&expose=false&attributes.country=DE')).toMatchObject({ variant: 'control', inExperiment: false, reason: 'targeting' });
    expect(await assign('userId=u-1&attributes.country=DE')).toMatchObject({ variant: recorded, inExperiment: true, reason: 'sticky' });
    expect(await exposureOf('u-1')).toMatchObject({ variantKey: recorded, exposureCount: 2 });
  });

  it('expose=true after the weights moved: the recorded variant wins over the new split, and repeats are counted', async () => {
    const { assign, exposureOf, recorded, weightsAway } = await exposedUser();
    await weightsAway();
    expect(await assign('userId=u-1')).toMatchObject({ variant: recorded, inExperiment: true, reason: 'sticky' });
    expect(await exposureOf('u-1')).toMatchObject({ variantKey: recorded, exposureCount: 2 });
  });

  it('not sticky once stopped: everyone gets control, not in the experiment', async () => {
    const { admin, assign } = await exposedUser();
    await admin(`/api/v1/experiments/${KEY}/stop`);
    expect(await assign('userId=u-1&expose=false')).toMatchObject({ variant: 'control', inExperiment: false, reason: 'stopped' });
  });

  it('a forced QA user gets the forced variant even when an exposure to another variant is recorded for them', async () => {
    const { assign, exposureOf } = await exposedUser();
    const at = t!.clock.nowMs;
    await t!.rows.insertTraffic({ exposures: [{ experimentId: await t!.rows.experimentId(KEY), userId: 'qa-ana', variantKey: 'control', firstExposedAtMs: at, lastExposedAtMs: at }] });
    expect(await assign('userId=qa-ana')).toMatchObject({ variant: 'treatment', inExperiment: true, reason: 'forced' });
    expect(await assign('userId=qa-ana&expose=false')).toMatchObject({ variant: 'treatment', inExperiment: true, reason: 'forced' });
    expect(await exposureOf('qa-ana')).toMatchObject({ variantKey: 'control', exposureCount: 1 });
  });
});
