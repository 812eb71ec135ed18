import { z } from 'zod';
import { isMonday, parseISO } from 'date-fns';
import { isoDateInput } from '../dates.ts';



/** Expected daily users per channel or audience, e.g. `{"email": 1200, "new users": 400}`. */
export const dailyTrafficInput = z.record(z.string().trim().min(1).max(100), z.number().int().min(0).max(100_000_000))
  .refine((r) => Object.keys(r).length <= 50, 'at most 50 channels or audiences');

/** A new 90-day plan: 12 or 13 weekly slots from a Monday. */
export const planInput = z.object({
  name: z.string().trim().min(1).max(200),
  startDate: isoDateInput.refine((s) => isMonday(parseISO(s)), 'plans start on a Monday (weeks run Monday to Sunday)'),
  weeks: z.union([z.literal(12), z.literal(13)]).default(12),
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

export type PlanInput = z.input<typeof planInput>;
export type PlanPatch = z.input<typeof planPatch>;
