/** PostgreSQL stores of plans, metrics, ideas, playbook entries, decisions, the audit log and API keys. */
import { and, asc, desc, eq, ilike, inArray, or, sql, type SQL } from 'drizzle-orm';
import { apiKeys, auditLog, decisions, experiments, ideas, metrics, playbookEntries, plans } from './schema.ts';
import { byCodePoint, type PgExecutor } from './experiments.ts';
import type {
  AuditStore, DecisionStore, IdeaStore, KeyStore, MetricStore, PlanStore, PlaybookStore
} from '../store/index.ts';
import { postgresExposureCounts, postgresImpactStats } from './plan-impact.ts';

const first = async <T>(rows: Promise<T[]>): Promise<T | null> => (await rows)[0] ?? null;

export function postgresPlanStore(db: PgExecutor): PlanStore {
  return {
    async byId(id) { return first(db.select().from(plans).where(eq(plans.id, id)).limit(1)); },
    async byTemplateKey(templateKey) { return first(db.select().from(plans).where(eq(plans.templateKey, templateKey)).limit(1)); },
    async list() { return db.select().from(plans).orderBy(desc(plans.startDate), asc(plans.id)); },
    async insert(values) { return (await db.insert(plans).values(values).returning())[0]; },
    async update(id, patch) { return (await db.update(plans).set(patch).where(eq(plans.id, id)).returning())[0]; },
    async delete(id) { await db.delete(plans).where(eq(plans.id, id)); },
    async impactStats(planId, metric, untilMs) { return postgresImpactStats(db, planId, metric, untilMs); },
    async exposureCounts(planId, fromMs, untilMs) { return postgresExposureCounts(db, planId, fromMs, untilMs); }
  };
}

export function postgresMetricStore(db: PgExecutor): MetricStore {
  return {
    async byKey(key) { return first(db.select().from(metrics).where(eq(metrics.key, key)).limit(1)); },
    async byKeys(keys) { return keys.length === 0 ? [] : db.select().from(metrics).where(inArray(metrics.key, keys)); },
    async list() { return db.select().from(metrics).orderBy(byCodePoint(metrics.key)); },
    async insert(values) { return (await db.insert(metrics).values(values).returning())[0]; },
    async insertIfAbsent(values) {
      const inserted = await db.insert(metrics).values(values).onConflictDoNothing({ target: metrics.key }).returning({ id: metrics.id });
      return inserted.length > 0;
    },
    async update(id, patch) { return (await db.update(metrics).set(patch).where(eq(metrics.id, id)).returning())[0]; },
    async measuredControlRate(metricId, excludeExperimentId) {
      // One pass in the database: each control user of a finished experiment that used the
      // metric, and whether an event of the metric followed their first exposure (index
      // events_name_user_time_value answers the EXISTS).
      const result = await db.execute<{ users: string; converted: string; experiments: string }>(sql`
        select count(*) as users, count(distinct x.experiment_id) as experiments,
          count(*) filter (where exists (
            select 1 from events ev where ev.event_name = m.event_name and ev.user_id = x.user_id
              and ev.timestamp_ms >= x.first_exposed_at_ms)) as converted
        from exposures x
        join experiments e on e.id = x.experiment_id and e.status in ('stopped', 'concluded', 'promoted')
        join experiment_metrics em on em.experiment_id = e.id and em.metric_id = ${metricId}
        join metrics m on m.id = em.metric_id
        join variants v on v.experiment_id = e.id and v.key = x.variant_key and v.is_control
        where e.id <> ${excludeExperimentId ?? -1}`);
      const row = result.rows[0];
      // count(*) is a bigint, which node-postgres reads as a string.
      return { users: Number(row?.users ?? 0), converted: Number(row?.converted ?? 0), experiments: Number(row?.experiments ?? 0) };
    }
  };
}

export function postgresIdeaStore(db: PgExecutor): IdeaStore {
  return {
    async byId(id) { return first(db.select().from(ideas).where(eq(ideas.id, id)).limit(1)); },
    async list(filter = {}) {
      const where: SQL[] = [];
      if (filter.status) where.push(eq(ideas.status, filter.status));
      if (filter.source) where.push(eq(ideas.source, filter.source));
      return db.select().from(ideas).where(and(...where)).orderBy(desc(ideas.createdAtMs), desc(ideas.id));
    },
    async insert(values) { return (await db.insert(ideas).values(values).returning())[0]; },
    async update(id, patch) { return (await db.update(ideas).set(patch).where(eq(ideas.id, id)).returning())[0]; }
  };
}

export function postgresPlaybookStore(db: PgExecutor): PlaybookStore {
  return {
    async insert(values) { return (await db.insert(playbookEntries).values(values).returning())[0]; },
    async byExperiment(experimentId) {
      return first(db.select().from(playbookEntries).where(eq(playbookEntries.experimentId, experimentId))
        .orderBy(asc(playbookEntries.id)).limit(1));
    },
    async list(filter = {}) {
      const where: SQL[] = [];
      const q = filter.q?.trim();
      if (q) {
        // ILIKE: case-insensitive; backslash is LIKE's escape character in PostgreSQL.
        const pattern = `%${q.replace(/[%_\\]/g, (c) => `\\${c}`)}%`;
        const cols = [playbookEntries.title, playbookEntries.whatWasTested, playbookEntries.learning, playbookEntries.audience,
          playbookEntries.channel, playbookEntries.lifecycleStage, playbookEntries.winningVariantKey, playbookEntries.metricKey];
        // Also every channel of the experiment ("email" finds an In-app + Email winner) and the metric's name.
        where.push(or(...cols.map((c) => ilike(c, pattern)), sql`${experiments.channels}::text ilike ${pattern}`, ilike(metrics.name, pattern))!);
      }
      const rows = await db.select({ entry: playbookEntries, experimentKey: experiments.key, channels: experiments.channels })
        .from(playbookEntries).leftJoin(experiments, eq(experiments.id, playbookEntries.experimentId))
        .leftJoin(metrics, eq(metrics.key, playbookEntries.metricKey))
        .where(where[0]).orderBy(desc(playbookEntries.createdAtMs), desc(playbookEntries.id));
      return rows.map((r) => ({ ...r.entry, experimentKey: r.experimentKey, experimentChannels: r.channels }));
    },
    async ofPlan(planId) {
      return db.select({ entry: playbookEntries, key: experiments.key }).from(playbookEntries)
        .innerJoin(experiments, eq(experiments.id, playbookEntries.experimentId)).where(eq(experiments.planId, planId))
        .orderBy(asc(playbookEntries.id));
    }
  };
}

export function postgresDecisionStore(db: PgExecutor): DecisionStore {
  return {
    async insert(values) { return (await db.insert(decisions).values(values).returning())[0]; },
    async history(experimentId) {
      return db.select().from(decisions).where(eq(decisions.experimentId, experimentId)).orderBy(desc(decisions.id));
    },
    async latest(experimentId) {
      return first(db.select().from(decisions).where(eq(decisions.experimentId, experimentId)).orderBy(desc(decisions.id)).limit(1));
    }
  };
}

export function postgresAuditStore(db: PgExecutor): AuditStore {
  return {
    async append(entry) {
      await db.insert(auditLog).values(entry); // atMs undefined: the column default (now)
    },
    async list(filter = {}) {
      const where: SQL[] = [];
      if (filter.entityType !== undefined) where.push(eq(auditLog.entityType, filter.entityType));
      if (filter.entityId !== undefined) where.push(eq(auditLog.entityId, filter.entityId));
      if (filter.action !== undefined) where.push(eq(auditLog.action, filter.action));
      const query = db.select().from(auditLog).where(and(...where)).orderBy(desc(auditLog.atMs), desc(auditLog.id));
      return filter.limit === undefined ? query : query.limit(filter.limit);
    }
  };
}

export function postgresKeyStore(db: PgExecutor): KeyStore {
  return {
    async insert(values) { return (await db.insert(apiKeys).values(values).returning())[0]; },
    async byId(id) { return first(db.select().from(apiKeys).where(eq(apiKeys.id, id)).limit(1)); },
    async byHash(hash) { return first(db.select().from(apiKeys).where(eq(apiKeys.hash, hash)).limit(1)); },
    async list() { return db.select().from(apiKeys).orderBy(desc(apiKeys.id)); },
    async update(id, patch) { return (await db.update(apiKeys).set(patch).where(eq(apiKeys.id, id)).returning())[0]; }
  };
}
