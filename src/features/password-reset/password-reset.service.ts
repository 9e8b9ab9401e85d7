import type { EntityManager } from '@mikro-orm/postgresql';
import type { Clock } from '../../clock';
import type { Config } from '../../config';
import type { PasswordHasher } from '../../crypto/password';
import { EmailTokenPurpose, User } from '../../db/entities';
import type { Mailer } from '../../mail/mailer';
import { assertPasswordAcceptable } from '../account/password-policy';
import type { PasswordScreening } from '../account/password-screening';
import type { EmailTokenService } from '../account-emails/email-token.service';
import type { SessionService } from '../sessions/session.service';

/** Forgotten passwords, to the OWASP Forgot Password cheat sheet. */
export class PasswordResetService {
  constructor(
    private readonly config: Pick<Config, 'accountEmails'>,
    private readonly clock: Clock,
    private readonly passwords: PasswordHasher,
    private readonly screening: PasswordScreening,
    private readonly tokens: EmailTokenService,
    private readonly sessions: SessionService,
    private readonly mailer: Mailer,
  ) {}

  /**
   * Mails a reset link to the account with this canonical address, if there is an active one,
   * to the address as stored (never as typed). Earlier reset links stop working.
   */
  async sendResetLink(em: EntityManager, email: string, locale: string): Promise<void> {
    const user = await em.findOne(User, { email });
    if (!user?.isActive) return;
    const { token } = await this.tokens.issue(em, user, EmailTokenPurpose.RESET_PASSWORD, user.email, this.config.accountEmails.resetTokenTtlSeconds);
    this.mailer.passwordReset({ email: user.email, locale }, token);
  }

  /**
   * Sets a new password with a reset token: once (the token is claimed atomically), under the
   * same password rules, without signing in. Every session and refresh family of the user ends,
   * and so does every other pending reset link. Following the link proved the address, so it
   * counts as verified.
   */
  async resetPassword(em: EntityManager, token: string, newPassword: string, locale: string): Promise<void> {
    assertPasswordAcceptable(newPassword, 'newPassword'); // before the token is spent
    await this.screening.assertNotWeak(newPassword, {}, 'newPassword');
    const row = await this.tokens.consume(em, token, EmailTokenPurpose.RESET_PASSWORD);
    const { user } = row;
    user.passwordHash = await this.passwords.hash(newPassword);
    user.emailVerifiedAt ??= this.clock.now();
    await em.flush();
    await this.sessions.revokeAllSessions(em, user.id, 'password_reset');
    await this.tokens.invalidate(em, user.id, [EmailTokenPurpose.RESET_PASSWORD]);
    this.mailer.passwordChanged({ email: user.email, locale });
  }
}
