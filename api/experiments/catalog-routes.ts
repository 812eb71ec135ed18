import { OpenAPIHono, createRoute, z } from '@hono/zod-openapi';
import { createLayer, createLayerInput, listLayers } from '../../calendar/layers/index.ts';
import { createMetric, createMetricInput, listMetrics } from '../../calendar/metrics/index.ts';
import { actorOf } from '../auth/index.ts';
import type { AppDeps } from '../deps.ts';
import { validationHook } from '../errors.ts';
import { errorSchema } from './schemas.ts';
import { json } from '../openapi.ts';

const metricSchema = z.object({
  id: z.number().int(), key: z.string(), name: z.string(), description: z.string().nullable(), kind: z.string(),
  eventName: z.string(), denominatorEventName: z.string().nullable(), denominatorAggregate: z.enum(['sum', 'count']),
  extraEventNames: z.array(z.string()), windowStartDays: z.number().nullable(), minCount: z.number().nullable(), direction: z.string(),
  windowDays: z.number().nullable(), winsorizePercentile: z.number().nullable(), baseline: z.number().nullable(),
  baselineSd: z.number().nullable(), createdAtMs: z.number(), updatedAtMs: z.number()
}).openapi('Metric');
const layerSchema = z.object({
  id: z.number().int(), key: z.string(), name: z.string(), description: z.string().nullable(), createdAtMs: z.number(),
  experiments: z.array(z.object({ key: z.string(), status: z.string(), layerStart: z.number().nullable(), layerEnd: z.number().nullable() })).optional()
}).openapi('Layer');
const created = (schema: z.ZodType, what: string) => ({
  201: { description: `The ${what}`, content: json(schema) },
  400: { description: 'Invalid body', content: json(errorSchema) },
  409: { description: 'Key taken', content: json(errorSchema) }
});

/** Metrics and layers: create and list (admin keys). */
export function catalogRoutes(deps: AppDeps) {
  const app = new OpenAPIHono({ defaultHook: validationHook });
  const ctx = (p: Parameters<typeof actorOf>[0]) => ({ actor: actorOf(p), nowMs: deps.now() });
  app.openapi(createRoute({ method: 'post', path: '/metrics', tags: ['metrics'], summary: 'Create a metric',
    request: { body: { required: true, content: json(createMetricInput) } }, responses: created(metricSchema, 'metric') }),
  async (c) => c.json(await createMetric(deps.data, c.req.valid('json'), ctx(c.var.principal)), 201));
  app.openapi(createRoute({ method: 'get', path: '/metrics', tags: ['metrics'], summary: 'List metrics',
    responses: { 200: { description: 'Metrics', content: json(z.object({ metrics: z.array(metricSchema) })) } } }),
  async (c) => c.json({ metrics: await listMetrics(deps.data) }, 200));
  app.openapi(createRoute({ method: 'post', path: '/layers', tags: ['layers'], summary: 'Create a mutually exclusive layer',
    request: { body: { required: true, content: json(createLayerInput) } }, responses: created(layerSchema, 'layer') }),
  async (c) => c.json(await createLayer(deps.data, c.req.valid('json'), ctx(c.var.principal)), 201));
  app.openapi(createRoute({ method: 'get', path: '/layers', tags: ['layers'], summary: 'List layers with their experiments and slices',
    responses: { 200: { description: 'Layers', content: json(z.object({ layers: z.array(layerSchema) })) } } }),
  async (c) => c.json({ layers: await listLayers(deps.data) }, 200));
  return app;
}
