import { describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { events, experiments, exposures, plans, successCriteria } from '../../db/schema.ts';
import { deletePlan } from '../plans/index.ts';
import type { Db } from '../../db/connection.ts';
import { useSeededDatabase } from '../../tests/helpers/seeded-database.ts';
import { concludeExperiment, transition } from '../lifecycle/index.ts';
import { recordDecision } from '../reports/index.ts';
import { createIdea } from '../ideas/index.ts';
import { ConflictError } from '../errors.ts';
import { draftNextPlan, groupPlaybook, listPlaybook, playbookToMarkdown, promoteExperiment } from './index.ts';

const nowMs = new Date(2026, 10, 25, 10).getTime();
const later = nowMs + 30 * 86_400_000;
const ctx = { actor: 'rita', nowMs: later };
const w01 = 'w01-onboarding-ebook-reminder';
let db: Db;
useSeededDatabase(nowMs, (fresh) => { db = fresh; });

/** Runs w01 with a clear effect (control 10%, guided 30% activation) and concludes it. */
function runWinner() {
  transition(db, w01, 'start', { actor: 'ana', nowMs });
  const id = db.select().from(experiments).where(eq(experiments.key, w01)).get()!.id;
  for (let i = 0; i < 2000; i++) {
    const variant = i % 2 ? 'guided' : 'control';
    db.insert(exposures).values({ experimentId: id, userId: `u${i}`, variantKey: variant, firstExposedAtMs: nowMs + i, lastExposedAtMs: nowMs + i }).run();
    if ((variant === 'control' && i % 20 === 0) || (variant === 'guided' && i % 10 < 6 && i % 2)) {
      db.insert(events).values({ userId: `u${i}`, eventName: 'activation', timestampMs: nowMs + 3_600_000 + i, receivedAtMs: nowMs }).run();
    }
  }
  concludeExperiment(db, w01, ctx);
}

describe('promotion', () => {
  it('needs a recorded ship decision', () => {
    runWinner();
    expect(() => promoteExperiment(db, w01, { learning: 'Guided reminders lift activation' }, ctx)).toThrow(/no reviewer decision/);
    recordDecision(db, w01, { finalDecision: 'no-ship', rationale: 'Not convinced by the guardrail', decidedBy: 'rita' }, later);
    expect(() => promoteExperiment(db, w01, { learning: 'Guided reminders lift activation' }, ctx)).toThrow(/'no-ship'/);
  });

  it('refuses an experiment that is not concluded', () => {
    expect(() => promoteExperiment(db, w01, { learning: 'Guided reminders lift activation' }, ctx)).toThrow(ConflictError);
  });

  it('writes the playbook entry with the measured effect and rolls the winner out', () => {
    runWinner();
    recordDecision(db, w01, { finalDecision: 'ship', winningVariantKey: 'guided', rationale: 'Clear win on activation', decidedBy: 'rita' }, later);
    const entry = promoteExperiment(db, w01, { learning: 'A guided reminder to open the e-book lifts 7-day activation', rollout: true }, ctx);
    expect(entry).toMatchObject({
      winningVariantKey: 'guided', metricKey: 'activation', channel: 'in-app', lifecycleStage: 'activation',
      evidenceUrl: `/experiments/${w01}/report`, createdBy: 'rita'
    });
    expect(entry.relativeLift!).toBeGreaterThan(1); // 30% vs 10%: about +200%
    expect(entry.ciLow!).toBeLessThan(entry.relativeLift!);
    expect(entry.pValue!).toBeLessThan(0.001);
    expect(db.select().from(experiments).where(eq(experiments.key, w01)).get()).toMatchObject({ status: 'promoted', rolloutVariantKey: 'guided' });

    const groups = groupPlaybook(listPlaybook(db));
    expect(groups).toMatchObject([{ channel: 'in-app', stages: [{ stage: 'activation' }], summary: { wins: 1 } }]);
    expect(listPlaybook(db, { q: 'e-BOOK' })).toHaveLength(1);
    expect(listPlaybook(db, { q: 'pricing' })).toHaveLength(0);
    const md = playbookToMarkdown(groups);
    expect(md).toContain('# Playbook: what we know works');
    expect(md).toContain('| in-app | 1 |');
    expect(md).toContain('winner `guided`, activation +');
    expect(md).toContain(`[report](/experiments/${w01}/report)`);
  });
});

describe('plan again', () => {
  it('drafts the next plan from winners, inconclusive re-runs and open ideas, each in a week with a power check', () => {
    runWinner();
    recordDecision(db, w01, { finalDecision: 'ship', winningVariantKey: 'guided', rationale: 'Clear win on activation', decidedBy: 'rita' }, later);
    promoteExperiment(db, w01, { learning: 'A guided reminder lifts activation' }, ctx);
    // w02 ran with almost no users: inconclusive.
    transition(db, 'w02-email-subject-line', 'start', { actor: 'ana', nowMs });
    concludeExperiment(db, 'w02-email-subject-line', ctx);
    createIdea(db, { title: 'Exit-intent survey', source: 'user-feedback', channel: 'web' }, ctx);

    const draft = draftNextPlan(db, 1, ctx);
    const plan = db.select().from(plans).where(eq(plans.id, draft.planId)).get()!;
    expect(plan).toMatchObject({ status: 'draft', startDate: '2027-02-22', weeks: 12 });
    expect(draft.items.map((i) => [i.kind, i.week])).toEqual([['follow-up', 1], ['re-run', 3], ['idea', 1]]); // the re-run shares email with the follow-up
    const followUp = db.select().from(experiments).where(eq(experiments.key, draft.items[0]!.key)).get()!;
    expect(followUp).toMatchObject({ name: 'Follow-up: Onboarding reminder about e-book access', status: 'draft', planId: draft.planId });
    const rerun = db.select().from(experiments).where(eq(experiments.key, draft.items[1]!.key)).get()!;
    expect(rerun.notes).toMatch(/Re-run of w02-email-subject-line: inconclusive/);
    expect(draft.items.every((i) => i.power.length > 0)).toBe(true);
    // The re-run keeps w02's structured lift criterion instead of turning it into text.
    const rerunCriteria = db.select().from(successCriteria).where(eq(successCriteria.experimentId, rerun.id)).all();
    expect(rerunCriteria).toContainEqual(expect.objectContaining({ kind: 'lift', metricKey: 'email_open', minRelativeLift: 0.15 }));
  });

  it('drafts the next plan once: a second draft is refused, and possible again once the draft is deleted', () => {
    const first = draftNextPlan(db, 1, ctx);
    expect(() => draftNextPlan(db, 1, ctx)).toThrow(new RegExp(`already has a next plan: plan ${first.planId} \\(draft\\)`));
    deletePlan(db, first.planId, ctx);
    expect(draftNextPlan(db, 1, ctx).planId).not.toBe(first.planId);
  });

  it('places two items on the same channel in different weeks', () => {
    createIdea(db, { title: 'Idea A', source: 'analytics', channel: 'email' }, ctx);
    createIdea(db, { title: 'Idea B', source: 'survey', channel: 'email' }, ctx);
    const draft = draftNextPlan(db, 1, ctx);
    expect(draft.items.map((i) => i.week)).toEqual([1, 3]); // 14 days each: weeks 1-2, then 3-4
  });
});
