import { raw } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import { createHmac, randomInt } from 'node:crypto';
import type { Clock } from '../../clock';
import type { Config } from '../../config';
import { safeEqual } from '../../crypto/constant-time';
import { createOpaqueToken, hashToken } from '../../crypto/opaque-token';
import { EmailToken, EmailTokenPurpose, type User } from '../../db/entities';
import { inTransaction } from '../../db/transaction';
import { AuthError, ErrorCode } from '../../errors';

/** Prefix of mailed one-time tokens (verification, reset, email change). */
export const EMAIL_TOKEN_PREFIX = 'gthe_';
const MAX_CODE_ATTEMPTS = 3;

export interface IssuedEmailToken {
  token: string;
  code: string | null;
}

/** One-time tokens sent by mail: single-use, expiring, bound to user, purpose and address. */
export class EmailTokenService {
  constructor(
    private readonly config: Pick<Config, 'secretKeys'>,
    private readonly clock: Clock,
  ) {}

  /**
   * A new token for `purpose`, sent to `email`; older unused tokens of the same purpose stop
   * working (only the newest link is valid). With `codeTtlSeconds`, also a 6-digit code.
   */
  async issue(em: EntityManager, user: User, purpose: EmailTokenPurpose, email: string, ttlSeconds: number, codeTtlSeconds?: number): Promise<IssuedEmailToken> {
    // Voiding the old and storing the new commit together: never two live links, never none.
    return inTransaction(em, (tx) => this.replace(tx, user, purpose, email, ttlSeconds, codeTtlSeconds));
  }

  private async replace(em: EntityManager, user: User, purpose: EmailTokenPurpose, email: string, ttlSeconds: number, codeTtlSeconds?: number): Promise<IssuedEmailToken> {
    await this.invalidate(em, user.id, [purpose]);
    const now = this.clock.now();
    const token = createOpaqueToken(EMAIL_TOKEN_PREFIX);
    const code = codeTtlSeconds ? String(randomInt(0, 1_000_000)).padStart(6, '0') : null;
    const row = em.create(EmailToken, {
      user,
      purpose,
      tokenHash: hashToken(token),
      email,
      createdAt: now,
      expiresAt: new Date(now.getTime() + ttlSeconds * 1000),
      codeExpiresAt: codeTtlSeconds ? new Date(now.getTime() + codeTtlSeconds * 1000) : null,
    });
    if (code) row.codeHash = this.codeHash(row.id, code);
    await em.flush();
    return { token, code };
  }

  /**
   * Uses a token: one conditional UPDATE, so of racing uses exactly one wins. Throws INVALID_TOKEN
   * for unknown, used, superseded, expired or other-purpose tokens, and for tokens whose user's
   * address is no longer the one they were sent to.
   */
  async consume(em: EntityManager, token: string, purpose: EmailTokenPurpose | EmailTokenPurpose[]): Promise<EmailToken> {
    if (!token.startsWith(EMAIL_TOKEN_PREFIX)) throw new AuthError(ErrorCode.INVALID_TOKEN);
    const tokenHash = hashToken(token);
    const now = this.clock.now();
    const purposes = Array.isArray(purpose) ? { $in: purpose } : purpose;
    const claimed = await em.nativeUpdate(EmailToken, { tokenHash, purpose: purposes, usedAt: null, expiresAt: { $gt: now } }, { usedAt: now });
    if (claimed !== 1) throw new AuthError(ErrorCode.INVALID_TOKEN);
    const row = await em.findOneOrFail(EmailToken, { tokenHash }, { populate: ['user'] });
    this.assertBound(row);
    return row;
  }

  /**
   * Uses the 6-digit code of the newest live token of `purpose` (verification, sign-in) of the
   * account at `email`. Each wrong code counts (in its own statement, so call it outside a
   * transaction that a failure would roll back); the third voids the token. Unknown address and
   * wrong code answer alike.
   */
  async consumeCode(em: EntityManager, email: string, code: string, purpose = EmailTokenPurpose.VERIFY_EMAIL): Promise<EmailToken> {
    const now = this.clock.now();
    const row = await em.findOne(
      EmailToken,
      { email, purpose, usedAt: null, codeExpiresAt: { $gt: now }, codeAttempts: { $lt: MAX_CODE_ATTEMPTS } },
      { populate: ['user'], orderBy: { createdAt: 'desc' } },
    );
    if (!row?.codeHash || !/^\d{6}$/.test(code) || !safeEqual(row.codeHash, this.codeHash(row.id, code))) {
      // Counted in the database, so parallel guesses cannot share one attempt.
      if (row) await em.nativeUpdate(EmailToken, { id: row.id }, { codeAttempts: raw('code_attempts + 1') });
      throw new AuthError(ErrorCode.INVALID_TOKEN);
    }
    const claimed = await em.nativeUpdate(EmailToken, { id: row.id, usedAt: null }, { usedAt: now });
    if (claimed !== 1) throw new AuthError(ErrorCode.INVALID_TOKEN);
    this.assertBound(row);
    return row;
  }

  /** Voids every unused token of these purposes for the user (a newer one, a password change). */
  async invalidate(em: EntityManager, userId: string, purposes: EmailTokenPurpose[]): Promise<void> {
    await em.nativeUpdate(EmailToken, { user: userId, purpose: { $in: purposes }, usedAt: null }, { usedAt: this.clock.now() });
  }

  /** Voids every unused token of the user, whatever its purpose (a security change, SEC-60). */
  async invalidateAll(em: EntityManager, userId: string): Promise<void> {
    await em.nativeUpdate(EmailToken, { user: userId, usedAt: null }, { usedAt: this.clock.now() });
  }

  /** When the newest token of a purpose was issued to the user, for resend cooldowns. */
  async lastIssuedAt(em: EntityManager, userId: string, purpose: EmailTokenPurpose): Promise<Date | null> {
    const row = await em.findOne(EmailToken, { user: userId, purpose }, { orderBy: { createdAt: 'desc' } });
    return row?.createdAt ?? null;
  }

  private assertBound(row: EmailToken): void {
    const boundToCurrentAddress = row.purpose !== EmailTokenPurpose.CHANGE_EMAIL;
    if (boundToCurrentAddress && row.email !== row.user.email) throw new AuthError(ErrorCode.INVALID_TOKEN);
  }

  private codeHash(tokenId: string, code: string): string {
    return createHmac('sha256', this.config.secretKeys[0]!).update(`${tokenId}:${code}`).digest('hex');
  }
}
