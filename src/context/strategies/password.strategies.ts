import { Strategy as CustomStrategy } from 'passport-custom';
import { User } from '../../db/entities';
import { parseEmail } from '../../features/account/email';
import { signInRequestFrom } from '../../sign-in/sign-in-request';
import type { Services } from '../../services';
import { authenticated, loadedUser } from '../context';
import { readAuthorization } from './credential-sources';
import { requestEm, settle } from './strategy-support';

type Strategy = InstanceType<typeof CustomStrategy>;

/**
 * `Authorization: Basic` (RFC 7617), when AUTH_BASIC_ENABLED: the sign-in pipeline's checks and
 * gates (those of `login`: one argon2 verification whatever the account, identical failures, the
 * verification gate) on every request.
 */
export function createBasicStrategy(services: Services): Strategy {
  return new CustomStrategy((req, done) => {
    const verify = async () => {
      const decoded = Buffer.from(readAuthorization(req)?.value ?? '', 'base64').toString('utf8');
      const colon = decoded.indexOf(':');
      if (colon < 0) return null;
      const credentials = { email: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
      const request = signInRequestFrom(req, null, requestEm(req)(), { kind: 'anonymous' }, services.config);
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
    const verify = async () => {
      const header = req.headers[services.config.proxyAuth.header!];
      if (typeof header !== 'string') return null;
      let email: string;
      try {
        email = parseEmail(header);
      } catch {
        return null;
      }
      const user = await requestEm(req)().findOne(User, { email });
      return user?.isActive ? authenticated(loadedUser(user), 'PROXY') : null;
    };
    settle(done, verify());
  });
}

