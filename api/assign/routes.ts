import { OpenAPIHono, createRoute, z } from '@hono/zod-openapi';
import type { AppDeps } from '../deps.ts';
import { ApiError, validationHook } from '../errors.ts';
import { errorSchema, experimentKeySchema } from '../experiments/schemas.ts';
import { attributesSchema, limits, userIdSchema } from '../limits/index.ts';
import { assignUser } from './assign.ts';
import { assignmentReasons } from './evaluate.ts';
import { errorResponses, json } from '../openapi.ts';


const assignmentSchema = z.object({
  variant: z.string().nullable().openapi({ description: 'What to show: the assigned variant, else the control (or the rolled-out winner); null for an unknown experiment' }),
  inExperiment: z.boolean(),
  reason: z.enum(assignmentReasons),
  bucket: z.number().nullable().openapi({ description: 'The user\'s hash in [0, 1)' })
}).openapi('Assignment');

const resultSchema = z.object({
  userId: z.string(),
  assignments: z.record(z.string(), assignmentSchema)
}).openapi('AssignResult');

const exposeSchema = z.enum(['true', 'false']).default('true').transform((v) => v === 'true')
  .openapi({ description: 'Record the exposure now (default true)' });

const errors = errorResponses(400, 401);

const getAssign = createRoute({
  method: 'get', path: '/assign', tags: ['assign'],
  summary: 'Assign one user to one experiment (records the exposure unless expose=false)',
  description: 'Attributes for targeting can be passed as `attributes.<name>=<value>` query parameters.',
  request: { query: z.object({ experiment: experimentKeySchema, userId: userIdSchema, expose: exposeSchema.optional() }).passthrough() },
  responses: {
    200: { description: 'The assignment', content: json(resultSchema) },
    404: { description: 'No experiment with this key', content: json(errorSchema) },
    ...errors
  }
});

const postAssign = createRoute({
  method: 'post', path: '/assign', tags: ['assign'],
  summary: 'Assign one user to several experiments (all active ones by default)',
  request: {
    body: {
      required: true,
      content: json(z.object({
        userId: userIdSchema,
        attributes: attributesSchema.optional(),
        experiments: z.array(experimentKeySchema).min(1)
          .max(limits.experimentsPerAssign, `more than the limit of ${limits.experimentsPerAssign} experiments per request`).optional(),
        expose: z.boolean().default(true)
      }).strict())
    }
  },
  responses: { 200: { description: 'The assignments', content: json(resultSchema) }, ...errors }
});

const getAssignQuery = getAssign.request.query!;

/**
 * The query as `@hono/zod-openapi`'s validator sees it (one value a name, repeats as a list),
 * plus the `attributes.<name>` parameters, from one parse of the URL.
 */
function readQuery(queries: Record<string, string[]>): { query: Record<string, string | string[]>; attributes: Record<string, string> | null } {
  const query: Record<string, string | string[]> = {};
  let attributes: Record<string, string> | null = null;
  for (const name in queries) {
    const values = queries[name]!;
    query[name] = values.length === 1 ? values[0]! : values;
    if (name.length > 11 && name.startsWith('attributes.')) (attributes ??= {})[name.slice(11)] = values[0] ?? '';
  }
  return { query, attributes };
}

/** `GET /assign` (one experiment) and `POST /assign` (several, with attributes). */
export function assignRoutes(deps: AppDeps) {
  const app = new OpenAPIHono({ defaultHook: validationHook });
  // GET /assign is the SDKs' hot path: the same zod schema and 400s as `app.openapi` would give,
  // checked synchronously on one parse of the query (the generic validator parses it again, async).
  app.openAPIRegistry.registerPath(getAssign);
  app.get('/assign', async (c) => {
    const { query, attributes: named } = readQuery(c.req.queries());
    const valid = getAssignQuery.safeParse(query);
    if (!valid.success) return validationHook({ ...valid, target: 'query' }, c)!;
    const { experiment, userId, expose } = valid.data;
    const attributes = named ?? {};
    if (named) {
      const parsed = attributesSchema.safeParse(named);
      if (!parsed.success) throw new ApiError(400, 'invalid_request', `Invalid attributes: ${parsed.error.issues.map((i) => i.message).join('; ')}`);
    }
    const result = await assignUser(deps, { userId, experiments: [experiment], attributes, expose: expose ?? true });
    if (result.assignments[experiment]?.reason === 'not_found') {
      throw new ApiError(404, 'not_found', `experiment '${experiment}' was not found`);
    }
    return c.json(result, 200);
  });
  app.openapi(postAssign, async (c) => c.json(await assignUser(deps, c.req.valid('json')), 200));
  return app;
}
