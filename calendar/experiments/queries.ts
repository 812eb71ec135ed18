import type { Data } from '../../db/store/index.ts';
import type { Experiment, ExperimentStatus, SuccessCriterion, Variant } from '../model.ts';
import { addDaysIso } from '../dates.ts';
import { NotFoundError } from '../errors.ts';
import { registrationView, type RegistrationView } from '../lifecycle/registration.ts';

export type ExperimentRow = Experiment;
export type VariantRow = Variant;
export type SuccessCriterionRow = SuccessCriterion;

/** An experiment as lists show it: the row plus its computed end date. */
export type ExperimentSummary = Pick<ExperimentRow,
  'id' | 'key' | 'name' | 'planId' | 'week' | 'status' | 'channels' | 'startDate' | 'durationDays'
> & { endDate: string | null };

/** Everything about one experiment, as the experiment page and `GET /experiments/{key}` show it. */
export type ExperimentDetail = Omit<ExperimentRow, 'registration'> & {
  /** What was frozen at the first start, with every amendment since (null before it started). */
  registration: RegistrationView | null;
  endDate: string | null;
  /** The experiment's plan, with the share of users its program holdout keeps out of every experiment. */
  plan: { id: number; name: string; holdoutShare: number } | null;
  layer: { id: number; key: string; name: string } | null;
  variants: VariantRow[];
  metrics: Array<{ key: string; name: string; kind: string; direction: string; role: string }>;
  successCriteria: SuccessCriterionRow[];
};

/** Last day the experiment runs (inclusive), or null without a start date. */
export function endDateOf(e: { startDate: string | null; durationDays: number }): string | null {
  return e.startDate ? addDaysIso(e.startDate, e.durationDays - 1) : null;
}

/**
 * Experiments ordered by plan and week, optionally filtered.
 * @example (await listExperiments(data, { planId: 1 })).map((e) => e.week) // [1, 2, ..., 12]
 */
export async function listExperiments(
  data: Data, filter: { planId?: number; status?: ExperimentStatus } = {}
): Promise<ExperimentSummary[]> {
  const rows = await data.experiments.list(filter);
  return rows.map((r) => ({
    id: r.id, key: r.key, name: r.name, planId: r.planId, week: r.week, status: r.status, channels: r.channels,
    startDate: r.startDate, durationDays: r.durationDays, endDate: endDateOf(r)
  }));
}

const byText = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** One experiment with variants, metrics and success criteria; throws NotFoundError. */
export async function getExperimentDetail(data: Data, key: string): Promise<ExperimentDetail> {
  const row = await data.experiments.byKey(key);
  if (!row) throw new NotFoundError('experiment', key);
  const planRow = row.planId === null ? null : await data.plans.byId(row.planId);
  const layerRow = row.layerId === null ? null : await data.layers.byId(row.layerId);
  const links = await data.experiments.metricLinks(row.id);
  return {
    ...row,
    endDate: endDateOf(row),
    plan: planRow ? { id: planRow.id, name: planRow.name, holdoutShare: planRow.holdoutShare } : null,
    layer: layerRow ? { id: layerRow.id, key: layerRow.key, name: layerRow.name } : null,
    variants: await data.experiments.variants(row.id),
    // By role name, then metric key (as the detail has always listed them).
    metrics: links
      .map(({ metric: m, role }) => ({ key: m.key, name: m.name, kind: m.kind, direction: m.direction, role }))
      .sort((a, b) => byText(a.role, b.role) || byText(a.key, b.key)),
    successCriteria: await data.experiments.criteria(row.id),
    registration: await registrationView(data, row)
  };
}
