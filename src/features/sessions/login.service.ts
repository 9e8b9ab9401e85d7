import type { EntityManager } from '@mikro-orm/postgresql';
import type { PasswordHasher } from '../../crypto/password';
import { User } from '../../db/entities';
import { AuthError, ErrorCode } from '../../errors';
import { parseEmail } from '../account/email';
import { assertPasswordNotOversized } from '../account/password-policy';

export interface PasswordCredentials {
  email: string;
  password: string;
}

/** Checks an email and password; the caller decides what credential to issue. */
export class LoginService {
  constructor(private readonly passwords: PasswordHasher) {}

  /**
   * Returns the user whose password this is, or throws INVALID_CREDENTIALS. Unknown email,
   * password-less (social-only) account, wrong password and deactivated account all spend exactly
   * one argon2 verification and end in the same error, so none can be told apart (SEC-08/09).
   * Upgrades the stored hash when the configured parameters changed.
   */
  async authenticate(em: EntityManager, input: PasswordCredentials): Promise<User> {
    assertPasswordNotOversized(input.password);
    const email = parseEmail(input.email);
    const user = await em.findOne(User, { email });
    const ok = await this.passwords.verifyOrDummy(user?.passwordHash, input.password);
    if (!user || !ok || !user.isActive) throw new AuthError(ErrorCode.INVALID_CREDENTIALS);

    if (this.passwords.needsRehash(user.passwordHash!)) {
      user.passwordHash = await this.passwords.hash(input.password);
    }
    return user;
  }
}
