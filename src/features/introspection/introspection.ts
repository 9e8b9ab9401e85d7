import type { Config } from '../../config';
import type { AuthMethod, Caller } from '../../context/context';
import { ApiTokenScope } from '../../db/entities';
import { AuthError, ErrorCode } from '../../errors';
import { rolesOf } from '../roles/roles';

/**
 * Token introspection (RFC 7662) for services that only need to know who is calling: they send
 * the opaque credential their caller presented (a session token, an API token, or an access
 * JWT) and get back whether it is live now and whose it is. The credential is resolved exactly as
 * a request carrying it would be (same strategies, caches and revocation), but passively: asking
 * about a session never extends its idle lifetime.
 */

/** The client: a live API token with the INTROSPECT scope, else UNAUTHENTICATED or INSUFFICIENT_SCOPE. */
export function assertMayIntrospect(client: Caller): void {
  if (client.kind !== 'user' || client.method !== 'API_TOKEN' || !client.apiToken) throw new AuthError(ErrorCode.UNAUTHENTICATED);
  if (!client.apiToken.scopes.includes(ApiTokenScope.INTROSPECT)) throw new AuthError(ErrorCode.INSUFFICIENT_SCOPE);
}

const TOKEN_TYPES: Partial<Record<AuthMethod, string>> = { SESSION_TOKEN: 'session_token', JWT: 'access_token', API_TOKEN: 'api_token' };

/**
 * The answer about `subject` (the credential's caller): `{ active: false }` and nothing else for
 * anything not live (unknown, expired, revoked, its user inactive, or not a bearer credential),
 * so the answer never says why.
 */
export function introspectionOf(subject: Caller, config: Pick<Config, 'jwt' | 'roles'>): Record<string, unknown> {
  const tokenType = subject.kind === 'user' ? TOKEN_TYPES[subject.method] : undefined;
  if (subject.kind !== 'user' || !tokenType) return { active: false };
  const token = subject.apiToken;
  const scopes = token ? token.scopes.filter((s) => s !== ApiTokenScope.INTROSPECT) : [ApiTokenScope.READ, ApiTokenScope.WRITE];
  return {
    active: true,
    sub: subject.userView.id,
    username: subject.userView.email,
    token_type: tokenType,
    scope: scopes.join(' '),
    iss: config.jwt.issuer,
    ...(subject.sessionId ? { sid: subject.sessionId } : {}),
    ...(token?.expiresAt ? { exp: Math.floor(token.expiresAt.getTime() / 1000) } : {}),
    [config.roles.jwtClaim]: [...rolesOf(subject)],
  };
}
