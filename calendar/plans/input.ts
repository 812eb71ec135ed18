import { z } from 'zod';
import { isMonday, parseISO } from 'date-fns';
import { isoDateInput } from '../dates.ts';


/** Expected daily users per channel or audience, e.g. `{"email": 1200, "new users": 400}`. */
export const dailyTrafficInput = z.record(z.string().trim().min(1).max(100), z.number().int().min(0).max(100_000_000))
  .refine((r) => Object.keys(r).length <= 50, 'at most 50 channels or audiences');

/** A new 90-day plan: 12 or 13 weekly slots from a Monday. */
export const planInput = z.object({
  name: z.string().trim().min(1).max(200),
  // Years outside 2000-2100 are typos (a date field's year runs to 6 digits); refused, never corrected.
  startDate: isoDateInput.refine((s) => { const year = Number(s.slice(0, 4)); return year >= 2000 && year <= 2100; }, 'the year must be between 2000 and 2100')
    .refine((s) => isMonday(parseISO(s)), 'plans start on a Monday (weeks run Monday to Sunday)'),
  weeks: z.union([z.literal(12), z.literal(13)], { error: 'a plan has 12 or 13 weeks (about 90 days)' }).default(12),
  owner: z.string().trim().max(200).nullish().transform((s) => s || null),
  goal: z.string().trim().max(500).nullish().transform((s) => s || null),
  dailyTraffic: dailyTrafficInput.default({}),
  notes: z.string().trim().max(4000).nullish().transform((s) => s || null)
});

/** What can change on a plan; the same fields, all optional, plus the status. */
export const planPatch = z.object({
  name: z.string().trim().min(1).max(200).optional(),
  owner: z.string().trim().max(200).nullable().optional(),
  goal: z.string().trim().max(500).nullable().optional(),
  dailyTraffic: dailyTrafficInput.optional(),
  notes: z.string().trim().max(4000).nullable().optional(),
  status: z.enum(['draft', 'active', 'archived']).optional()
});

/**
 * A plan's program holdout: the share of users kept out of every experiment and rolled-out
 * winner of the plan (0 = none; at most 20%, since the held-out users never get the winners),
 * and optionally the seed of its hash (default: the plan's template key, else `plan-<id>`).
 */
export const holdoutInput = z.object({
  share: z.number({ error: 'share must be a number between 0 and 0.2 (e.g. 0.05 for 5%)' })
    .min(0, 'share must be at least 0 (0 turns the holdout off)')
    .max(0.2, 'share must be at most 0.2 (20%): held-out users never get the plan\'s winners'),
  seed: z.string().trim().min(1).max(100).regex(/^[A-Za-z0-9._:-]+$/, 'seed may hold letters, digits and . _ : - only').optional()
});

export type HoldoutInput = z.input<typeof holdoutInput>;
export type PlanInput = z.input<typeof planInput>;
export type PlanPatch = z.input<typeof planPatch>;
