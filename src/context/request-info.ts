/**
 * The boundary between HTTP and everything else. The HTTP adapter (src/http/) describes each
 * request as a RequestInfo and applies ResponseEffects to its response; the context, the sign-in
 * pipeline and the features see only these two, never the HTTP framework, so the server can
 * change underneath them and a WebSocket can carry the same credentials.
 */
export interface RequestInfo {
  readonly method: string;
  /** The path, without the query string (which may carry tokens). */
  readonly path: string;
  /** A header's value by lower-case name; a repeated header as the HTTP layer joins it. */
  header(name: string): string | undefined;
  /** A cookie's value as sent (unsigned cookies). */
  cookie(name: string): string | undefined;
  /**
   * A signed cookie's value when its signature checks out under any key of SECRET_KEY and its
   * fallbacks; false when it was sent with a bad or no signature; undefined when it was not sent.
   */
  signedCookie(name: string): string | false | undefined;
  /** A query parameter (its first value). */
  query(name: string): string | undefined;
  /** The client's address, TRUST_PROXY hops resolved (X-Forwarded-For only from them). */
  readonly clientAddress: string | null;
  /** The TCP peer's own address (a proxy's, when there is one). */
  readonly peerAddress: string | null;
  /** Whether the request came over https (X-Forwarded-Proto only from TRUST_PROXY hops). */
  readonly secure: boolean;
  /**
   * A check the server makes on its own (a long-lived socket's credential, re-checked every
   * second), not the user's activity: it must not extend a session's idle lifetime.
   */
  readonly passive?: boolean;
}

export interface CookieSpec {
  httpOnly: boolean;
  sameSite: 'lax' | 'strict' | 'none';
  path: string;
  /** Shared with the subdomains of this host (SESSION_COOKIE_DOMAIN); absent: this host only. */
  domain?: string;
  secure: boolean;
  /** HMAC-signed with SECRET_KEY (the adapter signs; RequestInfo.signedCookie verifies). */
  signed?: boolean;
  expires?: Date;
  maxAgeSeconds?: number;
}

/**
 * What the core asks of the response. One Set-Cookie per name and response: a later decision
 * (a sign-in) replaces an earlier one (a clear) for the same cookie.
 */
export interface ResponseEffects {
  setCookie(name: string, value: string, spec: CookieSpec): void;
  clearCookie(name: string, spec: CookieSpec): void;
}

/**
 * The same request with other credentials: `authorization` (when given) stands in for its
 * Authorization header, and its cookies count only when `cookies` is true. For a socket's
 * payload token and origin rule, and for an app route's CSRF rule.
 */
export function withCredentials(request: RequestInfo, credentials: { authorization?: string; cookies: boolean }): RequestInfo {
  const { authorization, cookies } = credentials;
  return {
    method: request.method,
    path: request.path,
    query: (name) => request.query(name),
    clientAddress: request.clientAddress,
    peerAddress: request.peerAddress,
    secure: request.secure,
    passive: request.passive,
    header: (name) => (name === 'authorization' && authorization !== undefined ? authorization : request.header(name)),
    cookie: (name) => (cookies ? request.cookie(name) : undefined),
    signedCookie: (name) => (cookies ? request.signedCookie(name) : undefined),
  };
}

/** For requests that can hand nothing back (a credential checked on every request). */
export const NO_EFFECTS: ResponseEffects = Object.freeze({ setCookie: () => {}, clearCookie: () => {} });
