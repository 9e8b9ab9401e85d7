import { Strategy as CustomStrategy } from 'passport-custom';
import { CredentialKind } from '../../db/entities';
import type { Services } from '../../services';
import { authenticated } from '../context';
import { clearSessionCookie, readSessionCookie } from '../session-cookie';
import { requestEm, settle } from './strategy-support';

/**
 * The signed session cookie. A stale or forged cookie fails (the request then fails closed) and
 * the response clears it, so the browser's next request is simply anonymous.
 */
export function createSessionCookieStrategy(services: Services): InstanceType<typeof CustomStrategy> {
  return new CustomStrategy((req, done) => {
    const reading = readSessionCookie(services.config, req);
    const reject = () => {
      if (req.res) clearSessionCookie(services.config, req, req.res);
      return null;
    };
    if (reading.state !== 'present') return settle(done, Promise.resolve(reject()));
    const caller = services.sessions
      .findLiveSession(requestEm(req), reading.token, CredentialKind.COOKIE)
      .then((live) => (live ? authenticated(live.user, 'COOKIE', { sessionId: live.sessionId }) : reject()));
    settle(done, caller);
  });
}
