import { OpenAPIHono, createRoute, z } from '@hono/zod-openapi';
import { createIdea, dropIdea, ideaInput, ideaSources, listIdeas, moveIdeaToWeek } from '../../calendar/ideas/index.ts';
import { channels } from '../../calendar/model.ts';
import type { AppDeps } from '../deps.ts';
import { validationHook } from '../errors.ts';
import { actor, anyObject, errors, idParam, json } from '../plans/http.ts';

const tags = ['ideas'];
const routes = {
  list: createRoute({ method: 'get', path: '/ideas', tags, summary: 'The backlog (open ideas by default)',
    request: { query: z.object({ status: z.enum(['open', 'scheduled', 'dropped', 'all']).optional(), source: z.enum(ideaSources).optional() }) },
    responses: { 200: { description: 'Ideas', content: json(z.object({ ideas: z.array(anyObject) })) }, ...errors(400) } }),
  create: createRoute({ method: 'post', path: '/ideas', tags, summary: 'Add an idea (source: analytics, survey, user-feedback, follow-up, other)',
    request: { body: { required: true, content: json(ideaInput) } },
    responses: { 201: { description: 'The idea', content: json(anyObject) }, ...errors(400) } }),
  move: createRoute({ method: 'post', path: '/ideas/{id}/move', tags, summary: 'Move an open idea into a week of a plan as a draft experiment',
    request: { params: idParam, body: { required: true, content: json(z.object({
      planId: z.number().int().positive(), week: z.number().int().min(1).max(13), channel: z.enum(channels).optional()
    })) } },
    responses: { 201: { description: 'The draft experiment', content: json(z.object({ key: z.string(), id: z.number() })) }, ...errors(400, 404, 409, 422) } }),
  drop: createRoute({ method: 'post', path: '/ideas/{id}/drop', tags, summary: 'Drop an open idea',
    request: { params: idParam },
    responses: { 200: { description: 'The idea', content: json(anyObject) }, ...errors(400, 404, 409) } })
};

/** `/ideas`: the backlog of candidate experiments. */
export function ideaRoutes(deps: AppDeps) {
  const app = new OpenAPIHono({ defaultHook: validationHook });
  const ctx = (c: Parameters<typeof actor>[0]) => ({ actor: actor(c), nowMs: deps.now() });
  app.openapi(routes.list, async (c) => c.json({ ideas: await listIdeas(deps.data, c.req.valid('query')) }, 200));
  app.openapi(routes.create, async (c) => c.json(await createIdea(deps.data, c.req.valid('json'), ctx(c)), 201));
  app.openapi(routes.move, async (c) => c.json(await moveIdeaToWeek(deps.data, c.req.valid('param').id, c.req.valid('json'), ctx(c)), 201));
  app.openapi(routes.drop, async (c) => c.json(await dropIdea(deps.data, c.req.valid('param').id, ctx(c)), 200));
  return app;
}
