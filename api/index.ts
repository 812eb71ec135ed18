export { createApp, type App } from './app.ts';
export type { AppDeps } from './deps.ts';
export { apiListener } from './listener.ts';
