/**
 * Pre-registration: what an experiment promised before it ran. At the first start its metrics,
 * success criteria, planned MDE and analysis plan are frozen into `Experiment.registration`; the
 * frozen record never changes afterwards. A later change to any of them is an amendment, kept as
 * a list beside it (who, when, why, before/after, how often the report had been seen), so the
 * report can decide by what was registered and show the amended decision next to it.
 */
import type { Data } from '../../db/store/index.ts';
import type { Amendment, Experiment, Registration } from '../model.ts';
import { ConflictError } from '../errors.ts';

/** The analysis plan frozen when nothing else was chosen: the report's own defaults. */
export const defaultAnalysisPlan: Registration['analysis'] = { mode: 'sequential', correction: 'holm', alpha: 0.05 };

/** The parts of a registration an amendment can change, as named in messages and `Amendment.fields`. */
export const registeredFields = ['metrics', 'criteria', 'plannedMde', 'analysis', 'exploratory'] as const;
export type RegisteredField = (typeof registeredFields)[number];
export type RegisteredPlan = Pick<Registration, RegisteredField>;

/** A registration with its amendments, as `GET /experiments/{key}` and the report show it. */
export type RegistrationView = Registration & { amendments: Amendment[] };

/** Starting is refused because nothing (or not enough) was pre-registered. Maps to 409 like every conflict. */
export class RegistrationMissingError extends ConflictError {}

/**
 * Why `plan` cannot be started, or null when it can: it needs a primary metric and at least one
 * success criterion, unless it is marked exploratory.
 * @example registrationGap({ metrics: [], criteria: [], exploratory: false }) // 'it has no primary metric and no success criteria'
 */
export function registrationGap(plan: Pick<RegisteredPlan, 'metrics' | 'criteria' | 'exploratory'>): string | null {
  if (plan.exploratory) return null;
  const hasPrimary = plan.metrics.some((m) => m.role === 'primary');
  const hasCriterion = plan.criteria.length > 0;
  if (hasPrimary && hasCriterion) return null;
  if (!hasPrimary && !hasCriterion) return 'it has no primary metric and no success criteria';
  return hasPrimary ? 'it has no success criteria' : 'it has no primary metric';
}

/** The experiment's current metrics, criteria, MDE and exploratory flag as a registration would hold them. */
export async function currentPlan(tx: Data, row: Experiment): Promise<RegisteredPlan> {
  const [links, criteria, amendments] = await Promise.all([
    tx.experiments.metricLinks(row.id), tx.experiments.criteria(row.id),
    row.registration ? tx.experiments.amendments(row.id) : Promise.resolve([])
  ]);
  return {
    metrics: links.map((l) => ({ key: l.metric.key, role: l.role })),
    criteria: criteria.map(({ id: _id, experimentId: _e, ...c }) => c),
    plannedMde: row.plannedMde,
    analysis: currentAnalysis(row.registration, amendments),
    exploratory: row.exploratory
  };
}

/** The analysis plan in force: the registered one, or the last amendment's. */
export function currentAnalysis(registration: Registration | null, amendments: Amendment[]): Registration['analysis'] {
  const amended = amendments.filter((a) => a.after.analysis).at(-1)?.after.analysis;
  return amended ?? registration?.analysis ?? defaultAnalysisPlan;
}

/**
 * Throws RegistrationMissingError when experiment `row` may not start yet; otherwise returns the
 * registration to freeze at this (first) start. Later starts keep the first registration.
 */
export async function registrationForStart(tx: Data, row: Experiment, nowMs: number): Promise<Registration | null> {
  if (row.registration) return null;
  const plan = await currentPlan(tx, row);
  const gap = registrationGap(plan);
  if (gap) throw new RegistrationMissingError(refusalMessage(row.key, gap));
  return { registeredAtMs: nowMs, ...plan };
}

/** Throws RegistrationMissingError when `row` has neither a registration nor what one needs. */
export async function assertRegistrable(tx: Data, row: Experiment): Promise<void> {
  if (row.registration) return;
  const gap = registrationGap(await currentPlan(tx, row));
  if (gap) throw new RegistrationMissingError(refusalMessage(row.key, gap));
}

function refusalMessage(key: string, gap: string): string {
  return `experiment '${key}' cannot start: ${gap}. Choose a primary metric and write at least one success ` +
    'criterion (e.g. a minimum lift), or mark it exploratory if it is not meant to decide anything';
}

// Criteria compare by what is measured (descriptions of measured criteria are prose that forms rewrite).
const criterionKey = (c: RegisteredPlan['criteria'][number]) => c.kind === 'qualitative'
  ? `q:${c.description.trim()}`
  : `${c.kind}:${c.metricKey}:${c.minRelativeLift ?? ''}:${c.maxPValue ?? ''}:${c.maxRelativeDegradation ?? ''}`;
const sameList = (a: string[], b: string[]) => a.length === b.length && [...a].sort().every((x, i) => x === [...b].sort()[i]);

/**
 * The registered parts that differ between `before` and `after` (only the keys `after` carries).
 * @example changedFields({ ...plan, plannedMde: 0.1 }, { plannedMde: 0.2 }) // ['plannedMde']
 */
export function changedFields(before: RegisteredPlan, after: Partial<RegisteredPlan>): RegisteredField[] {
  return registeredFields.filter((f) => {
    if (after[f] === undefined) return false;
    if (f === 'metrics') return !sameList(before.metrics.map((m) => `${m.role}:${m.key}`), after.metrics!.map((m) => `${m.role}:${m.key}`));
    if (f === 'criteria') return !sameList(before.criteria.map(criterionKey), after.criteria!.map(criterionKey));
    if (f === 'analysis') return JSON.stringify(before.analysis) !== JSON.stringify({ ...before.analysis, ...after.analysis });
    return before[f] !== after[f];
  });
}

/** The registration of `row` with its amendments, or null before the first start. */
export async function registrationView(data: Data, row: Experiment): Promise<RegistrationView | null> {
  if (!row.registration) return null;
  return { ...row.registration, amendments: await data.experiments.amendments(row.id) };
}

/** Whether an experiment that has not started yet could start, and the scheduler's last refusal. */
export type StartReadiness = { gap: string | null; lastRefusal: { atMs: number; reason: string } | null };

/**
 * What the experiment page says before the first start: what is missing for a registration (null
 * when nothing is) and when and why the scheduler last refused to start it (null when it did not).
 * @example (await startReadiness(data, 'bare')).gap // 'it has no primary metric and no success criteria'
 */
export async function startReadiness(data: Data, key: string): Promise<StartReadiness> {
  const row = await data.experiments.byKey(key);
  if (!row || row.registration) return { gap: null, lastRefusal: null };
  const [refusal] = await data.audit.list({ entityType: 'experiment', entityId: key, action: 'experiment.start-refused', limit: 1 });
  return {
    gap: registrationGap(await currentPlan(data, row)),
    lastRefusal: refusal ? { atMs: refusal.atMs, reason: String(refusal.details.reason ?? '') } : null
  };
}
