import { afterAll, describe, expect, it } from 'vitest';
import { createTestApp } from '../tests/helpers/test-app.ts';
import { fastPathMiddleware } from './listener.ts';

const t = await createTestApp({ seed: false });
afterAll(() => t.cleanup());

describe('fast paths and the Hono app', () => {
  it('the fast paths know every app-wide middleware: each is applied by them or waived with a reason', () => {
    // Every middleware (app-wide or on a sub-path) shows up as an ALL route.
    const middleware = t.app.routes.filter((r) => r.method === 'ALL').map((r) => r.handler.name);
    expect(middleware).toEqual(Object.keys(fastPathMiddleware));
    expect(middleware).toEqual(['secureHeaders', 'compress', 'bodySizeLimit', 'cors', 'authenticate']);
    for (const reason of Object.values(fastPathMiddleware)) expect(reason).toMatch(/^(applied|waived): .{20,}/);
  });
});
