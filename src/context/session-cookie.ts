import type { CookieOptions, Request, Response } from 'express';
import type { Config } from '../config';

/**
 * The session cookie: HttpOnly, SameSite=Lax, Path=/, no Domain, signed with SECRET_KEY. Over
 * https it is Secure and named with the `__Host-` prefix, which browsers only accept from a
 * secure origin with Path=/ and no Domain, so a sibling subdomain cannot plant or shadow it.
 * The HMAC signature lets forged values be dropped without a database read.
 */
export function isSecureRequest(config: Config, req: Request): boolean {
  if (config.cookie.security === 'always') return true;
  if (config.cookie.security === 'never') return false;
  return req.secure; // honours X-Forwarded-Proto only from TRUST_PROXY addresses
}

export function sessionCookieName(config: Config, req: Request): string {
  return isSecureRequest(config, req) ? `__Host-${config.cookie.name}` : config.cookie.name;
}

function cookieOptions(config: Config, req: Request): CookieOptions {
  return { httpOnly: true, sameSite: 'lax', path: '/', secure: isSecureRequest(config, req) };
}

export function setSessionCookie(config: Config, req: Request, res: Response, token: string, expires: Date): void {
  const name = sessionCookieName(config, req);
  dropPendingCookie(res, name);
  res.cookie(name, token, { ...cookieOptions(config, req), signed: true, expires });
}

export function clearSessionCookie(config: Config, req: Request, res: Response): void {
  const name = sessionCookieName(config, req);
  dropPendingCookie(res, name);
  res.clearCookie(name, cookieOptions(config, req));
}

/** Clears the session cookie if the request sent one (sign-out, account deletion). */
export function clearSessionCookieIfSent(config: Config, req: Request, res: Response): void {
  if (readSessionCookie(config, req).state !== 'absent') clearSessionCookie(config, req, res);
}

/** One Set-Cookie per name and response: a later decision (sign-in) replaces an earlier one (clear). */
function dropPendingCookie(res: Response, name: string): void {
  const pending = res.getHeader('Set-Cookie');
  if (pending === undefined) return;
  const kept = [pending].flat().map(String).filter((c) => !c.startsWith(`${name}=`));
  if (kept.length > 0) res.setHeader('Set-Cookie', kept);
  else res.removeHeader('Set-Cookie');
}

export type CookieReading = { state: 'absent' } | { state: 'invalid' } | { state: 'present'; token: string };

/** Reads the session cookie: absent, present with a good signature, or invalid (bad signature, unsigned). */
export function readSessionCookie(config: Config, req: Request): CookieReading {
  const name = sessionCookieName(config, req);
  const signed = (req.signedCookies as Record<string, unknown> | undefined)?.[name];
  if (typeof signed === 'string') return { state: 'present', token: signed };
  if (signed === false || (req.cookies as Record<string, unknown> | undefined)?.[name] !== undefined) {
    return { state: 'invalid' };
  }
  return { state: 'absent' };
}

const DEVICE_COOKIE = 'gatehouse_device';
/** Apps that keep no cookies send the device token in this header instead. */
const DEVICE_HEADER = 'gatehouse-device';

function deviceCookieName(config: Config, req: Request): string {
  return isSecureRequest(config, req) ? `__Host-${DEVICE_COOKIE}` : DEVICE_COOKIE;
}

/** The device token the client presents (cookie, or header for apps), unverified. */
export function readDeviceToken(config: Config, req: Request): string | null {
  const header = req.get(DEVICE_HEADER);
  if (header) return header;
  const cookie = (req.cookies as Record<string, unknown> | undefined)?.[deviceCookieName(config, req)];
  return typeof cookie === 'string' ? cookie : null;
}

/** Remembers the device: HttpOnly like the session cookie, but long-lived and kept across sign-outs. */
export function setDeviceCookie(config: Config, req: Request, res: Response, token: string, maxAgeSeconds: number): void {
  res.cookie(deviceCookieName(config, req), token, { ...cookieOptions(config, req), maxAge: maxAgeSeconds * 1000 });
}
