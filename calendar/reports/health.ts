/**
 * Data health, shown before any lift: sample ratio mismatch, exposures per day, users who
 * saw more than one variant, days run against planned, and users collected against the
 * users needed for the planned minimum detectable effect.
 */
import { requiredSampleSize, sampleRatioMismatch, StatsInputError } from '../../stats/index.ts';
import type { GroupAggregate } from '../../db/store/index.ts';
import type { Health } from './types.ts';
import type { MetricRow, ReportDesign } from './load.ts';

const DAY_MS = 86_400_000;

export const isoDateOfDay = (day: number) => new Date(day * DAY_MS).toISOString().slice(0, 10);

/** Total users needed for `mde` (relative) on `metric`, from its baseline or the observed control. */
export function usersNeededFor(
  metric: MetricRow | undefined, mde: number | null, weights: number[], control: GroupAggregate | undefined, index: number, alpha: number
): { users: number | null; basis: string } {
  if (!metric) return { users: null, basis: 'no primary metric' };
  if (!mde) return { users: null, basis: 'no planned minimum detectable effect' };
  const observed = control && control.users >= 2 ? control.metrics[index] : null;
  try {
    let perArm: number;
    if (metric.kind === 'binomial' || metric.kind === 'retention' || metric.kind === 'threshold') {
      const baseline = metric.baseline ?? (observed ? observed.sum / control!.users : null);
      if (!baseline) return { users: null, basis: 'no baseline rate yet' };
      perArm = requiredSampleSize({ kind: 'proportion', baseline, mde, relative: true, alpha });
    } else if (metric.kind === 'ratio') {
      return { users: null, basis: 'not computed for ratio metrics' };
    } else if (metric.kind === 'time_to_event' && (metric.baseline === null || metric.baselineSd === null)) {
      // Its sums hold only the users with the event; the restricted mean needs the closed windows.
      return { users: null, basis: 'time to event: enter a baseline mean and standard deviation on the metric' };
    } else {
      const n = control?.users ?? 0;
      const mean = metric.baseline ?? (observed ? observed.sum / n : null);
      const sd = metric.baselineSd ?? (observed && n >= 2 ? Math.sqrt(Math.max(0, (observed.sumSquares - observed.sum ** 2 / n) / (n - 1))) : null);
      if (!mean || !sd) return { users: null, basis: 'no baseline mean and standard deviation yet' };
      perArm = requiredSampleSize({ kind: 'mean', sd, mde: Math.abs(mde * mean), alpha });
    }
    // Each arm needs perArm users; with weight w an arm gets w of the traffic.
    // Variants weighted 0 get no traffic and need none (as in the SRM check).
    const users = Math.ceil(Math.max(...weights.filter((w) => w > 0).map((w) => perArm / w)));
    return { users, basis: `${metric.key}: ${perArm.toLocaleString('en-US')} per arm for a ${Math.round(mde * 100)}% relative lift at 80% power` };
  } catch (err) {
    if (err instanceof StatsInputError) return { users: null, basis: `cannot compute: ${err.message}` };
    throw err;
  }
}

export type HealthInput = {
  design: ReportDesign;
  byVariant: GroupAggregate[];
  exposuresByDay: Array<{ day: number; variant: string; users: number }>;
  span: { firstMs: number | null; lastMs: number | null };
  needed: { users: number | null; basis: string };
  nowMs: number;
};

/** Builds the health panel; warnings are plain sentences. */
export function buildHealth(input: HealthInput): Health {
  const { design, byVariant } = input;
  const keys = design.variants.map((v) => v.key);
  const observed = Object.fromEntries(keys.map((k) => [k, byVariant.find((a) => a.variant === k)?.users ?? 0]));
  const totalWeight = design.variants.reduce((a, v) => a + v.weight, 0);
  const expectedShare = Object.fromEntries(design.variants.map((v) => [v.key, v.weight / totalWeight]));
  const usersExposed = byVariant.reduce((a, v) => a + v.users, 0);
  const unknownVariants = byVariant.filter((a) => !keys.includes(a.variant));
  const warnings: string[] = [];

  let srm: Health['srm'] = null;
  const counted = design.variants.filter((v) => v.weight > 0);
  if (usersExposed > 0 && counted.length >= 2) {
    const test = sampleRatioMismatch(counted.map((v) => observed[v.key]), counted.map((v) => v.weight));
    srm = { pValue: test.pValue, chiSquare: test.chiSquare, mismatch: test.mismatch, observed, expectedShare };
    if (test.mismatch) {
      const split = counted.map((v) => `${v.key} ${(100 * observed[v.key] / usersExposed).toFixed(1)}%`).join(' / ');
      const planned = counted.map((v) => `${Math.round(100 * expectedShare[v.key])}%`).join(' / ');
      warnings.push(`Sample ratio mismatch (p = ${test.pValue.toExponential(1)}): observed split ${split}, configured ${planned}. ` +
        'Assignment or exposure logging is broken; results cannot be trusted and "ship" is blocked until it is explained.');
    }
  }
  if (unknownVariants.length) {
    warnings.push(`Exposures to unknown variants (${unknownVariants.map((a) => a.variant).join(', ')}) are ignored.`);
  }
  const multipleVariantUsers = byVariant.reduce((a, v) => a + v.conflicted, 0);
  if (multipleVariantUsers > 0) {
    warnings.push(`${multipleVariantUsers} users (${(100 * multipleVariantUsers / usersExposed).toFixed(2)}%) were exposed to more than one variant; ` +
      'they are analysed in the variant of their first exposure.');
  }
  const startMs = design.experiment.startedAtMs ?? input.span.firstMs;
  const endMs = design.experiment.stoppedAtMs ?? input.nowMs;
  const daysRun = startMs === null ? 0 : Math.max(0, Math.round(((endMs - startMs) / DAY_MS) * 10) / 10);
  if (usersExposed === 0) warnings.push('No users have been exposed yet.');
  else if (daysRun < 7) warnings.push(`Ran ${daysRun} days so far: less than a full week, so weekday effects can bias the result.`);
  if (input.needed.users !== null && usersExposed < input.needed.users) {
    warnings.push(`${usersExposed.toLocaleString('en-US')} of the ${input.needed.users.toLocaleString('en-US')} users needed for the planned effect (${input.needed.basis}).`);
  }

  const days = new Map<number, Record<string, number>>();
  for (const row of input.exposuresByDay) {
    const entry = days.get(row.day) ?? Object.fromEntries(keys.map((k) => [k, 0]));
    entry[row.variant] = row.users;
    days.set(row.day, entry);
  }
  return {
    srm,
    exposuresByDay: [...days.entries()].map(([day, users]) => ({ date: isoDateOfDay(day), users })),
    multipleVariantUsers,
    daysRun,
    daysPlanned: design.experiment.durationDays,
    usersExposed,
    usersNeeded: input.needed.users,
    usersNeededBasis: input.needed.basis,
    warnings
  };
}
