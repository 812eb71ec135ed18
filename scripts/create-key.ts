// `npm run key -- [admin|sdk|client] [name]`: creates an API key in the configured database
// (DATABASE_URL, else DATABASE_PATH) and prints it once.
// For a lost first-start admin key, or for scripts that provision SDK keys.
import { config } from '../db/config.ts';
import { openData, closePostgresPool } from '../db/open-data.ts';
import { createApiKey, type KeyScope } from '../api/auth/index.ts';

const [scopeArg = 'admin', ...nameParts] = process.argv.slice(2);
if (scopeArg !== 'admin' && scopeArg !== 'sdk' && scopeArg !== 'client') {
  console.error(`scope must be "admin", "sdk" or "client", got "${scopeArg}". Usage: npm run key -- admin "my laptop"`);
  process.exit(2);
}
const scope: KeyScope = scopeArg;
const name = nameParts.join(' ') || `${scope} key (cli)`;
const created = await createApiKey((await openData()).data, { name, scope }, { actor: 'cli:key', nowMs: Date.now() });
console.log(`created ${scope} key #${created.id} "${name}" in ${config().databaseUrl ? 'PostgreSQL (DATABASE_URL)' : config().databasePath}; shown only now:`);
console.log(created.key);
if (config().databaseUrl) await closePostgresPool(config().databaseUrl!);
