import type { EntityManager } from '@mikro-orm/postgresql';
import type { Clock } from '../../clock';
import type { Config } from '../../config';
import type { AuthenticatedCaller } from '../../context/context';
import type { PasswordHasher } from '../../crypto/password';
import { Session } from '../../db/entities';
import { AuthError, ErrorCode } from '../../errors';
import { assertPasswordNotOversized } from '../account/password-policy';
import type { PasswordAttempts } from '../lockout/password-attempts';
import type { SecondFactorMethod, SecondFactorProof, SecondFactorService } from '../mfa/second-factors.service';

/** What `reauthenticate` takes: the password, or a second factor. */
export interface ReauthenticationProof extends SecondFactorProof {
  password?: string | null;
}

/**
 * Step-up checks before sensitive changes (ASVS 7.5.1): the caller signed in recently, or proves
 * the password now. For a user with a second factor that is not enough (SEC-63): the session must
 * have proved a second factor within the window (aal2), at sign-in or by `reauthenticate` with a
 * code. `reauthenticate` refreshes the proof for the caller's session.
 */
export class ReauthenticationService {
  constructor(
    private readonly config: Pick<Config, 'reauthWindowSeconds'>,
    private readonly clock: Clock,
    private readonly passwords: PasswordHasher,
    private readonly attempts: PasswordAttempts,
    private readonly secondFactors: SecondFactorService,
  ) {}

  /** Checks the password or a second factor, and records the proof on the caller's session. */
  async reauthenticate(em: EntityManager, caller: AuthenticatedCaller, proof: ReauthenticationProof, locale: string): Promise<void> {
    const hasPassword = typeof proof.password === 'string';
    if (hasPassword === Boolean(proof.totpCode || proof.recoveryCode || proof.webauthnResponse)) {
      throw new AuthError(ErrorCode.BAD_USER_INPUT, { field: 'password', message: 'Send your password, or a code from your authenticator app, a recovery code or a passkey response.' });
    }
    if (hasPassword) {
      await this.verifyPassword(caller, proof.password!);
      if (caller.sessionId) await em.nativeUpdate(Session, { id: caller.sessionId }, { authenticatedAt: this.clock.now() });
      return;
    }
    const method = await this.secondFactors.prove(em, caller.user, proof, locale);
    if (!method) {
      const field = proof.totpCode ? 'totpCode' : proof.recoveryCode ? 'recoveryCode' : 'webauthnResponse';
      throw new AuthError(ErrorCode.INVALID_CREDENTIALS, { field, message: field === 'webauthnResponse' ? 'This passkey could not be verified.' : 'The code is not correct.' });
    }
    if (caller.sessionId) await this.recordSecondFactor(em, caller.sessionId, method);
  }

  /** Marks the session as having proved `method` now (aal2 from here). */
  async recordSecondFactor(em: EntityManager, sessionId: string, method: SecondFactorMethod): Promise<void> {
    const now = this.clock.now();
    await em.execute('update sessions set authenticated_at = ?, second_factor_at = ?, amr = array(select distinct unnest(amr || ?::text[])) where id = ?', [now, now, `{${method}}`, sessionId]);
  }

  /**
   * Passes when the caller's session proved itself within the window, or `password` is right;
   * else REAUTH_REQUIRED. For a user with a second factor, only a second factor proved within the
   * window passes (the password, given or not, is then checked but not enough).
   */
  async requireRecent(em: EntityManager, caller: AuthenticatedCaller, password?: string | null, field = 'password'): Promise<void> {
    const given = password !== undefined && password !== null;
    if (given) await this.verifyPassword(caller, password, field);
    if (await this.secondFactors.hasSecondFactor(em, caller.userView.id)) {
      const session = caller.sessionId ? await em.findOne(Session, { id: caller.sessionId }) : null;
      if (!this.within(session?.secondFactorAt ?? null)) {
        throw new AuthError(ErrorCode.REAUTH_REQUIRED, { message: 'Confirm with a code from your authenticator app (reauthenticate) to continue.' });
      }
      return;
    }
    if (given || caller.method === 'BASIC') return; // the password came with this very request
    const session = caller.sessionId ? await em.findOne(Session, { id: caller.sessionId }) : null;
    if (!this.within(session?.authenticatedAt ?? null)) throw new AuthError(ErrorCode.REAUTH_REQUIRED);
  }

  /** Checks the signed-in user's password; a wrong one counts toward the account's lockout (SEC-06). */
  async verifyPassword(caller: AuthenticatedCaller, password: string, field = 'password'): Promise<void> {
    assertPasswordNotOversized(password, field);
    const { user } = caller;
    const ok = await this.attempts.check({ kind: 'account', email: user.email }, () => this.passwords.verifyOrDummy(user.passwordHash, password));
    if (!ok) throw new AuthError(ErrorCode.INVALID_CREDENTIALS, { field, message: 'The password is not correct.' });
  }

  private within(at: Date | null): boolean {
    return at !== null && this.clock.now().getTime() - at.getTime() <= this.config.reauthWindowSeconds * 1000;
  }
}
