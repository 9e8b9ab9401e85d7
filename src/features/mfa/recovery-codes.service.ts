import type { EntityManager } from '@mikro-orm/postgresql';
import type { Clock } from '../../clock';
import { safeEqual } from '../../crypto/constant-time';
import { hashToken } from '../../crypto/opaque-token';
import { RecoveryCode, type User } from '../../db/entities';
import { newRecoveryCode, normalizeRecoveryCode, RECOVERY_CODES_PER_SET } from './recovery-code-format';

/** Single-use recovery codes, stored as SHA-256 hashes, a set replaced whole. */
export class RecoveryCodeService {
  constructor(private readonly clock: Clock) {}

  /** A new set for `user` (the old set is void); the plaintexts are returned once. The caller flushes. */
  async replace(em: EntityManager, user: User): Promise<string[]> {
    await em.nativeDelete(RecoveryCode, { user: user.id });
    const codes = Array.from({ length: RECOVERY_CODES_PER_SET }, newRecoveryCode);
    const createdAt = this.clock.now();
    for (const code of codes) em.create(RecoveryCode, { user, codeHash: hashToken(normalizeRecoveryCode(code)), createdAt });
    return codes;
  }

  /**
   * Uses one code: compared with each unused hash of the user in constant time (no early exit),
   * then claimed by one conditional UPDATE, so of racing uses of a code exactly one wins (SEC-57).
   * Returns how many unused codes are left, or null when the code is not one of them.
   */
  async use(em: EntityManager, userId: string, code: string): Promise<number | null> {
    const presented = hashToken(normalizeRecoveryCode(code));
    const unused = await em.find(RecoveryCode, { user: userId, usedAt: null });
    let match: RecoveryCode | undefined;
    for (const row of unused) if (safeEqual(row.codeHash, presented)) match = row;
    if (!match) return null;
    const claimed = await em.nativeUpdate(RecoveryCode, { id: match.id, usedAt: null }, { usedAt: this.clock.now() });
    return claimed === 1 ? unused.length - 1 : null;
  }

  /** Unused codes the user has left. */
  left(em: EntityManager, userId: string): Promise<number> {
    return em.count(RecoveryCode, { user: userId, usedAt: null });
  }

  /** Voids every code of the user (the factor they back up is gone). */
  async removeAll(em: EntityManager, userId: string): Promise<void> {
    await em.nativeDelete(RecoveryCode, { user: userId });
  }
}
