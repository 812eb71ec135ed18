import { and, eq, inArray } from 'drizzle-orm';
import type { Db } from '../../db/connection.ts';
import { experiments, ideas, playbookEntries, plans } from '../../db/schema.ts';
import { recordAudit, type CommandContext } from '../audit.ts';
import { ConflictError } from '../errors.ts';
import { addDaysIso, isoDay, nextMondayIso, weekStartIso } from '../dates.ts';
import { getExperimentDetail, type ExperimentDetail } from '../experiments/queries.ts';
import { moveIdeaToWeek } from '../ideas/ideas.ts';
import { findConflicts } from '../planning/conflicts.ts';
import { createPlannedExperiment } from '../planning/experiment-editor.ts';
import { experimentPower } from '../planning/experiment-power.ts';
import type { PlannedExperimentInput } from '../planning/experiment-input.ts';
import { createPlan, getPlan } from '../plans/commands.ts';
import { buildReport } from '../reports/index.ts';

type Ctx = CommandContext;
export type DraftItem = { key: string; kind: 'follow-up' | 're-run' | 'idea'; week: number; source: string; power: string };
export type DraftResult = { planId: number; items: DraftItem[] };
type Candidate = { kind: DraftItem['kind']; source: string; channels: string[]; audience: string | null; durationDays: number; create: (week: number) => { key: string; id: number } };

/** The planner's fields of an existing experiment, for a follow-up or a re-run. */
function copyOf(e: ExperimentDetail, change: Partial<PlannedExperimentInput>): PlannedExperimentInput {
  const byRole = (role: string) => e.metrics.filter((m) => m.role === role).map((m) => m.key);
  return {
    name: e.name, week: 1, objective: e.objective, hypothesis: e.hypothesis, description: e.description,
    channels: e.channels as PlannedExperimentInput['channels'], assets: e.assets,
    primaryMetric: byRole('primary')[0] ?? null, secondaryMetrics: byRole('secondary'), guardrailMetrics: byRole('guardrail'),
    durationDays: e.durationDays, audience: e.audience, owner: e.owner, lifecycleStage: e.lifecycleStage,
    plannedMde: e.plannedMde, baselineRate: e.baselineRate,
    variants: e.variants.map((v) => ({ key: v.key, name: v.name, weight: v.weight })),
    successCriteria: e.successCriteria.flatMap((c): NonNullable<PlannedExperimentInput['successCriteria']> => {
      if (c.kind === 'lift' && c.metricKey) return [{ kind: 'lift', metricKey: c.metricKey, minRelativeLift: c.minRelativeLift ?? 0, maxPValue: c.maxPValue ?? 0.05, description: c.description }];
      if (c.kind === 'guardrail' && c.metricKey && c.maxRelativeDegradation !== null) return [{ kind: 'guardrail', metricKey: c.metricKey, maxRelativeDegradation: c.maxRelativeDegradation, description: c.description }];
      return [{ kind: 'qualitative', description: c.description }];
    }),
    ...change
  };
}

/**
 * "Plan again": drafts the next 90-day plan (status `draft`, starting the Monday after the
 * source plan ends, or next Monday if that has passed) from
 * 1. follow-ups of the source plan's playbook winners (the winner becomes the control),
 * 2. re-runs of its inconclusive experiments, lengthened to the sample they need,
 * 3. open backlog ideas.
 * Each goes in the first week where it overlaps nothing already placed on its channels and
 * audience (else the least busy week). The planner edits the draft, then accepts it.
 * @example draftNextPlan(db, 1, { actor: 'ana', nowMs }) // { planId: 2, items: [{ kind: 'follow-up', week: 1, ... }] }
 */
export function draftNextPlan(db: Db, sourcePlanId: number, ctx: Ctx): DraftResult {
  const source = getPlan(db, sourcePlanId);
  // One next plan per plan: drafting twice would duplicate every follow-up and re-run.
  const draftedKey = `next-of-plan-${sourcePlanId}`;
  const drafted = db.select({ id: plans.id, status: plans.status }).from(plans).where(eq(plans.templateKey, draftedKey)).get();
  if (drafted) {
    throw new ConflictError(`plan ${sourcePlanId} already has a next plan: plan ${drafted.id} (${drafted.status}); edit that one${drafted.status === 'draft' ? ', or delete it to draft again' : ''}`);
  }
  const afterSource = addDaysIso(source.startDate, source.weeks * 7);
  const today = isoDay(ctx.nowMs);
  const startDate = afterSource > today ? afterSource : nextMondayIso(new Date(ctx.nowMs));
  const candidates: Candidate[] = [];
  let planId = 0;

  const winners = db.select({ entry: playbookEntries, key: experiments.key }).from(playbookEntries)
    .innerJoin(experiments, eq(experiments.id, playbookEntries.experimentId)).where(eq(experiments.planId, sourcePlanId)).all();
  for (const { entry, key } of winners) {
    const e = getExperimentDetail(db, key);
    const winner = e.variants.find((v) => v.key === entry.winningVariantKey);
    candidates.push({ kind: 'follow-up', source: key, channels: e.channels, audience: e.audience, durationDays: e.durationDays,
      create: (week) => createPlannedExperiment(db, planId, copyOf(e, {
        name: `Follow-up: ${e.name}`, week,
        hypothesis: `Building on the winner '${winner?.name ?? entry.winningVariantKey}' (${entry.learning}), a further iteration improves ${entry.metricKey ?? 'the primary metric'} again.`,
        variants: [{ key: 'winner', name: `Winner: ${winner?.name ?? entry.winningVariantKey}`, weight: 1 }, { key: 'iteration', name: 'Next iteration', weight: 1 }],
        notes: `Follow-up of ${key} (playbook entry ${entry.id}; evidence ${entry.evidenceUrl ?? '—'}).`
      }), ctx) });
  }

  const concluded = db.select({ key: experiments.key }).from(experiments)
    .where(and(eq(experiments.planId, sourcePlanId), inArray(experiments.status, ['stopped', 'concluded']))).all();
  for (const { key } of concluded) {
    const report = buildReport(db, key, {}, ctx.nowMs);
    if ((report.recorded?.finalDecision ?? report.decision.outcome) !== 'inconclusive') continue;
    const e = getExperimentDetail(db, key);
    const power = experimentPower(db, e.id);
    const neededDays = power.daysNeeded ?? report.decision.needed?.days ?? e.durationDays * 2;
    const durationDays = Math.min(56, Math.max(e.durationDays, neededDays));
    const needed = report.decision.needed ? `${report.decision.needed.users.toLocaleString('en-US')} more users` : `${power.totalUsers?.toLocaleString('en-US') ?? 'more'} users in total`;
    candidates.push({ kind: 're-run', source: key, channels: e.channels, audience: e.audience, durationDays,
      create: (week) => createPlannedExperiment(db, planId, copyOf(e, {
        name: `Re-run: ${e.name}`, week, durationDays,
        notes: `Re-run of ${key}: inconclusive after ${report.health.usersExposed.toLocaleString('en-US')} users; needs ${needed} (${durationDays} days planned).`
      }), ctx) });
  }

  const openIdeas = db.select().from(ideas).where(eq(ideas.status, 'open')).all();
  for (const idea of openIdeas) {
    candidates.push({ kind: 'idea', source: `idea ${idea.id}: ${idea.title}`, channels: [idea.channel ?? 'web'], audience: null, durationDays: 14,
      create: (week) => moveIdeaToWeek(db, idea.id, { planId, week }, ctx) });
  }

  return db.transaction(() => {
    const plan = createPlan(db, {
      name: `Next 90 days after “${source.name}”`.slice(0, 200), startDate, weeks: source.weeks as 12 | 13,
      owner: source.owner, goal: source.goal, dailyTraffic: source.dailyTraffic,
      notes: `Drafted from plan ${source.id}: ${winners.length} follow-up(s), ${candidates.filter((c) => c.kind === 're-run').length} re-run(s), ${openIdeas.length} idea(s).`
    }, ctx);
    planId = plan.id;
    db.update(plans).set({ templateKey: draftedKey }).where(eq(plans.id, plan.id)).run();
    const placed: Array<{ key: string; channels: string[]; audience: string | null; startDate: string; endDate: string; week: number }> = [];
    const items: DraftItem[] = [];
    for (const c of candidates) {
      const fits = (week: number) => {
        const start = weekStartIso(startDate, week);
        const probe = { key: '?', name: '?', status: 'draft', channels: c.channels, audience: c.audience, startDate: start, endDate: addDaysIso(start, c.durationDays - 1), layerId: null };
        return findConflicts([probe, ...placed.map((p) => ({ ...p, name: p.key, status: 'draft', layerId: null }))]).length === 0;
      };
      const weeks = Array.from({ length: source.weeks }, (_, i) => i + 1);
      const week = weeks.find(fits) ?? weeks.reduce((best, w) => (placed.filter((p) => p.week === w).length < placed.filter((p) => p.week === best).length ? w : best), 1);
      const created = c.create(week);
      const start = weekStartIso(startDate, week);
      placed.push({ key: created.key, channels: c.channels, audience: c.audience, startDate: start, endDate: addDaysIso(start, c.durationDays - 1), week });
      items.push({ key: created.key, kind: c.kind, week, source: c.source, power: experimentPower(db, created.id).message });
    }
    recordAudit(db, { actor: ctx.actor, action: 'plan.draft-next', entityType: 'plan', entityId: plan.id, atMs: ctx.nowMs, details: { from: sourcePlanId, items } });
    return { planId: plan.id, items };
  }, { behavior: 'immediate' });
}

/** True when `planId` is a draft (the plan-again page shows accept / discard). */
export function isDraftPlan(db: Db, planId: number): boolean {
  return db.select({ status: plans.status }).from(plans).where(eq(plans.id, planId)).get()?.status === 'draft';
}
