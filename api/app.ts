import { OpenAPIHono } from '@hono/zod-openapi';
import { compress } from 'hono/compress';
import { secureHeaders } from 'hono/secure-headers';
import type { AppDeps } from './deps.ts';
import { errorHandler, onNotFound, validationHook } from './errors.ts';
import { healthRoutes } from './health/index.ts';
import { experimentReadRoutes } from './experiments/index.ts';
import { reportRoutes } from './reports/index.ts';
import { metricEditRoutes } from './metrics/index.ts';
import { experimentManageRoutes } from './experiments/manage-routes.ts';
import { catalogRoutes } from './experiments/catalog-routes.ts';
import { authenticate, keyRoutes } from './auth/index.ts';
import { bodySizeLimit } from './limits/index.ts';
import { assignRoutes } from './assign/index.ts';
import { ingestRoutes } from './ingest/index.ts';
import { ofrepRoutes } from './ofrep/index.ts';
import { docsRoutes } from './docs/index.ts';
import { planningRoutes } from './plans/index.ts';
import { ideaRoutes } from './ideas/index.ts';
import { playbookRoutes } from './playbook/index.ts';
import { clientCors, sdkDocs, sdkRoutes } from './sdk/index.ts';

export const apiInfo = { title: 'Weekly Experiments API', version: '1.0.0' };

/**
 * The HTTP API: `/api/v1/*` (and `/ofrep/*` later). Routes are thin: validate with zod,
 * call the domain in `calendar/`, serialise. The OpenAPI document is at `/api/v1/openapi.json`.
 * @example const res = await createApp({ db, now: Date.now }).request('/api/v1/health');
 */
export function createApp(deps: AppDeps) {
  const app = new OpenAPIHono({ defaultHook: validationHook });
  const v1 = new OpenAPIHono({ defaultHook: validationHook });
  // Named: the fast paths in front of this app (api/listener.ts) list every app-wide middleware
  // they apply or waive, and a test fails when one is added that they do not know.
  app.use('*',
    named('secureHeaders', secureHeaders(apiSecureHeaders)),
    named('compress', compress()),
    named('bodySizeLimit', bodySizeLimit()),
    // Before authenticate: a preflight carries no key.
    named('cors', clientCors(deps)),
    named('authenticate', authenticate(deps)));
  v1.route('/', healthRoutes(deps));
  v1.route('/', experimentReadRoutes(deps));
  v1.route('/', reportRoutes(deps));
  v1.route('/', metricEditRoutes(deps));
  v1.route('/', experimentManageRoutes(deps));
  v1.route('/', catalogRoutes(deps));
  v1.route('/', assignRoutes(deps));
  v1.route('/', ingestRoutes(deps));
  v1.route('/', keyRoutes(deps));
  v1.route('/', docsRoutes());
  v1.route('/', planningRoutes(deps));
  v1.route('/', ideaRoutes(deps));
  v1.route('/', playbookRoutes(deps));
  v1.route('/', sdkDocs());
  v1.doc31('/openapi.json', { openapi: '3.1.0', info: apiInfo, servers: [{ url: '/api/v1' }], security: [{ BearerAuth: [] }] });
  app.route('/api/v1', v1);
  app.route('/ofrep/v1', ofrepRoutes(deps));
  app.route('/', sdkRoutes(deps));
  app.onError(errorHandler(deps));
  app.notFound(onNotFound);
  return app;
}

export type App = ReturnType<typeof createApp>;

/**
 * Hono's security headers for every API answer (api/front-door/headers.ts lists the same for
 * answers written without Hono). A route that sets its own header keeps it (`overwrite: false`):
 * the docs page has a CSP of its own. No HSTS: the server speaks plain http unless a TLS proxy
 * in front says otherwise, and that proxy sets it.
 */
const apiSecureHeaders: NonNullable<Parameters<typeof secureHeaders>[0]> = {
  overwrite: false,
  contentSecurityPolicy: { defaultSrc: ["'none'"], frameAncestors: ["'none'"] },
  xFrameOptions: 'DENY',
  referrerPolicy: 'same-origin',
  strictTransportSecurity: false,
  // SDKs in browsers read the API from other origins (CORS decides who may).
  crossOriginResourcePolicy: false
};

function named<T extends (...args: never[]) => unknown>(name: string, fn: T): T {
  return Object.defineProperty(fn, 'name', { value: name });
}
