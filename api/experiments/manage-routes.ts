import { OpenAPIHono, createRoute } from '@hono/zod-openapi';
import {
  createExperiment, createExperimentInput, startExperiment, stopExperiment, updateExperiment, updateExperimentInput
} from '../../calendar/experiments/index.ts';
import { actorOf } from '../auth/index.ts';
import type { AppDeps } from '../deps.ts';
import { validationHook } from '../errors.ts';
import { errorBody, errors as errorResponses, json, keyParam } from '../plans/http.ts';
import { experimentDetailSchema } from './schemas.ts';

const errors = errorResponses(400, 401, 403);

const createDef = createRoute({
  method: 'post', path: '/experiments', tags: ['experiments'],
  summary: 'Create a draft experiment (weights are relative and normalised; the first variant is the control unless one is marked)',
  request: { body: { required: true, content: json(createExperimentInput) } },
  responses: {
    201: { description: 'The experiment', content: json(experimentDetailSchema) },
    404: { description: 'No plan with this planId', content: json(errorBody) },
    409: { description: 'Key taken', content: json(errorBody) },
    422: { description: 'Unknown metric or variant', content: json(errorBody) },
    ...errors
  }
});

const updateDef = createRoute({
  method: 'patch', path: '/experiments/{key}', tags: ['experiments'],
  summary: 'Update an experiment; variants, weights, seed or layer of a running one need "confirm": true; metrics, criteria, plannedMde, analysis or exploratory of a started one need "amendmentReason"',
  request: { params: keyParam, body: { required: true, content: json(updateExperimentInput) } },
  responses: {
    200: { description: 'The experiment', content: json(experimentDetailSchema) },
    404: { description: 'No experiment with this key', content: json(errorBody) },
    409: { description: 'Needs confirmation or an amendment reason, or would remove an exposed variant', content: json(errorBody) },
    ...errors
  }
});

const lifecycleDef = (action: 'start' | 'stop') => createRoute({
  method: 'post', path: `/experiments/{key}/${action}`, tags: ['experiments'],
  summary: action === 'start' ? 'Start an experiment: assignment begins' : 'Stop a running experiment: assignment returns the control',
  request: { params: keyParam },
  responses: {
    200: { description: 'The experiment', content: json(experimentDetailSchema) },
    404: { description: 'No experiment with this key', content: json(errorBody) },
    409: { description: 'Not allowed from its current status, its layer slice is taken, or (start) no primary metric and success criterion and not exploratory', content: json(errorBody) },
    ...errors
  }
});

/** Create, update, start and stop experiments (admin keys). */
export function experimentManageRoutes(deps: AppDeps) {
  const app = new OpenAPIHono({ defaultHook: validationHook });
  const ctx = (principal: Parameters<typeof actorOf>[0]) => ({ actor: actorOf(principal), nowMs: deps.now() });
  app.openapi(createDef, async (c) => c.json(await createExperiment(deps.data, c.req.valid('json'), ctx(c.var.principal)), 201));
  app.openapi(updateDef, async (c) =>
    c.json(await updateExperiment(deps.data, c.req.valid('param').key, c.req.valid('json'), ctx(c.var.principal)), 200));
  app.openapi(lifecycleDef('start'), async (c) => c.json(await startExperiment(deps.data, c.req.valid('param').key, ctx(c.var.principal)), 200));
  app.openapi(lifecycleDef('stop'), async (c) => c.json(await stopExperiment(deps.data, c.req.valid('param').key, ctx(c.var.principal)), 200));
  return app;
}
