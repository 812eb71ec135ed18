import { keyScopes } from '../../calendar/model.ts';
import { OpenAPIHono, createRoute, z } from '@hono/zod-openapi';
import type { AppDeps } from '../deps.ts';
import { validationHook } from '../errors.ts';
import { errorSchema } from '../experiments/schemas.ts';
import { actorOf } from './middleware.ts';
import { createApiKey, listApiKeys, revokeApiKey } from './keys.ts';
import { json } from '../openapi.ts';
import { browserOriginPattern } from '../../calendar/keys/index.ts';


const keyInfoSchema = z.object({
  id: z.number().int(), name: z.string(), scope: z.enum(keyScopes),
  allowedOrigins: z.array(z.string()).openapi({ description: 'client keys: browser origins allowed to use the key (empty: any)' }),
  prefix: z.string().openapi({ description: 'First characters of the key, to tell keys apart' }),
  createdAtMs: z.number().int(), lastUsedAtMs: z.number().int().nullable(), revokedAtMs: z.number().int().nullable()
}).openapi('ApiKey');

/** A browser origin as browsers send it: scheme, host and an optional port; no path, no trailing slash. */
const originSchema = z.string().max(200).regex(browserOriginPattern, 'must be an origin such as "https://shop.example" or "http://localhost:5173" (lower case, no path)')
  .openapi({ example: 'https://shop.example' });

const createBodySchema = z.object({
  name: z.string().trim().min(1).max(100),
  scope: z.enum(keyScopes).openapi({ description: 'client: public, for web and mobile apps: the SDK payload (/api/features), its stream (/sub), exposures and events. sdk: also assign and OFREP. admin: everything' }),
  allowedOrigins: z.array(originSchema).max(50).optional()
    .openapi({ description: 'client keys only: browser origins that may use the key (CORS); empty or absent: any origin' })
}).refine((body) => body.scope === 'client' || !body.allowedOrigins?.length,
  { message: 'allowedOrigins applies to client keys only', path: ['allowedOrigins'] });

const createRouteDef = createRoute({
  method: 'post', path: '/keys', tags: ['keys'], summary: 'Create an API key (the key is shown only in this response)',
  request: {
    body: {
      required: true,
      content: json(createBodySchema)
    }
  },
  responses: {
    201: { description: 'The new key, in clear, once', content: json(keyInfoSchema.extend({ key: z.string() })) },
    400: { description: 'Invalid body', content: json(errorSchema) }
  }
});

const listRouteDef = createRoute({
  method: 'get', path: '/keys', tags: ['keys'], summary: 'List API keys (never the keys themselves)',
  responses: { 200: { description: 'Keys', content: json(z.object({ keys: z.array(keyInfoSchema) })) } }
});

const revokeRouteDef = createRoute({
  method: 'delete', path: '/keys/{id}', tags: ['keys'], summary: 'Revoke an API key at once',
  request: { params: z.object({ id: z.coerce.number().int().positive().openapi({ param: { name: 'id', in: 'path' } }) }) },
  responses: {
    200: { description: 'The revoked key', content: json(keyInfoSchema) },
    400: { description: 'Invalid id', content: json(errorSchema) },
    404: { description: 'No such key', content: json(errorSchema) }
  }
});

/** `/keys`: create (shown once), list, revoke. Admin only (see `requiredAccess`). */
export function keyRoutes(deps: AppDeps) {
  const app = new OpenAPIHono({ defaultHook: validationHook });
  app.openAPIRegistry.registerComponent('securitySchemes', 'BearerAuth', {
    type: 'http', scheme: 'bearer', description: 'An API key: client keys for /exposures and /events (and, in the path, the SDK payload); sdk keys also for /assign and OFREP; admin keys for everything'
  });
  app.openapi(createRouteDef, async (c) => {
    const { name, scope, allowedOrigins } = c.req.valid('json');
    const created = await createApiKey(deps.data, { name, scope, allowedOrigins: [...new Set(allowedOrigins ?? [])] }, { actor: actorOf(c.var.principal), nowMs: deps.now() });
    return c.json(created, 201);
  });
  app.openapi(listRouteDef, async (c) => c.json({ keys: await listApiKeys(deps.data) }, 200));
  app.openapi(revokeRouteDef, async (c) =>
    c.json(await revokeApiKey(deps.data, c.req.valid('param').id, { actor: actorOf(c.var.principal), nowMs: deps.now() }), 200));
  return app;
}
