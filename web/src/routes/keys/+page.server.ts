import { fail } from '@sveltejs/kit';
import { createApiKey, listApiKeys, parseKeyForm, revokeApiKey } from '$calendar/keys/index.ts';
import { config } from '$db/config.ts';
import { data } from '$lib/server/db.ts';
import { attempt, numberField, uiContext } from '$lib/server/actions.ts';
import type { Actions, PageServerLoad } from './$types';

/** A time as the page shows it, in UTC (the server's and the reader's zones may differ). */
function utc(ms: number | null): string | null {
  return ms === null ? null : `${new Date(ms).toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

export const load: PageServerLoad = async () => ({
  keys: (await listApiKeys(data())).map((k) => ({
    id: k.id, name: k.name, scope: k.scope, prefix: k.prefix, allowedOrigins: k.allowedOrigins,
    created: utc(k.createdAtMs), lastUsed: utc(k.lastUsedAtMs), revoked: utc(k.revokedAtMs)
  })),
  // ADMIN_API_KEY is an admin key too, though not stored (so not listed, and not revocable here).
  environmentAdminKey: Boolean(config().adminApiKey)
});

export const actions: Actions = {
  create: async ({ request }) => {
    const form = await request.formData();
    const values = { name: String(form.get('name') ?? ''), scope: String(form.get('scope') ?? ''), allowedOrigins: String(form.get('allowedOrigins') ?? '') };
    const parsed = parseKeyForm(values);
    if ('errors' in parsed) return fail(400, { errors: parsed.errors, values });
    return attempt(async () => {
      const created = await createApiKey(data(), parsed.input, uiContext());
      // The key in clear, in this answer only: it is stored as a hash.
      return { created: { name: created.name, scope: created.scope, key: created.key } };
    });
  },
  revoke: async ({ request }) => {
    const form = await request.formData();
    return attempt(async () => ({ revoked: (await revokeApiKey(data(), numberField(form, 'id') ?? 0, uiContext())).name }));
  }
};
