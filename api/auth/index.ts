export { authenticate, requiredAccess, scopeAllows, presentedKey, principalOf, actorOf, type Access } from './middleware.ts';
export {
  createApiKey, listApiKeys, revokeApiKey, verifyApiKey, ensureAdminKey, hashApiKey, generateApiKey, onKeyRevoked,
  type KeyScope, type Principal, type ApiKeyInfo
} from './keys.ts';
export { keyRoutes } from './routes.ts';
