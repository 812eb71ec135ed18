// The baseline for bench/sdk.bench.ts: a bare node:http server answering the SDK payload's bytes
// (read from BODY_FILE) with the same headers as GET /api/features/{clientKey}, for any path.
import { createServer } from 'node:http';
import { readFileSync } from 'node:fs';

const body = readFileSync(process.env.BODY_FILE!);
const headers = {
  'content-type': 'application/json', 'content-length': body.length, etag: process.env.BODY_ETAG ?? '"bare"',
  'cache-control': 'public, max-age=30, stale-while-revalidate=3600, stale-if-error=36000', 'x-sse-support': 'enabled'
};
const server = createServer((_req, res) => { res.writeHead(200, headers).end(body); });
server.keepAliveTimeout = 65_000;
server.listen(0, '127.0.0.1', () => {
  const address = server.address();
  console.log(`bare listening on http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`);
});
