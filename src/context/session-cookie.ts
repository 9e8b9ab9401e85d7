import type { Config } from '../config';
import type { CookieSpec, RequestInfo, ResponseEffects } from './request-info';

/**
 * The session cookie: HttpOnly, SameSite=Lax (SESSION_COOKIE_SAMESITE), Path=/, no Domain
 * (unless SESSION_COOKIE_DOMAIN), signed with SECRET_KEY. Over https it is Secure and named with
 * the `__Host-` prefix, which browsers only accept from a secure origin with Path=/ and no Domain,
 * so a sibling subdomain cannot plant or shadow it; with a Domain, `__Secure-` (Secure only).
 * The HMAC signature lets forged values be dropped without a database read.
 */
export function isSecureRequest(config: Config, request: RequestInfo): boolean {
  if (config.cookie.security === 'always') return true;
  if (config.cookie.security === 'never') return false;
  return request.secure; // honours X-Forwarded-Proto only from TRUST_PROXY addresses
}

/** A cookie's name as sent: prefixed over https, so browsers enforce Secure (and, without a Domain, this host only). */
export function cookieName(config: Config, request: RequestInfo, name: string): string {
  if (!isSecureRequest(config, request)) return name;
  return config.cookie.domain ? `__Secure-${name}` : `__Host-${name}`;
}

export function sessionCookieName(config: Config, request: RequestInfo): string {
  return cookieName(config, request, config.cookie.name);
}

/** The attributes every cookie of ours has (session, device, redirect flow). */
export function cookieSpec(config: Config, request: RequestInfo): CookieSpec {
  const { sameSite, domain } = config.cookie;
  return { httpOnly: true, sameSite, path: '/', secure: isSecureRequest(config, request), ...(domain ? { domain } : {}) };
}

export function setSessionCookie(config: Config, request: RequestInfo, effects: ResponseEffects, token: string, expires: Date): void {
  effects.setCookie(sessionCookieName(config, request), token, { ...cookieSpec(config, request), signed: true, expires });
}

export function clearSessionCookie(config: Config, request: RequestInfo, effects: ResponseEffects): void {
  effects.clearCookie(sessionCookieName(config, request), cookieSpec(config, request));
}

/** Clears the session cookie if the request sent one (sign-out, account deletion). */
export function clearSessionCookieIfSent(config: Config, request: RequestInfo, effects: ResponseEffects): void {
  if (readSessionCookie(config, request).state !== 'absent') clearSessionCookie(config, request, effects);
}

export type CookieReading = { state: 'absent' } | { state: 'invalid' } | { state: 'present'; token: string };

/** Reads the session cookie: absent, present with a good signature, or invalid (bad signature, unsigned). */
export function readSessionCookie(config: Config, request: RequestInfo): CookieReading {
  const signed = request.signedCookie(sessionCookieName(config, request));
  if (typeof signed === 'string') return { state: 'present', token: signed };
  if (signed === false) return { state: 'invalid' };
  return { state: 'absent' };
}

const DEVICE_COOKIE = 'gatehouse_device';
/** Apps that keep no cookies send the device token in this header instead. */
const DEVICE_HEADER = 'gatehouse-device';

function deviceCookieName(config: Config, request: RequestInfo): string {
  return cookieName(config, request, DEVICE_COOKIE);
}

/** The device token the client presents (cookie, or header for apps), unverified. */
export function readDeviceToken(config: Config, request: RequestInfo): string | null {
  return request.header(DEVICE_HEADER) || (request.cookie(deviceCookieName(config, request)) ?? null);
}

/** Remembers the device: HttpOnly like the session cookie, but long-lived and kept across sign-outs. */
export function setDeviceCookie(config: Config, request: RequestInfo, effects: ResponseEffects, token: string, maxAgeSeconds: number): void {
  effects.setCookie(deviceCookieName(config, request), token, { ...cookieSpec(config, request), maxAgeSeconds });
}
