import type { EntityManager } from '@mikro-orm/postgresql';
import type { Request, Response } from 'express';
import type { ApiToken, User } from '../db/entities';
import type { Services } from '../services';

/** How a request proved who it is: one value per passport strategy. */
export type AuthMethod = 'COOKIE' | 'SESSION_TOKEN' | 'JWT' | 'API_TOKEN' | 'BASIC' | 'PROXY';

/** What a request needs of its API token. */
export type CallerApiToken = Pick<ApiToken, 'id' | 'scopes'>;

export interface AuthenticatedCaller {
  kind: 'user';
  user: User;
  method: AuthMethod;
  /** The session behind the credential (cookie, session token, JWT `sid`); null for the others. */
  sessionId: string | null;
  /** The API token, for API-token callers (its scopes limit what the request may do). */
  apiToken: CallerApiToken | null;
}

/**
 * Who is calling. Anonymous (no credential at all) is a normal value. `rejected` means a
 * credential was presented and failed: the request fails closed (UNAUTHENTICATED), except for the
 * few operations that sign in or out, which proceed as if anonymous.
 */
export type Caller = { kind: 'anonymous' } | { kind: 'rejected'; method: AuthMethod | 'UNKNOWN' } | AuthenticatedCaller;

export const ANONYMOUS: Caller = Object.freeze({ kind: 'anonymous' });

/** What every resolver receives: its own EntityManager, the caller, and the services. */
export interface Context {
  em: EntityManager;
  req: Request;
  res: Response;
  caller: Caller;
  services: Services;
}

/** The context of a signed-in caller, as guaranteed by `@Authorized()`. */
export type UserContext = Context & { caller: AuthenticatedCaller };

/** Builds the caller record a strategy yields on success. */
export function authenticated(
  user: User,
  method: AuthMethod,
  extra: Partial<Pick<AuthenticatedCaller, 'sessionId' | 'apiToken'>> = {},
): AuthenticatedCaller {
  return { kind: 'user', user, method, sessionId: extra.sessionId ?? null, apiToken: extra.apiToken ?? null };
}
