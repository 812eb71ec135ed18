// `npm run key -- [admin|sdk|client] [name]`: creates an API key in DATABASE_PATH and prints it once.
// For a lost first-start admin key, or for scripts that provision SDK keys.
import { openDatabase, defaultDatabasePath } from '../db/connection.ts';
import { sqliteData } from '../db/sqlite/data.ts';
import { createApiKey, type KeyScope } from '../api/auth/index.ts';

const [scopeArg = 'admin', ...nameParts] = process.argv.slice(2);
if (scopeArg !== 'admin' && scopeArg !== 'sdk' && scopeArg !== 'client') {
  console.error(`scope must be "admin", "sdk" or "client", got "${scopeArg}". Usage: npm run key -- admin "my laptop"`);
  process.exit(2);
}
const scope: KeyScope = scopeArg;
const name = nameParts.join(' ') || `${scope} key (cli)`;
const created = await createApiKey(sqliteData(openDatabase()), { name, scope }, { actor: 'cli:key', nowMs: Date.now() });
console.log(`created ${scope} key #${created.id} "${name}" in ${defaultDatabasePath()}; shown only now:`);
console.log(created.key);
