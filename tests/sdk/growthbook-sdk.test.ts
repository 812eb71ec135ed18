// The real GrowthBook JavaScript SDK (@growthbook/growthbook) against our real server over HTTP:
// it downloads /api/features/{clientKey}, assigns locally, forwards exposures, and streams changes.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EventSource } from 'eventsource';
import { GrowthBook, GrowthBookClient, configureCache, setPolyfills, type Attributes } from '@growthbook/growthbook';
import { createTestApp } from '../helpers/test-app.ts';
import { useServedApp } from '../helpers/served-app.ts';
import { notifyExperimentChanged } from '../../calendar/lifecycle/index.ts';
import { assignUser } from '../../api/assign/index.ts';
import { inHoldout } from '../../api/assign/holdout.ts';
import { onPostgres } from '../helpers/engine.ts';

setPolyfills({ EventSource });
// Every test fetches the payload itself (the SDK's module-wide cache would otherwise serve an older one).
configureCache({ disableCache: true });

const t = await createTestApp();
const keys = { client: '' };
/** The experiments compared: every seeded one (started here) and one of each special case. */
const compared: string[] = [];

const admin = async (path: string, body?: unknown, method = 'POST') => {
  const res = await t.authed(`/api/v1${path}`, { method, ...(body === undefined ? {} : { body }) });
  expect(res.status, `${method} ${path}: ${await res.clone().text()}`).toBeLessThan(300);
  return res;
};
const twoVariants = [{ key: 'control', name: 'Control' }, { key: 'treatment', name: 'Treatment' }];
/** A new experiment, exploratory (it may start without success criteria: this file tests serving, not analysis). */
const experiment = async (key: string, extra: object = {}) => {
  await admin('/experiments', { key, name: key, variants: twoVariants, exploratory: true, ...extra });
  await t.data.experiments.update((await t.data.experiments.byKey(key))!.id, { exploratory: true });
};

const served = useServedApp(t, async () => {
  // Every seeded week runs at once here, so the starter plan's alternating layer halves would clash.
  await t.rows.clearLayers();
  for (const e of await t.data.experiments.list()) {
    await admin(`/experiments/${e.key}/start`);
    compared.push(e.key);
  }
  // Exclusive layer: two experiments on halves of one layer.
  await experiment('layer-left', { layer: 'checkout', layerRange: [0, 0.5] });
  await experiment('layer-right', { layer: 'checkout', layerRange: [0.5, 1], variants: [...twoVariants, { key: 'third', name: 'Third' }] });
  await experiment('targeted', { targeting: [{ attribute: 'country', operator: 'in', value: ['TR', 'DE'] }, { attribute: 'age', operator: 'gte', value: 18 }] });
  await experiment('qa-forced', { forcedVariants: { 'qa-ana': 'treatment', 'qa-bo': 'control', 'user-7': 'treatment' } });
  await experiment('partial', { coverage: 0.3, variants: [{ key: 'control', weight: 1 }, { key: 'treatment', weight: 3 }], seed: 'partial-seed' });
  await experiment('rolled-out');
  await experiment('stopped');
  await experiment('stream-stop');
  for (const key of ['layer-left', 'layer-right', 'targeted', 'qa-forced', 'partial', 'rolled-out', 'stopped', 'stream-stop']) await admin(`/experiments/${key}/start`);
  await admin('/experiments/stopped/stop');
  // A winner rolled out: concluded, then the rollout as the playbook sets it after a ship decision.
  await admin('/experiments/rolled-out/conclude');
  const rolled = (await t.data.experiments.byKey('rolled-out'))!;
  await t.data.experiments.update(rolled.id, { rolloutVariantKey: 'treatment' });
  notifyExperimentChanged('rolled-out');
  compared.push('layer-left', 'layer-right', 'targeted', 'qa-forced', 'partial', 'rolled-out', 'stopped');
  // A plan with a 10% program holdout: a running experiment, one in a layer slice (the slice goes
  // into the filters), one with a QA-forced user and a rolled-out winner.
  const plan = await (await admin('/plans', { name: 'Held program', startDate: '2027-03-01' })).json();
  await admin(`/plans/${plan.id}/holdout`, { share: 0.1, seed: 'held-program' }, 'PUT');
  await experiment('held-running', { planId: plan.id });
  await experiment('held-layer', { planId: plan.id, layer: 'held', layerRange: [0.2, 0.8] });
  await experiment('held-qa', { planId: plan.id, forcedVariants: { 'user-3': 'treatment' } });
  await experiment('held-rolled', { planId: plan.id });
  for (const key of ['held-running', 'held-layer', 'held-qa', 'held-rolled']) await admin(`/experiments/${key}/start`);
  await admin('/experiments/held-rolled/conclude');
  const heldRolled = (await t.data.experiments.byKey('held-rolled'))!;
  await t.data.experiments.update(heldRolled.id, { rolloutVariantKey: 'treatment' });
  notifyExperimentChanged('held-rolled');
  compared.push('held-running', 'held-layer', 'held-qa', 'held-rolled');
  keys.client = (await (await admin('/keys', { name: 'web', scope: 'client' })).json()).key;
});

/** User i: an id, a country and an age (numbers and text, to exercise targeting). */
function user(i: number): Attributes {
  const id = i === 0 ? 'qa-ana' : i === 1 ? 'qa-bo' : `user-${i}`;
  return { id, country: ['TR', 'US', 'DE'][i % 3], age: i % 3 === 0 ? String(i % 40) : i % 40 };
}

type Assigned = Record<string, { variant: string | null; reason: string }>;

/** POST /api/v1/assign over HTTP for many users, `concurrency` requests at a time. */
async function assignedOverHttp(users: Attributes[], concurrency = 32): Promise<Assigned[]> {
  const out: Assigned[] = new Array(users.length);
  let next = 0;
  const worker = async () => {
    while (next < users.length) {
      const i = next++;
      const { id, ...attributes } = users[i]!;
      const res = await fetch(`${served.base}/api/v1/assign`, {
        method: 'POST', headers: { authorization: `Bearer ${t.sdkKey}`, 'content-type': 'application/json' },
        body: JSON.stringify({ userId: id, attributes, experiments: compared, expose: false })
      });
      out[i] = (await res.json()).assignments;
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return out;
}

describe('the GrowthBook SDK assigns as GET /api/v1/assign does', () => {
  let client: GrowthBookClient;
  beforeAll(async () => {
    client = new GrowthBookClient({ apiHost: served.base, clientKey: keys.client });
    expect((await client.init({ timeout: 30_000 })).success).toBe(true);
  });
  afterAll(() => client.destroy({ destroyAllStreams: true }));

  it('for 10,000 users (2,000 on PostgreSQL) and every experiment: running seeded ones, a layer, targeting, QA, partial coverage, a rollout, a stopped one', async () => {
    // On PostgreSQL every server-side call is a round trip for its sticky read: 2,000 users keep the
    // file inside its time there, and every case below still has hundreds of users.
    const n = onPostgres ? 2_000 : 10_000;
    const users = Array.from({ length: n }, (_, i) => user(i));
    // Our side: assignUser, the function behind GET and POST /api/v1/assign (fast path included),
    // for all of them; and the first 1,000 over HTTP too, through the real listener, which must agree.
    // Eight calls in flight (expose=false writes nothing, so the order does not matter): on
    // PostgreSQL each call waits on its sticky read, on SQLite it changes nothing.
    const server: Assigned[] = new Array(users.length);
    let next = 0;
    await Promise.all(Array.from({ length: 8 }, async () => {
      while (next < users.length) {
        const i = next++;
        const { id, ...attributes } = users[i]!;
        server[i] = (await assignUser(t.deps, { userId: String(id), attributes, experiments: compared, expose: false })).assignments as Assigned;
      }
    }));
    expect(await assignedOverHttp(users.slice(0, 1_000))).toEqual(server.slice(0, 1_000));
    const mismatches: string[] = [];
    const inExperiment = new Map<string, Set<string>>();
    users.forEach((attributes, i) => {
      for (const key of compared) {
        const sdk = client.evalFeature(key, { attributes });
        const ours = server[i]![key]!;
        if (sdk.value !== ours.variant || (sdk.source === 'experiment') !== (ours.reason === 'split')) {
          mismatches.push(`${attributes.id} ${key}: sdk ${sdk.value} (${sdk.source}), server ${ours.variant} (${ours.reason})`);
        }
        if (sdk.source === 'experiment') inExperiment.set(key, (inExperiment.get(key) ?? new Set()).add(String(attributes.id)));
      }
    });
    expect(mismatches.slice(0, 10)).toEqual([]);
    // The cases do what they say: the layer halves share nobody, targeting and coverage leave users out, and so on.
    const [left, right] = [inExperiment.get('layer-left')!, inExperiment.get('layer-right')!];
    expect(left.size + right.size).toBe(n);
    expect([...left].filter((id) => right.has(id))).toEqual([]);
    expect(inExperiment.get('targeted')!.size).toBeLessThan(0.7 * n);
    expect(inExperiment.get('partial')!.size).toBeLessThan(0.4 * n);
    expect(inExperiment.get('rolled-out')).toBeUndefined();
    expect(inExperiment.get('stopped')).toBeUndefined();
    expect(client.evalFeature('qa-forced', { attributes: user(0) })).toMatchObject({ value: 'treatment', source: 'force' });
    expect(client.evalFeature('rolled-out', { attributes: user(5) })).toMatchObject({ value: 'treatment', source: 'force' });
    // The program holdout: about 10% of users, the same on both sides, get the control everywhere in its plan.
    const held = users.filter((u) => inHoldout(String(u.id), { seed: 'held-program', share: 0.1 }));
    expect(held.length).toBeGreaterThan(0.08 * n);
    expect(held.length).toBeLessThan(0.12 * n);
    for (const u of held) {
      const i = users.indexOf(u);
      for (const key of ['held-running', 'held-rolled']) {
        expect(server[i]![key]).toMatchObject({ variant: 'control', reason: 'holdout' });
        expect(client.evalFeature(key, { attributes: u }).value).toBe('control');
      }
    }
    expect(inExperiment.get('held-running')!.size).toBe(n - held.length);
    expect([...inExperiment.get('held-layer')!].some((id) => held.some((u) => u.id === id))).toBe(false);
    expect(client.evalFeature('held-rolled', { attributes: users.find((u) => !held.includes(u))! })).toMatchObject({ value: 'treatment', source: 'force' });
  }, 120_000);
});

describe('exposures tracked by the SDK', () => {
  it('its trackingCallback, forwarded to POST /api/v1/exposures with the client key, shows in the report\'s counts', async () => {
    const tracked: Array<{ experiment: string; userId: string; variant: string }> = [];
    const client = new GrowthBookClient({
      apiHost: served.base, clientKey: keys.client,
      trackingCallback: (experiment, result, user) => { tracked.push({ experiment: experiment.key, userId: String(user.attributes!.id), variant: result.key }); }
    });
    // init resolves after `timeout` even without the payload (then nothing is tracked): fail here if so, with room for a loaded machine.
    expect((await client.init({ timeout: 30_000 })).success).toBe(true);
    const key = 'w02-email-subject-line';
    for (let i = 0; i < 300; i++) client.evalFeature(key, { attributes: { id: `tracked-${i}` } });
    client.destroy();
    // The starter plan holds 5% of users out (its program holdout): the SDK tracks only the others.
    const held = Array.from({ length: 300 }, (_, i) => `tracked-${i}`).filter((id) => inHoldout(id, { seed: 'starter-90-day-v1', share: 0.05 }));
    expect(held.length).toBeGreaterThan(0);
    expect(tracked).toHaveLength(300 - held.length);
    const res = await fetch(`${served.base}/api/v1/exposures`, {
      method: 'POST', headers: { authorization: `Bearer ${keys.client}`, 'content-type': 'application/json' },
      body: JSON.stringify({ exposures: tracked })
    });
    expect(await res.json()).toMatchObject({ accepted: tracked.length, rejected: [] });
    const expected: Record<string, number> = {};
    for (const e of tracked) expected[e.variant] = (expected[e.variant] ?? 0) + 1;
    // The report is built off the request path: ask until it has caught up.
    let observed: Record<string, number> | undefined;
    for (let attempt = 0; attempt < 50; attempt++) {
      const report = await (await t.authed(`/api/v1/experiments/${key}/results`)).json();
      observed = report.health?.srm?.observed;
      if (observed && Object.values(observed).reduce((a, b) => a + b, 0) >= tracked.length) break;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    expect(observed).toEqual(expected);
  });
});

describe('streaming', () => {
  it('a subscribed SDK sees a stopped experiment within one second', async () => {
    const gb = new GrowthBook({ apiHost: served.base, clientKey: keys.client, attributes: { id: 'user-3' } });
    expect((await gb.init({ timeout: 30_000, streaming: true })).success).toBe(true);
    try {
      expect(gb.getFeatures()['stream-stop']!.rules).toHaveLength(1);
      await new Promise((resolve) => setTimeout(resolve, 100)); // the stream is open
      const stoppedAt = Date.now();
      await admin('/experiments/stream-stop/stop');
      while (gb.getFeatures()['stream-stop']!.rules && Date.now() - stoppedAt < 1_000) await new Promise((resolve) => setTimeout(resolve, 10));
      expect(gb.getFeatures()['stream-stop']).toEqual({ defaultValue: 'control' });
      expect(gb.getFeatureValue('stream-stop', 'none')).toBe('control');
    } finally {
      gb.destroy({ destroyAllStreams: true });
    }
  });
});
