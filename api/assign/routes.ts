import { OpenAPIHono, createRoute, z } from '@hono/zod-openapi';
import type { AppDeps } from '../deps.ts';
import { ApiError, validationHook } from '../errors.ts';
import { errorSchema, experimentKeySchema } from '../experiments/schemas.ts';
import { attributesSchema, limits, userIdSchema } from '../limits/index.ts';
import { assignUser } from './assign.ts';
import { assignmentReasons } from './evaluate.ts';
import { json } from '../openapi.ts';


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

const errors = {
  400: { description: 'Invalid request', content: json(errorSchema) },
  401: { description: 'Missing or invalid API key', content: json(errorSchema) }
};

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

/** `GET /assign` (one experiment) and `POST /assign` (several, with attributes). */
export function assignRoutes(deps: AppDeps) {
  const app = new OpenAPIHono({ defaultHook: validationHook });
  app.openapi(getAssign, async (c) => {
    const { experiment, userId, expose } = c.req.valid('query');
    const attributes: Record<string, string> = {};
    for (const [name, value] of Object.entries(c.req.queries())) {
      if (name.startsWith('attributes.') && name.length > 11) attributes[name.slice(11)] = value[0] ?? '';
    }
    const parsed = attributesSchema.safeParse(attributes);
    if (!parsed.success) throw new ApiError(400, 'invalid_request', `Invalid attributes: ${parsed.error.issues.map((i) => i.message).join('; ')}`);
    const result = await assignUser(deps, { userId, experiments: [experiment], attributes, expose: expose ?? true });
    if (result.assignments[experiment]?.reason === 'not_found') {
      throw new ApiError(404, 'not_found', `experiment '${experiment}' was not found`);
    }
    return c.json(result, 200);
  });
  app.openapi(postAssign, async (c) => c.json(await assignUser(deps, c.req.valid('json')), 200));
  return app;
}
