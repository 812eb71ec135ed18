import { sveltekit } from '@sveltejs/kit/vite';
import { isAbsolute, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Plugin } from 'vite';
import { defineConfig } from 'vitest/config';
import { apiDevPlugin } from './api/dev-plugin.ts';
import { sharedSuiteFiles } from './tests/shared-suite.ts';

const root = fileURLToPath(new URL('.', import.meta.url));
/** The domain folders the UI's server code shares with the API (package.json `exports` names them). */
const sharedFolders = ['calendar', 'db', 'stats'];

/**
 * `vite build` only: the SvelteKit server bundle keeps calendar/, db/ and stats/ out and imports
 * them as `weekly-experiments/<folder>/<file>.ts` instead. At run time api/server.ts (under tsx)
 * loads `build/handler.js`; Node resolves those specifiers through package.json `exports` to the
 * very files the API already loaded (same URL, so the same module instances: one connection
 * registry, one clock, one report runner), where a bundled copy would hold state of its own.
 * The browser build still bundles what it imports ($calendar/format.ts and friends); `npm run dev`
 * needs none of this, as Vite's one module graph already serves both the API and the UI.
 * The `"module": null` condition in `exports` keeps adapter-node's own bundling pass (rollup's
 * node-resolve matches `module`, Node does not) from pulling the .ts files back in; see
 * svelte.config.js for that pass and for the analysis worker.
 */
function sharedDomainOnServer(): Plugin {
  return {
    name: 'weekly-experiments-shared-domain',
    apply: 'build',
    enforce: 'pre',
    async resolveId(source, importer, options) {
      if (this.environment.config.consumer !== 'server') return null;
      // Only paths and aliases ($calendar/...) can land in the domain folders; packages cannot.
      if (!(source.startsWith('.') || source.startsWith('$') || isAbsolute(source))) return null;
      const resolved = await this.resolve(source, importer, { ...options, skipSelf: true });
      if (!resolved || resolved.external || !isAbsolute(resolved.id)) return null;
      const path = relative(root, resolved.id.split('?')[0]!).split(sep);
      if (path.length < 2 || !sharedFolders.includes(path[0]!)) return null;
      return { id: `weekly-experiments/${path.join('/')}`, external: true };
    }
  };
}

export default defineConfig({
  plugins: [apiDevPlugin(), sharedDomainOnServer(), sveltekit()],
  test: {
    exclude: ['tests/e2e/**', 'node_modules/**'],
    testTimeout: 30_000,
    // Servers spawned in beforeAll (tsx, a migration) can take more than the default 10 s on a loaded 2-core machine.
    hookTimeout: 60_000,
    pool: 'forks',
    // A worker keeps its modules from one test file to the next instead of importing the whole app
    // again per file (import was about half of the suite's time: 248 s -> 58 s for the API route
    // files, measured back to back on the loaded machine). Safe because no test mocks modules and every test builds its own
    // app and database; module-level state (config, caches) is keyed by database or reloaded by the
    // test that changes it. The suite runs shuffled, so a test that leaks state into another fails.
    isolate: false,
    // Vitest's default is one worker per core less one: a single worker on the 2-core CI machine, idle
    // while a test waits on a spawned server, PostgreSQL or an fsync. Two overlap those waits.
    maxWorkers: 2,
    // PostgreSQL for the tests that ask for it (started on first use, one per run): tests/helpers/postgres.ts
    globalSetup: ['tests/postgres/global-setup.ts'],
    // The shared suite, once per engine: "sqlite" runs every test file; "postgres" runs the
    // integration files built on createTestApp() again with TEST_ENGINE=postgres, each app on a
    // copy of one migrated template database (tests/shared-suite.ts lists the SQLite-only ones).
    // One engine alone: `npx vitest run --project sqlite` (or postgres).
    projects: [
      { extends: true, test: { name: 'sqlite', include: ['{api,db,calendar,stats,tests,web,scripts}/**/*.test.ts'] } },
      { extends: true, test: { name: 'postgres', include: sharedSuiteFiles(root), env: { TEST_ENGINE: 'postgres' } } }
    ]
  }
});
