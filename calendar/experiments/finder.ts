import type { Data } from '../../db/store/index.ts';
import type { ExperimentStatus } from '../model.ts';
import { endDateOf } from './queries.ts';

/** One row of the experiments page: what a planner scans for, with the recorded decision. */
export type ExperimentListItem = {
  key: string; name: string; status: ExperimentStatus; exploratory: boolean;
  planId: number | null; planName: string | null; week: number | null;
  channels: string[]; owner: string | null; audience: string | null;
  startDate: string | null; endDate: string | null;
  /** The reviewer's recorded decision and the computed one it was made beside; null before any. */
  decision: { final: string; computed: string; winningVariantKey: string | null; decidedBy: string } | null;
};

/** What the page filters by; empty fields do not filter. */
export type ExperimentFilter = { q?: string; status?: string; planId?: number; channel?: string; owner?: string };

const norm = (s: string | null | undefined) => (s ?? '').trim().toLowerCase();

/**
 * Whether an experiment passes the filter: the status, plan, channel and owner match exactly
 * (owner case-insensitively) and the search text is a case-insensitive substring of its name,
 * key, audience, owner, channels or plan name.
 * @example matchesFilter(item, { q: 'email', status: 'running' }) // true for a running email test
 */
export function matchesFilter(item: ExperimentListItem, filter: ExperimentFilter): boolean {
  if (filter.status && item.status !== filter.status) return false;
  if (filter.planId !== undefined && item.planId !== filter.planId) return false;
  if (filter.channel && !item.channels.includes(filter.channel)) return false;
  if (norm(filter.owner) && norm(item.owner) !== norm(filter.owner)) return false;
  const q = norm(filter.q);
  if (!q) return true;
  return [item.name, item.key, item.audience, item.owner, item.planName, ...item.channels].some((text) => norm(text).includes(q));
}

/**
 * Every experiment (by plan, week, then id) with its plan's name and latest recorded decision,
 * filtered; plus the owners and plans there are to filter by.
 * @example (await findExperiments(data, { status: 'running' })).items.map((e) => e.key)
 */
export async function findExperiments(data: Data, filter: ExperimentFilter = {}): Promise<{
  items: ExperimentListItem[]; total: number; owners: string[]; plans: Array<{ id: number; name: string }>;
}> {
  const plans = await data.plans.list();
  const planName = new Map(plans.map((p) => [p.id, p.name]));
  const rows = await data.experiments.list();
  const all: ExperimentListItem[] = [];
  for (const e of rows) {
    // One small query per experiment: the page lists a few hundred at most.
    const d = await data.decisions.latest(e.id);
    all.push({
      key: e.key, name: e.name, status: e.status, exploratory: e.exploratory, planId: e.planId,
      planName: e.planId === null ? null : planName.get(e.planId) ?? null, week: e.week,
      channels: e.channels, owner: e.owner, audience: e.audience, startDate: e.startDate, endDate: endDateOf(e),
      decision: d ? { final: d.finalDecision, computed: d.computedDecision, winningVariantKey: d.winningVariantKey, decidedBy: d.decidedBy } : null
    });
  }
  const owners = [...new Set(all.map((e) => e.owner).filter((o): o is string => !!o))].sort((a, b) => a.localeCompare(b));
  return { items: all.filter((e) => matchesFilter(e, filter)), total: all.length, owners, plans: plans.map((p) => ({ id: p.id, name: p.name })) };
}
