import { UniqueConstraintViolationException } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import type { Clock } from '../../clock';
import type { Config } from '../../config';
import { EmailTokenPurpose, User } from '../../db/entities';
import { inTransaction } from '../../db/transaction';
import { AuthError, ErrorCode } from '../../errors';
import { type Mailer, recipient } from '../../mail/mailer';
import type { EmailTokenService } from '../account-emails/email-token.service';
import type { RateLimitService } from '../rate-limits/rate-limit.service';
import type { SecurityStateService } from '../security-state/security-state.service';

/** Changing the address: confirmed from the new address, announced to the old one. */
export class EmailChangeService {
  constructor(
    private readonly config: Pick<Config, 'accountEmails'>,
    private readonly clock: Clock,
    private readonly tokens: EmailTokenService,
    private readonly securityState: SecurityStateService,
    private readonly mailer: Mailer,
    private readonly limits: RateLimitService,
  ) {}

  /**
   * Mails a confirmation link to `newEmail` and a notice to the current address. When the new
   * address belongs to another account, its owner gets a notice instead and no link is sent;
   * the caller's answer is the same, so this cannot be used to find accounts.
   */
  async request(em: EntityManager, user: User, newEmail: string, locale: string): Promise<void> {
    if (newEmail === user.email) throw new AuthError(ErrorCode.BAD_USER_INPUT, { field: 'newEmail', message: 'This is already your address.' });
    if (await em.count(User, { email: newEmail })) {
      if (await this.limits.allow('notice_mail_recipient', newEmail)) this.mailer.signupAttempted({ email: newEmail, locale });
      return;
    }
    const { token } = await this.tokens.issue(em, user, EmailTokenPurpose.CHANGE_EMAIL, newEmail, this.config.accountEmails.emailChangeTokenTtlSeconds);
    this.mailer.confirmEmailChange({ email: newEmail, locale: user.locale ?? locale }, token);
    this.mailer.emailChangeRequested(recipient(user, locale), newEmail);
  }

  /**
   * Applies a confirmed change; the address must still be free (EMAIL_TAKEN otherwise). The new
   * address and what an email change ends (every pending mailed token: links sent to the old
   * address are void) commit together.
   */
  async confirm(em: EntityManager, token: string, locale: string): Promise<User> {
    let previous = '';
    const user = await inTransaction(em, async (tx) => {
      const row = await this.tokens.consume(tx, token, EmailTokenPurpose.CHANGE_EMAIL);
      const { user } = row;
      previous = user.email;
      user.email = row.email;
      user.emailVerifiedAt = this.clock.now(); // the link reached the new address
      try {
        await tx.flush();
      } catch (error) {
        if (error instanceof UniqueConstraintViolationException) throw new AuthError(ErrorCode.EMAIL_TAKEN, { field: 'email', cause: error });
        throw error;
      }
      await this.securityState.changed(tx, user.id, 'EMAIL_CHANGED');
      return user;
    });
    this.mailer.emailChanged({ email: previous, locale: user.locale ?? locale }, user.email);
    return user;
  }
}
