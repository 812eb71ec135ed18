// The baseline for bench/api.bench.ts: a bare node:http server answering a fixed JSON body.
import { createServer } from 'node:http';

const body = JSON.stringify({ userId: 'u', assignments: { bench: { variant: 'treatment', inExperiment: true, reason: 'split', bucket: 0.1234 } } });
const server = createServer((_req, res) => {
  res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) }).end(body);
});
server.keepAliveTimeout = 65_000;
server.listen(0, '127.0.0.1', () => {
  const address = server.address();
  console.log(`bare listening on http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`);
});
