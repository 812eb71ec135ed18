import { OpenAPIHono, createRoute, z } from '@hono/zod-openapi';
import { experimentStatuses } from '../../calendar/model.ts';
import { listExperiments, getExperimentDetail } from '../../calendar/experiments/index.ts';
import type { AppDeps } from '../deps.ts';
import { validationHook } from '../errors.ts';
import {
  errorSchema, experimentDetailSchema, experimentKeySchema, experimentSummarySchema
} from './schemas.ts';
import { json } from '../openapi.ts';


const listRoute = createRoute({
  method: 'get', path: '/experiments', tags: ['experiments'],
  summary: 'List experiments, ordered by plan and week',
  request: {
    query: z.object({
      planId: z.coerce.number().int().positive().optional(),
      status: z.enum(experimentStatuses).optional()
    })
  },
  responses: {
    200: { description: 'Experiments', content: json(z.object({ experiments: z.array(experimentSummarySchema) })) },
    400: { description: 'Invalid query', content: json(errorSchema) }
  }
});

const getRoute = createRoute({
  method: 'get', path: '/experiments/{key}', tags: ['experiments'],
  summary: 'One experiment with variants, metrics and success criteria',
  request: { params: z.object({ key: experimentKeySchema.openapi({ param: { name: 'key', in: 'path' } }) }) },
  responses: {
    200: { description: 'The experiment', content: json(experimentDetailSchema) },
    400: { description: 'Malformed key', content: json(errorSchema) },
    404: { description: 'No experiment with this key', content: json(errorSchema) }
  }
});

/** Read-only experiment routes shared by the UI, scripts and reviewers. */
export function experimentReadRoutes(deps: AppDeps) {
  const app = new OpenAPIHono({ defaultHook: validationHook });
  app.openapi(listRoute, async (c) => {
    const query = c.req.valid('query');
    return c.json({ experiments: await listExperiments(deps.data, query) }, 200);
  });
  app.openapi(getRoute, async (c) => c.json(await getExperimentDetail(deps.data, c.req.valid('param').key), 200));
  return app;
}
