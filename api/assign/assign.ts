import type { AppDeps } from '../deps.ts';
import { configsOf, ingestOf } from '../engine/index.ts';
import { evaluateExperiment, type Assignment } from './evaluate.ts';
import type { Attributes } from './targeting.ts';
import type { PlanExposure } from '../../db/store/index.ts';

export type AssignRequest = {
  userId: string;
  attributes?: Attributes;
  /** Experiment keys; all active experiments when absent. */
  experiments?: string[];
  /** Record the exposure now (default). With false the app posts it to /exposures when the user sees the variant. */
  expose?: boolean;
};
export type AssignResult = { userId: string; assignments: Record<string, Assignment> };

const notFound: Assignment = { variant: null, inExperiment: false, reason: 'not_found', bucket: null };

/**
 * Assigns a user to experiments. Sticky: a user with a recorded exposure keeps the recorded
 * variant while the experiment runs, whatever happened to weights, coverage or targeting.
 * With `expose`, in-experiment assignments are recorded (group commit) and the promise
 * resolves only after the commit. Forced (QA) users and rollouts are never recorded as
 * exposures. In a plan with a program holdout, the user's first exposed call for any experiment
 * of the plan is recorded as a plan exposure (`holdout` true for held-out users, who get the
 * control, false for those in an experiment or served a rolled-out winner): the two groups of
 * the program impact report.
 * @example await assignUser(deps, { userId: 'u1', experiments: ['w01-onboarding-ebook-reminder'] })
 */
export async function assignUser(deps: AppDeps, request: AssignRequest): Promise<AssignResult> {
  // The engine's configs and writer (SQLite: the connection's cache and group commit).
  const cache = await configsOf(deps);
  const ingest = ingestOf(deps);
  const attributes = request.attributes ?? {};
  const configs = request.experiments
    ? request.experiments.map((key) => [key, cache.get(key)] as const)
    : cache.active().map((c) => [c.key, c] as const);
  const assignments: Record<string, Assignment> = {};
  const toRecord: Array<{ key: string; experimentId: number; variant: string }> = [];
  const planExposures = new Map<number, PlanExposure>();
  const expose = request.expose !== false;
  for (const [key, config] of configs) {
    if (!config) { assignments[key] = notFound; continue; }
    let result = evaluateExperiment(config, request.userId, attributes);
    // An exposed split needs no read first: the upsert below returns the recorded variant (sticky).
    if (config.status === 'running' && result.reason !== 'forced' && result.reason !== 'holdout' && request.userId && !(expose && result.reason === 'split')) {
      const recorded = await ingest.recordedVariant(config.id, request.userId);
      if (recorded !== undefined) result = { variant: recorded, inExperiment: true, reason: 'sticky', bucket: result.bucket };
    }
    assignments[key] = result;
    if (expose && (result.reason === 'split' || result.reason === 'sticky')) {
      toRecord.push({ key, experimentId: config.id, variant: result.variant! });
    }
    if (expose && config.holdout && !planExposures.has(config.holdout.planId) && planExposed.has(result.reason)) {
      planExposures.set(config.holdout.planId, { planId: config.holdout.planId, userId: request.userId, holdout: result.reason === 'holdout', atMs: deps.now() });
    }
  }
  const planWrite = planExposures.size > 0 ? ingest.planExposures([...planExposures.values()]) : undefined;
  // Awaited below; this only keeps a failure from being unhandled while the exposures are written.
  planWrite?.catch(() => undefined);
  if (toRecord.length > 0) {
    const atMs = deps.now();
    const attributesJson = JSON.stringify(attributes);
    const stored = await ingest.assignments(
      toRecord.map((r) => ({ experimentId: r.experimentId, userId: request.userId, variant: r.variant, atMs, attributesJson })));
    stored.forEach((s, i) => {
      const r = toRecord[i]!;
      // Recorded before (first exposure wins, even if weights changed since): the stored variant.
      if (s.count > 1) assignments[r.key] = { ...assignments[r.key]!, variant: s.variant, inExperiment: true, reason: 'sticky' };
    });
  }
  await planWrite;
  return { userId: request.userId, assignments };
}

/** Reasons that count as exposed to the plan: in an experiment, served a winner, or held out instead. */
const planExposed = new Set<Assignment['reason']>(['split', 'sticky', 'rollout', 'holdout']);
