import adapter from '@sveltejs/adapter-node';
import { vitePreprocess } from '@sveltejs/vite-plugin-svelte';

/** @type {import('@sveltejs/kit').Config} */
export default {
  preprocess: vitePreprocess(),
  kit: {
    adapter: adapter({ out: 'build' }),
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
