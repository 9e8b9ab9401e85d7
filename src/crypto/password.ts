import argon2 from 'argon2';
import { randomBytes } from 'node:crypto';
import type { PasswordHashParams } from '../config';
import { AuthError, ErrorCode } from '../errors';
import { WorkLimiter } from './work-limiter';

export const PASSWORD_MIN_LENGTH = 8;
export const PASSWORD_MAX_LENGTH = 128;

/** Length in Unicode code points, the unit users count in (an emoji is one character). */
export function passwordLength(password: string): number {
  let n = 0;
  for (const _ of password) n++;
  return n;
}

/**
 * argon2id hashing with the configured parameters. The one place that knows them, so verifying,
 * rehash checks and the dummy hash used for unknown accounts all cost the same.
 */
export class PasswordHasher {
  private dummyHash: Promise<string> | undefined;
  private readonly argon2Params: { memoryCost: number; timeCost: number; parallelism: number };
  private readonly limiter: WorkLimiter;

  constructor(params: PasswordHashParams) {
    this.argon2Params = { memoryCost: params.memoryCost, timeCost: params.timeCost, parallelism: params.parallelism };
    this.limiter = new WorkLimiter(params.concurrency, params.queueLimit);
  }

  /** Hashes a password as received: no trimming or normalisation (SEC-02). */
  hash(password: string): Promise<string> {
    return this.limited(() => argon2.hash(password, { type: argon2.argon2id, ...this.argon2Params }));
  }

  /** Verifies against a stored PHC string; a malformed hash is a failed verification, not a crash. */
  verify(hash: string, password: string): Promise<boolean> {
    return this.limited(() => argon2.verify(hash, password).catch(() => false));
  }

  /** Bounded concurrency (SEC-05): overflow is RATE_LIMITED at once, not a growing heap. */
  private async limited<T>(work: () => Promise<T>): Promise<T> {
    const result = await this.limiter.run(work);
    if (!result) throw new AuthError(ErrorCode.RATE_LIMITED, { extensions: { retryAfter: 1 }, cause: new Error('password hashing saturated') });
    return result.value;
  }

  /** Verifies against `hash`, or spends the same work on the dummy hash when there is none. */
  verifyOrDummy(hash: string | null | undefined, password: string): Promise<boolean> {
    return hash ? this.verify(hash, password) : this.verifyDummy(password);
  }

  /**
   * Spends one verification against a hash of a random secret, so that an unknown account takes
   * the same work as a wrong password (no timing oracle for account existence).
   */
  async verifyDummy(password: string): Promise<false> {
    this.dummyHash ??= argon2.hash(randomBytes(32).toString('base64url'), { type: argon2.argon2id, ...this.argon2Params });
    await this.verify(await this.dummyHash, password);
    return false;
  }

  /** True when a stored hash was made with other parameters than the configured ones. */
  needsRehash(hash: string): boolean {
    try {
      return argon2.needsRehash(hash, { ...this.argon2Params }) || !hash.startsWith('$argon2id$');
    } catch {
      return true;
    }
  }
}
