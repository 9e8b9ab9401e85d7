import { UniqueConstraintViolationException } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import type { Clock } from '../../clock';
import type { Config } from '../../config';
import { EmailTokenPurpose, User } from '../../db/entities';
import { AuthError, ErrorCode } from '../../errors';
import { type Mailer, recipient } from '../../mail/mailer';
import type { EmailTokenService } from '../account-emails/email-token.service';
import { holdsPasskeyOrProvider } from '../account/ways-in';
import type { RateLimitService } from '../rate-limits/rate-limit.service';

/**
 * Signing in without a password: a link and a 6-digit code mailed to the account's address. The
 * mailbox is the first factor, as for a password reset, so the same rules hold: the request is
 * answered before the lookup, the link works once for 15 minutes, the code 3 tries for 10, and
 * a user with a second factor still gets the second step.
 *
 * With EMAIL_SIGN_IN_ENABLED off, links still finish accounts that have no way in yet: a
 * registration without a password under EMAIL_VERIFICATION=mandatory with passkeys on is mailed
 * one (a "finish your account" link), so that its owner can sign in and add a passkey. It proves
 * no more than a password-reset mail, which such an account could ask for anyway.
 */
export class EmailSignInService {
  constructor(
    private readonly config: Pick<Config, 'emailSignIn' | 'accountEmails' | 'webauthn'>,
    private readonly clock: Clock,
    private readonly tokens: EmailTokenService,
    private readonly mailer: Mailer,
    private readonly limits: RateLimitService,
  ) {}

  /** FORBIDDEN unless EMAIL_SIGN_IN_ENABLED. */
  assertEnabled(): void {
    if (!this.config.emailSignIn.enabled) throw turnedOff();
  }

  /** Whether passwordless registrations are finished by a mailed link although email sign-in is off (see the class). */
  get finishesAccounts(): boolean {
    return !this.config.emailSignIn.enabled && this.config.webauthn.enabled && this.config.accountEmails.verification === 'mandatory';
  }

  /** FORBIDDEN before any token is read, unless email sign-in is on or finishes accounts. */
  assertReachable(): void {
    if (!this.config.emailSignIn.enabled && !this.finishesAccounts) throw turnedOff();
  }

  /** FORBIDDEN for a user whom a link may not sign in: with email sign-in off, one who has a way in of their own. */
  async assertMaySignIn(em: EntityManager, user: User): Promise<void> {
    if (!this.config.emailSignIn.enabled && !(await this.needsFinishing(em, user))) throw turnedOff();
  }

  /** Whether this user needs a "finish your account" link: no password, no passkey, no social account. */
  async needsFinishing(em: EntityManager, user: User): Promise<boolean> {
    return !user.passwordHash && !(await holdsPasskeyOrProvider(em, user.id));
  }

  /**
   * Mails a link and a code to the active account at this canonical address, if there is one
   * (after the answer). With EMAIL_SIGN_IN_CREATES_ACCOUNTS an unknown address gets an account
   * without a password, unverified until its link or code is used (so it proves nothing before).
   */
  async send(em: EntityManager, email: string, locale: string): Promise<void> {
    const user = (await em.findOne(User, { email })) ?? (this.config.emailSignIn.createsAccounts ? await this.createAccount(em, email) : null);
    if (user) await this.mail(em, user, locale);
  }

  /** Mails a link and a code to this user (the recipient's daily cap applies). */
  async mail(em: EntityManager, user: User, locale: string): Promise<void> {
    if (!user.isActive) return;
    if (!(await this.limits.allow('sign_in_mail_recipient', user.email))) return;
    const { linkTtlSeconds, codeTtlSeconds } = this.config.emailSignIn;
    const { token, code } = await this.tokens.issue(em, user, EmailTokenPurpose.SIGN_IN, user.email, linkTtlSeconds, codeTtlSeconds);
    this.mailer.signInLink(recipient(user, locale), token, code!);
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

function turnedOff(): AuthError {
  return new AuthError(ErrorCode.FORBIDDEN, { message: 'Signing in by email is turned off.' });
}
