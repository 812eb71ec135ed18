import { OpenAPIHono, createRoute, z } from '@hono/zod-openapi';
import { concludeExperiment, extendDuration, reschedule, tick, transition } from '../../calendar/lifecycle/index.ts';
import { advanceClock, clockControlEnabled, clockOffsetMs, DAY_MS } from '../../calendar/clock.ts';
import type { AppDeps } from '../deps.ts';
import { ApiError, validationHook } from '../errors.ts';
import { actor, anyObject, errors, json, keyParam } from './http.ts';
import { isoDateInput, isoDay, nextDayStartMs } from '../../calendar/dates.ts';

const tags = ['lifecycle'];
const moved = { 200: { description: 'The experiment row after the move', content: json(anyObject) }, ...errors(400, 404, 409, 422) };
const action = (path: string, summary: string) => createRoute({
  method: 'post', path: `/experiments/{key}/${path}`, tags, summary, request: { params: keyParam }, responses: moved
});

const extendBody = z.object({ days: z.number().int().min(1).max(90) });
const rescheduleBody = z.object({
  week: z.number().int().min(1).max(13).optional(),
  startDate: isoDateInput.optional()
}).refine((b) => b.week !== undefined || b.startDate !== undefined, 'give a week or a startDate');

const routes = {
  schedule: action('schedule', 'draft → scheduled: the scheduler starts it on its start date'),
  unschedule: action('unschedule', 'scheduled → draft'),
  extend: createRoute({ method: 'post', path: '/experiments/{key}/extend', tags, summary: 'Add days to the planned duration (draft, scheduled, running or stopped)',
    request: { params: keyParam, body: { required: true, content: json(extendBody) } }, responses: moved }),
  reschedule: createRoute({ method: 'post', path: '/experiments/{key}/reschedule', tags, summary: 'Move a draft or scheduled experiment to another week or start date',
    request: { params: keyParam, body: { required: true, content: json(rescheduleBody) } }, responses: moved }),
  conclude: action('conclude', 'Stop (if running) and conclude; then a decision can promote it'),
  advanceClock: createRoute({
    method: 'post', path: '/clock/advance', tags: ['clock'],
    summary: 'Move the server clock forward and run the scheduler (only with ALLOW_CLOCK_CONTROL=1; tests and demos)',
    request: { body: { required: true, content: json(z.object({ days: z.number().min(-400).max(400) })) } },
    responses: { 200: { description: 'The new time and what the scheduler did', content: json(anyObject) }, ...errors(400, 403) }
  }),
  clock: createRoute({
    method: 'get', path: '/clock', tags: ['clock'], summary: 'The server clock',
    responses: { 200: { description: 'Now', content: json(z.object({
      now: z.string(), nowMs: z.number(), offsetMs: z.number(), today: z.string().openapi({ description: "The server's date (its time zone), as the scheduler reads it" }),
      nextDayMs: z.number().openapi({ description: "When the server's day turns (its next local midnight): the scheduler then stops tests whose last day it was" })
    })) } }
  })
};

/** Lifecycle actions beside start/stop: schedule, extend, reschedule, conclude; and the test clock. */
export function lifecycleRoutes(deps: AppDeps) {
  const app = new OpenAPIHono({ defaultHook: validationHook });
  const ctx = (c: Parameters<typeof actor>[0]) => ({ actor: actor(c), nowMs: deps.now() });
  app.openapi(routes.schedule, async (c) => c.json(await transition(deps.data, c.req.valid('param').key, 'schedule', ctx(c)), 200));
  app.openapi(routes.unschedule, async (c) => c.json(await transition(deps.data, c.req.valid('param').key, 'unschedule', ctx(c)), 200));
  app.openapi(routes.extend, async (c) => c.json(await extendDuration(deps.data, c.req.valid('param').key, c.req.valid('json').days, ctx(c)), 200));
  app.openapi(routes.reschedule, async (c) => c.json(await reschedule(deps.data, c.req.valid('param').key, c.req.valid('json'), ctx(c)), 200));
  app.openapi(routes.conclude, async (c) => c.json(await concludeExperiment(deps.data, c.req.valid('param').key, ctx(c)), 200));
  app.openapi(routes.clock, (c) => {
    const nowMs = deps.now();
    return c.json({ now: new Date(nowMs).toISOString(), nowMs, offsetMs: clockOffsetMs(), today: isoDay(nowMs), nextDayMs: nextDayStartMs(nowMs) }, 200);
  });
  app.openapi(routes.advanceClock, async (c) => {
    if (!clockControlEnabled()) throw new ApiError(403, 'forbidden', 'moving the clock needs the server started with ALLOW_CLOCK_CONTROL=1');
    advanceClock(c.req.valid('json').days * DAY_MS);
    const nowMs = deps.now();
    return c.json({ now: new Date(nowMs).toISOString(), nowMs, offsetMs: clockOffsetMs(), today: isoDay(nowMs), nextDayMs: nextDayStartMs(nowMs), scheduler: await tick(deps.data, nowMs) }, 200);
  });
  return app;
}
