import { UniqueConstraintViolationException } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import type { Clock } from '../../clock';
import type { Config } from '../../config';
import type { PasswordHasher } from '../../crypto/password';
import { User } from '../../db/entities';
import { AuthError, ErrorCode } from '../../errors';
import type { Mailer } from '../../mail/mailer';
import { parseEmail } from '../account/email';
import { assertPasswordAcceptable } from '../account/password-policy';
import type { PasswordScreening } from '../account/password-screening';
import { parseLabel } from '../account/text';
import type { EmailVerificationService } from '../email-verification/email-verification.service';

export interface NewAccount {
  email: string;
  password: string;
  displayName?: string | null;
}

/** A new account that may sign in now, or one that must verify its address first. */
export type Registration = { kind: 'created'; user: User } | { kind: 'pending_verification' };

const MAX_DISPLAY_NAME_LENGTH = 100;

/** Creates password accounts. */
export class RegistrationService {
  constructor(
    private readonly config: Pick<Config, 'accountEmails'>,
    private readonly clock: Clock,
    private readonly passwords: PasswordHasher,
    private readonly screening: PasswordScreening,
    private readonly emailVerification: EmailVerificationService,
    private readonly mailer: Mailer,
  ) {}

  /**
   * Creates a user with a hashed password and mails a verification link. With optional
   * verification the user may sign in at once, and a taken address answers EMAIL_TAKEN (the unique
   * index decides between racing registrations). With mandatory verification nobody is signed in
   * and a taken address answers exactly like a new one, after the same hashing work, while its
   * owner is told by mail that someone tried (SEC-16): registration reveals nothing.
   */
  async register(em: EntityManager, input: NewAccount, locale: string): Promise<Registration> {
    const email = parseEmail(input.email);
    assertPasswordAcceptable(input.password);
    const displayName = parseDisplayName(input.displayName);
    await this.screening.assertNotWeak(input.password, { email });
    const mandatory = this.config.accountEmails.verification === 'mandatory';

    const existing = await em.findOne(User, { email });
    if (existing && !mandatory) throw new AuthError(ErrorCode.EMAIL_TAKEN, { field: 'email' });
    const passwordHash = await this.passwords.hash(input.password);
    if (existing) return this.notifyOwner(existing.email, locale);

    const now = this.clock.now();
    const user = em.create(User, { email, passwordHash, displayName, createdAt: now, updatedAt: now });
    try {
      await em.flush();
    } catch (error) {
      if (!(error instanceof UniqueConstraintViolationException)) throw error;
      em.clear();
      if (mandatory) return this.notifyOwner(email, locale);
      throw new AuthError(ErrorCode.EMAIL_TAKEN, { field: 'email', cause: error });
    }
    await this.emailVerification.send(em, user, locale);
    return mandatory ? { kind: 'pending_verification' } : { kind: 'created', user };
  }

  private notifyOwner(email: string, locale: string): Registration {
    this.mailer.signupAttempted({ email, locale });
    return { kind: 'pending_verification' };
  }
}

function parseDisplayName(raw: string | null | undefined): string | null {
  if (raw === undefined || raw === null || raw.trim() === '') return null;
  const name = parseLabel(raw, MAX_DISPLAY_NAME_LENGTH);
  if (name === null) {
    throw new AuthError(ErrorCode.BAD_USER_INPUT, {
      field: 'displayName',
      message: `Use at most ${MAX_DISPLAY_NAME_LENGTH} printable characters.`,
    });
  }
  return name;
}
