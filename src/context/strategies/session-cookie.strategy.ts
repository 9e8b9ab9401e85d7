import type { EntityManager } from '@mikro-orm/postgresql';
import type { Request } from 'express';
import { Strategy as CustomStrategy } from 'passport-custom';
import { CredentialKind } from '../../db/entities';
import type { Services } from '../../services';
import type { Caller } from '../context';
import { clearSessionCookie, readSessionCookie } from '../session-cookie';

export const SESSION_COOKIE_STRATEGY = 'session-cookie';

/** The per-request EntityManager travels on the request so strategies share it with resolvers. */
export type RequestWithEm = Request & { gatehouseEm?: EntityManager };

/**
 * Resolves the caller from the signed session cookie. A stale or forged cookie is not an error:
 * browsers keep sending cookies after a session ends, and sign-in must still work. It resolves
 * to anonymous and the response clears the cookie.
 */
export function createSessionCookieStrategy(services: Services): InstanceType<typeof CustomStrategy> {
  return new CustomStrategy((req, done) => {
    const request = req as RequestWithEm;
    const reading = readSessionCookie(services.config, request);
    if (reading.state === 'absent') return done(null, false);
    const clear = () => request.res && clearSessionCookie(services.config, request, request.res);
    if (reading.state === 'invalid') {
      clear();
      return done(null, false);
    }
    services.sessions
      .findLiveSession(request.gatehouseEm!, reading.token)
      .then((session) => {
        if (!session) {
          clear();
          return done(null, false);
        }
        const caller: Caller = { kind: 'user', user: session.user, session, credential: CredentialKind.COOKIE };
        return done(null, caller);
      })
      .catch((error: unknown) => done(error));
  });
}
