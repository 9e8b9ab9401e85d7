import type { EntityManager } from '@mikro-orm/postgresql';
import { randomUUID } from 'node:crypto';
import type { Clock } from '../../clock';
import type { SecretBox } from '../../crypto/secret-box';
import { SecondFactor, SecondFactorKind, type User } from '../../db/entities';
import { matchingTotpStep, newTotpSecret, totpUri } from './totp';

/** An enrolment not confirmed within this time must be started again. */
const ENROLMENT_LIFETIME_MS = 10 * 60 * 1000;

export interface TotpEnrolment {
  secret: string;
  uri: string;
}

/** TOTP authenticators: the sealed seed, enrolment, and codes accepted once per step. */
export class TotpService {
  constructor(
    private readonly clock: Clock,
    private readonly box: SecretBox,
    private readonly issuer: string,
  ) {}

  /** Whether the user has a confirmed authenticator. */
  async isEnabled(em: EntityManager, userId: string): Promise<boolean> {
    return (await em.count(SecondFactor, confirmed(userId))) > 0;
  }

  /** The user's confirmed authenticator, if any. */
  enabledFactor(em: EntityManager, userId: string): Promise<SecondFactor | null> {
    return em.findOne(SecondFactor, confirmed(userId));
  }

  /**
   * A new seed for `user`, replacing an unconfirmed one, in one statement: of two racing starts
   * the later seed wins, and a confirmed authenticator is never replaced (null then).
   */
  async begin(em: EntityManager, user: User): Promise<TotpEnrolment | null> {
    const secret = newTotpSecret();
    const rows = await em.execute<{ id: string }[]>(
      `insert into second_factors (id, user_id, kind, secret_box, created_at) values (?, ?, 'TOTP', ?, ?)
       on conflict (user_id, kind) do update set secret_box = excluded.secret_box, created_at = excluded.created_at, last_used_step = null, last_used_at = null
       where second_factors.confirmed_at is null
       returning id`,
      [randomUUID(), user.id, this.box.seal(secret, user.id), this.clock.now()],
    );
    return rows.length === 0 ? null : { secret, uri: totpUri(secret, this.issuer, user.email) };
  }

  /** Confirms the pending enrolment with a code from the app; null for a wrong code or none pending. */
  async confirm(em: EntityManager, userId: string, code: string): Promise<SecondFactor | null> {
    const now = this.clock.now();
    const pending = await em.findOne(SecondFactor, { user: userId, kind: SecondFactorKind.TOTP, confirmedAt: null });
    if (!pending || now.getTime() - pending.createdAt.getTime() > ENROLMENT_LIFETIME_MS) return null;
    if (!(await this.accept(em, pending, code))) return null;
    pending.confirmedAt = now;
    pending.createdAt = now; // "enabled at", as the user sees it
    await em.flush();
    return pending;
  }

  /** Checks a code of the user's confirmed authenticator; a code is accepted once and only for a later step. */
  async verify(em: EntityManager, userId: string, code: string): Promise<boolean> {
    const factor = await this.enabledFactor(em, userId);
    return factor !== null && (await this.accept(em, factor, code));
  }

  /** Removes the user's authenticator, confirmed or not. */
  async remove(em: EntityManager, userId: string): Promise<void> {
    await em.nativeDelete(SecondFactor, { user: userId, kind: SecondFactorKind.TOTP });
  }

  /**
   * Claims the code's step with one conditional UPDATE: of racing uses of one code, or of two
   * codes of one window, exactly one wins (RFC 6238 §5.2). A seed sealed under a retired key is
   * sealed again under the current one.
   */
  private async accept(em: EntityManager, factor: SecondFactor, code: string): Promise<boolean> {
    const userId = factor.user.id;
    const secret = this.box.open(factor.secretBox, userId);
    const step = matchingTotpStep(secret, code, this.clock.now());
    if (step === null) return false;
    const claimed = await em.nativeUpdate(
      SecondFactor,
      { id: factor.id, $or: [{ lastUsedStep: null }, { lastUsedStep: { $lt: String(step) } }] },
      { lastUsedStep: String(step), lastUsedAt: this.clock.now(), ...(this.box.needsReseal(factor.secretBox) ? { secretBox: this.box.seal(secret, userId) } : {}) },
    );
    if (claimed === 1) {
      factor.lastUsedStep = String(step);
      factor.lastUsedAt = this.clock.now();
    }
    return claimed === 1;
  }
}

/** The filter of a user's confirmed authenticator: a seed counts only once a code proved it. */
function confirmed(userId: string) {
  return { user: userId, kind: SecondFactorKind.TOTP, confirmedAt: { $ne: null } };
}
