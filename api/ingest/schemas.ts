import { z } from '@hono/zod-openapi';
import { attributesSchema, batchSchema, limits, timestampSchema, userIdSchema } from '../limits/index.ts';
import { experimentKeySchema } from '../experiments/schemas.ts';

export const exposureItemSchema = z.object({
  experiment: experimentKeySchema,
  userId: userIdSchema,
  variant: z.string().min(1).max(limits.keyChars).optional()
    .openapi({ description: 'The variant the user saw; rejected when it is not the user\'s assignment' }),
  timestamp: timestampSchema.optional(),
  attributes: attributesSchema.optional()
}).strict().openapi('ExposureInput');

/** Event names: what every report and export can carry safely (also read by `plainEventItem`). */
export const eventNamePattern = /^[A-Za-z0-9][A-Za-z0-9_.:-]*$/;

export const eventItemSchema = z.object({
  userId: userIdSchema,
  event: z.string().regex(eventNamePattern, 'must be letters, digits, "_", ".", ":" or "-"')
    .max(limits.eventNameChars, `is longer than the limit of ${limits.eventNameChars} characters`)
    .openapi({ example: 'activation' }),
  value: z.number().finite().min(-limits.eventValueAbs, `is below the limit of -${limits.eventValueAbs}`)
    .max(limits.eventValueAbs, `is above the limit of ${limits.eventValueAbs}`).optional().openapi({ description: 'Revenue or any value to sum', example: 19.9 }),
  timestamp: timestampSchema.optional(),
  id: z.string().min(1).max(limits.eventIdChars, `is longer than the limit of ${limits.eventIdChars} characters`).optional()
    .openapi({ description: 'Client event id, unique per user: a retry with the same id and content is stored once (a duplicate); the same id with another event name, value or timestamp is rejected as a conflict', example: 'evt-7f3a' })
}).strict().openapi('EventInput');

// Batches are validated item by item (good items are kept); the document still shows the item schema.
export const exposuresBodySchema = z.object({
  exposures: batchSchema('exposure').openapi({ type: 'array', items: { $ref: '#/components/schemas/ExposureInput' } })
});
export const eventsBodySchema = z.object({
  events: batchSchema('event').openapi({ type: 'array', items: { $ref: '#/components/schemas/EventInput' } })
});

export const ingestResultSchema = z.object({
  accepted: z.number().int().openapi({ description: 'Items stored now' }),
  duplicates: z.number().int().openapi({ description: 'Repeats: an exposure already recorded (counted) or an event whose (userId, id) is already stored with the same content' }),
  rejected: z.array(z.object({ index: z.number().int(), error: z.string() }))
}).openapi('IngestResult');
export type IngestResult = z.infer<typeof ingestResultSchema>;
