import type { ApiKey, AuditRecord, Decision, Idea, IdeaSource, IdeaStatus, Metric, Plan, PlaybookEntry } from '../../calendar/model.ts';

export type NewPlan = Pick<Plan, 'name' | 'startDate'> & Partial<Omit<Plan, 'id' | 'name' | 'startDate'>>;

/**
 * Per-user values of one metric summed over a group of users: the sufficient statistics of a mean,
 * and for a ratio (y, d) or a time to event (d = 1 for users with the event) the denominator's sums.
 * `waiting`: users left out because their retention window or time-to-event restriction has not closed.
 */
export type GroupStats = {
  users: number; sum: number; sumSquares: number;
  sumDenominator: number; sumDenominatorSquares: number; sumCrossProducts: number; waiting: number;
};
/** What the program impact report reads of a metric: its kind and the kind's settings (calendar/model.ts `Metric`). */
export type ImpactMetricSpec = Pick<Metric, 'kind' | 'eventName'> &
  Partial<Pick<Metric, 'denominatorEventName' | 'denominatorAggregate' | 'extraEventNames' | 'windowStartDays' | 'windowDays' | 'minCount'>>;

export interface PlanStore {
  byId(id: number): Promise<Plan | null>;
  byTemplateKey(templateKey: string): Promise<Plan | null>;
  /** All plans, newest start first. */
  list(): Promise<Plan[]>;
  insert(values: NewPlan): Promise<Plan>;
  update(id: number, patch: Partial<Omit<Plan, 'id'>>): Promise<Plan>;
  /**
   * Program impact (issue 16): the plan's exposed users (plan_exposures) in the holdout and the
   * rest, each user's value of the metric from their first plan exposure up to `untilMs`
   * (exclusive), summed per group in SQL. Per user: binomial 1 if any event; count, sum the
   * number or total; ratio y and d the two sides (a 'count' denominator counts its events);
   * threshold 1 with at least `minCount` events in the window (`windowDays`, else up to
   * `untilMs`); retention 1 with any of the names in days [windowStartDays, windowDays), only
   * users whose window closed by `untilMs`; time_to_event y = hours to the first event within
   * `windowDays` (default 14) and d = 1 with one, only users whose restriction closed.
   */
  impactStats(planId: number, metric: ImpactMetricSpec, untilMs: number): Promise<{ holdout: GroupStats; rest: GroupStats }>;
  /**
   * Plan exposures (both groups) first exposed in [fromMs, untilMs), and the plan's first
   * exposure ever (null before anyone): the arrival rate the impact report projects from.
   */
  exposureCounts(planId: number, fromMs: number, untilMs: number): Promise<{ users: number; firstExposedAtMs: number | null }>;
  delete(id: number): Promise<void>;
}

export type NewMetric = Pick<Metric, 'key' | 'name' | 'kind' | 'eventName'> & Partial<Omit<Metric, 'id' | 'key' | 'name' | 'kind' | 'eventName'>>;

export interface MetricStore {
  byKey(key: string): Promise<Metric | null>;
  byKeys(keys: string[]): Promise<Metric[]>;
  /** All metrics by key. */
  list(): Promise<Metric[]>;
  insert(values: NewMetric): Promise<Metric>;
  /** Inserts unless the key exists (seeding); returns whether it inserted. */
  insertIfAbsent(values: NewMetric): Promise<boolean>;
  update(id: number, patch: Partial<Omit<Metric, 'id' | 'key'>>): Promise<Metric>;
  /**
   * The metric's rate in the control arms of earlier experiments that used it (stopped,
   * concluded or promoted), aggregated by the database: control users who fired its event at
   * or after their first exposure, over all control users.
   */
  measuredControlRate(metricId: number, excludeExperimentId: number | null): Promise<{ users: number; converted: number; experiments: number }>;
}

export interface IdeaStore {
  byId(id: number): Promise<Idea | null>;
  /** Newest first. */
  list(filter?: { status?: IdeaStatus; source?: IdeaSource }): Promise<Idea[]>;
  insert(values: Pick<Idea, 'title' | 'createdAtMs'> & Partial<Omit<Idea, 'id' | 'title' | 'createdAtMs'>>): Promise<Idea>;
  update(id: number, patch: Partial<Omit<Idea, 'id'>>): Promise<Idea>;
}

/** A playbook entry with its experiment's key and channels (the experiment may be gone). */
export type PlaybookItemRow = PlaybookEntry & { experimentKey: string | null; experimentChannels: string[] | null };

export interface PlaybookStore {
  insert(values: Omit<PlaybookEntry, 'id'>): Promise<PlaybookEntry>;
  byExperiment(experimentId: number): Promise<PlaybookEntry | null>;
  /** Newest first; `q` matches title, what was tested, learning, audience, channel (any of the experiment's), stage, winner, metric key or name (case-insensitive substring). */
  list(filter?: { q?: string }): Promise<PlaybookItemRow[]>;
  /** The entries of one plan's experiments, with the experiment's key. */
  ofPlan(planId: number): Promise<Array<{ entry: PlaybookEntry; key: string }>>;
}

export interface DecisionStore {
  insert(values: Omit<Decision, 'id'>): Promise<Decision>;
  /** Newest first (by id). */
  history(experimentId: number): Promise<Decision[]>;
  latest(experimentId: number): Promise<Decision | null>;
}

export type AuditEntryValues = Omit<AuditRecord, 'id' | 'atMs'> & { atMs?: number };

export interface AuditStore {
  append(entry: AuditEntryValues): Promise<void>;
  /** Newest first, optionally of one entity. */
  list(filter?: { entityType?: string; entityId?: string; action?: string; limit?: number }): Promise<AuditRecord[]>;
}

export interface KeyStore {
  /** `allowedOrigins` (client keys) defaults to the empty list: any origin. */
  insert(values: Pick<ApiKey, 'name' | 'scope' | 'prefix' | 'hash' | 'createdAtMs'> & Partial<Pick<ApiKey, 'allowedOrigins'>>): Promise<ApiKey>;
  byId(id: number): Promise<ApiKey | null>;
  byHash(hash: string): Promise<ApiKey | null>;
  /** Newest first. */
  list(): Promise<ApiKey[]>;
  update(id: number, patch: Partial<Pick<ApiKey, 'revokedAtMs' | 'lastUsedAtMs' | 'name'>>): Promise<ApiKey>;
}
