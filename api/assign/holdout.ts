/**
 * A plan's program holdout (issue 16 item 4, first part): a share of users kept out of every
 * experiment of the plan and of its rolled-out winners, so the plan's combined effect can be
 * measured against them. Chosen by the user id alone under the plan's own seed, independent of
 * every experiment's and layer's hash, so the same users stay held out all plan long.
 * 1. n = hash(`__holdout_${seed}`, userId, 2): GrowthBook's v2 hash (api/assign/hash.ts) under a
 *    seed no experiment uses.
 * 2. The user is held out when n < share.
 * 3. In the SDK payload the holdout is a GrowthBook filter on each rule of the plan: a user passes
 *    when n is in [share, 1), so every GrowthBook SDK excludes the same users as the server. A
 *    rule with filters skips GrowthBook's namespace check, so an experiment's layer slice goes
 *    into the filters too (hash version 1 under `__${layer}`, as `inNamespace` computes it).
 */
import { hash, type NamespaceRange } from './hash.ts';

/** The holdout of one plan: its seed and the share of users held out (0..1). */
export type ProgramHoldout = { seed: string; share: number };

/** One entry of a GrowthBook rule's `filters`: users whose hash under `seed` falls in one of `ranges` pass. */
export type GrowthBookFilter = { seed: string; ranges: Array<[number, number]>; hashVersion: number; attribute: string };

const holdoutSeed = (holdout: ProgramHoldout) => `__holdout_${holdout.seed}`;

/**
 * Whether `userId` is in the plan's holdout (step 2 of the file comment).
 * @example inHoldout('user-1', { seed: 'starter-90-day-v1', share: 0.05 }) // false
 */
export function inHoldout(userId: string, holdout: ProgramHoldout): boolean {
  if (!(holdout.share > 0)) return false;
  const n = hash(holdoutSeed(holdout), userId, 2);
  return n !== null && n < holdout.share;
}

/**
 * The GrowthBook `filters` of a rule of a plan with a holdout (step 3): everyone outside the
 * holdout, and inside the experiment's layer slice when it has one.
 * @example holdoutFilters({ seed: 'p1', share: 0.05 }) // [{ seed: '__holdout_p1', ranges: [[0.05, 1]], hashVersion: 2, attribute: 'id' }]
 */
export function holdoutFilters(holdout: ProgramHoldout, namespace?: NamespaceRange | null, attribute = 'id'): GrowthBookFilter[] {
  const filters: GrowthBookFilter[] = [{ seed: holdoutSeed(holdout), ranges: [[Math.min(Math.max(holdout.share, 0), 1), 1]], hashVersion: 2, attribute }];
  if (namespace) filters.push({ seed: `__${namespace[0]}`, ranges: [[namespace[1], namespace[2]]], hashVersion: 1, attribute });
  return filters;
}
