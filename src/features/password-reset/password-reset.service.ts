import type { EntityManager } from '@mikro-orm/postgresql';
import type { Clock } from '../../clock';
import type { Config } from '../../config';
import type { PasswordHasher } from '../../crypto/password';
import { EmailTokenPurpose, User } from '../../db/entities';
import { inTransaction } from '../../db/transaction';
import { type Mailer, recipient } from '../../mail/mailer';
import { assertPasswordAcceptable } from '../account/password-policy';
import type { PasswordScreening } from '../account/password-screening';
import type { EmailTokenService } from '../account-emails/email-token.service';
import type { RateLimitService } from '../rate-limits/rate-limit.service';
import type { SecurityStateService } from '../security-state/security-state.service';

/** Forgotten passwords, to the OWASP Forgot Password cheat sheet. */
export class PasswordResetService {
  constructor(
    private readonly config: Pick<Config, 'accountEmails'>,
    private readonly clock: Clock,
    private readonly passwords: PasswordHasher,
    private readonly screening: PasswordScreening,
    private readonly tokens: EmailTokenService,
    private readonly securityState: SecurityStateService,
    private readonly mailer: Mailer,
    private readonly limits: RateLimitService,
  ) {}

  /**
   * Mails a reset link to the account with this canonical address, if there is an active one,
   * to the address as stored (never as typed), at most RATE_LIMIT_RESET_MAIL_RECIPIENT times a
   * day (anyone can ask; no one may flood a mailbox). Earlier reset links stop working.
   */
  async sendResetLink(em: EntityManager, email: string, locale: string): Promise<void> {
    const user = await em.findOne(User, { email });
    if (!user?.isActive) return;
    if (!(await this.limits.allow('reset_mail_recipient', user.email))) return;
    const { token } = await this.tokens.issue(em, user, EmailTokenPurpose.RESET_PASSWORD, user.email, this.config.accountEmails.resetTokenTtlSeconds);
    this.mailer.passwordReset(recipient(user, locale), token);
  }

  /**
   * Sets a new password with a reset token: once (the token is claimed atomically), under the
   * same password rules, without signing in. Claiming the token, the new hash and what a reset
   * ends (every session, refresh family and pending mailed token; API tokens unless configured
   * otherwise) commit in one transaction: if any of it fails, none of it happened and the link
   * still works (SEC-60, SEC-62). Following the link proved the address, so it counts as verified.
   */
  async resetPassword(em: EntityManager, token: string, newPassword: string, locale: string): Promise<void> {
    assertPasswordAcceptable(newPassword, 'newPassword'); // before the token is spent
    const user = await inTransaction(em, async (tx) => {
      // An administrator's invitation sets the first password the same way.
      const { user } = await this.tokens.consume(tx, token, [EmailTokenPurpose.RESET_PASSWORD, EmailTokenPurpose.INVITE]);
      // Now that the account is known, its address counts too; a refusal rolls the claim back.
      await this.screening.assertNotWeak(newPassword, { email: user.email }, 'newPassword');
      user.passwordHash = await this.passwords.hash(newPassword);
      user.emailVerifiedAt ??= this.clock.now();
      await tx.flush();
      await this.securityState.changed(tx, user.id, 'PASSWORD_RESET');
      return user;
    });
    this.mailer.passwordChanged(recipient(user, locale));
  }
}
