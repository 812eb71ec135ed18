import type { ZodError } from 'zod';

/** One line for a rejected item: "userId: must not be empty; value: expected number". */
export function itemError(error: ZodError): string {
  return error.issues.map((i) => `${i.path.length ? i.path.join('.') : '(item)'}: ${i.message}`).join('; ');
}
