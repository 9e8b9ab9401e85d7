import type { EntityManager } from '@mikro-orm/postgresql';
import type { Config } from '../config';
import type { Caller, Context } from '../context/context';
import type { RequestInfo, ResponseEffects } from '../context/request-info';
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
  return signInRequestFrom(ctx.request, ctx.effects, ctx.em, ctx.caller, ctx.services.config);
}

/**
 * The sign-in request of a request. Authorization: Basic (checked on every request, never signing
 * a session in) passes NO_EFFECTS: nothing is handed back.
 */
export function signInRequestFrom(request: RequestInfo, effects: ResponseEffects, em: EntityManager, caller: Caller, config: Config): SignInRequest {
  return {
    em,
    caller,
    clientKey: clientAddressKey(request),
    origin: { ipAddress: request.clientAddress, userAgent: request.header('user-agent') ?? null },
    locale: localeOf(request),
    deviceToken: readDeviceToken(config, request),
    setSessionCookie: (token, expires) => setSessionCookie(config, request, effects, token, expires),
    setDeviceCookie: (token) => setDeviceCookie(config, request, effects, token, DEVICE_TOKEN_LIFETIME_SECONDS),
  };
}
