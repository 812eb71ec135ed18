import { Hono } from 'hono';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

const assets = {
  'swagger-ui.css': 'text/css; charset=utf-8',
  'swagger-ui-bundle.js': 'text/javascript; charset=utf-8',
  'favicon-32x32.png': 'image/png'
} as const;

const page = `<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <title>Weekly Experiments API</title>
  <link rel="stylesheet" href="/api/v1/docs/swagger-ui.css">
  <link rel="icon" type="image/png" href="/api/v1/docs/favicon-32x32.png">
</head>
<body>
  <div id="swagger-ui"></div>
  <script src="/api/v1/docs/swagger-ui-bundle.js"></script>
  <script src="/api/v1/docs/init.js"></script>
</body>
</html>`;

const init = `window.ui = SwaggerUIBundle({
  url: '/api/v1/openapi.json', dom_id: '#swagger-ui', deepLinking: true, persistAuthorization: true,
  tryItOutEnabled: true, displayRequestDuration: true
});`;

const docsContentSecurityPolicy = "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; " +
  "connect-src 'self'; font-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'";

/**
 * `GET /docs`: interactive API documentation (Swagger UI) for `/api/v1/openapi.json`, served
 * from the `swagger-ui-dist` package: no CDN, works offline. Public, like the document itself.
 */
export function docsRoutes() {
  const dir = dirname(createRequire(import.meta.url).resolve('swagger-ui-dist/package.json'));
  const cache = new Map<string, Buffer>();
  const app = new Hono();
  // Swagger UI: its own scripts and styles from this server (it sets inline styles), nothing else.
  app.get('/docs', (c) => c.html(page, 200, { 'content-security-policy': docsContentSecurityPolicy }));
  app.get('/docs/init.js', (c) => c.body(init, 200, { 'content-type': 'text/javascript; charset=utf-8' }));
  app.get('/docs/:file', (c) => {
    const file = c.req.param('file') as keyof typeof assets;
    if (!(file in assets)) return c.json({ error: { code: 'not_found', message: `No docs asset '${file}'` } }, 404);
    let content = cache.get(file);
    if (!content) cache.set(file, (content = readFileSync(join(dir, file))));
    return c.body(new Uint8Array(content), 200, { 'content-type': assets[file], 'cache-control': 'public, max-age=86400' });
  });
  return app;
}
