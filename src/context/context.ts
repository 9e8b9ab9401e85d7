import type { EntityManager } from '@mikro-orm/postgresql';
import type { ApiToken, User } from '../db/entities';
import type { Services } from '../services';
import type { RequestInfo, ResponseEffects } from './request-info';

/** How a request proved who it is: one value per passport strategy. */
export type AuthMethod = 'COOKIE' | 'SESSION_TOKEN' | 'JWT' | 'API_TOKEN' | 'BASIC' | 'PROXY';

/** What a request needs of its API token. */
export type CallerApiToken = Pick<ApiToken, 'id' | 'scopes' | 'roles' | 'expiresAt'>;

/** A caller's user as a strategy found it. */
export interface FoundUser {
  /** Read-only: the cached copy shared by requests, or the row this request loaded. */
  view: User;
  /** The same user in the request's EntityManager (the loaded row itself, or the cached copy merged in). */
  attach(): User;
}

/** A user this request loaded itself: already in its EntityManager. */
export const loadedUser = (user: User): FoundUser => ({ view: user, attach: () => user });

export interface AuthenticatedCaller {
  kind: 'user';
  /** The caller's user in the request's EntityManager, attached on first use: changes to it flush. */
  readonly user: User;
  /**
   * The caller's user as found for this request, read-only: what queries return (`me`). Cheaper
   * than `user`, which merges a cached user into the EntityManager.
   */
  userView: User;
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

/** What every resolver receives: its own EntityManager, the request as the core sees it, the caller, and the services. */
export interface Context {
  em: EntityManager;
  request: RequestInfo;
  /** Cookies to set or clear on the response, applied by the HTTP adapter. */
  effects: ResponseEffects;
  caller: Caller;
  services: Services;
}

/** The context of a signed-in caller, as guaranteed by `@Authorized()`. */
export type UserContext = Context & { caller: AuthenticatedCaller };

/** Builds the caller record a strategy yields on success. */
export function authenticated(
  found: FoundUser,
  method: AuthMethod,
  extra: Partial<Pick<AuthenticatedCaller, 'sessionId' | 'apiToken'>> = {},
): AuthenticatedCaller {
  let attached: User | undefined;
  return {
    kind: 'user',
    method,
    sessionId: extra.sessionId ?? null,
    apiToken: extra.apiToken ?? null,
    userView: found.view,
    get user() {
      return (attached ??= found.attach());
    },
  };
}
