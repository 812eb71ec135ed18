/** A tiny client for the real HTTP API: JSON in and out, errors thrown with the server's message. */
export type ApiClient = <T>(method: string, path: string, body?: unknown) => Promise<T>;

export function apiClient(baseUrl: string, apiKey: string): ApiClient {
  return async <T>(method: string, path: string, body?: unknown): Promise<T> => {
    const res = await fetch(`${baseUrl.replace(/\/$/, '')}${path}`, {
      method,
      headers: { authorization: `Bearer ${apiKey}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) })
    });
    const text = await res.text();
    const json = text ? JSON.parse(text) : {};
    if (!res.ok) throw new Error(`${method} ${path} -> ${res.status}: ${json?.error?.message ?? text}`);
    return json as T;
  };
}
