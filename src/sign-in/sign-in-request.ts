import type { EntityManager } from '@mikro-orm/postgresql';
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
  const { req, res, services } = ctx;
  return {
    em: ctx.em,
    caller: ctx.caller,
    clientKey: clientAddressKey(req),
    origin: { ipAddress: req.ip ?? null, userAgent: req.get('user-agent') ?? null },
    locale: localeOf(req),
    deviceToken: readDeviceToken(services.config, req),
    setSessionCookie: (token, expires) => setSessionCookie(services.config, req, res, token, expires),
    setDeviceCookie: (token) => setDeviceCookie(services.config, req, res, token, DEVICE_TOKEN_LIFETIME_SECONDS),
  };
}
