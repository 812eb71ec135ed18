import { z } from 'zod';
import type { Data } from '../../db/store/index.ts';
import type { PlaybookEntry } from '../model.ts';
import { recordAudit, type CommandContext } from '../audit.ts';
import { ConflictError, NotFoundError } from '../errors.ts';
import { applyTransition } from '../lifecycle/transitions.ts';
import { notifyExperimentChanged } from '../lifecycle/change-hooks.ts';
import { parseInput } from '../planning/parse.ts';
import { latestDecision } from '../reports/index.ts';

type Ctx = CommandContext;
export type { PlaybookEntry };

export const promotionInput = z.object({
  learning: z.string().trim().min(10, 'write the learning in a sentence or two (at least 10 characters)').max(4000),
  /** Serve the winner to everyone through the assignment API. */
  rollout: z.boolean().default(false),
  title: z.string().trim().min(1).max(200).optional()
});
export type PromotionInput = z.input<typeof promotionInput>;

async function writeRollout(tx: Data, experimentId: number, key: string, variant: string | null, ctx: Ctx): Promise<void> {
  await tx.experiments.update(experimentId, { rolloutVariantKey: variant, updatedAtMs: ctx.nowMs });
  await recordAudit(tx, { actor: ctx.actor, action: variant ? 'experiment.rollout' : 'experiment.rollout-stopped', entityType: 'experiment', entityId: key, atMs: ctx.nowMs, details: { variant } });
}

/** The reviewer's recorded decision, read through the reports module (swap point for promotion). */
export async function shipDecision(data: Data, key: string, nowMs: number) {
  const decision = await latestDecision(data, key, nowMs);
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
 * @example await promoteExperiment(data, 'w01-onboarding-ebook-reminder', { learning: 'A guided reminder lifts activation', rollout: true }, { actor: 'rita', nowMs })
 */
export async function promoteExperiment(data: Data, key: string, raw: PromotionInput, ctx: Ctx): Promise<PlaybookEntry> {
  const input = parseInput(promotionInput, raw);
  const e = await data.experiments.byKey(key);
  if (!e) throw new NotFoundError('experiment', key);
  if (e.status !== 'concluded') throw new ConflictError(`cannot promote '${key}' while it is ${e.status}; conclude it first`);
  const decision = await shipDecision(data, key, ctx.nowMs);
  const winner = decision.winningVariant!;
  const p = decision.primary;
  const entry = await data.transaction(async (tx) => {
    await applyTransition(tx, key, 'promote', { ...ctx, details: { winner, rollout: input.rollout } });
    const row = await tx.playbook.insert({
      experimentId: e.id, title: input.title ?? e.name,
      whatWasTested: [e.hypothesis, e.description].filter(Boolean).join(' — ') || e.objective,
      winningVariantKey: winner, metricKey: p?.metric ?? null,
      relativeLift: p?.relativeLift ?? null, ciLow: p?.ciLow ?? null, ciHigh: p?.ciHigh ?? null, pValue: p?.pValue ?? null,
      channel: e.channels[0] ?? null, lifecycleStage: e.lifecycleStage, audience: e.audience,
      evidenceUrl: `/experiments/${key}/report`, learning: input.learning, createdBy: ctx.actor, createdAtMs: ctx.nowMs
    });
    if (input.rollout) await writeRollout(tx, e.id, key, winner, ctx);
    await recordAudit(tx, { actor: ctx.actor, action: 'playbook.create', entityType: 'playbook_entry', entityId: row.id, atMs: ctx.nowMs, details: { experiment: key, winner } });
    return row;
  });
  notifyExperimentChanged(key);
  return entry;
}

export type RolloutState = { key: string; status: string; rolloutVariantKey: string | null };

/**
 * Rolls out (or, with `null`, stops rolling out) a concluded or promoted experiment's winner:
 * the assignment API then serves `variantKey` to everyone. `'winner'` means the variant of
 * the recorded ship decision. Audit-logged.
 * @example await setRollout(data, 'w01-onboarding-ebook-reminder', 'winner', { actor: 'rita', nowMs }) // { rolloutVariantKey: 'guided', ... }
 */
export async function setRollout(data: Data, key: string, variantKey: string | 'winner' | null, ctx: Ctx): Promise<RolloutState> {
  const e = await data.experiments.byKey(key);
  if (!e) throw new NotFoundError('experiment', key);
  if (e.status !== 'promoted' && e.status !== 'concluded') throw new ConflictError(`only concluded or promoted experiments roll out; '${key}' is ${e.status}`);
  const variant = variantKey === null ? null : (await shipDecision(data, key, ctx.nowMs)).winningVariant!;
  if (variantKey !== null && variantKey !== 'winner' && variantKey !== variant) throw new ConflictError(`only the winning variant '${variant}' can be rolled out`);
  await data.transaction((tx) => writeRollout(tx, e.id, key, variant, ctx));
  notifyExperimentChanged(key);
  return { key, status: e.status, rolloutVariantKey: variant };
}
