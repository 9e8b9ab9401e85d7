import { UniqueConstraintViolationException } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import type { Clock } from '../../clock';
import type { PasswordHasher } from '../../crypto/password';
import { User } from '../../db/entities';
import { AuthError, ErrorCode } from '../../errors';
import { parseEmail } from '../account/email';
import { assertPasswordAcceptable } from '../account/password-policy';
import { parseLabel } from '../account/text';

export interface NewAccount {
  email: string;
  password: string;
  displayName?: string | null;
}

const MAX_DISPLAY_NAME_LENGTH = 100;

/** Creates password accounts. */
export class RegistrationService {
  constructor(
    private readonly passwords: PasswordHasher,
    private readonly clock: Clock,
  ) {}

  /**
   * Creates a user with a hashed password, or throws BAD_USER_INPUT / EMAIL_TAKEN. The unique
   * index decides between racing registrations of one address: the loser gets EMAIL_TAKEN.
   */
  async register(em: EntityManager, input: NewAccount): Promise<User> {
    const email = parseEmail(input.email);
    assertPasswordAcceptable(input.password);
    const displayName = parseDisplayName(input.displayName);
    if (await em.count(User, { email })) throw new AuthError(ErrorCode.EMAIL_TAKEN, { field: 'email' });

    const now = this.clock.now();
    const user = em.create(User, {
      email,
      passwordHash: await this.passwords.hash(input.password),
      displayName,
      createdAt: now,
      updatedAt: now,
    });
    try {
      await em.flush();
    } catch (error) {
      if (error instanceof UniqueConstraintViolationException) {
        em.clear();
        throw new AuthError(ErrorCode.EMAIL_TAKEN, { field: 'email', cause: error });
      }
      throw error;
    }
    return user;
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
