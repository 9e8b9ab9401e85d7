import type { Clock } from './clock';
import type { Config } from './config';
import { PasswordHasher } from './crypto/password';
import { RegistrationService } from './features/registration/registration.service';
import { LoginService } from './features/sessions/login.service';
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
}

export function createServices(config: Config, clock: Clock, logger: Logger): Services {
  const passwords = new PasswordHasher(config.passwordHash);
  return {
    config,
    clock,
    logger,
    passwords,
    sessions: new SessionService(config, clock),
    login: new LoginService(passwords),
    registration: new RegistrationService(passwords, clock),
  };
}
