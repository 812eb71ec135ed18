// `node --import tsx --import ./tests/e2e/module-log.mjs ...`: appends one JSON line per module
// resolution ({ specifier, parent, url }) to the file named by MODULE_LOG. one-copy.spec.ts uses
// it to see which files the SvelteKit build's server code really loads.
import { register } from 'node:module';

if (!process.env.MODULE_LOG) throw new Error('module-log.mjs needs MODULE_LOG (the file to append to)');
register('./module-log-hooks.mjs', import.meta.url, { data: { file: process.env.MODULE_LOG } });
