/**
 * Security headers every response carries, whoever answers it (Hono, the fast paths, the
 * SvelteKit UI, the front door's own refusals). Hono's `secureHeaders` sets them for the API;
 * this list is the same set for the answers written without Hono.
 */
export const securityHeaders: Readonly<Record<string, string>> = {
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'referrer-policy': 'same-origin'
};

/** The API's CSP: JSON and files only, never framed. The docs page has its own (api/docs). */
export const apiContentSecurityPolicy = "default-src 'none'; frame-ancestors 'none'";
