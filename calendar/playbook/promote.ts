import { eq } from 'drizzle-orm';
import { z } from 'zod';
import type { Db } from '../../db/connection.ts';
import { experiments, playbookEntries } from '../../db/schema.ts';
import { recordAudit, type CommandContext } from '../audit.ts';
import { ConflictError, NotFoundError } from '../errors.ts';
import { applyTransition } from '../lifecycle/transitions.ts';
import { notifyExperimentChanged } from '../lifecycle/change-hooks.ts';
import { parseInput } from '../planning/parse.ts';
import { latestDecision } from '../reports/index.ts';

type Ctx = CommandContext;
type Tx = Parameters<Parameters<Db['transaction']>[0]>[0];
export type PlaybookEntry = typeof playbookEntries.$inferSelect;

export const promotionInput = z.object({
  learning: z.string().trim().min(10, 'write the learning in a sentence or two (at least 10 characters)').max(4000),
  /** Serve the winner to everyone through the assignment API. */
  rollout: z.boolean().default(false),
  title: z.string().trim().min(1).max(200).optional()
});
export type PromotionInput = z.input<typeof promotionInput>;

function writeRollout(tx: Tx, experimentId: number, key: string, variant: string | null, ctx: Ctx): void {
  tx.update(experiments).set({ rolloutVariantKey: variant, updatedAtMs: ctx.nowMs }).where(eq(experiments.id, experimentId)).run();
  recordAudit(tx, { actor: ctx.actor, action: variant ? 'experiment.rollout' : 'experiment.rollout-stopped', entityType: 'experiment', entityId: key, atMs: ctx.nowMs, details: { variant } });
}

/** The reviewer's recorded decision, read through the reports module (swap point for promotion). */
export function shipDecision(db: Db, key: string, nowMs: number) {
  const decision = latestDecision(db, key, nowMs);
  if (decision.final?.finalDecision !== 'ship' || !decision.winningVariant) {
    const what = decision.final ? `the recorded decision is '${decision.final.finalDecision}'` : `no reviewer decision is recorded (computed: ${decision.computed})`;
    throw new ConflictError(`cannot promote '${key}': ${what}; record a "ship" decision with a winning variant on its report first`);
  }
  return decision;
}

/**
 * Promotes a concluded experiment whose reviewer decision is `ship`: writes the playbook
 * entry (what was tested, winner, primary effect with CI and p, channel, stage, audience,
 * evidence link, learning), moves it to `promoted`, and with `rollout` serves the winner to
 * everyone (`experiments.rollout_variant_key`). One transaction; audit-logged.
 * @example promoteExperiment(db, 'w01-onboarding-ebook-reminder', { learning: 'A guided reminder lifts activation', rollout: true }, { actor: 'rita', nowMs })
 */
export function promoteExperiment(db: Db, key: string, raw: PromotionInput, ctx: Ctx): PlaybookEntry {
  const input = parseInput(promotionInput, raw);
  const e = db.select().from(experiments).where(eq(experiments.key, key)).get();
  if (!e) throw new NotFoundError('experiment', key);
  if (e.status !== 'concluded') throw new ConflictError(`cannot promote '${key}' while it is ${e.status}; conclude it first`);
  const decision = shipDecision(db, key, ctx.nowMs);
  const winner = decision.winningVariant!;
  const p = decision.primary;
  const entry = db.transaction((tx) => {
    applyTransition(tx, key, 'promote', { ...ctx, details: { winner, rollout: input.rollout } });
    const row = tx.insert(playbookEntries).values({
      experimentId: e.id, title: input.title ?? e.name,
      whatWasTested: [e.hypothesis, e.description].filter(Boolean).join(' — ') || e.objective,
      winningVariantKey: winner, metricKey: p?.metric ?? null,
      relativeLift: p?.relativeLift ?? null, ciLow: p?.ciLow ?? null, ciHigh: p?.ciHigh ?? null, pValue: p?.pValue ?? null,
      channel: e.channels[0] ?? null, lifecycleStage: e.lifecycleStage, audience: e.audience,
      evidenceUrl: `/experiments/${key}/report`, learning: input.learning, createdBy: ctx.actor, createdAtMs: ctx.nowMs
    }).returning().get();
    if (input.rollout) writeRollout(tx, e.id, key, winner, ctx);
    recordAudit(tx, { actor: ctx.actor, action: 'playbook.create', entityType: 'playbook_entry', entityId: row.id, atMs: ctx.nowMs, details: { experiment: key, winner } });
    return row;
  }, { behavior: 'immediate' });
  notifyExperimentChanged(key);
  return entry;
}

export type RolloutState = { key: string; status: string; rolloutVariantKey: string | null };

/**
 * Rolls out (or, with `null`, stops rolling out) a concluded or promoted experiment's winner:
 * the assignment API then serves `variantKey` to everyone. `'winner'` means the variant of
 * the recorded ship decision. Audit-logged.
 * @example setRollout(db, 'w01-onboarding-ebook-reminder', 'winner', { actor: 'rita', nowMs }) // { rolloutVariantKey: 'guided', ... }
 */
export function setRollout(db: Db, key: string, variantKey: string | 'winner' | null, ctx: Ctx): RolloutState {
  const e = db.select().from(experiments).where(eq(experiments.key, key)).get();
  if (!e) throw new NotFoundError('experiment', key);
  if (e.status !== 'promoted' && e.status !== 'concluded') throw new ConflictError(`only concluded or promoted experiments roll out; '${key}' is ${e.status}`);
  const variant = variantKey === null ? null : shipDecision(db, key, ctx.nowMs).winningVariant!;
  if (variantKey !== null && variantKey !== 'winner' && variantKey !== variant) throw new ConflictError(`only the winning variant '${variant}' can be rolled out`);
  db.transaction((tx) => writeRollout(tx, e.id, key, variant, ctx), { behavior: 'immediate' });
  notifyExperimentChanged(key);
  return { key, status: e.status, rolloutVariantKey: variant };
}
