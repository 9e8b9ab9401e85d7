import type { AuthenticatedCaller, Caller } from '../../context/context';
import { ApiTokenScope } from '../../db/entities';
import { AuthError, ErrorCode } from '../../errors';

/** The role every account holds. */
export const BASE_ROLE = 'user';
/** `@Authorized('scope:WRITE')`: a requirement on the API token's scopes rather than on roles. */
export const SCOPE_PREFIX = 'scope:';

/**
 * The roles a caller acts with now: their user's roles as this request found them (kept current
 * on every instance by NOTIFY), narrowed for an API token to `user` plus the roles it was given.
 */
export function rolesOf(caller: Caller): readonly string[] {
  if (caller.kind !== 'user') return [];
  const held = caller.userView.roles;
  const token = caller.apiToken;
  return token ? held.filter((role) => role === BASE_ROLE || token.roles.includes(role)) : held;
}

/**
 * What `@Authorized(...)` asks of a signed-in caller: every `scope:` requirement (only API tokens
 * are limited by scopes), and at least one of the roles named, if any. FORBIDDEN or
 * INSUFFICIENT_SCOPE otherwise; never a hint of which role was missing.
 */
export function assertAllowed(caller: AuthenticatedCaller, requirements: readonly string[]): void {
  const scopes = requirements.filter((r) => r.startsWith(SCOPE_PREFIX)).map((r) => r.slice(SCOPE_PREFIX.length));
  if (caller.apiToken && !scopes.every((scope) => caller.apiToken!.scopes.includes(scope as ApiTokenScope))) {
    throw new AuthError(ErrorCode.INSUFFICIENT_SCOPE);
  }
  const roles = requirements.filter((r) => !r.startsWith(SCOPE_PREFIX));
  if (roles.length === 0) return;
  const held = rolesOf(caller);
  if (!roles.some((role) => held.includes(role))) throw new AuthError(ErrorCode.FORBIDDEN);
}
