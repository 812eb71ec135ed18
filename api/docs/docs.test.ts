import { afterAll, describe, expect, it } from 'vitest';
import { createTestApp } from '../../tests/helpers/test-app.ts';

const t = await createTestApp({ seed: false });
afterAll(() => t.cleanup());

describe('GET /api/v1/docs', () => {
  it('serves a self-hosted Swagger UI page reading the OpenAPI document, without a key', async () => {
    const res = await t.app.request('/api/v1/docs');
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toContain('/api/v1/docs/swagger-ui-bundle.js');
    expect(html).not.toMatch(/https?:\/\//);
    const init = await (await t.app.request('/api/v1/docs/init.js')).text();
    expect(init).toContain("url: '/api/v1/openapi.json'");
  });

  it.each([
    ['swagger-ui-bundle.js', /javascript/], ['swagger-ui.css', /css/]
  ])('serves %s from swagger-ui-dist', async (file, type) => {
    const res = await t.app.request(`/api/v1/docs/${file}`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(type);
    expect((await res.arrayBuffer()).byteLength).toBeGreaterThan(10_000);
  });

  it('refuses other files', async () => {
    expect((await t.app.request('/api/v1/docs/package.json')).status).toBe(404);
    expect((await t.app.request('/api/v1/docs/..%2F..%2Fpackage.json')).status).toBe(404);
  });

  it('the document lists the API routes and the bearer scheme', async () => {
    const doc = await (await t.app.request('/api/v1/openapi.json')).json();
    expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining(['/assign', '/exposures', '/events', '/experiments/{key}/start', '/keys', '/metrics', '/layers']));
    expect(doc.components.securitySchemes.BearerAuth).toMatchObject({ type: 'http', scheme: 'bearer' });
    expect(doc.components.schemas.EventInput).toMatchObject({
      type: 'object', required: ['userId', 'event'], additionalProperties: false,
      properties: { userId: { type: 'string' }, event: { type: 'string' }, value: { type: 'number' }, timestamp: {}, id: { type: 'string' } }
    });
  });
});
