import type { EntityManager } from '@mikro-orm/postgresql';
import type { Request, Response } from 'express';
import type { Config } from '../config';
import type { Caller, Context } from '../context/context';
import { readDeviceToken, setDeviceCookie, setSessionCookie } from '../context/session-cookie';
import { DEVICE_TOKEN_LIFETIME_SECONDS } from '../features/lockout/device-token';
import { clientAddressKey } from '../features/rate-limits/client-address';
import type { SessionOrigin } from '../features/sessions/session.service';
import { localeOf } from '../mail/locale';

/**
 * What the sign-in pipeline needs of a request, whichever entry point it came through (a GraphQL
 * mutation, the browser redirect flow, an Authorization: Basic header): who is calling already,
 * where from, and how to hand a session cookie back.
 */
export interface SignInRequest {
  em: EntityManager;
  /** The credential the request arrived with; a sign-in ends its session (no fixation). */
  caller: Caller;
  /** The client address as rate limits key it (trusted proxies resolved, IPv6 by /64). */
  clientKey: string;
  /** Recorded on the session and in the audit trail. */
  origin: SessionOrigin;
  locale: string;
  /** The device token the client presented (cookie or header), not yet verified. */
  deviceToken: string | null;
  setSessionCookie(token: string, expires: Date): void;
  setDeviceCookie(token: string): void;
}

/** The sign-in request of a GraphQL or redirect-flow context. */
export function signInRequestOf(ctx: Context): SignInRequest {
  return signInRequestFrom(ctx.req, ctx.res, ctx.em, ctx.caller, ctx.services.config);
}

/**
 * The sign-in request of an HTTP request. Without a response (Authorization: Basic, checked on
 * every request and never signing a session in) nothing is handed back.
 */
export function signInRequestFrom(req: Request, res: Response | null, em: EntityManager, caller: Caller, config: Config): SignInRequest {
  return {
    em,
    caller,
    clientKey: clientAddressKey(req),
    origin: { ipAddress: req.ip ?? null, userAgent: req.get('user-agent') ?? null },
    locale: localeOf(req),
    deviceToken: readDeviceToken(config, req),
    setSessionCookie: (token, expires) => res && setSessionCookie(config, req, res, token, expires),
    setDeviceCookie: (token) => res && setDeviceCookie(config, req, res, token, DEVICE_TOKEN_LIFETIME_SECONDS),
  };
}
