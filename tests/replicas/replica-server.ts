// One replica as `npm start` runs it on PostgreSQL, without the SvelteKit build: the same
// bootstrap (DATABASE_URL), the same API listener, and the same background duties (the
// scheduler in the leader only, the change feed: api/replicas.ts). Prints where it listens.
// SIGTERM stops the duties (the lead is given up) and exits; the tests also SIGKILL it.
import { createServer } from 'node:http';
import { bootstrap } from '../../api/bootstrap.ts';
import { apiListener } from '../../api/listener.ts';
import { startReplicaDuties } from '../../api/replicas.ts';

const { app, deps, replicas } = await bootstrap();
const server = createServer(apiListener(app, deps));
const duties = startReplicaDuties(deps, replicas);
server.listen(0, '127.0.0.1', () => {
  const address = server.address();
  console.log(`replica ${process.pid} listening on http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`);
});
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    server.closeAllConnections();
    void duties.stop().finally(() => process.exit(0));
  });
}
