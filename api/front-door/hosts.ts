/**
 * Which `Host` headers the server answers (DNS rebinding): a page on `evil.example` that
 * rebinds its name to 127.0.0.1 sends `Host: evil.example`, so a server that answers any Host
 * lets that page drive the UI and read every page. Accepted by default: loopback names and
 * IP literals (a rebinding attack always comes with the attacker's own name, never an IP),
 * plus ORIGIN's host and every name in ALLOWED_HOSTS. Anything else gets 421 before the UI or
 * the API sees it.
 */
import { isIP } from 'node:net';

export type HostPolicy = { names: ReadonlySet<string>; any: boolean };

/**
 * The policy for a configuration: `ALLOWED_HOSTS` is a comma-separated list of host names
 * (ports ignored); `*` turns the check off (behind a proxy that checks Host itself).
 * @example hostPolicy({ origin: 'https://exp.example.com', allowedHosts: ['exp-internal'] }).names // {'localhost', 'exp.example.com', 'exp-internal'}
 */
export function hostPolicy(settings: { origin: string | null; allowedHosts: readonly string[] }): HostPolicy {
  const names = new Set(['localhost']);
  if (settings.origin) names.add(new URL(settings.origin).hostname.toLowerCase());
  for (const name of settings.allowedHosts) names.add(hostnameOf(name));
  return { names, any: settings.allowedHosts.includes('*') };
}

/** `Example.COM:3000` -> `example.com`; `[::1]:3000` -> `::1`. */
export function hostnameOf(host: string): string {
  const h = host.trim().toLowerCase();
  if (h.startsWith('[')) return h.slice(1, h.indexOf(']') > 0 ? h.indexOf(']') : undefined);
  const colon = h.lastIndexOf(':');
  return (colon > 0 && h.indexOf(':') === colon ? h.slice(0, colon) : h).replace(/\.$/, '');
}

/**
 * Whether a request's Host header may be answered.
 * @example hostAllowed('127.0.0.1:3000', policy) // true
 * @example hostAllowed('evil.example:3000', policy) // false
 */
export function hostAllowed(host: string | undefined, policy: HostPolicy): boolean {
  if (policy.any) return true;
  if (!host) return false;
  // Every request asks, with one of a few Host values: the verdict is kept per value (bounded,
  // so a client inventing names only churns it). A policy never changes once made.
  let known = verdicts.get(policy);
  if (!known) verdicts.set(policy, (known = new Map()));
  let allowed = known.get(host);
  if (allowed === undefined) {
    const name = hostnameOf(host);
    allowed = policy.names.has(name) || isIP(name) !== 0 || name.endsWith('.localhost');
    if (known.size >= 1_000) known.clear();
    known.set(host, allowed);
  }
  return allowed;
}
const verdicts = new WeakMap<HostPolicy, Map<string, boolean>>();
