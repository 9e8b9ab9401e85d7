import type { EntityManager } from '@mikro-orm/postgresql';
import type { Clock } from '../../clock';
import type { Config } from '../../config';
import type { AuthenticatedCaller } from '../../context/context';
import type { PasswordHasher } from '../../crypto/password';
import { Session } from '../../db/entities';
import { AuthError, ErrorCode } from '../../errors';
import { assertPasswordNotOversized } from '../account/password-policy';
import type { PasswordAttempts } from '../lockout/password-attempts';

/**
 * Step-up checks before sensitive changes (ASVS 7.5.1): the caller signed in recently, or proves
 * the password now. `reauthenticate` refreshes the proof for the caller's session.
 */
export class ReauthenticationService {
  constructor(
    private readonly config: Pick<Config, 'reauthWindowSeconds'>,
    private readonly clock: Clock,
    private readonly passwords: PasswordHasher,
    private readonly attempts: PasswordAttempts,
  ) {}

  /** Checks the caller's password and records the proof on their session, if they have one. */
  async reauthenticate(em: EntityManager, caller: AuthenticatedCaller, password: string): Promise<void> {
    await this.verifyPassword(caller, password);
    if (caller.sessionId) await em.nativeUpdate(Session, { id: caller.sessionId }, { authenticatedAt: this.clock.now() });
  }

  /** Passes when `password` is right, or the caller's session proved itself within the window; else REAUTH_REQUIRED. */
  async requireRecent(em: EntityManager, caller: AuthenticatedCaller, password?: string | null): Promise<void> {
    if (password !== undefined && password !== null) return this.verifyPassword(caller, password);
    if (caller.method === 'BASIC') return; // the password came with this very request
    const session = caller.sessionId ? await em.findOne(Session, { id: caller.sessionId }) : null;
    const age = session ? this.clock.now().getTime() - session.authenticatedAt.getTime() : Infinity;
    if (age > this.config.reauthWindowSeconds * 1000) throw new AuthError(ErrorCode.REAUTH_REQUIRED);
  }

  /** Checks the signed-in user's password; a wrong one counts toward the account's lockout (SEC-06). */
  async verifyPassword(caller: AuthenticatedCaller, password: string, field = 'password'): Promise<void> {
    assertPasswordNotOversized(password, field);
    const { user } = caller;
    const ok = await this.attempts.check({ kind: 'account', email: user.email }, () => this.passwords.verifyOrDummy(user.passwordHash, password));
    if (!ok) throw new AuthError(ErrorCode.INVALID_CREDENTIALS, { field, message: 'The password is not correct.' });
  }
}
