import { AuthError, ErrorCode } from '../../errors';
import type { RateLimitName, RateLimitService } from '../rate-limits/rate-limit.service';

/** How long a check waits for its turn when others of the same scope are running. */
const TURN_WAIT_MS = 3_000;

/** Whose failures a password check counts toward: an account (by its canonical email) or a known device. */
export type AttemptScope = { kind: 'account'; email: string } | { kind: 'device'; nonce: string };

/**
 * The lockout rules around one password check (SEC-10, SEC-13, SEC-61):
 * - while the scope is locked (its failure limit used up), the check is refused: RATE_LIMITED,
 *   even for the right password;
 * - one check of a scope runs at a time (the others wait their turn, a few seconds at most), so
 *   concurrent guesses cannot all be checked before the first failure is counted;
 * - only failures count, and only once they have happened: a success never uses a point, so
 *   no number of correct sign-ins, concurrent or not, can lock anyone.
 * The moment an account's lock begins, `onAccountLocked` is told (it mails the owner).
 */
export class PasswordAttempts {
  constructor(
    private readonly limits: RateLimitService,
    private readonly onAccountLocked: (email: string) => void = () => {},
  ) {}

  async check(scope: AttemptScope, verify: () => Promise<boolean>): Promise<boolean> {
    const [limit, key]: [RateLimitName, string] = scope.kind === 'account' ? ['login_failed_account', scope.email] : ['login_failed_device', scope.nonce];
    const slot = `${scope.kind}:${key}`;
    await this.takeTurn(slot);
    let ok: boolean;
    let lockBegan = false;
    try {
      // Checked once it is our turn: the checks before us may have locked the scope.
      await this.limits.assertNotExhausted(limit, key);
      ok = await verify();
      // Counted before the turn passes on, so the next check sees it.
      if (!ok) lockBegan = await this.limits.record(limit, key);
    } finally {
      await this.limits.reward('login_concurrent', slot);
    }
    if (lockBegan && scope.kind === 'account') this.onAccountLocked(scope.email);
    return ok;
  }

  /** Waits (bounded) until no other check of `slot` is running, then holds the turn. */
  private async takeTurn(slot: string): Promise<void> {
    const deadline = Date.now() + TURN_WAIT_MS;
    while (!(await this.limits.tryAcquire('login_concurrent', slot))) {
      if (Date.now() > deadline) throw new AuthError(ErrorCode.RATE_LIMITED, { extensions: { retryAfter: 1 } });
      await new Promise((resolve) => setTimeout(resolve, 10 + Math.random() * 40));
    }
  }
}
