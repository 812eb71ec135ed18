export { hostPolicy, hostAllowed, hostnameOf, type HostPolicy } from './hosts.ts';
export { FailureThrottle, type ThrottleOptions } from './throttle.ts';
export { securityHeaders, apiContentSecurityPolicy } from './headers.ts';
