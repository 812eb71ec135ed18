import type { IncomingMessage } from 'node:http';

/** What node:http hands a listener, as far as the fast path reads it (Host 127.0.0.1:3000 unless given). */
export function fakeRequest(method: string, url: string, given: Record<string, string | string[] | undefined>): IncomingMessage {
  const all: Record<string, string | string[] | undefined> = { host: '127.0.0.1:3000', ...given };
  const headers: Record<string, string> = {};
  const headersDistinct: Record<string, string[]> = {};
  for (const [name, value] of Object.entries(all)) {
    if (value === undefined) continue;
    headersDistinct[name] = Array.isArray(value) ? value : [value];
    headers[name] = Array.isArray(value) ? value[0]! : value; // Node keeps the first of a repeated Authorization
  }
  return { method, url, headers, headersDistinct, on: () => undefined } as unknown as IncomingMessage;
}
