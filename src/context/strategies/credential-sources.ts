import proxyAddr from 'proxy-addr';
import type { Config } from '../../config';
import { API_TOKEN_PREFIX } from '../../features/api-tokens/api-token.service';
import { SESSION_TOKEN_PREFIX } from '../../features/sessions/session.service';
import type { RequestInfo } from '../request-info';
import { readSessionCookie } from '../session-cookie';

/** Passport strategy names, one per credential kind. */
export const STRATEGY = {
  SESSION_TOKEN: 'session-token',
  API_TOKEN: 'api-token',
  JWT: 'jwt',
  BASIC: 'basic',
  PROXY: 'trusted-proxy',
  COOKIE: 'session-cookie',
} as const;
export type StrategyName = (typeof STRATEGY)[keyof typeof STRATEGY];

export interface AuthorizationHeader {
  scheme: string;
  value: string;
}

/** `Authorization: <scheme> <value>`, scheme lower-cased; undefined when the header is absent. */
export function readAuthorization(request: RequestInfo): AuthorizationHeader | undefined {
  const header = request.header('authorization');
  if (header === undefined) return undefined;
  const space = header.indexOf(' ');
  if (space < 0) return { scheme: header.toLowerCase(), value: '' };
  return { scheme: header.slice(0, space).toLowerCase(), value: header.slice(space + 1).trim() };
}

const JWT_SHAPE = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$/;

/**
 * Which credential the request carries, in the one documented precedence order:
 *   1. the Authorization header, whatever else is sent (Bearer/Token session token, API token or
 *      JWT; Basic when enabled). A header we cannot use is a failed credential, not an absent one.
 *   2. the trusted-proxy identity header, only from a configured proxy address;
 *   3. the session cookie.
 * Only that one credential is checked: if it fails, the request fails (no fallback to the next).
 * `null` means no credential at all (anonymous); `'unusable'` a present credential of no known kind.
 */
export function createCredentialSelector(config: Config) {
  const trustedProxy = config.proxyAuth.header ? proxyAddr.compile([...config.proxyAuth.trustedFrom]) : undefined;

  return (request: RequestInfo): StrategyName | 'unusable' | null => {
    const authorization = readAuthorization(request);
    if (authorization) return fromAuthorization(config, authorization);
    const proxyHeader = config.proxyAuth.header;
    if (proxyHeader && trustedProxy && request.header(proxyHeader) !== undefined) {
      // From anyone else the header is just a header: a client cannot assert its own identity.
      if (trustedProxy(request.peerAddress ?? '', 0)) return STRATEGY.PROXY;
    }
    if (readSessionCookie(config, request).state !== 'absent') return STRATEGY.COOKIE;
    return null;
  };
}

function fromAuthorization(config: Config, { scheme, value }: AuthorizationHeader): StrategyName | 'unusable' {
  if (scheme === 'bearer' || scheme === 'token') {
    if (value.startsWith(SESSION_TOKEN_PREFIX)) return STRATEGY.SESSION_TOKEN;
    if (value.startsWith(API_TOKEN_PREFIX)) return STRATEGY.API_TOKEN;
    if (scheme === 'bearer' && JWT_SHAPE.test(value)) return STRATEGY.JWT;
    return 'unusable';
  }
  if (scheme === 'basic' && config.basicAuth.enabled) return STRATEGY.BASIC;
  return 'unusable';
}
