import type { z } from 'zod';
import { InvalidInputError } from '../errors.ts';

/**
 * Parses domain input (the UI's forms call the domain directly, without the API's edge
 * validation) and turns a zod failure into one readable InvalidInputError.
 * @example parseInput(planInput, form) // throws InvalidInputError('startDate: plans start on a Monday ...')
 */
export function parseInput<T extends z.ZodType>(schema: T, raw: unknown): z.output<T> {
  const result = schema.safeParse(raw);
  if (result.success) return result.data;
  const message = result.error.issues.map((i) => `${i.path.length ? i.path.join('.') : 'input'}: ${i.message}`).join('; ');
  throw new InvalidInputError(message, { cause: result.error });
}
