import adapter from '@sveltejs/adapter-node';
import { vitePreprocess } from '@sveltejs/vite-plugin-svelte';
import { isMainThread } from 'node:worker_threads';

// The server build imports calendar/, db/ and stats/ as `weekly-experiments/...ts` rather than
// bundling a copy (see sharedDomainOnServer in vite.config.ts). SvelteKit analyses the built
// routes in a worker thread that loads this file first; Node 20 cannot load .ts there, so that
// worker gets tsx (the server itself runs under tsx already).
if (!isMainThread && process.env.SVELTEKIT_FORK) (await import('tsx/esm/api')).register();

/**
 * adapter-node, which rebundles the server build with rollup: `"module": null` in package.json
 * `exports` leaves the domain imports unresolved for rollup, so it keeps them as they are, and
 * says so twice per file; those notices (and only those) are dropped.
 * @param {import('@sveltejs/adapter-node').AdapterOptions} options
 * @returns {import('@sveltejs/kit').Adapter}
 */
function nodeAdapterSharingTheDomain(options) {
  const inner = adapter(options);
  return {
    ...inner,
    async adapt(builder) {
      const warn = console.warn;
      console.warn = (...args) => {
        if (typeof args[0] === 'string' && args[0].includes('"weekly-experiments/')) return;
        warn.apply(console, args);
      };
      try {
        await inner.adapt(builder);
      } finally {
        console.warn = warn;
      }
    }
  };
}

/** @type {import('@sveltejs/kit').Config} */
export default {
  preprocess: vitePreprocess(),
  kit: {
    adapter: nodeAdapterSharingTheDomain({ out: 'build' }),
    // A strict CSP for every page: SvelteKit hashes its own inline bootstrap script, so no
    // 'unsafe-inline' for scripts; styles allow inline (Svelte's style attributes); never framed.
    csp: {
      mode: 'hash',
      directives: {
        'default-src': ['self'], 'script-src': ['self'], 'style-src': ['self', 'unsafe-inline'], 'img-src': ['self', 'data:'],
        'font-src': ['self'], 'connect-src': ['self'], 'object-src': ['none'], 'base-uri': ['self'], 'form-action': ['self'],
        'frame-ancestors': ['none']
      }
    },
    alias: { $calendar: 'calendar', $db: 'db', $stats: 'stats' },
    files: {
      src: 'web/src',
      routes: 'web/src/routes',
      lib: 'web/src/lib',
      appTemplate: 'web/src/app.html',
      hooks: { server: 'web/src/hooks.server.ts' },
      assets: 'web/static'
    },
    typescript: {
      config: (config) => {
        // The whole repo type-checks under one config: api/, db/, calendar/, stats/, tests/, bench/, scripts/.
        config.include.push(
          '../api/**/*.ts', '../db/**/*.ts', '../calendar/**/*.ts', '../stats/**/*.ts',
          '../tests/**/*.ts', '../bench/**/*.ts', '../scripts/**/*.ts', '../*.ts'
        );
        return config;
      }
    }
  }
};
