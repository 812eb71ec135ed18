import { afterAll, beforeAll } from 'vitest';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { apiListener } from '../../api/listener.ts';
import type { TestApp } from './test-app.ts';

/**
 * Serves `t` over real HTTP (the same `apiListener` as `npm start`, fast paths included) on a
 * free loopback port for the tests of one file: `setUp` runs first, the server stops and the
 * app is cleaned up after the last test.
 * @example const served = useServedApp(t); ... await fetch(`${served.base}/api/v1/health`);
 */
export function useServedApp(t: TestApp, setUp: () => Promise<void> = async () => {}): { readonly base: string } {
  const server = createServer(apiListener(t.app, t.deps));
  const served = { base: '' };
  beforeAll(async () => {
    await setUp();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    served.base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    // Streams (SSE) and idle keep-alive sockets would hold close() open: end them too.
    const closed = new Promise((resolve) => server.close(resolve));
    server.closeAllConnections();
    await closed;
    await t.cleanup();
  });
  return served;
}
