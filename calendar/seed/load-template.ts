import { eq } from 'drizzle-orm';
import type { Db } from '../../db/connection.ts';
import {
  plans, experiments, variants, metrics, experimentMetrics, successCriteria, auditLog
} from '../../db/schema.ts';
import { nextMondayIso, weekStartIso } from '../dates.ts';
import { starterPlanTemplate, type PlanTemplate } from './template.ts';

export type LoadResult = { planId: number; created: boolean };

/**
 * Loads a plan template into the database: its metrics (by key, existing ones are kept),
 * one plan starting on the Monday after `now`, and one draft experiment per week.
 * Idempotent: a template already loaded (same `templateKey`) returns the existing plan.
 * @example loadPlanTemplate(db, { nowMs: Date.now(), actor: 'seed' }) // { planId: 1, created: true }
 */
export function loadPlanTemplate(
  db: Db,
  options: { nowMs: number; actor: string; template?: PlanTemplate }
): LoadResult {
  const template = options.template ?? starterPlanTemplate();
  // better-sqlite3 transactions are synchronous: every statement below runs inside it.
  return db.transaction((tx) => {
    const existing = tx.select({ id: plans.id }).from(plans)
      .where(eq(plans.templateKey, template.templateKey)).get();
    if (existing) return { planId: existing.id, created: false };

    for (const m of template.metrics) {
      tx.insert(metrics).values(m).onConflictDoNothing({ target: metrics.key }).run();
    }
    const metricIds = new Map(tx.select({ id: metrics.id, key: metrics.key }).from(metrics).all()
      .map((m) => [m.key, m.id]));

    const startDate = nextMondayIso(new Date(options.nowMs));
    const plan = tx.insert(plans).values({
      name: template.name, templateKey: template.templateKey, startDate,
      weeks: Math.max(12, ...template.weeks.map((w) => w.week)),
      owner: template.owner, goal: template.goal, notes: template.notes,
      dailyTraffic: template.dailyTraffic, status: 'active'
    }).returning({ id: plans.id }).get();

    for (const week of template.weeks) {
      const experiment = tx.insert(experiments).values({
        key: week.key, name: week.name, planId: plan.id, week: week.week,
        objective: week.objective, hypothesis: week.hypothesis, description: week.description,
        channels: week.channels, assets: week.assets, metricsPlanned: week.metricsPlanned,
        audience: week.audience ?? null, owner: template.owner, lifecycleStage: week.lifecycleStage,
        startDate: weekStartIso(startDate, week.week), durationDays: week.durationDays,
        status: 'scheduled', plannedMde: week.plannedMde ?? null
      }).returning({ id: experiments.id }).get();

      week.variants.forEach((v, position) => tx.insert(variants).values({
        experimentId: experiment.id, key: v.key, name: v.name,
        weight: 1 / week.variants.length, isControl: position === 0, position
      }).run());

      const roles = [
        ...week.primaryMetrics.map((key) => ({ key, role: 'primary' as const })),
        ...week.secondaryMetrics.map((key) => ({ key, role: 'secondary' as const })),
        ...week.guardrailMetrics.map((key) => ({ key, role: 'guardrail' as const }))
      ];
      for (const { key, role } of roles) {
        const metricId = metricIds.get(key);
        if (metricId === undefined) throw new Error(`template week ${week.week}: unknown metric '${key}'`);
        tx.insert(experimentMetrics).values({ experimentId: experiment.id, metricId, role }).run();
      }
      for (const c of week.successCriteria) {
        tx.insert(successCriteria).values({ experimentId: experiment.id, ...c }).run();
      }
    }
    tx.insert(auditLog).values({
      actor: options.actor, action: 'plan.seeded', entityType: 'plan', entityId: String(plan.id),
      details: { templateKey: template.templateKey, version: template.version }
    }).run();
    return { planId: plan.id, created: true };
  }, { behavior: 'immediate' });
}

/** Loads the starter plan only when the database has no plan at all (first start). */
export function seedOnFirstStart(db: Db, nowMs: number): LoadResult | null {
  const anyPlan = db.select({ id: plans.id }).from(plans).limit(1).get();
  if (anyPlan) return null;
  return loadPlanTemplate(db, { nowMs, actor: 'system:first-start' });
}
