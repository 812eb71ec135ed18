/**
 * The domain's vocabulary and records: statuses, channels, metric kinds and roles, and the
 * shape of every stored thing (plans, experiments, variants, metrics, criteria, decisions,
 * playbook entries, ideas, keys, audit lines) as the domain sees them. The stores in `db/`
 * return these types whatever the engine; `db/sqlite/schema.ts` checks at compile time that its
 * tables still produce exactly these shapes.
 *
 * Conventions: timestamps are epoch milliseconds (`...AtMs`), calendar dates are ISO
 * `YYYY-MM-DD` strings.
 */

export const experimentStatuses = ['draft', 'scheduled', 'running', 'stopped', 'concluded', 'promoted'] as const;
export type ExperimentStatus = (typeof experimentStatuses)[number];

export const channels = ['email', 'push', 'sms', 'in-app', 'landing-page', 'web', 'social'] as const;
export type Channel = (typeof channels)[number];

/**
 * binomial: fired E at least once; count: E per user; sum: Σ E's value per user; ratio: Σ numerator / Σ
 * denominator over users (delta method); retention: fired any of the named events between day a and b
 * after first exposure (churn is retention with direction 'decrease'); threshold: fired E at least k times;
 * time_to_event: restricted mean hours from first exposure to the first E (no E counts the whole window).
 */
export const metricKinds = ['binomial', 'count', 'sum', 'ratio', 'retention', 'threshold', 'time_to_event'] as const;
export type MetricKind = (typeof metricKinds)[number];

/** How a ratio's denominator adds up a user's events: their values (an event without one counts 1), or how many there were. */
export const denominatorAggregates = ['sum', 'count'] as const;
export type DenominatorAggregate = (typeof denominatorAggregates)[number];

export const metricRoles = ['primary', 'secondary', 'guardrail'] as const;
export type MetricRole = (typeof metricRoles)[number];

export const planStatuses = ['draft', 'active', 'archived'] as const;
export type PlanStatus = (typeof planStatuses)[number];

export const metricDirections = ['increase', 'decrease'] as const;
export type MetricDirection = (typeof metricDirections)[number];

export const criterionKinds = ['lift', 'guardrail', 'qualitative'] as const;
export type CriterionKind = (typeof criterionKinds)[number];

export const ideaSources = ['analytics', 'survey', 'user-feedback', 'follow-up', 'other'] as const;
export type IdeaSource = (typeof ideaSources)[number];

export const ideaStatuses = ['open', 'scheduled', 'dropped'] as const;
export type IdeaStatus = (typeof ideaStatuses)[number];

/** `client`: public by design (ships in web and mobile apps): the SDK payload, exposures and events only. */
export const keyScopes = ['sdk', 'admin', 'client'] as const;
export type KeyScope = (typeof keyScopes)[number];

export type TargetingCondition = {
  attribute: string;
  operator: 'eq' | 'neq' | 'in' | 'nin' | 'gt' | 'gte' | 'lt' | 'lte';
  value: string | number | boolean | Array<string | number | boolean>;
};

/** A 90-day program of weekly experiments. `templateKey` makes seeding idempotent. */
export type Plan = {
  id: number; name: string; templateKey: string | null; startDate: string; weeks: number;
  owner: string | null; goal: string | null; status: PlanStatus;
  /** Expected daily users per channel or audience, e.g. `{"email": 1200}`. */
  dailyTraffic: Record<string, number>;
  /** Secret token for the iCalendar feed URL. */
  calendarToken: string | null;
  notes: string | null; createdAtMs: number; updatedAtMs: number;
  /** Program holdout: the share of users (0..0.2) kept out of every experiment and rollout of the plan; 0 = none. */
  holdoutShare: number;
  /** Seed of the holdout hash (api/assign/holdout.ts); fixed once an experiment of the plan has started. */
  holdoutSeed: string | null;
};

/** Mutually exclusive layers (GrowthBook namespaces): experiments in one layer never share a user. */
export type Layer = { id: number; key: string; name: string; description: string | null; createdAtMs: number };

export type Experiment = {
  id: number; key: string; name: string; planId: number | null; week: number | null;
  objective: string | null; hypothesis: string | null;
  /** What the treatment changes, in the planner's words. */
  description: string | null;
  channels: string[]; assets: string[];
  /** Free-text metrics as planned ("activation rate, time to activation"). */
  metricsPlanned: string[];
  audience: string | null; owner: string | null; notes: string | null; lifecycleStage: string | null;
  startDate: string | null; durationDays: number; status: ExperimentStatus;
  /** Share of eligible traffic included, 0..1. */
  coverage: number;
  /** Hash seed; defaults to the key. */
  seed: string | null;
  hashVersion: number;
  layerId: number | null;
  /** Range of the layer this experiment occupies, [start, end) within 0..1. */
  layerStart: number | null; layerEnd: number | null;
  targeting: TargetingCondition[];
  /** QA allow-list: user id -> variant key. */
  forcedVariants: Record<string, string>;
  /** When set on a concluded/promoted experiment, everyone gets this variant. */
  rolloutVariantKey: string | null;
  /** Planned minimum detectable effect (relative) and baseline for power checks. */
  plannedMde: number | null; baselineRate: number | null;
  startedAtMs: number | null; stoppedAtMs: number | null; concludedAtMs: number | null;
  createdAtMs: number; updatedAtMs: number;
  /** Started without success criteria on purpose: reports and the playbook say so. */
  exploratory: boolean;
  /** What was pre-registered when it first started (null before). Changes after it are amendments. */
  registration: Registration | null;
  /** How many times its report has been viewed (amendments record the count at their time). */
  reportViews: number;
};

export const analysisModes = ['sequential', 'fixed'] as const;
export type AnalysisMode = (typeof analysisModes)[number];
export const corrections = ['holm', 'benjamini-hochberg', 'bonferroni', 'none'] as const;
export type CorrectionMethod = (typeof corrections)[number];

/** The pre-registration frozen at an experiment's first start. */
export type Registration = {
  registeredAtMs: number;
  metrics: Array<{ key: string; role: MetricRole }>;
  criteria: Array<Omit<SuccessCriterion, 'id' | 'experimentId'>>;
  plannedMde: number | null;
  /** The analysis plan: sequential or fixed horizon, the multiple-testing correction, alpha. */
  analysis: { mode: AnalysisMode; correction: CorrectionMethod; alpha: number };
  exploratory: boolean;
};

/** A change to a registered experiment's metrics, criteria, MDE or analysis plan, with its reason. */
export type Amendment = {
  id: number; experimentId: number; atMs: number; actor: string; reason: string;
  /** Which parts of the registration changed, e.g. ['criteria']. */
  fields: string[];
  before: Partial<Registration>; after: Partial<Registration>;
  /** Report views before the amendment: a change after looking invites suspicion. */
  reportViews: number;
};

export type Variant = {
  id: number; experimentId: number; key: string; name: string; description: string | null;
  /** Normalised weight: the weights of one experiment sum to 1. */
  weight: number;
  isControl: boolean; position: number;
};

export type Metric = {
  id: number; key: string; name: string; description: string | null; kind: MetricKind;
  /** Event counted (binomial, count), summed (sum) or the numerator (ratio). */
  eventName: string;
  /** Ratio metrics only: the denominator's event. */
  denominatorEventName: string | null;
  /** Ratio metrics only: 'count' makes a mean per event (order value = Σ purchase value / number of purchases). */
  denominatorAggregate: DenominatorAggregate;
  /** Retention metrics only: further events that also count as a return (any of `eventName` and these). */
  extraEventNames: string[];
  /** Retention metrics only: the window starts this many days after first exposure (a of "days a-b"; b is `windowDays`). */
  windowStartDays: number | null;
  /** Threshold metrics only: the user counts once they fired `eventName` at least this many times in the window. */
  minCount: number | null;
  direction: MetricDirection;
  /**
   * Window after first exposure in days; null means the experiment's duration. Retention: the end of
   * the window (b, exclusive). Time to event: the restriction of the restricted mean.
   */
  windowDays: number | null;
  /** Cap per-user values at this percentile (0..1), e.g. 0.99 for revenue. */
  winsorizePercentile: number | null;
  /** Known baseline (rate or mean) for power calculations, and its standard deviation. */
  baseline: number | null; baselineSd: number | null;
  createdAtMs: number; updatedAtMs: number;
};

/**
 * A pre-registered success criterion. `lift`: the metric must move in its direction by at least
 * `minRelativeLift` with p below `maxPValue`. `guardrail`: it must not get worse by more than
 * `maxRelativeDegradation`. `qualitative`: text only.
 */
export type SuccessCriterion = {
  id: number; experimentId: number; kind: CriterionKind; metricKey: string | null;
  minRelativeLift: number | null; maxPValue: number | null; maxRelativeDegradation: number | null;
  description: string;
};

/** A reviewer's recorded decision; the mechanical one is stored beside it. */
export type Decision = {
  id: number; experimentId: number; computedDecision: string; finalDecision: string;
  winningVariantKey: string | null; rationale: string | null; decidedBy: string; decidedAtMs: number;
};

export type PlaybookEntry = {
  id: number; experimentId: number | null; title: string; whatWasTested: string | null;
  winningVariantKey: string | null; metricKey: string | null;
  relativeLift: number | null; ciLow: number | null; ciHigh: number | null; pValue: number | null;
  channel: string | null; lifecycleStage: string | null; audience: string | null;
  evidenceUrl: string | null; learning: string; createdBy: string | null; createdAtMs: number;
};

/** A candidate experiment not yet in a week. */
export type Idea = {
  id: number; planId: number | null; title: string; hypothesis: string | null; channel: string | null;
  source: IdeaSource; notes: string | null; status: IdeaStatus; createdAtMs: number;
};

export type ApiKey = {
  id: number; name: string; scope: KeyScope;
  /** First characters of the key, shown in lists so people can tell keys apart. */
  prefix: string;
  /** SHA-256 of the whole key, hex. */
  hash: string;
  createdAtMs: number; lastUsedAtMs: number | null; revokedAtMs: number | null;
  /** Client keys: browser origins allowed to use it (CORS); empty means any origin. */
  allowedOrigins: string[];
};

export type AuditRecord = {
  id: number; atMs: number; actor: string; action: string; entityType: string; entityId: string;
  details: Record<string, unknown>;
};
