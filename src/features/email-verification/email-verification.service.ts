import type { EntityManager } from '@mikro-orm/postgresql';
import type { Clock } from '../../clock';
import type { Config } from '../../config';
import { EmailTokenPurpose, type User } from '../../db/entities';
import { type Mailer, recipient } from '../../mail/mailer';
import { afterCommit } from '../../db/transaction';
import type { EmailTokenService } from '../account-emails/email-token.service';
import type { RateLimitService } from '../rate-limits/rate-limit.service';

/** Proving an address: a mailed link (24 h) or a 6-digit code (10 min, 3 attempts). */
export class EmailVerificationService {
  constructor(
    private readonly config: Pick<Config, 'accountEmails'>,
    private readonly clock: Clock,
    private readonly tokens: EmailTokenService,
    private readonly mailer: Mailer,
    private readonly limits: RateLimitService,
  ) {}

  /**
   * Mails a new link and code unless the address is verified, one was sent within the cooldown,
   * or this address had RATE_LIMIT_VERIFICATION_MAIL_RECIPIENT of them today (the caller answers
   * the same either way, so neither reveals anything).
   */
  async send(em: EntityManager, user: User, locale: string): Promise<void> {
    if (user.emailVerifiedAt || !user.isActive) return;
    const { resendCooldownSeconds, verificationTokenTtlSeconds, verificationCodeTtlSeconds } = this.config.accountEmails;
    const last = await this.tokens.lastIssuedAt(em, user.id, EmailTokenPurpose.VERIFY_EMAIL);
    if (last && this.clock.now().getTime() - last.getTime() < resendCooldownSeconds * 1000) return;
    if (!(await this.limits.allow('verification_mail_recipient', user.email))) return;
    const { token, code } = await this.tokens.issue(em, user, EmailTokenPurpose.VERIFY_EMAIL, user.email, verificationTokenTtlSeconds, verificationCodeTtlSeconds);
    // Mailed once the link is committed: a rolled-back registration sends no dead link.
    afterCommit(em, () => this.mailer.verifyEmail(recipient(user, locale), token, code!));
  }

  /** Marks the address verified with a mailed link's token. */
  async verifyToken(em: EntityManager, token: string): Promise<User> {
    return this.markVerified(em, await this.tokens.consume(em, token, EmailTokenPurpose.VERIFY_EMAIL));
  }

  /** Marks the address verified with the mailed code. */
  async verifyCode(em: EntityManager, email: string, code: string): Promise<User> {
    return this.markVerified(em, await this.tokens.consumeCode(em, email, code));
  }

  private async markVerified(em: EntityManager, row: { user: User }): Promise<User> {
    row.user.emailVerifiedAt ??= this.clock.now();
    await em.flush();
    await this.tokens.invalidate(em, row.user.id, [EmailTokenPurpose.VERIFY_EMAIL]);
    return row.user;
  }
}
