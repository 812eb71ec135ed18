import { and, desc, eq, type SQL } from 'drizzle-orm';
import { z } from 'zod';
import type { Db } from '../../db/connection.ts';
import { channels, ideas } from '../../db/schema.ts';
import { recordAudit, type CommandContext } from '../audit.ts';
import { ConflictError, NotFoundError } from '../errors.ts';
import { createPlannedExperiment } from '../planning/experiment-editor.ts';
import { parseInput } from '../planning/parse.ts';

type Ctx = CommandContext;
export type IdeaRow = typeof ideas.$inferSelect;
export const ideaSources = ['analytics', 'survey', 'user-feedback', 'follow-up', 'other'] as const;

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
 * @example createIdea(db, { title: 'Exit-intent survey', source: 'user-feedback', channel: 'web' }, { actor: 'ana', nowMs })
 */
export function createIdea(db: Db, raw: IdeaInput, ctx: Ctx): IdeaRow {
  const input = parseInput(ideaInput, raw);
  const idea = db.insert(ideas).values({ ...input, createdAtMs: ctx.nowMs }).returning().get();
  recordAudit(db, { actor: ctx.actor, action: 'idea.create', entityType: 'idea', entityId: idea.id, atMs: ctx.nowMs, details: { source: idea.source } });
  return idea;
}

/** The backlog, newest first; by default only open ideas. */
export function listIdeas(db: Db, filter: { status?: IdeaRow['status'] | 'all'; source?: IdeaRow['source'] } = {}): IdeaRow[] {
  const where: SQL[] = [];
  if ((filter.status ?? 'open') !== 'all') where.push(eq(ideas.status, (filter.status ?? 'open') as IdeaRow['status']));
  if (filter.source) where.push(eq(ideas.source, filter.source));
  return db.select().from(ideas).where(and(...where)).orderBy(desc(ideas.createdAtMs), desc(ideas.id)).all();
}

export function getIdea(db: Pick<Db, 'select'>, id: number): IdeaRow {
  const idea = db.select().from(ideas).where(eq(ideas.id, id)).get();
  if (!idea) throw new NotFoundError('idea', id);
  return idea;
}

/** Drops an idea from the backlog (kept, marked `dropped`). */
export function dropIdea(db: Db, id: number, ctx: Ctx): IdeaRow {
  const idea = getIdea(db, id);
  if (idea.status !== 'open') throw new ConflictError(`idea ${id} is ${idea.status}, not open`);
  recordAudit(db, { actor: ctx.actor, action: 'idea.drop', entityType: 'idea', entityId: id, atMs: ctx.nowMs });
  return db.update(ideas).set({ status: 'dropped' }).where(eq(ideas.id, id)).returning().get();
}

/**
 * Moves an open idea into a week of a plan: a draft experiment (control vs treatment, 14 days)
 * the planner then completes in the editor. The idea is marked `scheduled`.
 * @example moveIdeaToWeek(db, 4, { planId: 2, week: 5 }, { actor: 'ana', nowMs }) // { key: 'w05-exit-intent-survey', id: 31 }
 */
export function moveIdeaToWeek(
  db: Db, id: number, target: { planId: number; week: number; channel?: string | null }, ctx: Ctx
): { key: string; id: number } {
  return db.transaction((tx) => {
    const idea = getIdea(tx, id);
    if (idea.status !== 'open') throw new ConflictError(`idea ${id} is ${idea.status}, not open`);
    const channel = target.channel ?? idea.channel ?? 'web';
    const created = createPlannedExperiment(tx as unknown as Db, target.planId, {
      name: idea.title, week: target.week, hypothesis: idea.hypothesis ?? undefined,
      channels: [channel as (typeof channels)[number]], durationDays: 14,
      variants: [{ key: 'control', name: 'Control', weight: 1 }, { key: 'treatment', name: 'Treatment', weight: 1 }],
      notes: [`From the backlog (${idea.source}).`, idea.notes].filter(Boolean).join(' ')
    }, ctx);
    tx.update(ideas).set({ status: 'scheduled', planId: target.planId }).where(eq(ideas.id, id)).run();
    recordAudit(tx, { actor: ctx.actor, action: 'idea.schedule', entityType: 'idea', entityId: id, atMs: ctx.nowMs, details: { experiment: created.key, week: target.week } });
    return created;
  }, { behavior: 'immediate' });
}
