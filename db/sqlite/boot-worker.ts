import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';

/**
 * The source of a worker thread that runs the TypeScript module `entryUrl`: whatever loaded
 * the caller (tsx, vite, vitest), the thread loads it through tsx's `register()` (a worker's
 * `--import tsx` is not applied on Node 20). Pass it to `new Worker(source, { eval: true })`.
 * @example new Worker(bootWorker(new URL('./report-worker.ts', import.meta.url).href), { eval: true })
 */
export function bootWorker(entryUrl: string): string {
  const tsxDir = createRequire(import.meta.url).resolve('tsx/package.json').replace(/package\.json$/, '');
  const tsxApi = pathToFileURL(`${tsxDir}dist/esm/api/index.mjs`).href;
  return `import(${JSON.stringify(tsxApi)}).then(({ register }) => { register(); return import(${JSON.stringify(entryUrl)}); })`;
}
