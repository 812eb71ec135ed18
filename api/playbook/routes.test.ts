import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../tests/helpers/test-app.ts';
import type { NewEvent, NewExposure } from '../../tests/helpers/app-rows.ts';

const nowMs = new Date(2026, 10, 25, 10).getTime();
let t: TestApp;
beforeEach(async () => { t = await createTestApp({ nowMs }); });
afterEach(() => t.cleanup());
const w01 = 'w01-onboarding-ebook-reminder';
const post = (path: string, body?: unknown) => t.authed(path, { method: 'POST', ...(body === undefined ? {} : { body }) });
const learning = 'A guided reminder to open the e-book lifts 7-day activation';

/** Starts w01 through the API, records a clear effect (control 10%, guided 30%) and concludes it. */
async function runWinner() {
  expect((await post(`/api/v1/experiments/${w01}/start`)).status).toBe(200);
  const id = await t.rows.experimentId(w01);
  const exposures: NewExposure[] = [];
  const events: NewEvent[] = [];
  for (let i = 0; i < 2000; i++) {
    const variant = i % 2 ? 'guided' : 'control';
    exposures.push({ experimentId: id, userId: `u${i}`, variantKey: variant, firstExposedAtMs: nowMs + i, lastExposedAtMs: nowMs + i });
    if ((variant === 'control' && i % 20 === 0) || (variant === 'guided' && i % 10 < 6 && i % 2)) {
      events.push({ userId: `u${i}`, eventName: 'activation', timestampMs: nowMs + 3_600_000 + i, receivedAtMs: nowMs });
    }
  }
  await t.rows.insertTraffic({ exposures, events }); // one commit, not 2,600
  t.clock.nowMs = nowMs + 30 * 86_400_000;
  expect((await post(`/api/v1/experiments/${w01}/conclude`)).status).toBe(200);
}

/** Records the reviewer's "ship guided" decision on the concluded w01. */
async function decideShip() {
  const decided = await post(`/api/v1/experiments/${w01}/decision`, { finalDecision: 'ship', winningVariantKey: 'guided', rationale: 'Clear win on activation' });
  expect(decided.status).toBe(201);
}

/** w01 concluded, decided and promoted into the playbook (without a rollout). */
async function promoteWinner() {
  await runWinner();
  await decideShip();
  expect((await post(`/api/v1/experiments/${w01}/promote`, { learning })).status).toBe(201);
}

describe('the playbook loop over HTTP', () => {
  it('refuses to promote without a recorded ship decision, saying so', async () => {
    await runWinner();
    const res = await post(`/api/v1/experiments/${w01}/promote`, { learning });
    expect(res.status).toBe(409);
    expect((await res.json()).error).toMatchObject({ code: 'conflict', message: expect.stringMatching(/no reviewer decision is recorded.*record a "ship" decision/) });
    expect((await post(`/api/v1/experiments/${w01}/rollout`)).status).toBe(409);
  });

  it('promotes the winner with rollout, then stops and restarts the rollout', async () => {
    await runWinner();
    await decideShip();
    const res = await post(`/api/v1/experiments/${w01}/promote`, { learning, rollout: true });
    expect(res.status).toBe(201);
    const entry = await res.json();
    expect(entry).toMatchObject({ winningVariantKey: 'guided', metricKey: 'activation', channel: 'in-app', learning, createdBy: 'key:test admin', evidenceUrl: `/experiments/${w01}/report` });
    expect(entry.relativeLift).toBeGreaterThan(1);
    expect((await (await t.authed(`/api/v1/experiments/${w01}`)).json())).toMatchObject({ status: 'promoted', rolloutVariantKey: 'guided' });

    const assign = async () => (await (await t.authed(`/api/v1/assign?experiment=${w01}&userId=fresh-user&expose=false`, { key: t.sdkKey })).json()).assignments[w01];
    expect(await assign()).toMatchObject({ variant: 'guided', reason: 'rollout' });
    const stopped = await t.authed(`/api/v1/experiments/${w01}/rollout`, { method: 'DELETE' });
    expect(await stopped.json()).toEqual({ key: w01, status: 'promoted', rolloutVariantKey: null });
    expect(await assign()).toMatchObject({ variant: 'control' });
    const again = await post(`/api/v1/experiments/${w01}/rollout`);
    expect(await again.json()).toEqual({ key: w01, status: 'promoted', rolloutVariantKey: 'guided' });
    expect(await assign()).toMatchObject({ variant: 'guided', reason: 'rollout' });

    const twice = await post(`/api/v1/experiments/${w01}/promote`, { learning });
    expect(twice.status).toBe(409);
  });

  it('lists the playbook grouped by channel and stage, searchable, and as Markdown', async () => {
    await promoteWinner();
    const all = await (await t.authed('/api/v1/playbook')).json();
    expect(all).toMatchObject({ q: '', total: 1, groups: [{ channel: 'in-app', stages: [{ stage: 'activation', entries: [{ experimentKey: w01 }] }], summary: { wins: 1 } }] });
    expect(await (await t.authed('/api/v1/playbook?q=E-BOOK')).json()).toMatchObject({ q: 'E-BOOK', total: 1 });
    expect(await (await t.authed('/api/v1/playbook?q=pricing')).json()).toMatchObject({ q: 'pricing', total: 0, groups: [] });

    const md = await t.authed('/api/v1/playbook.md');
    expect(md.status).toBe(200);
    expect(md.headers.get('content-type')).toMatch(/^text\/markdown/);
    const text = await md.text();
    expect(text).toContain('# Playbook: what we know works');
    expect(text).toContain('| in-app | 1 |');
    expect(text).toContain(`[report](http://localhost/experiments/${w01}/report)`);
    expect(await (await t.authed('/api/v1/playbook.md?q=pricing')).text()).toContain('No promoted experiments yet.');
  });

  it('plans again: a draft plan whose follow-up of the winner has a power check', async () => {
    await promoteWinner();
    const res = await post('/api/v1/plans/1/draft-next');
    expect(res.status).toBe(201);
    const draft = await res.json();
    expect(draft.plan).toMatchObject({ status: 'draft', weeks: 12 });
    expect(draft.items[0]).toMatchObject({ kind: 'follow-up', week: 1, source: w01, power: expect.any(String) });
    const followUp = draft.experiments.find((e: { key: string }) => e.key === draft.items[0].key);
    expect(followUp).toMatchObject({ name: 'Follow-up: Onboarding reminder about e-book access', status: 'draft', power: { status: expect.any(String), message: draft.items[0].power } });
    expect(draft.experiments).toHaveLength(draft.items.length);
  });

  it('documents the new routes in the OpenAPI document', async () => {
    const doc = await (await t.app.request('/api/v1/openapi.json')).json();
    for (const path of ['/experiments/{key}/promote', '/experiments/{key}/rollout', '/playbook', '/playbook.md', '/plans/{id}/draft-next']) {
      expect(Object.keys(doc.paths)).toContain(path);
    }
    expect(Object.keys(doc.paths['/experiments/{key}/rollout'])).toEqual(['post', 'delete']);
  });

  it.each<[string, string, string, unknown, number, string]>([
    ['a promotion without a learning', 'POST', `/experiments/${w01}/promote`, {}, 400, 'invalid_request'],
    ['a one-word learning', 'POST', `/experiments/${w01}/promote`, { learning: 'works' }, 400, 'invalid_request'],
    ['rollout that is not a boolean', 'POST', `/experiments/${w01}/promote`, { learning, rollout: 'yes' }, 400, 'invalid_request'],
    ['an unknown promotion field', 'POST', `/experiments/${w01}/promote`, { learning, winner: 'guided' }, 400, 'invalid_request'],
    ['a malformed body', 'POST', `/experiments/${w01}/promote`, '{"learning":', 400, 'bad_request'],
    ['promoting a missing experiment', 'POST', '/experiments/nope/promote', { learning }, 404, 'not_found'],
    ['promoting a bad key', 'POST', '/experiments/-bad/promote', { learning }, 400, 'invalid_request'],
    ['promoting a draft', 'POST', '/experiments/w05-escalating-nudges/promote', { learning }, 409, 'conflict'],
    ['rolling out a draft', 'POST', '/experiments/w05-escalating-nudges/rollout', undefined, 409, 'conflict'],
    ['stopping the rollout of a missing experiment', 'DELETE', '/experiments/nope/rollout', undefined, 404, 'not_found'],
    ['a search over 200 characters', 'GET', `/playbook?q=${'x'.repeat(201)}`, undefined, 400, 'invalid_request'],
    ['drafting from a missing plan', 'POST', '/plans/999/draft-next', undefined, 404, 'not_found'],
    ['drafting from a bad plan id', 'POST', '/plans/abc/draft-next', undefined, 400, 'invalid_request']
  ])('refuses %s', async (_name, method, path, body, status, code) => {
    const res = await t.authed(`/api/v1${path}`, { method, ...(body === undefined ? {} : { body }),
      ...(typeof body === 'string' ? { headers: { 'content-type': 'application/json' } } : {}) });
    expect(res.status).toBe(status);
    expect((await res.json()).error.code).toBe(code);
  });

  it.each([['POST', '/experiments/x/promote'], ['GET', '/playbook'], ['GET', '/playbook.md'], ['POST', '/plans/1/draft-next'], ['DELETE', '/experiments/x/rollout']])(
    '%s %s needs an admin key', async (method, path) => {
      expect((await t.app.request(`/api/v1${path}`, { method })).status).toBe(401);
      expect((await t.authed(`/api/v1${path}`, { method, key: t.sdkKey })).status).toBe(403);
    });
});
