/**
 * The database schema. Migrations in `db/sqlite/migrations` are generated from this file by
 * `npm run db:generate` (drizzle-kit) and applied on start by `db/sqlite/migrate.ts`.
 *
 * Conventions: timestamps are epoch milliseconds (`...AtMs`), calendar dates are ISO
 * `YYYY-MM-DD` strings, lists and objects are JSON text columns.
 */
import { sql } from 'drizzle-orm';
import {
  sqliteTable, integer, real, text, uniqueIndex, index, primaryKey
} from 'drizzle-orm/sqlite-core';

const nowMs = sql`(cast(unixepoch('subsec') * 1000 as integer))`;

import {
  experimentStatuses, channels, metricKinds, metricRoles, planStatuses, metricDirections, denominatorAggregates, criterionKinds, ideaSources,
  ideaStatuses, keyScopes,
  type TargetingCondition, type Plan, type Layer, type Experiment, type Variant, type Metric, type SuccessCriterion,
  type Decision, type PlaybookEntry, type Idea, type ApiKey, type AuditRecord, type Registration, type Amendment
} from '../../calendar/model.ts';

// The domain owns these (calendar/model.ts); re-exported for the SQLite code that reads them here.
export { experimentStatuses, channels, metricKinds, metricRoles, type TargetingCondition };
export type { ExperimentStatus, Channel, MetricKind, MetricRole } from '../../calendar/model.ts';

/** A 90-day program of weekly experiments. `templateKey` makes seeding idempotent. */
export const plans = sqliteTable('plans', {
  id: integer('id').primaryKey({ autoIncrement: true }),
  name: text('name').notNull(),
  templateKey: text('template_key').unique(),
  startDate: text('start_date').notNull(),
  weeks: integer('weeks').notNull().default(12),
  owner: text('owner'),
  goal: text('goal'),
  status: text('status', { enum: planStatuses }).notNull().default('active'),
  /** Expected daily users per channel or audience, e.g. `{"email": 1200}`. */
  dailyTraffic: text('daily_traffic', { mode: 'json' }).$type<Record<string, number>>().notNull().default({}),
  /** Secret token for the iCalendar feed URL. */
  calendarToken: text('calendar_token'),
  /** Program holdout: the share of users (0..0.2) kept out of every experiment and rollout of the plan; 0 = none. */
  holdoutShare: real('holdout_share').notNull().default(0),
  /** Seed of the holdout hash (api/assign/holdout.ts); fixed once the plan's first experiment has started. */
  holdoutSeed: text('holdout_seed'),
  notes: text('notes'),
  createdAtMs: integer('created_at_ms').notNull().default(nowMs),
  updatedAtMs: integer('updated_at_ms').notNull().default(nowMs)
});

/** Mutually exclusive layers (GrowthBook namespaces): experiments in one layer never share a user. */
export const layers = sqliteTable('layers', {
  id: integer('id').primaryKey({ autoIncrement: true }),
  key: text('key').notNull().unique(),
  name: text('name').notNull(),
  description: text('description'),
  createdAtMs: integer('created_at_ms').notNull().default(nowMs)
});

export const experiments = sqliteTable('experiments', {
  id: integer('id').primaryKey({ autoIncrement: true }),
  key: text('key').notNull().unique(),
  name: text('name').notNull(),
  planId: integer('plan_id').references(() => plans.id, { onDelete: 'set null' }),
  week: integer('week'),
  objective: text('objective'),
  hypothesis: text('hypothesis'),
  /** What the treatment changes, in the planner's words. */
  description: text('description'),
  channels: text('channels', { mode: 'json' }).$type<string[]>().notNull().default([]),
  assets: text('assets', { mode: 'json' }).$type<string[]>().notNull().default([]),
  /** Free-text metrics as planned ("activation rate, time to activation"). */
  metricsPlanned: text('metrics_planned', { mode: 'json' }).$type<string[]>().notNull().default([]),
  audience: text('audience'),
  owner: text('owner'),
  notes: text('notes'),
  lifecycleStage: text('lifecycle_stage'),
  startDate: text('start_date'),
  durationDays: integer('duration_days').notNull().default(14),
  status: text('status', { enum: experimentStatuses }).notNull().default('draft'),
  /** Share of eligible traffic included, 0..1. */
  coverage: real('coverage').notNull().default(1),
  /** Hash seed; defaults to the key. */
  seed: text('seed'),
  hashVersion: integer('hash_version').notNull().default(2),
  layerId: integer('layer_id').references(() => layers.id, { onDelete: 'set null' }),
  /** Range of the layer this experiment occupies, [start, end) within 0..1. */
  layerStart: real('layer_start'),
  layerEnd: real('layer_end'),
  targeting: text('targeting', { mode: 'json' }).$type<TargetingCondition[]>().notNull().default([]),
  /** QA allow-list: user id -> variant key. */
  forcedVariants: text('forced_variants', { mode: 'json' }).$type<Record<string, string>>().notNull().default({}),
  /** When set on a concluded/promoted experiment, everyone gets this variant. */
  rolloutVariantKey: text('rollout_variant_key'),
  /** Planned minimum detectable effect (relative) and baseline for power checks. */
  plannedMde: real('planned_mde'),
  baselineRate: real('baseline_rate'),
  startedAtMs: integer('started_at_ms'),
  stoppedAtMs: integer('stopped_at_ms'),
  concludedAtMs: integer('concluded_at_ms'),
  createdAtMs: integer('created_at_ms').notNull().default(nowMs),
  updatedAtMs: integer('updated_at_ms').notNull().default(nowMs),
  exploratory: integer('exploratory', { mode: 'boolean' }).notNull().default(false),
  registration: text('registration', { mode: 'json' }).$type<Registration>(),
  reportViews: integer('report_views').notNull().default(0)
}, (t) => [
  index('experiments_plan_idx').on(t.planId, t.week),
  index('experiments_status_idx').on(t.status)
]);

export const variants = sqliteTable('variants', {
  id: integer('id').primaryKey({ autoIncrement: true }),
  experimentId: integer('experiment_id').notNull().references(() => experiments.id, { onDelete: 'cascade' }),
  key: text('key').notNull(),
  name: text('name').notNull(),
  description: text('description'),
  /** Normalised weight: the weights of one experiment sum to 1. */
  weight: real('weight').notNull(),
  isControl: integer('is_control', { mode: 'boolean' }).notNull().default(false),
  position: integer('position').notNull()
}, (t) => [uniqueIndex('variants_experiment_key').on(t.experimentId, t.key)]);

export const metrics = sqliteTable('metrics', {
  id: integer('id').primaryKey({ autoIncrement: true }),
  key: text('key').notNull().unique(),
  name: text('name').notNull(),
  description: text('description'),
  kind: text('kind', { enum: metricKinds }).notNull(),
  /** Event counted (binomial, count), summed (sum) or the numerator (ratio). */
  eventName: text('event_name').notNull(),
  /** Ratio metrics only: the denominator's event. */
  denominatorEventName: text('denominator_event_name'),
  /** Ratio metrics only: 'sum' adds the denominator event's values, 'count' counts its events (a mean per event). */
  denominatorAggregate: text('denominator_aggregate', { enum: denominatorAggregates }).notNull().default('sum'),
  /** Retention metrics only: further events that count as a return, besides event_name. */
  extraEventNames: text('extra_event_names', { mode: 'json' }).$type<string[]>().notNull().default([]),
  /** Retention metrics only: the window starts this many days after first exposure (window_days is its end). */
  windowStartDays: integer('window_start_days'),
  /** Threshold metrics only: at least this many events of event_name in the window. */
  minCount: integer('min_count'),
  direction: text('direction', { enum: metricDirections }).notNull().default('increase'),
  /** Window after first exposure in days; null means the experiment's duration. */
  windowDays: integer('window_days'),
  /** Cap per-user values at this percentile (0..1), e.g. 0.99 for revenue. */
  winsorizePercentile: real('winsorize_percentile'),
  /** Known baseline (rate or mean) for power calculations. */
  baseline: real('baseline'),
  /** Standard deviation for mean metrics' power calculations. */
  baselineSd: real('baseline_sd'),
  createdAtMs: integer('created_at_ms').notNull().default(nowMs),
  updatedAtMs: integer('updated_at_ms').notNull().default(nowMs)
});

export const experimentMetrics = sqliteTable('experiment_metrics', {
  experimentId: integer('experiment_id').notNull().references(() => experiments.id, { onDelete: 'cascade' }),
  metricId: integer('metric_id').notNull().references(() => metrics.id, { onDelete: 'restrict' }),
  role: text('role', { enum: metricRoles }).notNull()
}, (t) => [primaryKey({ columns: [t.experimentId, t.metricId] })]);

/**
 * Pre-registered success criteria. `kind = 'lift'`: the metric must move in its direction by
 * at least `minRelativeLift` with p below `maxPValue`. `kind = 'guardrail'`: the metric must not
 * get worse by more than `maxRelativeDegradation`. `kind = 'qualitative'`: text only.
 */
export const successCriteria = sqliteTable('success_criteria', {
  id: integer('id').primaryKey({ autoIncrement: true }),
  experimentId: integer('experiment_id').notNull().references(() => experiments.id, { onDelete: 'cascade' }),
  kind: text('kind', { enum: criterionKinds }).notNull(),
  metricKey: text('metric_key'),
  minRelativeLift: real('min_relative_lift'),
  maxPValue: real('max_p_value'),
  maxRelativeDegradation: real('max_relative_degradation'),
  description: text('description').notNull()
}, (t) => [index('success_criteria_experiment_idx').on(t.experimentId)]);

/** First exposure per (experiment, user); repeats are counted, not stored. */
export const exposures = sqliteTable('exposures', {
  id: integer('id').primaryKey({ autoIncrement: true }),
  experimentId: integer('experiment_id').notNull().references(() => experiments.id, { onDelete: 'cascade' }),
  userId: text('user_id').notNull(),
  variantKey: text('variant_key').notNull(),
  firstExposedAtMs: integer('first_exposed_at_ms').notNull(),
  lastExposedAtMs: integer('last_exposed_at_ms').notNull(),
  exposureCount: integer('exposure_count').notNull().default(1),
  /** Exposures that claimed a different variant than the recorded one. */
  conflictCount: integer('conflict_count').notNull().default(0),
  /** Request attributes at first exposure, for segments (e.g. `{"segment": "new"}`). */
  attributes: text('attributes', { mode: 'json' }).$type<Record<string, unknown>>().notNull().default({})
}, (t) => [
  uniqueIndex('exposures_experiment_user').on(t.experimentId, t.userId),
  index('exposures_experiment_variant').on(t.experimentId, t.variantKey, t.firstExposedAtMs),
  // Partial: only users also exposed to another variant (rare), counted by the report.
  index('exposures_conflicted').on(t.experimentId, t.variantKey, t.firstExposedAtMs).where(sql`conflict_count > 0`)
]);

/**
 * Program holdout (issue 16): each user's first assignment call for any experiment of a plan
 * with a holdout, in the holdout or not, so the program impact report compares the two groups
 * from the same starting point. Only plans with a holdout record here.
 */
export const planExposures = sqliteTable('plan_exposures', {
  planId: integer('plan_id').notNull().references(() => plans.id, { onDelete: 'cascade' }),
  userId: text('user_id').notNull(),
  holdout: integer('holdout', { mode: 'boolean' }).notNull(),
  firstExposedAtMs: integer('first_exposed_at_ms').notNull()
}, (t) => [primaryKey({ columns: [t.planId, t.userId] })]);

/**
 * Conversion and value events. `clientEventId` makes retries idempotent per user: the id is
 * unique per (user, id), so one user's ids never suppress another user's events.
 */
export const events = sqliteTable('events', {
  id: integer('id').primaryKey({ autoIncrement: true }),
  clientEventId: text('client_event_id'),
  userId: text('user_id').notNull(),
  eventName: text('event_name').notNull(),
  value: real('value'),
  timestampMs: integer('timestamp_ms').notNull(),
  receivedAtMs: integer('received_at_ms').notNull()
}, (t) => [
  uniqueIndex('events_user_client_event_id').on(t.userId, t.clientEventId),
  // The value too, so a report's pass over one event name reads the index only (sum metrics, ratio sides).
  index('events_name_user_time_value').on(t.eventName, t.userId, t.timestampMs, t.value)
]);

/** A reviewer's recorded decision; the mechanical one is stored beside it. */
export const decisions = sqliteTable('decisions', {
  id: integer('id').primaryKey({ autoIncrement: true }),
  experimentId: integer('experiment_id').notNull().references(() => experiments.id, { onDelete: 'cascade' }),
  computedDecision: text('computed_decision').notNull(),
  finalDecision: text('final_decision').notNull(),
  winningVariantKey: text('winning_variant_key'),
  rationale: text('rationale'),
  decidedBy: text('decided_by').notNull(),
  decidedAtMs: integer('decided_at_ms').notNull().default(nowMs)
});

export const playbookEntries = sqliteTable('playbook_entries', {
  id: integer('id').primaryKey({ autoIncrement: true }),
  experimentId: integer('experiment_id').references(() => experiments.id, { onDelete: 'set null' }),
  title: text('title').notNull(),
  whatWasTested: text('what_was_tested'),
  winningVariantKey: text('winning_variant_key'),
  metricKey: text('metric_key'),
  relativeLift: real('relative_lift'),
  ciLow: real('ci_low'),
  ciHigh: real('ci_high'),
  pValue: real('p_value'),
  channel: text('channel'),
  lifecycleStage: text('lifecycle_stage'),
  audience: text('audience'),
  evidenceUrl: text('evidence_url'),
  learning: text('learning').notNull(),
  createdBy: text('created_by'),
  createdAtMs: integer('created_at_ms').notNull().default(nowMs)
});

/** Candidate experiments not yet in a week. */
export const ideas = sqliteTable('ideas', {
  id: integer('id').primaryKey({ autoIncrement: true }),
  planId: integer('plan_id').references(() => plans.id, { onDelete: 'set null' }),
  title: text('title').notNull(),
  hypothesis: text('hypothesis'),
  channel: text('channel'),
  source: text('source', { enum: ideaSources }).notNull().default('other'),
  notes: text('notes'),
  status: text('status', { enum: ideaStatuses }).notNull().default('open'),
  createdAtMs: integer('created_at_ms').notNull().default(nowMs)
});

export const apiKeys = sqliteTable('api_keys', {
  id: integer('id').primaryKey({ autoIncrement: true }),
  name: text('name').notNull(),
  scope: text('scope', { enum: keyScopes }).notNull(),
  /** First characters of the key, shown in lists so people can tell keys apart. */
  prefix: text('prefix').notNull(),
  /** SHA-256 of the whole key, hex. */
  hash: text('hash').notNull().unique(),
  createdAtMs: integer('created_at_ms').notNull().default(nowMs),
  lastUsedAtMs: integer('last_used_at_ms'),
  revokedAtMs: integer('revoked_at_ms'),
  allowedOrigins: text('allowed_origins', { mode: 'json' }).$type<string[]>().notNull().default([])
});

/** Changes to a registered experiment's metrics, criteria, MDE or analysis plan. */
export const amendments = sqliteTable('amendments', {
  id: integer('id').primaryKey({ autoIncrement: true }),
  experimentId: integer('experiment_id').notNull().references(() => experiments.id, { onDelete: 'cascade' }),
  atMs: integer('at_ms').notNull(),
  actor: text('actor').notNull(),
  reason: text('reason').notNull(),
  fields: text('fields', { mode: 'json' }).$type<string[]>().notNull(),
  before: text('before', { mode: 'json' }).$type<Partial<Registration>>().notNull(),
  after: text('after', { mode: 'json' }).$type<Partial<Registration>>().notNull(),
  reportViews: integer('report_views').notNull()
}, (t) => [index('amendments_experiment_idx').on(t.experimentId, t.id)]);

export const auditLog = sqliteTable('audit_log', {
  id: integer('id').primaryKey({ autoIncrement: true }),
  atMs: integer('at_ms').notNull().default(nowMs),
  actor: text('actor').notNull(),
  action: text('action').notNull(),
  entityType: text('entity_type').notNull(),
  entityId: text('entity_id').notNull(),
  details: text('details', { mode: 'json' }).$type<Record<string, unknown>>().notNull().default({})
}, (t) => [index('audit_entity_idx').on(t.entityType, t.entityId, t.atMs)]);

/**
 * First exposures that moved earlier (a late exposure with an older timestamp), appended by
 * the trigger `report_exposure_moved` with the time before the move, so the next refresh
 * recomputes just those users. The report store (its own file, see
 * `db/sqlite/queries/report-store-schema.ts`) reads past its watermark on `seq` and never writes
 * here, so the analysis thread never takes this database's write lock.
 */
export const reportMovedExposures = sqliteTable('report_moved_exposures', {
  seq: integer('seq').primaryKey({ autoIncrement: true }),
  experimentId: integer('experiment_id').notNull(),
  userId: text('user_id').notNull(),
  oldFirstMs: integer('old_first_ms').notNull()
}, (t) => [index('report_moved_exposures_experiment').on(t.experimentId, t.seq)]);

/*
 * Compile-time check that each table still reads as the domain's record (calendar/model.ts):
 * a column added, dropped or retyped here fails `npm run check` until the domain agrees.
 */
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
function same<_T extends true>(): void {}
same<Same<typeof plans.$inferSelect, Plan>>();
same<Same<typeof layers.$inferSelect, Layer>>();
same<Same<typeof experiments.$inferSelect, Experiment>>();
same<Same<typeof variants.$inferSelect, Variant>>();
same<Same<typeof metrics.$inferSelect, Metric>>();
same<Same<typeof successCriteria.$inferSelect, SuccessCriterion>>();
same<Same<typeof decisions.$inferSelect, Decision>>();
same<Same<typeof playbookEntries.$inferSelect, PlaybookEntry>>();
same<Same<typeof ideas.$inferSelect, Idea>>();
same<Same<typeof apiKeys.$inferSelect, ApiKey>>();
same<Same<typeof auditLog.$inferSelect, AuditRecord>>();
same<Same<typeof amendments.$inferSelect, Amendment>>();
