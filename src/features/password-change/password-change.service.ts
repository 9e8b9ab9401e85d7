import type { EntityManager } from '@mikro-orm/postgresql';
import type { AuthenticatedCaller } from '../../context/context';
import type { PasswordHasher } from '../../crypto/password';
import { EmailTokenPurpose } from '../../db/entities';
import type { Mailer } from '../../mail/mailer';
import { assertPasswordAcceptable } from '../account/password-policy';
import type { PasswordScreening } from '../account/password-screening';
import type { EmailTokenService } from '../account-emails/email-token.service';
import type { ReauthenticationService } from '../reauthentication/reauthentication.service';
import type { SessionService } from '../sessions/session.service';

export interface PasswordChange {
  currentPassword: string;
  newPassword: string;
}

/** Changing a known password (ASVS 6.2.3; SEC-06, SEC-07). */
export class PasswordChangeService {
  constructor(
    private readonly reauthentication: ReauthenticationService,
    private readonly passwords: PasswordHasher,
    private readonly screening: PasswordScreening,
    private readonly tokens: EmailTokenService,
    private readonly sessions: SessionService,
    private readonly mailer: Mailer,
  ) {}

  /**
   * Needs the current password; ends every other session and refresh family (the caller's own
   * stays), voids pending reset links, and mails a notice.
   */
  async changePassword(em: EntityManager, caller: AuthenticatedCaller, input: PasswordChange, locale: string): Promise<void> {
    const { user } = caller;
    assertPasswordAcceptable(input.newPassword, 'newPassword');
    await this.screening.assertNotWeak(input.newPassword, { email: user.email }, 'newPassword');
    await this.reauthentication.verifyPassword(caller, input.currentPassword, 'currentPassword');
    user.passwordHash = await this.passwords.hash(input.newPassword);
    await em.flush();
    await this.sessions.revokeOtherSessions(em, user.id, caller.sessionId, 'password_changed');
    await this.tokens.invalidate(em, user.id, [EmailTokenPurpose.RESET_PASSWORD]);
    this.mailer.passwordChanged({ email: user.email, locale });
  }
}
