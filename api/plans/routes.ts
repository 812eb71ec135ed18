import { OpenAPIHono, createRoute, z } from '@hono/zod-openapi';
import {
  createPlan, deletePlan, getPlan, holdoutInput, impactToCsv, impactToMarkdown, listPlans, planInput, planPatch, programImpact, rotateCalendarToken, setPlanHoldout, startPlan, updatePlan
} from '../../calendar/plans/index.ts';
import { createPlannedExperiment, getPlanTimeline, plannedExperimentInput, putInOneLayer } from '../../calendar/planning/index.ts';
import type { AppDeps } from '../deps.ts';
import { validationHook } from '../errors.ts';
import { actor, anyObject, errors, idParam, json } from './http.ts';

const tags = ['plans'];
const planBody = { required: true, content: json(planInput) };

function impactExport(extension: 'md' | 'csv') {
  return createRoute({ method: 'get', path: `/plans/{id}/impact.${extension}`, tags,
    summary: extension === 'md' ? 'The program impact report as Markdown' : 'The program impact report as CSV (one row per metric, the power check on each)',
    request: { params: idParam },
    responses: { 200: { description: 'The export', content: { [extension === 'md' ? 'text/markdown' : 'text/csv']: { schema: z.string() } } }, ...errors(400, 404) } });
}

const routes = {
  list: createRoute({ method: 'get', path: '/plans', tags, summary: 'All plans, newest start first',
    responses: { 200: { description: 'Plans', content: json(z.object({ plans: z.array(anyObject) })) } } }),
  create: createRoute({ method: 'post', path: '/plans', tags, summary: 'Create a 12- or 13-week plan (draft until started)',
    request: { body: planBody },
    responses: { 201: { description: 'The plan with its calendar feed token', content: json(anyObject) }, ...errors(400) } }),
  get: createRoute({ method: 'get', path: '/plans/{id}', tags, summary: 'The plan as a timeline: weeks, experiments, power checks, conflicts',
    request: { params: idParam },
    responses: { 200: { description: 'Timeline', content: json(anyObject) }, ...errors(400, 404) } }),
  update: createRoute({ method: 'patch', path: '/plans/{id}', tags, summary: 'Change name, owner, goal, traffic, notes or status',
    request: { params: idParam, body: { required: true, content: json(planPatch) } },
    responses: { 200: { description: 'The plan', content: json(anyObject) }, ...errors(400, 404) } }),
  remove: createRoute({ method: 'delete', path: '/plans/{id}', tags, summary: 'Delete a plan whose experiments are all drafts',
    request: { params: idParam },
    responses: { 200: { description: 'Deleted', content: json(z.object({ deleted: z.boolean() })) }, ...errors(400, 404, 409) } }),
  start: createRoute({ method: 'post', path: '/plans/{id}/start', tags, summary: 'Activate the plan and schedule its drafts (the scheduler starts each on its date)',
    request: { params: idParam },
    responses: { 200: { description: 'Scheduled experiment keys', content: json(z.object({ scheduled: z.array(z.string()) })) }, ...errors(400, 404, 409) } }),
  addExperiment: createRoute({ method: 'post', path: '/plans/{id}/experiments', tags, summary: 'Create a draft experiment in a week of the plan',
    request: { params: idParam, body: { required: true, content: json(plannedExperimentInput) } },
    responses: { 201: { description: 'Key of the new experiment and its power check', content: json(anyObject) }, ...errors(400, 404, 409, 422) } }),
  layer: createRoute({ method: 'post', path: '/plans/{id}/layers', tags, summary: 'Put conflicting experiments in one mutually exclusive layer',
    request: { params: idParam, body: { required: true, content: json(z.object({ experiments: z.array(z.string().min(1)).min(2).max(20) })) } },
    responses: { 200: { description: 'Layer key and slices', content: json(anyObject) }, ...errors(400, 404, 409, 422) } }),
  holdout: createRoute({ method: 'put', path: '/plans/{id}/holdout', tags,
    summary: 'Set the program holdout: a share (0-0.2) of users kept out of every experiment and rollout of the plan (fixed once an experiment started)',
    request: { params: idParam, body: { required: true, content: json(holdoutInput) } },
    responses: { 200: { description: 'The plan, with the power check of the program impact report (power.warning when the holdout is too small to show the plan\'s goal by its end)', content: json(anyObject) }, ...errors(400, 404, 409) } }),
  impact: createRoute({ method: 'get', path: '/plans/{id}/impact', tags,
    summary: 'Program impact: everyone exposed to the plan against its holdout on the plan\'s primary metrics of every kind (lift, CI, p-value, shipped winners, power check with the days still needed)',
    request: { params: idParam },
    responses: { 200: { description: 'Program impact', content: json(anyObject) }, ...errors(400, 404) } }),
  impactMd: impactExport('md'),
  impactCsv: impactExport('csv'),
  token: createRoute({ method: 'post', path: '/plans/{id}/calendar-token', tags, summary: 'Replace the calendar feed token (the old feed URL stops working)',
    request: { params: idParam },
    responses: { 200: { description: 'New token and feed path', content: json(z.object({ token: z.string(), feedPath: z.string() })) }, ...errors(400, 404) } })
};

/** `/plans`: plans CRUD, start, week editor, exclusive layers, feed token. */
export function planRoutes(deps: AppDeps) {
  const app = new OpenAPIHono({ defaultHook: validationHook });
  const ctx = (c: Parameters<typeof actor>[0]) => ({ actor: actor(c), nowMs: deps.now() });
  app.openapi(routes.list, async (c) => c.json({ plans: await listPlans(deps.data) }, 200));
  app.openapi(routes.create, async (c) => c.json(await createPlan(deps.data, c.req.valid('json'), ctx(c)), 201));
  app.openapi(routes.get, async (c) => c.json(await getPlanTimeline(deps.data, c.req.valid('param').id, deps.now()), 200));
  app.openapi(routes.update, async (c) => c.json(await updatePlan(deps.data, c.req.valid('param').id, c.req.valid('json'), ctx(c)), 200));
  app.openapi(routes.remove, async (c) => { await deletePlan(deps.data, c.req.valid('param').id, ctx(c)); return c.json({ deleted: true }, 200); });
  app.openapi(routes.start, async (c) => c.json({ scheduled: await startPlan(deps.data, c.req.valid('param').id, ctx(c)) }, 200));
  app.openapi(routes.addExperiment, async (c) => {
    const planId = c.req.valid('param').id;
    const created = await createPlannedExperiment(deps.data, planId, c.req.valid('json'), ctx(c));
    const power = (await getPlanTimeline(deps.data, planId, deps.now())).experiments.find((e) => e.key === created.key)?.power;
    return c.json({ ...created, power: power ?? null }, 201);
  });
  app.openapi(routes.layer, async (c) => {
    await getPlan(deps.data, c.req.valid('param').id);
    return c.json(await putInOneLayer(deps.data, c.req.valid('json').experiments, ctx(c)), 200);
  });
  app.openapi(routes.holdout, async (c) => {
    const plan = await setPlanHoldout(deps.data, c.req.valid('param').id, c.req.valid('json'), ctx(c));
    // The power check at the moment the share is chosen: too small a holdout is said now, not after 90 days.
    return c.json({ ...plan, power: (await programImpact(deps.data, plan.id, deps.now())).power }, 200);
  });
  app.openapi(routes.impact, async (c) => c.json(await programImpact(deps.data, c.req.valid('param').id, deps.now()), 200));
  for (const [route, format] of [[routes.impactMd, 'md'], [routes.impactCsv, 'csv']] as const) {
    app.openapi(route, async (c) => {
      const impact = await programImpact(deps.data, c.req.valid('param').id, deps.now());
      return c.body(format === 'md' ? impactToMarkdown(impact, { level: 1 }) : impactToCsv(impact), 200, {
        'content-type': `${format === 'md' ? 'text/markdown' : 'text/csv'}; charset=utf-8`, 'content-disposition': `inline; filename="plan-${impact.planId}-impact.${format}"` });
    });
  }
  app.openapi(routes.token, async (c) => {
    const id = c.req.valid('param').id;
    const token = await rotateCalendarToken(deps.data, id, ctx(c));
    return c.json({ token, feedPath: `/api/v1/plans/${id}/calendar.ics?token=${token}` }, 200);
  });
  return app;
}
