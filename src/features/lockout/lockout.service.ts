import type { EntityManager } from '@mikro-orm/postgresql';
import type { Config } from '../../config';
import { EmailTokenPurpose, User } from '../../db/entities';
import { type Mailer, recipient } from '../../mail/mailer';
import type { EmailTokenService } from '../account-emails/email-token.service';
import type { AuditService } from '../audit/audit.service';
import type { RateLimitService } from '../rate-limits/rate-limit.service';

/**
 * Account lockout with notice and self-unlock. Failed logins from unknown devices lock an account
 * through the per-account limit (the lock ends by itself when the window passes; during it even
 * the right password fails, except from a device that signed in before: see PasswordAttempts).
 * When the lock starts, the owner is mailed a one-time link that lifts it.
 */
export class LockoutService {
  constructor(
    private readonly config: Pick<Config, 'rateLimits'>,
    private readonly tokens: EmailTokenService,
    private readonly limits: RateLimitService,
    private readonly mailer: Mailer,
    private readonly audit: AuditService,
  ) {}

  /**
   * Mails the owner of `email` (if there is an active account) an unlock link, at most once an
   * hour (lock_mail_account): locks a stranger keeps causing must not flood the owner's mailbox.
   */
  async notifyLocked(em: EntityManager, email: string, locale: string): Promise<User | null> {
    const user = await em.findOne(User, { email });
    if (!user?.isActive) return null;
    if (!(await this.limits.allow('lock_mail_account', user.id))) return null;
    const ttl = this.config.rateLimits.limits.login_failed_account.seconds;
    const { token } = await this.tokens.issue(em, user, EmailTokenPurpose.UNLOCK_ACCOUNT, user.email, ttl);
    this.mailer.accountLocked(recipient(user, locale), token);
    this.audit.record({ type: 'ACCOUNT_LOCKED', success: true, userId: user.id, detail: 'failed_logins' });
    return user;
  }

  /** Lifts the lock with the mailed token. */
  async unlock(em: EntityManager, token: string): Promise<User> {
    const { user } = await this.tokens.consume(em, token, EmailTokenPurpose.UNLOCK_ACCOUNT);
    await this.limits.reset('login_failed_account', user.email);
    return user;
  }
}
