import type { EntityManager } from '@mikro-orm/postgresql';
import type { AuthenticatedCaller } from '../../context/context';
import type { PasswordHasher } from '../../crypto/password';
import { inTransaction } from '../../db/transaction';
import { type Mailer, recipient } from '../../mail/mailer';
import { assertPasswordAcceptable } from '../account/password-policy';
import type { PasswordScreening } from '../account/password-screening';
import { AuthError, ErrorCode } from '../../errors';
import type { ReauthenticationService } from '../reauthentication/reauthentication.service';
import type { SecurityStateService } from '../security-state/security-state.service';

export interface PasswordChange {
  currentPassword?: string | null;
  newPassword: string;
}

/** Changing a known password (ASVS 6.2.3; SEC-06, SEC-07). */
export class PasswordChangeService {
  constructor(
    private readonly reauthentication: ReauthenticationService,
    private readonly passwords: PasswordHasher,
    private readonly screening: PasswordScreening,
    private readonly securityState: SecurityStateService,
    private readonly mailer: Mailer,
  ) {}

  /**
   * Needs the current password. The new hash and what a change ends (every other session and
   * refresh family, every pending mailed token; the caller's own session stays) commit together,
   * then a notice is mailed.
   */
  async changePassword(em: EntityManager, caller: AuthenticatedCaller, input: PasswordChange, locale: string): Promise<void> {
    const { user } = caller;
    assertPasswordAcceptable(input.newPassword, 'newPassword');
    await this.screening.assertNotWeak(input.newPassword, { email: user.email }, 'newPassword');
    // The current password (an account without one sets its first after a recent sign-in); and,
    // when a second factor is on, a second factor within the window (SEC-63).
    if (user.passwordHash && !input.currentPassword) throw new AuthError(ErrorCode.BAD_USER_INPUT, { field: 'currentPassword', message: 'Enter your current password.' });
    await this.reauthentication.requireRecent(em, caller, user.passwordHash ? input.currentPassword : null, 'currentPassword');
    const passwordHash = await this.passwords.hash(input.newPassword); // before the transaction: no connection held meanwhile
    await inTransaction(em, async (tx) => {
      user.passwordHash = passwordHash;
      await tx.flush();
      await this.securityState.changed(tx, user.id, 'PASSWORD_CHANGED', caller.sessionId);
    });
    this.mailer.passwordChanged(recipient(user, locale));
  }
}
