import { OpenAPIHono, createRoute, z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import {
  countReportView, decisionHistory, recordDecision, reportToCsv, reportToMarkdown, type Report
} from '../../calendar/reports/index.ts';
import type { AppDeps } from '../deps.ts';
import { validationHook } from '../errors.ts';
import {
  computedDecisionSchema, decisionBody, errorSchema, keyParams, recordedDecisionSchema, reportQuery, reportSchema
} from './schemas.ts';
import { json } from '../openapi.ts';

const errors = {
  400: { description: 'Invalid key or query', content: json(errorSchema) },
  404: { description: 'No experiment with this key', content: json(errorSchema) }
};

const resultsRoute = createRoute({
  method: 'get', path: '/experiments/{key}/results', tags: ['reports'],
  summary: 'The experiment report: health, metrics, guardrails, segments, cumulative lift and the decision',
  request: { params: keyParams, query: reportQuery },
  responses: {
    200: {
      description: 'The report (JSON by default; ?format=md or csv for the exports)',
      content: { ...json(reportSchema), 'text/markdown': { schema: z.string() }, 'text/csv': { schema: z.string() } }
    },
    ...errors
  }
});

const exportRoute = (extension: 'md' | 'csv') => createRoute({
  method: 'get', path: `/experiments/{key}/results.${extension}`, tags: ['reports'],
  summary: extension === 'md' ? 'The report as Markdown' : 'The metric table as CSV',
  request: { params: keyParams, query: reportQuery.omit({ format: true }) },
  responses: {
    200: { description: 'The export', content: { [extension === 'md' ? 'text/markdown' : 'text/csv']: { schema: z.string() } } },
    ...errors
  }
});

const decisionRoute = createRoute({
  method: 'post', path: '/experiments/{key}/decision', tags: ['reports'],
  summary: "Record a reviewer's final decision with a rationale (kept beside the computed one, audited)",
  request: { params: keyParams, body: { required: true, content: json(decisionBody) } },
  responses: {
    201: { description: 'Recorded', content: json(z.object({ decision: recordedDecisionSchema, computed: computedDecisionSchema })) },
    ...errors,
    409: { description: 'A sample ratio mismatch blocks "ship" without acknowledgeSrm', content: json(errorSchema) },
    422: { description: 'Not valid for this experiment (e.g. unknown winning variant, missing rationale for an override)', content: json(errorSchema) }
  }
});

const historyRoute = createRoute({
  method: 'get', path: '/experiments/{key}/decisions', tags: ['reports'],
  summary: 'Every recorded reviewer decision, newest first',
  request: { params: keyParams },
  responses: { 200: { description: 'Decisions', content: json(z.object({ decisions: z.array(recordedDecisionSchema) })) }, ...errors }
});

function exportResponse(c: Context, report: Report, format: 'md' | 'csv'): Response {
  const type = format === 'md' ? 'text/markdown; charset=utf-8' : 'text/csv; charset=utf-8';
  const body = format === 'md' ? reportToMarkdown(report) : reportToCsv(report);
  return c.body(body, 200, {
    'content-type': type,
    'content-disposition': `inline; filename="${report.experiment.key}-results.${format}"`
  });
}

/** The principal's name when the auth middleware has set one. */
function actor(c: Context): string {
  const principal = (c.var as Record<string, unknown>).principal as { name?: string } | undefined;
  return principal?.name ? `key:${principal.name}` : 'anonymous';
}

/** Report routes: results (JSON, Markdown, CSV) and reviewer decisions. */
export function reportRoutes(deps: AppDeps) {
  const app = new OpenAPIHono({ defaultHook: validationHook });
  // Reports are computed on the analysis thread (db/sqlite/report-runner.ts), never on this one.
  const reports = () => deps.data.reports;
  app.openapi(resultsRoute, async (c) => {
    const { key } = c.req.valid('param');
    const { format, ...options } = c.req.valid('query');
    const report = await reports().report(key, options, deps.now());
    await countReportView(deps.data, key);
    if (format === 'md' || format === 'csv') return exportResponse(c, report, format) as never;
    return c.json(report, 200);
  });
  for (const extension of ['md', 'csv'] as const) {
    app.openapi(exportRoute(extension), async (c) => {
      const report = await reports().report(c.req.valid('param').key, c.req.valid('query'), deps.now());
      return exportResponse(c, report, extension) as never;
    });
  }
  app.openapi(decisionRoute, async (c) => {
    const { key } = c.req.valid('param');
    const body = c.req.valid('json');
    const by = actor(c);
    const nowMs = deps.now();
    const report = await reports().report(key, {}, nowMs);
    const { recorded, computed } = await recordDecision(deps.data, key, { ...body, decidedBy: body.decidedBy ?? by, actor: by }, nowMs, report);
    return c.json({ decision: recorded, computed }, 201);
  });
  app.openapi(historyRoute, async (c) => c.json({ decisions: await decisionHistory(deps.data, c.req.valid('param').key) }, 200));
  return app;
}
