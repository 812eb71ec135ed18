import type { Plugin, ViteDevServer } from 'vite';
import type { IncomingMessage, ServerResponse } from 'node:http';

/**
 * `npm run dev`: mounts the Hono API in Vite's dev server, loaded through `ssrLoadModule`
 * so API code reloads on change like the UI does. Production uses api/server.ts instead.
 */
export function apiDevPlugin(): Plugin {
  return {
    name: 'weekly-experiments-api',
    apply: 'serve',
    configureServer(server: ViteDevServer) {
      // Load the API (and so its scheduler) once the server listens, not at the first API request.
      server.httpServer?.once('listening', () => {
        server.ssrLoadModule('/api/dev-entry.ts').catch((err: Error) => console.error('could not load the API:', err.message));
      });
      server.middlewares.use(async (req: IncomingMessage, res: ServerResponse, next: () => void) => {
        if (!req.url || !(req.url.startsWith('/api/') || req.url.startsWith('/ofrep/'))) return next();
        try {
          const entry = await server.ssrLoadModule('/api/dev-entry.ts');
          await entry.handle(req, res);
        } catch (err) {
          server.ssrFixStacktrace(err as Error);
          next();
        }
      });
    }
  };
}
