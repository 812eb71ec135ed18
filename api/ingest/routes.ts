import { OpenAPIHono, createRoute, z } from '@hono/zod-openapi';
import type { AppDeps } from '../deps.ts';
import { validationHook } from '../errors.ts';
import { errorSchema } from '../experiments/schemas.ts';
import { recordEvents } from './events.ts';
import { recordExposures } from './exposures.ts';
import { eventItemSchema, eventsBodySchema, exposureItemSchema, exposuresBodySchema, ingestResultSchema } from './schemas.ts';
import { json } from '../openapi.ts';

const errors = {
  400: { description: 'Invalid body or batch over the limit', content: json(errorSchema) },
  401: { description: 'Missing or invalid API key', content: json(errorSchema) },
  413: { description: 'Body over 1 MiB', content: json(errorSchema) }
};

const exposuresRoute = createRoute({
  method: 'post', path: '/exposures', tags: ['ingest'],
  summary: 'Record exposures (what users saw); 202 means committed',
  request: { body: { required: true, content: json(exposuresBodySchema) } },
  responses: { 202: { description: 'Committed: counts and per-item rejections', content: json(ingestResultSchema) }, ...errors }
});

const eventsRoute = createRoute({
  method: 'post', path: '/events', tags: ['ingest'],
  summary: 'Record conversion and value events (up to 1000); 202 means committed',
  request: { body: { required: true, content: json(eventsBodySchema) } },
  responses: { 202: { description: 'Committed: counts and per-item rejections', content: json(ingestResultSchema) }, ...errors }
});

/** `POST /exposures` and `POST /events`: a 202 is sent only after the rows are committed. */
export function ingestRoutes(deps: AppDeps) {
  const app = new OpenAPIHono({ defaultHook: validationHook });
  app.openAPIRegistry.register('ExposureInput', exposureItemSchema);
  app.openAPIRegistry.register('EventInput', eventItemSchema);
  app.openapi(exposuresRoute, async (c) => c.json(await recordExposures(deps, c.req.valid('json').exposures), 202));
  app.openapi(eventsRoute, async (c) => c.json(await recordEvents(deps, c.req.valid('json').events), 202));
  return app;
}
