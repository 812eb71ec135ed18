import { keyScopes, type KeyScope } from '../model.ts';

/** A browser origin as browsers send it: scheme, host and an optional port; lower case, no path, no trailing slash. */
export const browserOriginPattern = /^https?:\/\/[a-z0-9.-]+(:\d{1,5})?$/;

/** A new key as a form sends it: a name, a scope, and (client keys) origins, one per line or comma-separated. */
export type KeyForm = { name: string; scope: string; allowedOrigins: string };
export type KeyInput = { name: string; scope: KeyScope; allowedOrigins: string[] };
export type KeyFormErrors = Partial<Record<keyof KeyForm, string>>;

/**
 * The key to create from a form, or the errors per field in plain words. The API checks the
 * same rules with its schema (api/auth/routes.ts).
 * @example parseKeyForm({ name: 'shop', scope: 'client', allowedOrigins: 'https://shop.example' })
 * // { input: { name: 'shop', scope: 'client', allowedOrigins: ['https://shop.example'] } }
 */
export function parseKeyForm(form: KeyForm): { input: KeyInput } | { errors: KeyFormErrors } {
  const errors: KeyFormErrors = {};
  const name = form.name.trim();
  if (name.length < 1 || name.length > 100) errors.name = 'Give the key a name of 1 to 100 characters';
  const scope = keyScopes.find((s) => s === form.scope);
  if (!scope) errors.scope = 'Choose client, sdk or admin';
  const origins = [...new Set(form.allowedOrigins.split(/[\s,]+/).filter(Boolean))];
  const bad = origins.filter((o) => o.length > 200 || !browserOriginPattern.test(o));
  if (bad.length > 0) errors.allowedOrigins = `Not an origin: ${bad.join(', ')}. Write scheme and host, e.g. https://shop.example or http://localhost:5173 (lower case, no path)`;
  else if (origins.length > 50) errors.allowedOrigins = 'At most 50 origins';
  else if (origins.length > 0 && scope && scope !== 'client') errors.allowedOrigins = 'Allowed origins apply to client keys only';
  if (Object.keys(errors).length > 0 || !scope) return { errors };
  return { input: { name, scope, allowedOrigins: origins } };
}
