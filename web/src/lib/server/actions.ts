import { fail } from '@sveltejs/kit';
import { DomainError } from '$calendar/errors.ts';
import { now } from '$calendar/clock.ts';

/** Who acts from the UI. There is no login yet: the browser UI is one planner. */
export const UI_ACTOR = 'ui:planner';

/** The audit context of a UI action: the planner and the server clock. */
export function uiContext() {
  return { actor: UI_ACTOR, nowMs: now() };
}

type Failure = ReturnType<typeof fail<{ error: string }>>;

function failureOf(err: unknown): Failure {
  if (err instanceof DomainError) {
    const status = err.code === 'not_found' ? 404 : err.code === 'conflict' ? 409 : 400;
    return fail(status, { error: err.message });
  }
  throw err;
}

/**
 * Runs a domain call from a form action: domain errors become a 400/404/409 `fail` with the
 * message (shown above the form); anything else is a real error. An async call gives a
 * promise of the same (its rejection with a domain error becomes the `fail`).
 * @example return attempt(async () => { await startExperiment(data(), key, uiContext()); return { done: 'start' }; });
 */
export function attempt<T>(run: () => Promise<T>): Promise<T | Failure>;
export function attempt<T>(run: () => T): T | Failure;
export function attempt<T>(run: () => T | Promise<T>): T | Failure | Promise<T | Failure> {
  try {
    const result = run();
    return result instanceof Promise ? result.catch(failureOf) : result;
  } catch (err) {
    return failureOf(err);
  }
}

/** A trimmed text field, or undefined when empty. */
export function field(form: FormData, name: string): string | undefined {
  const value = form.get(name);
  return typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined;
}

/** A number field (percent fields divide by 100), or undefined when empty or not a number. */
export function numberField(form: FormData, name: string, scale = 1): number | undefined {
  const value = field(form, name);
  if (value === undefined) return undefined;
  const n = Number(value.replace(',', '.'));
  return Number.isFinite(n) ? n / scale : undefined;
}
