export { createApiKey, listApiKeys, revokeApiKey, onKeyRevoked, announceKeyRevoked, hashApiKey, generateApiKey, type ApiKeyInfo } from './keys.ts';
export { parseKeyForm, browserOriginPattern, type KeyForm, type KeyFormErrors, type KeyInput } from './input.ts';
