import type { EntityManager } from '@mikro-orm/postgresql';
import type { PasswordHasher } from '../../crypto/password';
import { User } from '../../db/entities';
import { inTransaction } from '../../db/transaction';
import { AuthError, ErrorCode } from '../../errors';
import { parseEmail } from '../account/email';
import { assertPasswordNotOversized } from '../account/password-policy';
import type { DeviceTokens } from '../lockout/device-token';
import type { AttemptScope, PasswordAttempts } from '../lockout/password-attempts';
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
    private readonly attempts: PasswordAttempts,
    private readonly devices: DeviceTokens,
  ) {}

  /**
   * Returns the user whose password this is, or throws INVALID_CREDENTIALS. Unknown email,
   * password-less (social-only) account, wrong password and deactivated account all spend exactly
   * one argon2 verification and end in the same error, so none can be told apart (SEC-08/09).
   * Upgrades the stored hash when the configured parameters changed.
   *
   * Throttled per client address and, by the lockout rules (PasswordAttempts), per account: keyed
   * on the address typed, whether or not an account has it, so throttling reveals nothing
   * (SEC-14). A client presenting a device token of this very account signed in here before: its
   * failures count per device instead, and the account's lock does not stop it (SEC-61).
   */
  async authenticate(em: EntityManager, input: PasswordCredentials, clientKey: string, deviceToken: string | null = null): Promise<User> {
    assertPasswordNotOversized(input.password);
    const email = parseEmail(input.email);
    await this.limits.consume('login_ip', clientKey);
    await this.limits.assertNotExhausted('login_failed_ip', clientKey);
    const user = await em.findOne(User, { email });
    const device = this.devices.read(deviceToken);
    const scope: AttemptScope = device && user && device.userId === user.id ? { kind: 'device', nonce: device.nonce } : { kind: 'account', email };
    const ok = await this.attempts.check(scope, async () => (await this.passwords.verifyOrDummy(user?.passwordHash, input.password)) && Boolean(user?.isActive));
    if (!ok || !user) {
      await this.limits.record('login_failed_ip', clientKey);
      throw new AuthError(ErrorCode.INVALID_CREDENTIALS);
    }
    if (this.passwords.needsRehash(user.passwordHash!)) await this.rehash(em, user, input.password);
    return user;
  }

  /**
   * Stores the password hashed with today's settings. The same password, so no security change:
   * the transaction is marked as a rehash, and the webhook triggers do not announce it as
   * `password.changed` (a receiver would otherwise end sessions or alert the user for nothing).
   */
  private async rehash(em: EntityManager, user: User, password: string): Promise<void> {
    const passwordHash = await this.passwords.hash(password);
    await inTransaction(em, async (tx) => {
      await tx.execute(`select set_config('gatehouse.password_rehash', 'on', true)`);
      await tx.nativeUpdate(User, { id: user.id, passwordHash: user.passwordHash }, { passwordHash });
    });
  }
}
