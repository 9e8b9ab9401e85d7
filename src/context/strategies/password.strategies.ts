import { Strategy as CustomStrategy } from 'passport-custom';
import { User } from '../../db/entities';
import { parseEmail } from '../../features/account/email';
import { signInRequestFrom } from '../../sign-in/sign-in-request';
import type { Services } from '../../services';
import { authenticated, loadedUser } from '../context';
import { NO_EFFECTS } from '../request-info';
import { readAuthorization } from './credential-sources';
import { settle, strategyRequest } from './strategy-support';

type Strategy = InstanceType<typeof CustomStrategy>;

/**
 * `Authorization: Basic` (RFC 7617), when AUTH_BASIC_ENABLED: the sign-in pipeline's checks and
 * gates (those of `login`: one argon2 verification whatever the account, identical failures, the
 * verification gate) on every request.
 */
export function createBasicStrategy(services: Services): Strategy {
  return new CustomStrategy((req, done) => {
    const { info, em } = strategyRequest(req);
    const verify = async () => {
      const decoded = Buffer.from(readAuthorization(info)?.value ?? '', 'base64').toString('utf8');
      const colon = decoded.indexOf(':');
      if (colon < 0) return null;
      const credentials = { email: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
      // Checked on every request and never starting a session: nothing to hand back.
      const request = signInRequestFrom(info, NO_EFFECTS, em(), { kind: 'anonymous' }, services.config);
      const user = await services.signIn.basic(request, credentials);
      return user && authenticated(loadedUser(user), 'BASIC');
    };
    settle(done, verify());
  });
}

/**
 * DRF's RemoteUser: a proxy in front of Gatehouse authenticated the user and names them (by email)
 * in the configured header. Only requests arriving from a configured proxy address reach this
 * strategy; the user must exist and be active.
 */
export function createTrustedProxyStrategy(services: Services): Strategy {
  return new CustomStrategy((req, done) => {
    const { info, em } = strategyRequest(req);
    const verify = async () => {
      const header = info.header(services.config.proxyAuth.header!);
      if (typeof header !== 'string') return null;
      let email: string;
      try {
        email = parseEmail(header);
      } catch {
        return null;
      }
      const user = await em().findOne(User, { email });
      return user?.isActive ? authenticated(loadedUser(user), 'PROXY') : null;
    };
    settle(done, verify());
  });
}

