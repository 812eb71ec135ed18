export { uiBasicAuth, isLoopbackHost } from './basic-auth.ts';
