import type { EntityManager } from '@mikro-orm/postgresql';
import type { PasswordHasher } from '../../crypto/password';
import { User } from '../../db/entities';
import { AuthError, ErrorCode } from '../../errors';
import { parseEmail } from '../account/email';
import { assertPasswordNotOversized } from '../account/password-policy';
import type { RateLimitService } from '../rate-limits/rate-limit.service';

export interface PasswordCredentials {
  email: string;
  password: string;
}

/** Checks an email and password; the caller decides what credential to issue. */
export class LoginService {
  constructor(
    private readonly passwords: PasswordHasher,
    private readonly limits: RateLimitService,
    /** Told when an account is first locked by failed logins (mails its owner an unlock link). */
    private readonly onAccountLocked: (email: string) => void = () => {},
  ) {}

  /**
   * Returns the user whose password this is, or throws INVALID_CREDENTIALS. Unknown email,
   * password-less (social-only) account, wrong password and deactivated account all spend exactly
   * one argon2 verification and end in the same error, so none can be told apart (SEC-08/09).
   * Upgrades the stored hash when the configured parameters changed.
   *
   * Throttled per client address and per account (keyed on the address typed, whether or not an
   * account has it, so throttling reveals nothing, SEC-14). A failure point is taken before the
   * password is checked and given back on success: concurrent guesses cannot slip past the limit
   * together, and the limit holds even with the right password (SEC-10, SEC-13).
   */
  async authenticate(em: EntityManager, input: PasswordCredentials, clientKey: string): Promise<User> {
    assertPasswordNotOversized(input.password);
    const email = parseEmail(input.email);
    await this.limits.consume('login_ip', clientKey);
    await this.limits.consume('login_failed_ip', clientKey);
    await this.limits.consume('login_failed_account', email, () => this.onAccountLocked(email));
    const user = await em.findOne(User, { email });
    const ok = await this.passwords.verifyOrDummy(user?.passwordHash, input.password);
    if (!user || !ok || !user.isActive) throw new AuthError(ErrorCode.INVALID_CREDENTIALS);
    await this.limits.reward('login_failed_ip', clientKey);
    await this.limits.reward('login_failed_account', email);

    if (this.passwords.needsRehash(user.passwordHash!)) {
      user.passwordHash = await this.passwords.hash(input.password);
    }
    return user;
  }
}
