import type { z } from 'zod';
import { InvalidInputError } from '../errors.ts';
import { plainIssues } from './plain-issues.ts';

/**
 * Parses domain input (the UI's forms call the domain directly, without the API's edge
 * validation) and turns a zod failure into one readable InvalidInputError: labels, not zod paths,
 * and sentences, not zod's default texts (the UI shows the message as it is).
 * @example parseInput(planInput, form) // throws InvalidInputError('start date: plans start on a Monday ...')
 */
export function parseInput<T extends z.ZodType>(schema: T, raw: unknown): z.output<T> {
  const result = schema.safeParse(raw);
  if (result.success) return result.data;
  const message = plainIssues(result.error.issues);
  throw new InvalidInputError(message, { cause: result.error });
}
