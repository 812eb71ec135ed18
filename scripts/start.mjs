#!/usr/bin/env node
// `npm start`: builds the SvelteKit UI when the build is missing or older than its sources,
// then runs the one server process (api/server.ts) in this process through tsx.
import { existsSync, statSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';

const root = new URL('..', import.meta.url).pathname;
process.chdir(root);

const sources = ['web', 'calendar', 'db', 'stats', 'svelte.config.js', 'vite.config.ts', 'package-lock.json'];

function newestMtime(path) {
  if (!existsSync(path)) return 0;
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  let newest = stat.mtimeMs;
  for (const entry of readdirSync(path)) {
    if (entry === 'node_modules' || entry.startsWith('.')) continue;
    newest = Math.max(newest, newestMtime(join(path, entry)));
  }
  return newest;
}

const builtAt = existsSync('build/handler.js') ? statSync('build/handler.js').mtimeMs : 0;
const sourcesAt = Math.max(...sources.map(newestMtime));
if (builtAt < sourcesAt) {
  console.log(builtAt ? 'UI build is stale: rebuilding (vite build)...' : 'No UI build yet: building (vite build)...');
  const result = spawnSync(process.execPath, ['node_modules/vite/bin/vite.js', 'build', '--logLevel', 'warn'], { stdio: 'inherit' });
  if (result.status !== 0) {
    console.error('vite build failed; fix the error above and run npm start again.');
    process.exit(result.status ?? 1);
  }
}

const { register } = await import('tsx/esm/api');
register();
const { startServer } = await import('../api/server.ts');
try {
  await startServer();
} catch (err) {
  // Bad configuration, an unusable database path, a port in use: one clear line, no stack trace.
  console.error(`failed to start: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
}
