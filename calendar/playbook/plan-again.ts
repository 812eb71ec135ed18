import type { Data } from '../../db/store/index.ts';
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
type Candidate = { kind: DraftItem['kind']; source: string; channels: string[]; audience: string | null; durationDays: number; create: (tx: Data, week: number) => Promise<{ key: string; id: number }> };

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
 * @example await draftNextPlan(data, 1, { actor: 'ana', nowMs }) // { planId: 2, items: [{ kind: 'follow-up', week: 1, ... }] }
 */
export async function draftNextPlan(data: Data, sourcePlanId: number, ctx: Ctx): Promise<DraftResult> {
  const source = await getPlan(data, sourcePlanId);
  // One next plan per plan: drafting twice would duplicate every follow-up and re-run.
  const draftedKey = `next-of-plan-${sourcePlanId}`;
  const drafted = await data.plans.byTemplateKey(draftedKey);
  if (drafted) {
    throw new ConflictError(`plan ${sourcePlanId} already has a next plan: plan ${drafted.id} (${drafted.status}); edit that one${drafted.status === 'draft' ? ', or delete it to draft again' : ''}`);
  }
  const afterSource = addDaysIso(source.startDate, source.weeks * 7);
  const today = isoDay(ctx.nowMs);
  const startDate = afterSource > today ? afterSource : nextMondayIso(new Date(ctx.nowMs));
  const candidates: Candidate[] = [];
  let planId = 0;

  const winners = await data.playbook.ofPlan(sourcePlanId);
  for (const { entry, key } of winners) {
    const e = await getExperimentDetail(data, key);
    const winner = e.variants.find((v) => v.key === entry.winningVariantKey);
    candidates.push({ kind: 'follow-up', source: key, channels: e.channels, audience: e.audience, durationDays: e.durationDays,
      create: (tx, week) => createPlannedExperiment(tx, planId, copyOf(e, {
        name: `Follow-up: ${e.name}`, week,
        hypothesis: `Building on the winner '${winner?.name ?? entry.winningVariantKey}' (${entry.learning}), a further iteration improves ${entry.metricKey ?? 'the primary metric'} again.`,
        variants: [{ key: 'winner', name: `Winner: ${winner?.name ?? entry.winningVariantKey}`, weight: 1 }, { key: 'iteration', name: 'Next iteration', weight: 1 }],
        notes: `Follow-up of ${key} (playbook entry ${entry.id}; evidence ${entry.evidenceUrl ?? '—'}).`
      }), ctx) });
  }

  const concluded = await data.experiments.list({ planId: sourcePlanId, statuses: ['stopped', 'concluded'] });
  for (const { key } of concluded) {
    const report = await buildReport(data, key, {}, ctx.nowMs);
    if ((report.recorded?.finalDecision ?? report.decision.outcome) !== 'inconclusive') continue;
    const e = await getExperimentDetail(data, key);
    const power = await experimentPower(data, e.id);
    const neededDays = power.daysNeeded ?? report.decision.needed?.days ?? e.durationDays * 2;
    const durationDays = Math.min(56, Math.max(e.durationDays, neededDays));
    const needed = report.decision.needed ? `${report.decision.needed.users.toLocaleString('en-US')} more users` : `${power.totalUsers?.toLocaleString('en-US') ?? 'more'} users in total`;
    candidates.push({ kind: 're-run', source: key, channels: e.channels, audience: e.audience, durationDays,
      create: (tx, week) => createPlannedExperiment(tx, planId, copyOf(e, {
        name: `Re-run: ${e.name}`, week, durationDays,
        notes: `Re-run of ${key}: inconclusive after ${report.health.usersExposed.toLocaleString('en-US')} users; needs ${needed} (${durationDays} days planned).`
      }), ctx) });
  }

  const openIdeas = (await data.ideas.list({ status: 'open' })).reverse(); // oldest first, in the order they were added
  for (const idea of openIdeas) {
    candidates.push({ kind: 'idea', source: `idea ${idea.id}: ${idea.title}`, channels: [idea.channel ?? 'web'], audience: null, durationDays: 14,
      create: (tx, week) => moveIdeaToWeek(tx, idea.id, { planId, week }, ctx) });
  }

  return data.transaction(async (tx) => {
    const plan = await createPlan(tx, {
      name: `Next 90 days after “${source.name}”`.slice(0, 200), startDate, weeks: source.weeks as 12 | 13,
      owner: source.owner, goal: source.goal, dailyTraffic: source.dailyTraffic,
      notes: `Drafted from plan ${source.id}: ${winners.length} follow-up(s), ${candidates.filter((c) => c.kind === 're-run').length} re-run(s), ${openIdeas.length} idea(s).`
    }, ctx);
    planId = plan.id;
    await tx.plans.update(plan.id, { templateKey: draftedKey });
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
      const created = await c.create(tx, week);
      const start = weekStartIso(startDate, week);
      placed.push({ key: created.key, channels: c.channels, audience: c.audience, startDate: start, endDate: addDaysIso(start, c.durationDays - 1), week });
      items.push({ key: created.key, kind: c.kind, week, source: c.source, power: (await experimentPower(tx, created.id)).message });
    }
    await recordAudit(tx, { actor: ctx.actor, action: 'plan.draft-next', entityType: 'plan', entityId: plan.id, atMs: ctx.nowMs, details: { from: sourcePlanId, items } });
    return { planId: plan.id, items };
  });
}

/** True when `planId` is a draft (the plan-again page shows accept / discard). */
export async function isDraftPlan(data: Data, planId: number): Promise<boolean> {
  return (await data.plans.byId(planId))?.status === 'draft';
}
