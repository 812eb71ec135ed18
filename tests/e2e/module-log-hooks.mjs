// The resolve hook of module-log.mjs (it runs on Node's hooks thread, so it writes synchronously).
import { appendFileSync } from 'node:fs';

let file = '';

/** @param {{ file: string }} data */
export function initialize(data) {
  file = data.file;
}

/** @type {import('node:module').ResolveHook} */
export async function resolve(specifier, context, nextResolve) {
  const result = await nextResolve(specifier, context);
  appendFileSync(file, `${JSON.stringify({ specifier, parent: context.parentURL ?? null, url: result.url })}\n`);
  return result;
}
