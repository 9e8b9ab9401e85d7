import type { EntityManager } from '@mikro-orm/postgresql';
import type { Clock } from '../../clock';
import { hashToken } from '../../crypto/opaque-token';
import { TrustedDevice, type User } from '../../db/entities';
import { isUuid } from '../credentials/credential-id';
import type { SessionOrigin } from '../sessions/session.service';

const DAY_MS = 24 * 60 * 60 * 1000;

/** Devices that skip the second step for a while ("trust this device"), keyed by their device token's nonce. */
export class TrustedDeviceService {
  constructor(
    private readonly clock: Clock,
    private readonly days: number,
  ) {}

  get enabled(): boolean {
    return this.days > 0;
  }

  /** Trusts the device `nonce` names for `user` for the configured days (again, if it was). The caller flushes. */
  async trust(em: EntityManager, user: User, nonce: string, origin: SessionOrigin): Promise<void> {
    if (!this.enabled) return;
    const deviceHash = hashToken(nonce);
    await em.nativeDelete(TrustedDevice, { user: user.id, deviceHash });
    const now = this.clock.now();
    em.create(TrustedDevice, { user, deviceHash, createdAt: now, expiresAt: new Date(now.getTime() + this.days * DAY_MS), ipAddress: origin.ipAddress, userAgent: origin.userAgent?.slice(0, 512) ?? null });
  }

  /** Whether the device `nonce` names is trusted by `userId` now; a use is recorded. */
  async isTrusted(em: EntityManager, userId: string, nonce: string): Promise<boolean> {
    if (!this.enabled) return false;
    const now = this.clock.now();
    const used = await em.nativeUpdate(TrustedDevice, { user: userId, deviceHash: hashToken(nonce), revokedAt: null, expiresAt: { $gt: now } }, { lastUsedAt: now });
    return used === 1;
  }

  /** The user's live trusted devices. */
  listLive(em: EntityManager, userId: string): Promise<TrustedDevice[]> {
    return em.find(TrustedDevice, { user: userId, revokedAt: null, expiresAt: { $gt: this.clock.now() } });
  }

  /** Forgets one device of the user; false when `id` is not a live one of theirs. */
  async revoke(em: EntityManager, userId: string, id: string): Promise<boolean> {
    if (!isUuid(id)) return false;
    return (await em.nativeUpdate(TrustedDevice, { id, user: userId, revokedAt: null }, { revokedAt: this.clock.now() })) === 1;
  }

  /** Forgets every device of the user. */
  async revokeAll(em: EntityManager, userId: string): Promise<void> {
    await em.nativeUpdate(TrustedDevice, { user: userId, revokedAt: null }, { revokedAt: this.clock.now() });
  }
}
