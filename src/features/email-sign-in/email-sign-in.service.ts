import { UniqueConstraintViolationException } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import type { Clock } from '../../clock';
import type { Config } from '../../config';
import { EmailTokenPurpose, User } from '../../db/entities';
import { AuthError, ErrorCode } from '../../errors';
import type { Mailer } from '../../mail/mailer';
import type { EmailTokenService } from '../account-emails/email-token.service';
import type { RateLimitService } from '../rate-limits/rate-limit.service';

/**
 * Signing in without a password: a link and a 6-digit code mailed to the account's address. The
 * mailbox is the first factor, as for a password reset, so the same rules hold: the request is
 * answered before the lookup, the link works once for 15 minutes, the code 3 tries for 10, and
 * a user with a second factor still gets the second step.
 */
export class EmailSignInService {
  constructor(
    private readonly config: Pick<Config, 'emailSignIn'>,
    private readonly clock: Clock,
    private readonly tokens: EmailTokenService,
    private readonly mailer: Mailer,
    private readonly limits: RateLimitService,
  ) {}

  /** FORBIDDEN unless EMAIL_SIGN_IN_ENABLED. */
  assertEnabled(): void {
    if (!this.config.emailSignIn.enabled) throw new AuthError(ErrorCode.FORBIDDEN, { message: 'Signing in by email is turned off.' });
  }

  /**
   * Mails a link and a code to the active account at this canonical address, if there is one
   * (after the answer). With EMAIL_SIGN_IN_CREATES_ACCOUNTS an unknown address gets an account
   * without a password, unverified until its link or code is used (so it proves nothing before).
   */
  async send(em: EntityManager, email: string, locale: string): Promise<void> {
    const user = (await em.findOne(User, { email })) ?? (this.config.emailSignIn.createsAccounts ? await this.createAccount(em, email) : null);
    if (!user?.isActive) return;
    if (!(await this.limits.allow('sign_in_mail_recipient', user.email))) return;
    const { linkTtlSeconds, codeTtlSeconds } = this.config.emailSignIn;
    const { token, code } = await this.tokens.issue(em, user, EmailTokenPurpose.SIGN_IN, user.email, linkTtlSeconds, codeTtlSeconds);
    this.mailer.signInLink({ email: user.email, locale }, token, code!);
  }

  /** The user a link signs in (the token is claimed in the caller's transaction); following it proves the address. */
  async byLink(tx: EntityManager, token: string): Promise<User> {
    const { user } = await this.tokens.consume(tx, token, EmailTokenPurpose.SIGN_IN);
    return this.proved(user);
  }

  /** The user a code signs in; wrong codes count in their own statements (3 per mail). */
  async byCode(em: EntityManager, email: string, code: string): Promise<User> {
    const { user } = await this.tokens.consumeCode(em, email, code, EmailTokenPurpose.SIGN_IN);
    return this.proved(user);
  }

  private async createAccount(em: EntityManager, email: string): Promise<User | null> {
    const now = this.clock.now();
    try {
      const user = em.create(User, { email, createdAt: now, updatedAt: now });
      await em.flush();
      return user;
    } catch (error) {
      if (!(error instanceof UniqueConstraintViolationException)) throw error;
      return em.fork().findOne(User, { email }); // created meanwhile by a racing request
    }
  }

  private proved(user: User): User {
    if (!user.isActive) throw new AuthError(ErrorCode.INVALID_TOKEN);
    user.emailVerifiedAt ??= this.clock.now();
    return user;
  }
}
