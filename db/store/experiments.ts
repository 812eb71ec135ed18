import type { Amendment, Experiment, ExperimentStatus, Layer, Metric, MetricRole, SuccessCriterion, Variant } from '../../calendar/model.ts';

/** The columns a new experiment must be given; the rest take the stored defaults. */
export type NewExperiment = Pick<Experiment, 'key' | 'name'> & Partial<Omit<Experiment, 'id' | 'key' | 'name'>>;
export type ExperimentPatch = Partial<Omit<Experiment, 'id' | 'key'>>;
export type VariantValues = Pick<Variant, 'key' | 'name' | 'description' | 'weight' | 'isControl' | 'position'>;
export type NewCriterion = Omit<SuccessCriterion, 'id' | 'experimentId'>;
export type MetricLink = { metric: Metric; role: MetricRole };
/** One experiment's use of one metric. */
export type MetricUsage = { metricId: number; experimentKey: string; experimentName: string; status: ExperimentStatus; role: MetricRole };

/**
 * Experiments with their variants, metric links and success criteria.
 * Lists are ordered by plan, week, then id unless a method says otherwise.
 */
export interface ExperimentStore {
  byKey(key: string): Promise<Experiment | null>;
  byId(id: number): Promise<Experiment | null>;
  byKeys(keys: string[]): Promise<Experiment[]>;
  list(filter?: { planId?: number; status?: ExperimentStatus; statuses?: readonly ExperimentStatus[]; layerId?: number; hasStartDate?: boolean }): Promise<Experiment[]>;
  /** Running experiments whose last day (start + duration - 1) is before `today` (ISO date). */
  runningPastEnd(today: string): Promise<Experiment[]>;
  insert(values: NewExperiment): Promise<Experiment>;
  update(id: number, patch: ExperimentPatch): Promise<Experiment>;
  /** Deletes every experiment of a plan (their variants, links and criteria go with them). */
  deleteOfPlan(planId: number): Promise<void>;

  variants(experimentId: number): Promise<Variant[]>;
  upsertVariant(experimentId: number, values: VariantValues): Promise<void>;
  deleteVariants(experimentId: number, keys: string[]): Promise<void>;
  /** How many users were exposed to any of `variantKeys`. */
  exposedUsers(experimentId: number, variantKeys: string[]): Promise<number>;

  /** Metric links ordered by role, then metric key. */
  metricLinks(experimentId: number): Promise<MetricLink[]>;
  replaceMetricLinks(experimentId: number, links: Array<{ metricId: number; role: MetricRole }>): Promise<void>;
  /** Which experiments use which metrics (every metric's, or one's with `metricId`), by metric id then experiment key. */
  metricUsage(metricId?: number): Promise<MetricUsage[]>;

  /** Success criteria in the order they were written. */
  criteria(experimentId: number): Promise<SuccessCriterion[]>;
  replaceCriteria(experimentId: number, criteria: NewCriterion[]): Promise<void>;

  /** Amendments to the registration, oldest first. */
  amendments(experimentId: number): Promise<Amendment[]>;
  insertAmendment(values: Omit<Amendment, 'id'>): Promise<Amendment>;
  /** Counts one view of the experiment's report; returns the new count. */
  countReportView(experimentId: number): Promise<number>;
}

export interface LayerStore {
  byKey(key: string): Promise<Layer | null>;
  byId(id: number): Promise<Layer | null>;
  /** All layers by key. */
  list(): Promise<Layer[]>;
  insert(values: Pick<Layer, 'key' | 'name'> & Partial<Pick<Layer, 'description' | 'createdAtMs'>>): Promise<Layer>;
  /** Removes a layer; the domain first checks that no experiment is in it. */
  delete(id: number): Promise<void>;
}
