import { OpenAPIHono, createRoute, z } from '@hono/zod-openapi';
import { draftNextPlan, exportPlaybookMarkdown, groupPlaybook, listPlaybook, promoteExperiment, setRollout } from '../../calendar/playbook/index.ts';
import { getPlanTimeline } from '../../calendar/planning/index.ts';
import { programImpacts } from '../../calendar/plans/index.ts';
import type { AppDeps } from '../deps.ts';
import { validationHook } from '../errors.ts';
import { actor, errors, idParam, json, keyParam } from '../plans/http.ts';
import { draftedPlanSchema, playbookEntrySchema, playbookSchema, promotionBody, rolloutSchema } from './schemas.ts';

const tags = ['playbook'];
const search = z.object({ q: z.string().max(200, 'search at most 200 characters').optional() });
const rolloutRoute = (method: 'post' | 'delete') => createRoute({
  method, path: '/experiments/{key}/rollout', tags, request: { params: keyParam },
  summary: method === 'post'
    ? 'Serve the winner of the recorded ship decision to everyone (concluded or promoted experiments)'
    : 'Stop rolling the winner out: assignment serves the control again',
  responses: { 200: { description: 'The rollout state', content: json(rolloutSchema) }, ...errors(400, 401, 403, 404, 409) }
});

const routes = {
  promote: createRoute({
    method: 'post', path: '/experiments/{key}/promote', tags,
    summary: 'Promote a concluded experiment with a recorded "ship" decision to the playbook (optionally rolling the winner out)',
    request: { params: keyParam, body: { required: true, content: json(promotionBody) } },
    responses: {
      201: { description: 'The playbook entry', content: json(playbookEntrySchema) },
      ...errors(400, 401, 403, 404),
      409: { description: 'Not concluded, or no recorded "ship" decision with a winning variant', content: errors(409)[409].content },
      ...errors(422)
    }
  }),
  rollout: rolloutRoute('post'),
  stopRollout: rolloutRoute('delete'),
  list: createRoute({
    method: 'get', path: '/playbook', tags, request: { query: search },
    summary: 'The playbook grouped by channel and lifecycle stage, with "what we know works" per channel and the program impact of each plan with a holdout; ?q= searches',
    responses: { 200: { description: 'The playbook', content: json(playbookSchema) }, ...errors(400, 401, 403) }
  }),
  markdown: createRoute({
    method: 'get', path: '/playbook.md', tags, request: { query: search },
    summary: 'The playbook (optionally searched) as Markdown',
    responses: { 200: { description: 'text/markdown', content: { 'text/markdown': { schema: z.string() } } }, ...errors(400, 401, 403) }
  }),
  draftNext: createRoute({
    method: 'post', path: '/plans/{id}/draft-next', tags: ['plans', ...tags], request: { params: idParam },
    summary: 'Plan again: draft the next 90-day plan from the playbook winners, inconclusive re-runs and open ideas',
    responses: {
      201: { description: 'The drafted plan (status draft) as a timeline, with what each item comes from', content: json(draftedPlanSchema) },
      ...errors(400, 401, 403, 404, 422)
    }
  })
};

/** The playbook loop: promote, roll out, read (JSON and Markdown), plan again. */
export function playbookRoutes(deps: AppDeps) {
  const app = new OpenAPIHono({ defaultHook: validationHook });
  const ctx = (c: Parameters<typeof actor>[0]) => ({ actor: actor(c), nowMs: deps.now() });
  app.openapi(routes.promote, async (c) => c.json(await promoteExperiment(deps.data, c.req.valid('param').key, c.req.valid('json'), ctx(c)), 201));
  app.openapi(routes.rollout, async (c) => c.json(await setRollout(deps.data, c.req.valid('param').key, 'winner', ctx(c)), 200));
  app.openapi(routes.stopRollout, async (c) => c.json(await setRollout(deps.data, c.req.valid('param').key, null, ctx(c)), 200));
  app.openapi(routes.list, async (c) => {
    const q = c.req.valid('query').q?.trim() ?? '';
    const [items, programImpact] = await Promise.all([listPlaybook(deps.data, { q }), programImpacts(deps.data, deps.now())]);
    return c.json({ q, total: items.length, groups: groupPlaybook(items), programImpact }, 200);
  });
  app.openapi(routes.markdown, async (c) => {
    const md = await exportPlaybookMarkdown(deps.data, { q: c.req.valid('query').q, baseUrl: new URL(c.req.url).origin, nowMs: deps.now() });
    return c.body(md, 200, { 'content-type': 'text/markdown; charset=utf-8', 'content-disposition': 'inline; filename="playbook.md"' });
  });
  app.openapi(routes.draftNext, async (c) => {
    const draft = await draftNextPlan(deps.data, c.req.valid('param').id, ctx(c));
    return c.json({ items: draft.items, ...(await getPlanTimeline(deps.data, draft.planId, deps.now())) }, 201);
  });
  return app;
}
