import { z } from 'zod';
import type { Data } from '../../db/store/index.ts';
import { channels, ideaSources, type Idea } from '../model.ts';
import { recordAudit, type CommandContext } from '../audit.ts';
import { ConflictError, InvalidInputError, NotFoundError } from '../errors.ts';
import { addDaysIso, isoDay, weekStartIso } from '../dates.ts';
import { createPlannedExperiment } from '../planning/experiment-editor.ts';
import { parseInput } from '../planning/parse.ts';

type Ctx = CommandContext;
export type IdeaRow = Idea;
export { ideaSources };

const optional = (max: number) => z.string().trim().max(max).nullish().transform((s) => s || null);

/** A candidate experiment for the backlog. */
export const ideaInput = z.object({
  title: z.string().trim().min(1).max(200),
  hypothesis: optional(2000),
  channel: z.enum(channels).optional().nullable().transform((c) => c ?? null),
  source: z.enum(ideaSources).default('other'),
  notes: optional(4000),
  planId: z.number().int().positive().optional().nullable().transform((p) => p ?? null)
});
export type IdeaInput = z.input<typeof ideaInput>;

/**
 * Adds an idea to the backlog.
 * @example await createIdea(data, { title: 'Exit-intent survey', source: 'user-feedback', channel: 'web' }, { actor: 'ana', nowMs })
 */
export async function createIdea(data: Data, raw: IdeaInput, ctx: Ctx): Promise<IdeaRow> {
  const input = parseInput(ideaInput, raw);
  return data.transaction(async (tx) => {
    const idea = await tx.ideas.insert({ ...input, createdAtMs: ctx.nowMs });
    await recordAudit(tx, { actor: ctx.actor, action: 'idea.create', entityType: 'idea', entityId: idea.id, atMs: ctx.nowMs, details: { source: idea.source } });
    return idea;
  });
}

/** The backlog, newest first; by default only open ideas. */
export async function listIdeas(data: Data, filter: { status?: IdeaRow['status'] | 'all'; source?: IdeaRow['source'] } = {}): Promise<IdeaRow[]> {
  const status = filter.status ?? 'open';
  return data.ideas.list({
    ...(status === 'all' ? {} : { status }),
    ...(filter.source ? { source: filter.source } : {})
  });
}

export async function getIdea(data: Data, id: number): Promise<IdeaRow> {
  const idea = await data.ideas.byId(id);
  if (!idea) throw new NotFoundError('idea', id);
  return idea;
}

/** Drops an idea from the backlog (kept, marked `dropped`). */
export async function dropIdea(data: Data, id: number, ctx: Ctx): Promise<IdeaRow> {
  return data.transaction(async (tx) => {
    const idea = await getIdea(tx, id);
    if (idea.status !== 'open') throw new ConflictError(`idea ${id} is ${idea.status}, not open`);
    await recordAudit(tx, { actor: ctx.actor, action: 'idea.drop', entityType: 'idea', entityId: id, atMs: ctx.nowMs });
    return tx.ideas.update(id, { status: 'dropped' });
  });
}

/**
 * Moves an open idea into a week of a plan: a draft experiment (control vs treatment, 14 days)
 * the planner then completes in the editor. The idea is marked `scheduled`. A week that is
 * over is refused (ConflictError); the current week is allowed.
 * @example await moveIdeaToWeek(data, 4, { planId: 2, week: 5 }, { actor: 'ana', nowMs }) // { key: 'w05-exit-intent-survey', id: 31 }
 */
export async function moveIdeaToWeek(
  data: Data, id: number, target: { planId: number; week: number; channel?: string | null }, ctx: Ctx
): Promise<{ key: string; id: number }> {
  return data.transaction(async (tx) => {
    const idea = await getIdea(tx, id);
    if (idea.status !== 'open') throw new ConflictError(`idea ${id} is ${idea.status}, not open`);
    const plan = await tx.plans.byId(target.planId);
    if (!plan) throw new NotFoundError('plan', target.planId);
    if (!Number.isInteger(target.week) || target.week < 1 || target.week > plan.weeks) {
      throw new InvalidInputError(`week must be between 1 and ${plan.weeks}, got ${target.week}`);
    }
    // A week that is over cannot hold a new test: its draft would start late or never.
    const weekEnd = addDaysIso(weekStartIso(plan.startDate, target.week), 6);
    if (weekEnd < isoDay(ctx.nowMs)) throw new ConflictError(`week ${target.week} of ${plan.name} is over (it ended ${weekEnd}); choose the current week or a later one`);
    const channel = target.channel ?? idea.channel ?? 'web';
    const created = await createPlannedExperiment(tx, target.planId, {
      name: idea.title, week: target.week, hypothesis: idea.hypothesis ?? undefined,
      channels: [channel as (typeof channels)[number]], durationDays: 14,
      variants: [{ key: 'control', name: 'Control', weight: 1 }, { key: 'treatment', name: 'Treatment', weight: 1 }],
      notes: [`From the backlog (${idea.source}).`, idea.notes].filter(Boolean).join(' ')
    }, ctx);
    await tx.ideas.update(id, { status: 'scheduled', planId: target.planId });
    await recordAudit(tx, { actor: ctx.actor, action: 'idea.schedule', entityType: 'idea', entityId: id, atMs: ctx.nowMs, details: { experiment: created.key, week: target.week } });
    return created;
  });
}
