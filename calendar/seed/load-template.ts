import type { Data } from '../../db/store/index.ts';
import type { MetricRole } from '../model.ts';
import { nextMondayIso, weekStartIso } from '../dates.ts';
import { starterPlanTemplate, type PlanTemplate } from './template.ts';

export type LoadResult = { planId: number; created: boolean };

/**
 * Loads a plan template into the database: its metrics and layers (by key, existing ones are kept),
 * one plan starting on the Monday after `now`, and one draft experiment per week.
 * Idempotent: a template already loaded (same `templateKey`) returns the existing plan.
 * @example await loadPlanTemplate(data, { nowMs: Date.now(), actor: 'seed' }) // { planId: 1, created: true }
 */
export async function loadPlanTemplate(
  data: Data,
  options: { nowMs: number; actor: string; template?: PlanTemplate }
): Promise<LoadResult> {
  const template = options.template ?? starterPlanTemplate();
  // One transaction: every write below commits together, or none does.
  return data.transaction(async (tx) => {
    const existing = await tx.plans.byTemplateKey(template.templateKey);
    if (existing) return { planId: existing.id, created: false };

    for (const m of template.metrics) await tx.metrics.insertIfAbsent(m);
    const referenced = new Set(template.weeks.flatMap((w) => [...w.primaryMetrics, ...w.secondaryMetrics, ...w.guardrailMetrics]));
    const metricIds = new Map((await tx.metrics.byKeys([...referenced])).map((m) => [m.key, m.id]));

    const layerIds = new Map<string, number>();
    for (const l of template.layers) {
      const layer = (await tx.layers.byKey(l.key)) ?? await tx.layers.insert({ key: l.key, name: l.name, description: l.description ?? null });
      layerIds.set(l.key, layer.id);
    }
    const layerOf = (week: PlanTemplate['weeks'][number]) => {
      if (!week.layer) return { layerId: null, layerStart: null, layerEnd: null };
      const layerId = layerIds.get(week.layer);
      if (layerId === undefined) throw new Error(`template week ${week.week}: layer '${week.layer}' is not declared under "layers"`);
      return { layerId, layerStart: week.layerRange?.[0] ?? 0, layerEnd: week.layerRange?.[1] ?? 1 };
    };

    const startDate = nextMondayIso(new Date(options.nowMs));
    const plan = await tx.plans.insert({
      name: template.name, templateKey: template.templateKey, startDate,
      weeks: Math.max(12, ...template.weeks.map((w) => w.week)),
      owner: template.owner, goal: template.goal, notes: template.notes,
      dailyTraffic: template.dailyTraffic, status: 'active',
      ...(template.holdout ? { holdoutShare: template.holdout.share, holdoutSeed: template.holdout.seed ?? template.templateKey } : {})
    });

    for (const week of template.weeks) {
      const experiment = await tx.experiments.insert({
        key: week.key, name: week.name, planId: plan.id, week: week.week,
        objective: week.objective, hypothesis: week.hypothesis, description: week.description,
        channels: week.channels, assets: week.assets, metricsPlanned: week.metricsPlanned,
        audience: week.audience ?? null, owner: template.owner, lifecycleStage: week.lifecycleStage,
        startDate: weekStartIso(startDate, week.week), durationDays: week.durationDays,
        status: 'scheduled', plannedMde: week.plannedMde ?? null, ...layerOf(week)
      });

      for (const [position, v] of week.variants.entries()) {
        await tx.experiments.upsertVariant(experiment.id, {
          key: v.key, name: v.name, description: null,
          weight: 1 / week.variants.length, isControl: position === 0, position
        });
      }

      const roles: Array<{ key: string; role: MetricRole }> = [
        ...week.primaryMetrics.map((key) => ({ key, role: 'primary' as const })),
        ...week.secondaryMetrics.map((key) => ({ key, role: 'secondary' as const })),
        ...week.guardrailMetrics.map((key) => ({ key, role: 'guardrail' as const }))
      ];
      const links = roles.map(({ key, role }) => {
        const metricId = metricIds.get(key);
        if (metricId === undefined) throw new Error(`template week ${week.week}: unknown metric '${key}'`);
        return { metricId, role };
      });
      await tx.experiments.replaceMetricLinks(experiment.id, links);
      await tx.experiments.replaceCriteria(experiment.id, week.successCriteria.map((c) => ({
        kind: c.kind, metricKey: c.metricKey ?? null, minRelativeLift: c.minRelativeLift ?? null, maxPValue: c.maxPValue ?? null,
        maxRelativeDegradation: c.maxRelativeDegradation ?? null, description: c.description
      })));
    }
    await tx.audit.append({
      actor: options.actor, action: 'plan.seeded', entityType: 'plan', entityId: String(plan.id),
      details: { templateKey: template.templateKey, version: template.version }
    });
    return { planId: plan.id, created: true };
  });
}

/** Loads the starter plan only when the database has no plan at all (first start). */
export async function seedOnFirstStart(data: Data, nowMs: number): Promise<LoadResult | null> {
  const anyPlan = (await data.plans.list()).length > 0;
  if (anyPlan) return null;
  return loadPlanTemplate(data, { nowMs, actor: 'system:first-start' });
}
