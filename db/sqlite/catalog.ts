/** SQLite stores of plans, metrics, ideas, playbook entries, decisions, the audit log and API keys. */
import { and, asc, desc, eq, inArray, or, sql, type SQL } from 'drizzle-orm';
import type { Db } from './connection.ts';
import { apiKeys, auditLog, decisions, experiments, ideas, metrics, playbookEntries, plans } from './schema.ts';
import type {
  AuditStore, DecisionStore, IdeaStore, KeyStore, MetricStore, PlanStore, PlaybookStore
} from '../store/index.ts';
import { sqliteExposureCounts, sqliteImpactStats } from './plan-impact.ts';

export function sqlitePlanStore(db: Db): PlanStore {
  return {
    async byId(id) { return db.select().from(plans).where(eq(plans.id, id)).get() ?? null; },
    async byTemplateKey(templateKey) { return db.select().from(plans).where(eq(plans.templateKey, templateKey)).get() ?? null; },
    async list() { return db.select().from(plans).orderBy(desc(plans.startDate), asc(plans.id)).all(); },
    async insert(values) { return db.insert(plans).values(values).returning().get(); },
    async update(id, patch) { return db.update(plans).set(patch).where(eq(plans.id, id)).returning().get(); },
    async delete(id) { db.delete(plans).where(eq(plans.id, id)).run(); },
    async impactStats(planId, metric, untilMs) { return sqliteImpactStats(db, planId, metric, untilMs); },
    async exposureCounts(planId, fromMs, untilMs) { return sqliteExposureCounts(db, planId, fromMs, untilMs); }
  };
}

export function sqliteMetricStore(db: Db): MetricStore {
  return {
    async byKey(key) { return db.select().from(metrics).where(eq(metrics.key, key)).get() ?? null; },
    async byKeys(keys) { return keys.length === 0 ? [] : db.select().from(metrics).where(inArray(metrics.key, keys)).all(); },
    async list() { return db.select().from(metrics).orderBy(asc(metrics.key)).all(); },
    async insert(values) { return db.insert(metrics).values(values).returning().get(); },
    async insertIfAbsent(values) {
      return db.insert(metrics).values(values).onConflictDoNothing({ target: metrics.key }).run().changes > 0;
    },
    async update(id, patch) { return db.update(metrics).set(patch).where(eq(metrics.id, id)).returning().get(); },
    async measuredControlRate(metricId, excludeExperimentId) {
      const row = db.get<{ users: number; converted: number | null; experiments: number }>(sql`
        select count(*) as users, count(distinct x.experiment_id) as experiments,
          sum(exists (select 1 from events ev where ev.event_name = m.event_name and ev.user_id = x.user_id
                      and ev.timestamp_ms >= x.first_exposed_at_ms)) as converted
        from exposures x
        join experiments e on e.id = x.experiment_id and e.status in ('stopped', 'concluded', 'promoted')
        join experiment_metrics em on em.experiment_id = e.id and em.metric_id = ${metricId}
        join metrics m on m.id = em.metric_id
        join variants v on v.experiment_id = e.id and v.key = x.variant_key and v.is_control = 1
        where e.id != ${excludeExperimentId ?? -1}`);
      return { users: row?.users ?? 0, converted: row?.converted ?? 0, experiments: row?.experiments ?? 0 };
    }
  };
}

export function sqliteIdeaStore(db: Db): IdeaStore {
  return {
    async byId(id) { return db.select().from(ideas).where(eq(ideas.id, id)).get() ?? null; },
    async list(filter = {}) {
      const where: SQL[] = [];
      if (filter.status) where.push(eq(ideas.status, filter.status));
      if (filter.source) where.push(eq(ideas.source, filter.source));
      return db.select().from(ideas).where(and(...where)).orderBy(desc(ideas.createdAtMs), desc(ideas.id)).all();
    },
    async insert(values) { return db.insert(ideas).values(values).returning().get(); },
    async update(id, patch) { return db.update(ideas).set(patch).where(eq(ideas.id, id)).returning().get(); }
  };
}

export function sqlitePlaybookStore(db: Db): PlaybookStore {
  return {
    async insert(values) { return db.insert(playbookEntries).values(values).returning().get(); },
    async byExperiment(experimentId) {
      return db.select().from(playbookEntries).where(eq(playbookEntries.experimentId, experimentId)).get() ?? null;
    },
    async list(filter = {}) {
      const where: SQL[] = [];
      const q = filter.q?.trim();
      if (q) {
        const pattern = `%${q.replace(/[%_\\]/g, (c) => `\\${c}`)}%`;
        const cols = [playbookEntries.title, playbookEntries.whatWasTested, playbookEntries.learning, playbookEntries.audience,
          playbookEntries.channel, playbookEntries.lifecycleStage, playbookEntries.winningVariantKey, playbookEntries.metricKey];
        // ESCAPE: the pattern escapes % and _ with a backslash, which LIKE honours only when told.
        // Also every channel of the experiment (its JSON text: "email" finds an In-app + Email winner) and the metric's name.
        where.push(or(...[...cols, experiments.channels, metrics.name].map((c) => sql`${c} like ${pattern} escape '\\'`))!);
      }
      return db.select({ entry: playbookEntries, experimentKey: experiments.key, channels: experiments.channels })
        .from(playbookEntries).leftJoin(experiments, eq(experiments.id, playbookEntries.experimentId))
        .leftJoin(metrics, eq(metrics.key, playbookEntries.metricKey))
        .where(where[0]).orderBy(desc(playbookEntries.createdAtMs), desc(playbookEntries.id)).all()
        .map((r) => ({ ...r.entry, experimentKey: r.experimentKey, experimentChannels: r.channels }));
    },
    async ofPlan(planId) {
      return db.select({ entry: playbookEntries, key: experiments.key }).from(playbookEntries)
        .innerJoin(experiments, eq(experiments.id, playbookEntries.experimentId)).where(eq(experiments.planId, planId)).all();
    }
  };
}

export function sqliteDecisionStore(db: Db): DecisionStore {
  return {
    async insert(values) { return db.insert(decisions).values(values).returning().get(); },
    async history(experimentId) {
      return db.select().from(decisions).where(eq(decisions.experimentId, experimentId)).orderBy(desc(decisions.id)).all();
    },
    async latest(experimentId) {
      return db.select().from(decisions).where(eq(decisions.experimentId, experimentId)).orderBy(desc(decisions.id)).limit(1).get() ?? null;
    }
  };
}

export function sqliteAuditStore(db: Db): AuditStore {
  return {
    async append(entry) {
      db.insert(auditLog).values(entry).run(); // atMs undefined: the column default (now)
    },
    async list(filter = {}) {
      const where: SQL[] = [];
      if (filter.entityType !== undefined) where.push(eq(auditLog.entityType, filter.entityType));
      if (filter.entityId !== undefined) where.push(eq(auditLog.entityId, filter.entityId));
      if (filter.action !== undefined) where.push(eq(auditLog.action, filter.action));
      const query = db.select().from(auditLog).where(and(...where)).orderBy(desc(auditLog.atMs), desc(auditLog.id));
      return (filter.limit === undefined ? query : query.limit(filter.limit)).all();
    }
  };
}

export function sqliteKeyStore(db: Db): KeyStore {
  return {
    async insert(values) { return db.insert(apiKeys).values(values).returning().get(); },
    async byId(id) { return db.select().from(apiKeys).where(eq(apiKeys.id, id)).get() ?? null; },
    async byHash(hash) { return db.select().from(apiKeys).where(eq(apiKeys.hash, hash)).get() ?? null; },
    async list() { return db.select().from(apiKeys).orderBy(desc(apiKeys.id)).all(); },
    async update(id, patch) { return db.update(apiKeys).set(patch).where(eq(apiKeys.id, id)).returning().get(); }
  };
}
