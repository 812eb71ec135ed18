/**
 * The one server process: Hono answers `/api/*` and `/ofrep/*` before SvelteKit sees the
 * request; the SvelteKit build (`build/handler.js`) answers everything else.
 * Started by `npm start` (scripts/start.mjs), which builds the UI first when needed.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import compression from 'compression';
import { pathToFileURL } from 'node:url';
import { resolve } from 'node:path';
import { closeDatabase, defaultDatabasePath } from '../db/sqlite/connection.ts';
import { bootstrap } from './bootstrap.ts';
import { apiListener } from './listener.ts';
import { closeAllStreams } from './sdk/index.ts';
import { isLoopbackHost, uiBasicAuth } from './ui-auth/index.ts';
import { FailureThrottle, hostAllowed, hostPolicy, securityHeaders } from './front-door/index.ts';
import { writerFor } from '../db/sqlite/ingest/writer.ts';
import { startReplicaDuties } from './replicas.ts';
import { closeReports, reportsFor } from '../db/sqlite/reports.ts';
import { config } from '../db/config.ts';
import { closePostgres } from '../db/postgres/connection.ts';

type NodeHandler = (req: IncomingMessage, res: ServerResponse, next?: () => void) => void;

/** 421 for a Host this server does not answer: JSON for API paths, text for pages. */
function misdirected(req: IncomingMessage, res: ServerResponse): void {
  const message = `This server does not answer for the host '${String(req.headers.host ?? '')}'. Set ORIGIN or ALLOWED_HOSTS to the name clients use.`;
  const api = isApiPath(req.url);
  const body = api ? JSON.stringify({ error: { code: 'misdirected_request', message } }) : `${message}\n`;
  res.writeHead(421, { ...securityHeaders, 'content-type': api ? 'application/json' : 'text/plain; charset=utf-8', connection: 'close' }).end(body);
}

/** True for the paths the Hono app owns (`/sub/` is the GrowthBook SDK stream, where the SDKs look for it). */
export function isApiPath(url: string | undefined): boolean {
  return !!url && (url.startsWith('/api/') || url === '/api' || url.startsWith('/ofrep/') || url.startsWith('/sub/'));
}

async function loadWebHandler(): Promise<NodeHandler> {
  const handlerPath = resolve(config().webBuildDir, 'handler.js');
  const mod = (await import(pathToFileURL(handlerPath).href)) as { handler: NodeHandler };
  return mod.handler;
}

export async function startServer(options: { host?: string; port?: number; databasePath?: string } = {}) {
  const settings = config();
  const host = options.host ?? settings.host;
  const port = options.port ?? settings.port;
  const databasePath = options.databasePath ?? defaultDatabasePath();
  const { app, db, pg, deps, seededPlanId, createdAdminKey, replicas } = await bootstrap({ databasePath });
  if (seededPlanId !== null) console.log(`first start: loaded the starter 90-day calendar as plan ${seededPlanId}`);
  if (createdAdminKey !== null) {
    console.log([
      'first start: created an admin API key. It is shown only now; keep it somewhere safe:',
      `  ${createdAdminKey}`,
      '  (send it as "Authorization: Bearer <key>"; set ADMIN_API_KEY to use a key of your own instead)'
    ].join('\n'));
  }

  // The analysis thread starts now, not at the first report (the UI uses the same one). PostgreSQL
  // computes reports in process: the database does the aggregation (db/postgres/reports.ts).
  if (!pg) reportsFor(db);
  const api = apiListener(app, deps);
  // adapter-node assumes https unless told otherwise, and then refuses every form POST as
  // cross-site. This server speaks plain http: say so in a header we set ourselves (any client
  // value is overwritten). Behind a TLS proxy, set ORIGIN (or PROTOCOL_HEADER) instead.
  const plainHttp = !settings.origin && !settings.protocolHeader;
  // The one write to the environment: adapter-node reads its settings from it when the handler loads.
  if (plainHttp) process.env.PROTOCOL_HEADER = 'x-weekly-experiments-proto';
  const web = await loadWebHandler();
  const uiGuard = uiBasicAuth(settings.uiPassword ?? undefined, new FailureThrottle({ limit: settings.authFailuresPerMinute }));
  if (!settings.uiPassword && !isLoopbackHost(host)) {
    console.warn(`warning: listening on ${host} with no UI_PASSWORD: anyone who can reach it can change experiments in the UI`);
  }
  const hosts = hostPolicy({ origin: settings.origin, allowedHosts: settings.allowedHosts });
  const gzip = compression() as unknown as (req: IncomingMessage, res: ServerResponse, next: () => void) => void;
  // Node checks the header and request deadlines below every `connectionsCheckingInterval`
  // (default 30 s, which would let a stalled body hold its connection 30 s past the deadline).
  const server = createServer({ connectionsCheckingInterval: 1000 }, (req, res) => {
    // DNS rebinding: only the configured names (and loopback names, IP literals) are answered.
    if (!hostAllowed(req.headers.host, hosts)) return misdirected(req, res);
    if (plainHttp) req.headers['x-weekly-experiments-proto'] = 'http';
    if (isApiPath(req.url)) return api(req, res);
    // The UI's answers: SvelteKit sets the CSP (kit.csp, svelte.config.js); these join it.
    for (const [name, value] of Object.entries(securityHeaders)) res.setHeader(name, value);
    if (!uiGuard(req, res)) return;
    // Pages are compressed as they stream (gzip or brotli, as the browser accepts); the
    // static assets were compressed at build time (adapter-node's precompress) and sirv sends those.
    gzip(req, res, () => web(req, res, () => {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('Not found');
    }));
  });
  // A slow client may not hold a connection for minutes: headers and whole requests have deadlines.
  server.headersTimeout = settings.headersTimeoutMs;
  server.requestTimeout = settings.requestTimeoutMs;
  server.keepAliveTimeout = 65_000;
  await new Promise<void>((resolveListen, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolveListen());
  });
  const address = server.address();
  const actualPort = typeof address === 'object' && address ? address.port : port;
  console.log(`weekly-experiments listening on http://${host}:${actualPort} (database ${pg ? 'PostgreSQL (DATABASE_URL)' : databasePath})`);

  // Starts scheduled experiments on their start date and stops them after their duration: in one
  // replica at a time on PostgreSQL (the leader); the change feed keeps this process's caches fresh.
  const duties = startReplicaDuties(deps, replicas);
  const shutdown = async (signal: string) => {
    // Stop accepting first (the listening socket closes synchronously, so a client connecting
    // after the line below is refused, not reset from the accept queue); idle keep-alive
    // connections close now, busy ones after their answer.
    const drained = new Promise<void>((done) => server.close(() => done()));
    console.log(`${signal}: shutting down; requests in flight get up to ${settings.shutdownGraceMs / 1000} s`);
    await duties.stop().catch(() => {});
    // SDK streams never end by themselves: end them now rather than at the grace cut.
    closeAllStreams();
    server.closeIdleConnections();
    // A keep-alive connection turns idle when its answer (or stream) ends: close it then, not
    // after keepAliveTimeout.
    const idle = setInterval(() => server.closeIdleConnections(), 50);
    const cut = setTimeout(() => server.closeAllConnections(), settings.shutdownGraceMs);
    await drained;
    clearInterval(idle);
    clearTimeout(cut);
    // Every acknowledged write has committed by now (a write is answered after its COMMIT).
    if (pg) {
      await deps.postgres?.ingest.close().catch(() => {});
      await closePostgres(pg).catch(() => {});
    } else {
      await writerFor(db.$client).close().catch(() => {});
      await closeReports(db).catch(() => {});
      closeDatabase(databasePath);
    }
    process.exit(0);
  };
  process.once('SIGTERM', () => void shutdown('SIGTERM'));
  process.once('SIGINT', () => void shutdown('SIGINT'));
  return server;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  startServer().catch((err) => {
    console.error('failed to start:', err instanceof Error ? err.message : err);
    process.exit(1);
  });
}
