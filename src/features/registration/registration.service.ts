import { UniqueConstraintViolationException } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import type { Clock } from '../../clock';
import type { Config } from '../../config';
import type { PasswordHasher } from '../../crypto/password';
import { User } from '../../db/entities';
import { afterCommit } from '../../db/transaction';
import { AuthError, ErrorCode } from '../../errors';
import type { Mailer } from '../../mail/mailer';
import { parseEmail } from '../account/email';
import { assertPasswordAcceptable } from '../account/password-policy';
import type { PasswordScreening } from '../account/password-screening';
import { parseDisplayName } from '../account/text';
import type { EmailVerificationService } from '../email-verification/email-verification.service';
import { checkProfile, type ProfileValues } from '../profile-fields/profile-fields';
import type { RateLimitService } from '../rate-limits/rate-limit.service';

export interface NewAccount {
  email: string;
  /** None: an account without a password (email sign-in or passkeys). */
  password?: string | null;
  displayName?: string | null;
  /** The app's profile fields (PROFILE_FIELDS), checked here. */
  profile?: Record<string, unknown> | null;
}

/** A registration that passed every check of its input: canonical, screened and hashed. */
export interface CheckedAccount {
  email: string;
  passwordHash: string | null;
  displayName: string | null;
  profile: ProfileValues;
}

/** Creates password accounts. */
export class RegistrationService {
  constructor(
    private readonly config: Pick<Config, 'accountEmails' | 'emailSignIn' | 'webauthn' | 'profileFields'>,
    private readonly clock: Clock,
    private readonly passwords: PasswordHasher,
    private readonly screening: PasswordScreening,
    private readonly emailVerification: EmailVerificationService,
    private readonly mailer: Mailer,
    private readonly limits: RateLimitService,
  ) {}

  /** Validates and screens the input and hashes the password: the work every registration does. */
  async check(input: NewAccount): Promise<CheckedAccount> {
    const email = parseEmail(input.email);
    const displayName = parseDisplayName(input.displayName);
    const profile = checkProfile(this.config.profileFields, input.profile, 'register');
    if (input.password === undefined || input.password === null) {
      if (!this.config.emailSignIn.enabled && !this.config.webauthn.enabled) {
        throw new AuthError(ErrorCode.BAD_USER_INPUT, { field: 'password', message: 'A password is required.' });
      }
      return { email, displayName, profile, passwordHash: null };
    }
    assertPasswordAcceptable(input.password);
    await this.screening.assertNotWeak(input.password, { email });
    return { email, displayName, profile, passwordHash: await this.passwords.hash(input.password) };
  }

  /**
   * Creates the user and mails a verification link; call it in the transaction that also signs
   * the user in, so that no user is ever left without its session or its link. A taken address
   * answers EMAIL_TAKEN (a racing registration loses at the unique index, see `taken`), or, with
   * mandatory verification, null after mailing its owner that someone tried (SEC-16).
   */
  async create(em: EntityManager, account: CheckedAccount, locale: string, verificationMail = true): Promise<User | null> {
    if (await em.count(User, { email: account.email })) return this.taken(em, account.email, locale);
    const now = this.clock.now();
    const user = em.create(User, { ...account, createdAt: now, updatedAt: now });
    await em.flush();
    if (verificationMail) await this.emailVerification.send(em, user, locale);
    return user;
  }

  /**
   * Creates exactly this account in the caller's transaction, for an operator (an invitation, the
   * command line): EMAIL_TAKEN when the address has one, also when a racing insert wins.
   */
  async insert(tx: EntityManager, fields: Pick<User, 'email'> & Partial<Pick<User, 'passwordHash' | 'displayName' | 'profile' | 'roles' | 'emailVerifiedAt'>>): Promise<User> {
    const taken = (cause?: unknown) => new AuthError(ErrorCode.EMAIL_TAKEN, { field: 'email', cause });
    if (await this.exists(tx, fields.email)) throw taken();
    const now = this.clock.now();
    const user = tx.create(User, { ...fields, createdAt: now, updatedAt: now });
    try {
      await tx.flush();
    } catch (error) {
      if (error instanceof UniqueConstraintViolationException) throw taken(error);
      throw error;
    }
    return user;
  }

  /** Whether an account has this canonical address. */
  async exists(em: EntityManager, email: string): Promise<boolean> {
    return (await em.count(User, { email })) > 0;
  }

  /**
   * The address has an account: EMAIL_TAKEN, or with mandatory verification a notice to its owner
   * (at most RATE_LIMIT_NOTICE_MAIL_RECIPIENT a day: anyone can make us send it).
   */
  async taken(em: EntityManager, email: string, locale: string, cause?: unknown): Promise<null> {
    if (this.config.accountEmails.verification !== 'mandatory') throw new AuthError(ErrorCode.EMAIL_TAKEN, { field: 'email', cause });
    if (await this.limits.allow('notice_mail_recipient', email)) afterCommit(em, () => this.mailer.signupAttempted({ email, locale }));
    return null;
  }
}
