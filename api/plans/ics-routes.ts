import { OpenAPIHono, createRoute, z } from '@hono/zod-openapi';
import { planCalendarIcs } from '../../calendar/ics/index.ts';
import type { AppDeps } from '../deps.ts';
import { validationHook } from '../errors.ts';
import { errors, idParam } from './http.ts';

const feedRoute = createRoute({
  method: 'get', path: '/plans/{id}/calendar.ics', tags: ['plans'],
  summary: 'The plan as an iCalendar feed (runs and review dates); public, protected by the secret token',
  request: { params: idParam, query: z.object({ token: z.string().min(1).max(200) }) },
  responses: {
    200: { description: 'text/calendar', content: { 'text/calendar': { schema: z.string() } } },
    ...errors(400, 404)
  }
});

/** `GET /plans/{id}/calendar.ics?token=...`: a wrong token is a 404, like a missing plan. */
export function icsRoutes(deps: AppDeps) {
  const app = new OpenAPIHono({ defaultHook: validationHook });
  app.openapi(feedRoute, async (c) => {
    const origin = new URL(c.req.url).origin;
    const body = await planCalendarIcs(deps.data, c.req.valid('param').id, c.req.valid('query').token, { baseUrl: origin });
    return c.body(body, 200, { 'content-type': 'text/calendar; charset=utf-8', 'cache-control': 'private, max-age=300' });
  });
  return app;
}
