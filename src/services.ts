import type { Clock } from './clock';
import type { Config } from './config';
import { AccessTokenSigner, CLOCK_TOLERANCE_SECONDS } from './crypto/jwt';
import { PasswordHasher } from './crypto/password';
import { ApiTokenService } from './features/api-tokens/api-token.service';
import { ReauthenticationService } from './features/reauthentication/reauthentication.service';
import { RegistrationService } from './features/registration/registration.service';
import { LoginService } from './features/sessions/login.service';
import { RefreshTokenService } from './features/sessions/refresh-token.service';
import { RevokedSessions } from './features/sessions/revoked-sessions';
import { SessionService } from './features/sessions/session.service';
import type { Logger } from './logger';

/** The long-lived service objects, built once per server from the config. */
export interface Services {
  config: Config;
  clock: Clock;
  logger: Logger;
  passwords: PasswordHasher;
  sessions: SessionService;
  login: LoginService;
  registration: RegistrationService;
  accessTokens: AccessTokenSigner;
  refreshTokens: RefreshTokenService;
  revokedSessions: RevokedSessions;
  apiTokens: ApiTokenService;
  reauthentication: ReauthenticationService;
}

export function createServices(config: Config, clock: Clock, logger: Logger, databaseUrl: string): Services {
  const passwords = new PasswordHasher(config.passwordHash);
  const revokedSessions = new RevokedSessions({
    databaseUrl,
    retentionSeconds: config.jwt.accessTokenTtlSeconds + CLOCK_TOLERANCE_SECONDS,
    logger,
  });
  const sessions = new SessionService(config, clock, (ids) => revokedSessions.markRevoked(ids));
  const accessTokens = new AccessTokenSigner(config.jwt);
  return {
    config,
    clock,
    logger,
    passwords,
    sessions,
    login: new LoginService(passwords),
    registration: new RegistrationService(passwords, clock),
    accessTokens,
    refreshTokens: new RefreshTokenService(config, clock, accessTokens, sessions),
    revokedSessions,
    apiTokens: new ApiTokenService(config, clock),
    reauthentication: new ReauthenticationService(config, clock, passwords),
  };
}
