// Weights change on a running experiment: the real GrowthBook SDK with a sticky bucket service
// keeps every exposed user in their variant (as our server does from recorded exposures); the
// same SDK without one moves some of them. Both read the payload of our real server over HTTP.
import { describe, expect, it } from 'vitest';
import { GrowthBookClient, LocalStorageStickyBucketService, configureCache, type UserContext } from '@growthbook/growthbook';
import { createTestApp } from '../helpers/test-app.ts';
import { useServedApp } from '../helpers/served-app.ts';

// Each client below must read the payload as it is now, not the SDK's module-wide cached copy.
configureCache({ disableCache: true });

const t = await createTestApp();
const experiment = 'sticky-weights';
const keys = { client: '' };
const admin = async (path: string, body: unknown, method = 'POST') => {
  const res = await t.authed(`/api/v1${path}`, { method, body });
  expect(res.status, `${method} ${path}: ${await res.clone().text()}`).toBeLessThan(300);
  return res;
};

const served = useServedApp(t, async () => {
  await admin('/experiments', { key: experiment, name: 'Sticky weights', variants: [{ key: 'control', weight: 1 }, { key: 'treatment', weight: 1 }] });
  // Exploratory: it may start without success criteria (this file tests serving, not analysis).
  await t.data.experiments.update((await t.data.experiments.byKey(experiment))!.id, { exploratory: true });
  await admin(`/experiments/${experiment}/start`, {});
  keys.client = (await (await admin('/keys', { name: 'sticky web', scope: 'client' })).json()).key;
});

/** A browser's localStorage, in memory: what LocalStorageStickyBucketService persists to. */
function memoryStorage() {
  const items = new Map<string, string>();
  return { getItem: (key: string) => items.get(key) ?? null, setItem: (key: string, value: string) => void items.set(key, value) };
}

/** A GrowthBookClient on the payload our server serves now. */
async function clientNow(): Promise<GrowthBookClient> {
  const client = new GrowthBookClient({ apiHost: served.base, clientKey: keys.client });
  expect((await client.init({ timeout: 30_000 })).success).toBe(true);
  return client;
}

/** The variant of each user; with a sticky bucket service, its assignments are read first and saved after. */
async function variantsOf(client: GrowthBookClient, userIds: string[], sticky?: LocalStorageStickyBucketService): Promise<string[]> {
  const out: string[] = [];
  for (const id of userIds) {
    const user: UserContext = sticky ? await client.applyStickyBuckets({ attributes: { id } }, sticky) : { attributes: { id } };
    const result = client.evalFeature(experiment, user);
    expect(result.source, id).toBe('experiment');
    out.push(String(result.value));
  }
  return out;
}

describe('sticky bucketing when the weights of a running experiment change', () => {
  it('keeps all 2,000 exposed users with a sticky bucket service; without one the SDK moves some, and our server keeps them', async () => {
    const exposed = Array.from({ length: 2_000 }, (_, i) => `exposed-${i}`);
    const sticky = new LocalStorageStickyBucketService({ localStorage: memoryStorage() });
    const before = await clientNow();
    const first = await variantsOf(before, exposed, sticky);
    before.destroy();
    // Our server records the same exposures (what the SDK's trackingCallback forwards).
    const exposures = exposed.map((userId, i) => ({ experiment, userId, variant: first[i]! }));
    for (let i = 0; i < exposures.length; i += 1000) {
      expect(await (await admin('/exposures', { exposures: exposures.slice(i, i + 1000) })).json()).toMatchObject({ rejected: [] });
    }

    // 50/50 becomes 10/90 while the experiment runs.
    await admin(`/experiments/${experiment}`, { variants: [{ key: 'control', weight: 1 }, { key: 'treatment', weight: 9 }], confirm: true }, 'PATCH');
    const after = await clientNow();
    try {
      const rule = after.getFeatures()[experiment]!.rules![0]!;
      expect(rule.weights).toEqual([0.1, 0.9]);
      // The payload keeps bucket version 0 (the SDK's default): a saved assignment stays valid.
      expect(rule.bucketVersion ?? 0).toBe(0);
      expect(rule.minBucketVersion ?? 0).toBe(0);

      // With sticky bucketing: nobody moves.
      expect(await variantsOf(after, exposed, sticky)).toEqual(first);
      // Without it the SDK hashes afresh: the users in the control's lost range move.
      const fresh = await variantsOf(after, exposed);
      const moved = exposed.filter((_, i) => fresh[i] !== first[i]);
      expect(moved.length).toBeGreaterThan(500); // about 40% of the users (those hashed in 0.1-0.5)
      expect(moved.every((id) => first[exposed.indexOf(id)] === 'control')).toBe(true);
      // Our server is sticky from the recorded exposures: it answers what the sticky SDK answers.
      for (const userId of moved.slice(0, 100)) {
        const res = await t.authed(`/api/v1/assign?experiment=${experiment}&userId=${userId}&expose=false`, { key: t.sdkKey });
        expect((await res.json()).assignments[experiment].variant, userId).toBe(first[exposed.indexOf(userId)]);
      }
      // New users follow the new weights, with or without the service.
      const newcomers = Array.from({ length: 2_000 }, (_, i) => `new-${i}`);
      const treated = (await variantsOf(after, newcomers, sticky)).filter((v) => v === 'treatment').length;
      expect(treated).toBeGreaterThan(1_700);
    } finally {
      after.destroy();
    }
  }, 60_000);
});
