import { sveltekit } from '@sveltejs/kit/vite';
import { defineConfig } from 'vitest/config';
import { apiDevPlugin } from './api/dev-plugin.ts';

export default defineConfig({
  plugins: [apiDevPlugin(), sveltekit()],
  test: {
    include: ['{api,db,calendar,stats,tests,web,scripts}/**/*.test.ts'],
    exclude: ['tests/e2e/**', 'node_modules/**'],
    testTimeout: 30_000,
    pool: 'forks'
  }
});
