import { describe, expect, it } from 'vitest';
import { deletePlan } from '../plans/index.ts';
import type { Data } from '../../db/store/index.ts';
import { useSeededDatabase } from '../../tests/helpers/seeded-database.ts';
import { insertTraffic, type EventRow, type ExposureRow } from '../../tests/helpers/catalog-rows.ts';
import { concludeExperiment, transition } from '../lifecycle/index.ts';
import { recordDecision } from '../reports/index.ts';
import { createIdea } from '../ideas/index.ts';
import { ConflictError } from '../errors.ts';
import { draftNextPlan, groupPlaybook, listPlaybook, playbookToMarkdown, promoteExperiment } from './index.ts';

const nowMs = new Date(2026, 10, 25, 10).getTime();
const later = nowMs + 30 * 86_400_000;
const ctx = { actor: 'rita', nowMs: later };
const w01 = 'w01-onboarding-ebook-reminder';
let db: Parameters<typeof insertTraffic>[0];
let data: Data;
useSeededDatabase(nowMs, (freshDb, fresh) => { db = freshDb; data = fresh; });

/** Runs w01 with a clear effect (control 10%, guided 30% activation) and concludes it. */
async function runWinner() {
  await transition(data, w01, 'start', { actor: 'ana', nowMs });
  const id = (await data.experiments.byKey(w01))!.id;
  const exposures: ExposureRow[] = [];
  const events: EventRow[] = [];
  for (let i = 0; i < 2000; i++) {
    const variant = i % 2 ? 'guided' : 'control';
    exposures.push({ experimentId: id, userId: `u${i}`, variantKey: variant, firstExposedAtMs: nowMs + i, lastExposedAtMs: nowMs + i });
    if ((variant === 'control' && i % 20 === 0) || (variant === 'guided' && i % 10 < 6 && i % 2)) {
      events.push({ userId: `u${i}`, eventName: 'activation', timestampMs: nowMs + 3_600_000 + i, receivedAtMs: nowMs });
    }
  }
  insertTraffic(db, { exposures, events });
  await concludeExperiment(data, w01, ctx);
}

describe('promotion', () => {
  it('needs a recorded ship decision', async () => {
    await runWinner();
    await expect(promoteExperiment(data, w01, { learning: 'Guided reminders lift activation' }, ctx)).rejects.toThrow(/no reviewer decision/);
    await recordDecision(data, w01, { finalDecision: 'no-ship', rationale: 'Not convinced by the guardrail', decidedBy: 'rita' }, later);
    await expect(promoteExperiment(data, w01, { learning: 'Guided reminders lift activation' }, ctx)).rejects.toThrow(/'no-ship'/);
  });

  it('refuses an experiment that is not concluded', async () => {
    await expect(promoteExperiment(data, w01, { learning: 'Guided reminders lift activation' }, ctx)).rejects.toThrow(ConflictError);
  });

  it('writes the playbook entry with the measured effect and rolls the winner out', async () => {
    await runWinner();
    await recordDecision(data, w01, { finalDecision: 'ship', winningVariantKey: 'guided', rationale: 'Clear win on activation', decidedBy: 'rita' }, later);
    const entry = await promoteExperiment(data, w01, { learning: 'A guided reminder to open the e-book lifts 7-day activation', rollout: true }, ctx);
    expect(entry).toMatchObject({
      winningVariantKey: 'guided', metricKey: 'activation', channel: 'in-app', lifecycleStage: 'activation',
      evidenceUrl: `/experiments/${w01}/report`, createdBy: 'rita'
    });
    expect(entry.relativeLift!).toBeGreaterThan(1); // 30% vs 10%: about +200%
    expect(entry.ciLow!).toBeLessThan(entry.relativeLift!);
    expect(entry.pValue!).toBeLessThan(0.001);
    expect(await data.experiments.byKey(w01)).toMatchObject({ status: 'promoted', rolloutVariantKey: 'guided' });

    const groups = groupPlaybook(await listPlaybook(data));
    expect(groups).toMatchObject([{ channel: 'in-app', stages: [{ stage: 'activation' }], summary: { wins: 1 } }]);
    expect(await listPlaybook(data, { q: 'e-BOOK' })).toHaveLength(1);
    expect(await listPlaybook(data, { q: 'pricing' })).toHaveLength(0);
    const md = playbookToMarkdown(groups);
    expect(md).toContain('# Playbook: what we know works');
    expect(md).toContain('| in-app | 1 |');
    expect(md).toContain('winner `guided`, activation +');
    expect(md).toContain(`[report](/experiments/${w01}/report)`);
  });
});

describe('plan again', () => {
  it('drafts the next plan from winners, inconclusive re-runs and open ideas, each in a week with a power check', async () => {
    await runWinner();
    await recordDecision(data, w01, { finalDecision: 'ship', winningVariantKey: 'guided', rationale: 'Clear win on activation', decidedBy: 'rita' }, later);
    await promoteExperiment(data, w01, { learning: 'A guided reminder lifts activation' }, ctx);
    // w02 ran with almost no users: inconclusive.
    await transition(data, 'w02-email-subject-line', 'start', { actor: 'ana', nowMs });
    await concludeExperiment(data, 'w02-email-subject-line', ctx);
    await createIdea(data, { title: 'Exit-intent survey', source: 'user-feedback', channel: 'web' }, ctx);

    const draft = await draftNextPlan(data, 1, ctx);
    const plan = (await data.plans.byId(draft.planId))!;
    expect(plan).toMatchObject({ status: 'draft', startDate: '2027-02-22', weeks: 12 });
    expect(draft.items.map((i) => [i.kind, i.week])).toEqual([['follow-up', 1], ['re-run', 3], ['idea', 1]]); // the re-run shares email with the follow-up
    const followUp = (await data.experiments.byKey(draft.items[0]!.key))!;
    expect(followUp).toMatchObject({ name: 'Follow-up: Onboarding reminder about e-book access', status: 'draft', planId: draft.planId });
    const rerun = (await data.experiments.byKey(draft.items[1]!.key))!;
    expect(rerun.notes).toMatch(/Re-run of w02-email-subject-line: inconclusive/);
    expect(draft.items.every((i) => i.power.length > 0)).toBe(true);
    // The re-run keeps w02's structured lift criterion instead of turning it into text.
    const rerunCriteria = await data.experiments.criteria(rerun.id);
    expect(rerunCriteria).toContainEqual(expect.objectContaining({ kind: 'lift', metricKey: 'email_open', minRelativeLift: 0.15 }));
  });

  it('drafts the next plan once: a second draft is refused, and possible again once the draft is deleted', async () => {
    const first = await draftNextPlan(data, 1, ctx);
    await expect(draftNextPlan(data, 1, ctx)).rejects.toThrow(new RegExp(`already has a next plan: plan ${first.planId} \\(draft\\)`));
    await deletePlan(data, first.planId, ctx);
    expect((await draftNextPlan(data, 1, ctx)).planId).not.toBe(first.planId);
  });

  it('places two items on the same channel in different weeks', async () => {
    await createIdea(data, { title: 'Idea A', source: 'analytics', channel: 'email' }, ctx);
    await createIdea(data, { title: 'Idea B', source: 'survey', channel: 'email' }, ctx);
    const draft = await draftNextPlan(data, 1, ctx);
    expect(draft.items.map((i) => i.week)).toEqual([1, 3]); // 14 days each: weeks 1-2, then 3-4
  });
});
