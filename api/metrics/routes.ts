import { OpenAPIHono, createRoute, z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { updateMetric, updateMetricInput } from '../../calendar/reports/index.ts';
import type { AppDeps } from '../deps.ts';
import { validationHook } from '../errors.ts';
import { errorSchema } from '../experiments/schemas.ts';
import { json } from '../openapi.ts';


const patchRoute = createRoute({
  method: 'patch', path: '/metrics/{key}', tags: ['metrics'],
  summary: 'Edit a metric definition (event, window, direction, winsorization, baseline); audited',
  request: {
    params: z.object({ key: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,99}$/).openapi({ param: { name: 'key', in: 'path' }, example: 'revenue' }) }),
    body: { required: true, content: json(updateMetricInput) }
  },
  responses: {
    200: { description: 'The updated metric', content: json(z.object({ metric: z.record(z.string(), z.unknown()) })) },
    400: { description: 'Invalid body', content: json(errorSchema) },
    404: { description: 'No metric with this key', content: json(errorSchema) },
    422: { description: 'Not a valid definition', content: json(errorSchema) }
  }
});

function actor(c: Context): string {
  const principal = (c.var as Record<string, unknown>).principal as { name?: string } | undefined;
  return principal?.name ? `key:${principal.name}` : 'anonymous';
}

/** PATCH /metrics/{key}: editing metric definitions (creation is in the catalog routes). */
export function metricEditRoutes(deps: AppDeps) {
  const app = new OpenAPIHono({ defaultHook: validationHook });
  app.openapi(patchRoute, async (c) => {
    const metric = await updateMetric(deps.data, c.req.valid('param').key, c.req.valid('json'), { actor: actor(c), nowMs: deps.now() });
    return c.json({ metric }, 200);
  });
  return app;
}
