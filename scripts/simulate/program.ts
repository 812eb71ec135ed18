/**
 * A plan's program through the real HTTP API (issue 16): users arrive and are assigned to every
 * experiment of the plan in one exposing `POST /assign`, which records their plan exposure
 * (held out or not). A user served at least one of the plan's rolled-out winners converts on
 * each goal metric at baseline × (1 + the combined effect); everyone else, the holdout included,
 * at the baseline. Events carry no timestamp: the server stamps them after the exposure, so
 * the program impact report counts each one. Deterministic for a seed.
 */
import { apiClient } from './client.ts';
import { seededRandom } from './random.ts';

export type ProgramOptions = {
  baseUrl?: string;
  apiKey: string;
  planId: number;
  users?: number;
  seed?: number;
  /** Metric key -> true relative lift for users served the plan's winners (binomial metrics). */
  combinedEffects: Record<string, number>;
  /** Metric key -> baseline rate; default the metric's baseline, else 0.2. */
  baselines?: Record<string, number>;
  concurrency?: number;
  log?: (line: string) => void;
};

export type ProgramResult = {
  users: number;
  /** Users held out, served a winner, or neither (in a running experiment or none served). */
  groups: { holdout: number; winners: number; neither: number };
  /** Metric key -> conversions per group. */
  conversions: Record<string, { holdout: number; winners: number; neither: number }>;
  requests: number;
};

type Assignment = { variant: string | null; inExperiment: boolean; reason: string };

/**
 * Drives plan `planId`'s users (see the file comment) and returns what it sent.
 * @example await simulateProgram({ baseUrl, apiKey, planId: 1, users: 20_000, combinedEffects: { activation: 0.2 } })
 */
export async function simulateProgram(o: ProgramOptions): Promise<ProgramResult> {
  const api = apiClient(o.baseUrl ?? 'http://127.0.0.1:3000', o.apiKey);
  const seed = o.seed ?? 1;
  const users = o.users ?? 10_000;
  const timeline = await api<{ experiments: Array<{ key: string }> }>('GET', `/api/v1/plans/${o.planId}`);
  const keys = timeline.experiments.map((e) => e.key).slice(0, 50);
  const metrics = (await api<{ metrics: Array<{ key: string; kind: string; eventName: string; baseline: number | null }> }>('GET', '/api/v1/metrics')).metrics;
  const goal = Object.keys(o.combinedEffects).map((key) => {
    const metric = metrics.find((m) => m.key === key);
    if (!metric || metric.kind !== 'binomial') throw new Error(`combined effect on '${key}': a binomial metric of the server is needed`);
    return { ...metric, base: o.baselines?.[key] ?? metric.baseline ?? 0.2, lift: o.combinedEffects[key]! };
  });
  const result: ProgramResult = { users, groups: { holdout: 0, winners: 0, neither: 0 }, conversions: {}, requests: 1 + 1 };
  for (const m of goal) result.conversions[m.key] = { holdout: 0, winners: 0, neither: 0 };
  const random = seededRandom(seed * 7919 + o.planId);
  // Each user's draws are taken up front, in user order, so the outcome does not depend on request order.
  const people = Array.from({ length: users }, (_, i) => ({ userId: `prog-${seed}-${o.planId}-${i}`, draws: goal.map(() => random()) }));
  const events: Array<{ id: string; userId: string; event: string }> = [];
  let next = 0;
  await Promise.all(Array.from({ length: o.concurrency ?? 16 }, async () => {
    while (next < people.length) {
      const p = people[next++]!;
      const r = await api<{ assignments: Record<string, Assignment> }>('POST', '/api/v1/assign', { userId: p.userId, experiments: keys });
      result.requests++;
      const reasons = Object.values(r.assignments).map((a) => a.reason);
      const group = reasons.includes('holdout') ? 'holdout' : reasons.includes('rollout') ? 'winners' : 'neither';
      result.groups[group]++;
      goal.forEach((m, i) => {
        if (p.draws[i]! >= Math.min(1, m.base * (group === 'winners' ? 1 + m.lift : 1))) return;
        result.conversions[m.key]![group]++;
        events.push({ id: `${p.userId}-${m.eventName}`, userId: p.userId, event: m.eventName });
      });
    }
  }));
  for (let i = 0; i < events.length; i += 1000) { await api('POST', '/api/v1/events', { events: events.slice(i, i + 1000) }); result.requests++; }
  o.log?.(`plan ${o.planId}: ${users} users (${result.groups.holdout} held out, ${result.groups.winners} served winners, ${result.groups.neither} neither), ${events.length} events`);
  return result;
}
