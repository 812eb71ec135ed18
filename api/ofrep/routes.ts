import { Hono, type Context } from 'hono';
import { assignUser } from '../assign/index.ts';
import type { AppDeps } from '../deps.ts';
import { etagOf, parseContext, toEvaluation } from './evaluation.ts';

async function readBody(c: Context): Promise<{ ok: true; body: unknown } | { ok: false }> {
  const text = await c.req.text();
  if (text.trim() === '') return { ok: true, body: {} };
  try { return { ok: true, body: JSON.parse(text) }; } catch { return { ok: false }; }
}

/**
 * OpenFeature Remote Evaluation Protocol (open-feature/protocol, service/openapi.yaml):
 * the experiment key is the flag key, `context.targetingKey` the user id, the value the
 * variant key. A single evaluation records the exposure (server SDKs evaluate where the user
 * sees the variant); the bulk one does not (client SDKs fetch every flag up front: post
 * exposures when a variant is shown). Mounted at `/ofrep/v1`; keys as for `/assign`.
 */
export function ofrepRoutes(deps: AppDeps) {
  const app = new Hono();

  app.post('/evaluate/flags/:key', async (c) => {
    const key = c.req.param('key');
    const read = await readBody(c);
    if (!read.ok) return c.json({ key, errorCode: 'PARSE_ERROR', errorDetails: 'the body is not valid JSON' }, 400);
    const context = parseContext(read.body);
    if (!context.ok) return c.json({ key, errorCode: context.errorCode, errorDetails: context.errorDetails }, 400);
    if (key.length > 100) return c.json({ key, errorCode: 'FLAG_NOT_FOUND', errorDetails: `flag '${key.slice(0, 100)}…' was not found` }, 404);
    const result = await assignUser(deps, { userId: context.userId, attributes: context.attributes as never, experiments: [key] });
    const assignment = result.assignments[key]!;
    if (assignment.reason === 'not_found') return c.json({ key, errorCode: 'FLAG_NOT_FOUND', errorDetails: `flag '${key}' was not found` }, 404);
    return c.json({ ...toEvaluation(key, assignment), cacheable: false }, 200);
  });

  app.post('/evaluate/flags', async (c) => {
    const read = await readBody(c);
    if (!read.ok) return c.json({ errorCode: 'PARSE_ERROR', errorDetails: 'the body is not valid JSON' }, 400);
    const context = parseContext(read.body);
    if (!context.ok) return c.json({ errorCode: context.errorCode, errorDetails: context.errorDetails }, 400);
    const result = await assignUser(deps, { userId: context.userId, attributes: context.attributes as never, expose: false });
    const body = JSON.stringify({ flags: Object.entries(result.assignments).map(([key, a]) => toEvaluation(key, a)) });
    const etag = etagOf(body);
    const ifNoneMatch = c.req.header('if-none-match');
    // Weak comparison (RFC 9110 §13.1.2): compress() sends a compressed answer with W/"…".
    if (ifNoneMatch && ifNoneMatch.split(',').map((s) => s.trim().replace(/^W\//, '')).includes(etag)) {
      return c.body(null, 304, { etag });
    }
    return c.body(body, 200, { 'content-type': 'application/json', etag });
  });

  app.get('/configuration', (c) => c.json({
    name: 'weekly-experiments',
    capabilities: {
      cacheInvalidation: { polling: { enabled: true, minPollingIntervalMs: 30_000 } },
      flagEvaluation: { supportedTypes: ['string'] }
    }
  }));
  return app;
}
