import { OpenAPIHono } from '@hono/zod-openapi';
import type { AppDeps } from '../deps.ts';
import { validationHook } from '../errors.ts';
import { planRoutes } from './routes.ts';
import { lifecycleRoutes } from './lifecycle-routes.ts';
import { icsRoutes } from './ics-routes.ts';

/** Everything under `/plans` (with the .ics feed), the lifecycle actions and the test clock, as one module for `api/app.ts`. */
export function planningRoutes(deps: AppDeps) {
  const app = new OpenAPIHono({ defaultHook: validationHook });
  app.route('/', planRoutes(deps));
  app.route('/', lifecycleRoutes(deps));
  app.route('/', icsRoutes(deps));
  return app;
}
