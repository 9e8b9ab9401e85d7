import { Strategy as CustomStrategy } from 'passport-custom';
import { CredentialKind } from '../../db/entities';
import type { Services } from '../../services';
import { authenticated } from '../context';
import { clearSessionCookie, readSessionCookie } from '../session-cookie';
import { settle, strategyRequest } from './strategy-support';

/**
 * The signed session cookie. A stale or forged cookie fails (the request then fails closed) and
 * the response clears it, so the browser's next request is simply anonymous.
 */
export function createSessionCookieStrategy(services: Services): InstanceType<typeof CustomStrategy> {
  return new CustomStrategy((req, done) => {
    const { info, effects, em } = strategyRequest(req);
    const reading = readSessionCookie(services.config, info);
    const reject = () => {
      clearSessionCookie(services.config, info, effects);
      return null;
    };
    if (reading.state !== 'present') return settle(done, Promise.resolve(reject()));
    const caller = services.sessions
      .findLiveSession(em, reading.token, CredentialKind.COOKIE, { activity: !info.passive })
      .then((live) => (live ? authenticated(live.user, 'COOKIE', { sessionId: live.sessionId }) : reject()));
    settle(done, caller);
  });
}
