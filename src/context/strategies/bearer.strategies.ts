import { Strategy as CustomStrategy } from 'passport-custom';
import { InvalidAccessToken } from '../../crypto/jwt';
import { CredentialKind } from '../../db/entities';
import type { Services } from '../../services';
import { authenticated } from '../context';
import { readAuthorization } from './credential-sources';
import { settle, strategyRequest } from './strategy-support';

type Strategy = InstanceType<typeof CustomStrategy>;
const bearerValue = (req: unknown) => readAuthorization(strategyRequest(req).info)?.value ?? '';

/** `Authorization: Bearer|Token gths_…`: the opaque token of a SESSION_TOKEN session. */
export function createSessionTokenStrategy(services: Services): Strategy {
  return new CustomStrategy((req, done) => {
    const caller = services.sessions
      .findLiveSession(strategyRequest(req).em, bearerValue(req), CredentialKind.SESSION_TOKEN, { activity: !strategyRequest(req).info.passive })
      .then((live) => (live ? authenticated(live.user, 'SESSION_TOKEN', { sessionId: live.sessionId }) : null));
    settle(done, caller);
  });
}

/** `Authorization: Bearer|Token gthp_…`: a personal API token (never read from the URL). */
export function createApiTokenStrategy(services: Services): Strategy {
  return new CustomStrategy((req, done) => {
    const caller = services.apiTokens
      .findLive(strategyRequest(req).em, bearerValue(req))
      .then((live) => (live ? authenticated(live.user, 'API_TOKEN', { apiToken: live.apiToken }) : null));
    settle(done, caller);
  });
}

/**
 * `Authorization: Bearer <JWT>`: the signature, algorithm, issuer, audience, type and lifetime
 * are checked locally, the session binding once per token; revocation against the in-memory set
 * of revoked sessions (the database only while that set is not current). The user comes from
 * the caller cache (the database on a miss), so the same user-state checks apply as on every
 * other path.
 */
export function createJwtStrategy(services: Services): Strategy {
  return new CustomStrategy((req, done) => {
    const em = strategyRequest(req).em;
    const verify = async () => {
      const token = bearerValue(req);
      let verified;
      try {
        verified = services.accessTokens.verify(token, services.clock.now());
      } catch (error) {
        if (error instanceof InvalidAccessToken) return null;
        throw error;
      }
      const { claims } = verified;
      if (!verified.remembered) {
        // First sight of this token: its `sid` must be a live session of its `sub`. A token we
        // signed always is; one forged with a leaked key need not be. Checked once per token.
        if (!(await services.sessions.isLiveSessionOf(em(), claims.sid, claims.sub))) return null;
        services.accessTokens.remember(token, claims);
      }
      const revoked = services.revokedSessions.isCurrent
        ? services.revokedSessions.has(claims.sid)
        : !(await services.sessions.isLiveSessionOf(em(), claims.sid, claims.sub));
      if (revoked) return null;
      const user = await services.users.load(em, claims.sub);
      return user?.view.isActive ? authenticated(user, 'JWT', { sessionId: claims.sid }) : null;
    };
    settle(done, verify());
  });
}
