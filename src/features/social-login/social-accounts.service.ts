import { UniqueConstraintViolationException } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import type { Clock } from '../../clock';
import { SocialAccount, User } from '../../db/entities';
import { inTransaction } from '../../db/transaction';
import { AuthError, ErrorCode } from '../../errors';
import { parseEmail } from '../account/email';
import { parseLabel } from '../account/text';
import { lockWaysIn, removeUnlessLastWayIn } from '../account/ways-in';
import { isUuid } from '../credentials/credential-id';
import type { SessionService } from '../sessions/session.service';
import type { ProviderIdentity, SocialProvider } from './providers';

/**
 * Who a provider identity is here. An identity is (issuer, subject), never an email (SEC-47).
 * Linking by email happens only when the provider asserts the address is verified AND the local
 * account proved it too. When the local account never proved its address, whoever registered it
 * may not own it (pre-account takeover): the provider's verified owner wins, and the account
 * loses the password and provider identities it had, and every session (SEC-48).
 */
export class SocialAccountService {
  constructor(
    private readonly clock: Clock,
    private readonly sessions: SessionService,
    /** Email sign-in is on: every account can sign in by its address, whatever else it has. */
    private readonly emailSignIn = false,
  ) {}

  /** The user this identity signs in as, created on first use. */
  async signInWith(em: EntityManager, provider: SocialProvider, identity: ProviderIdentity): Promise<User> {
    const now = this.clock.now();
    const known = await em.findOne(SocialAccount, { issuer: identity.issuer, subject: identity.subject }, { populate: ['user'] });
    if (known) {
      if (!known.user.isActive) throw new AuthError(ErrorCode.SOCIAL_LOGIN_FAILED, { cause: new Error('inactive user') });
      Object.assign(known, { lastUsedAt: now, email: identity.email });
      await em.flush();
      return known.user;
    }
    const email = this.emailOf(identity);
    const existing = await em.findOne(User, { email });
    if (existing) {
      if (!identity.emailVerified) throw new AuthError(ErrorCode.SOCIAL_EMAIL_IN_USE);
      if (!existing.isActive) throw new AuthError(ErrorCode.SOCIAL_LOGIN_FAILED, { cause: new Error('inactive user') });
      if (!existing.emailVerifiedAt) await this.takeBackUnprovenAccount(em, existing);
      await this.addAccount(em, existing, provider, identity);
      return existing;
    }
    const user = em.create(User, {
      email,
      emailVerifiedAt: identity.emailVerified ? now : null,
      passwordHash: null,
      displayName: identity.name ? parseLabel(identity.name, 100) : null,
      createdAt: now,
      updatedAt: now,
    });
    await this.addAccount(em, user, provider, identity);
    return user;
  }

  /** Links an identity to a signed-in user; SOCIAL_ACCOUNT_TAKEN if it belongs to someone else. */
  link(em: EntityManager, user: User, provider: SocialProvider, identity: ProviderIdentity): Promise<SocialAccount> {
    return inTransaction(em, async (tx) => {
      await lockWaysIn(tx, user.id);
      const known = await tx.findOne(SocialAccount, { issuer: identity.issuer, subject: identity.subject }, { populate: ['user'] });
      if (known && known.user.id !== user.id) throw new AuthError(ErrorCode.SOCIAL_ACCOUNT_TAKEN);
      return known ?? this.addAccount(tx, user, provider, identity);
    });
  }

  list(em: EntityManager, userId: string): Promise<SocialAccount[]> {
    return em.find(SocialAccount, { user: userId }, { orderBy: { createdAt: 'asc' } });
  }

  /**
   * Unlinks one of the user's identities, unless it is their last way to sign in. The check and
   * the delete hold the user's row lock, so racing unlinks cannot together remove the last two.
   */
  async unlink(em: EntityManager, user: User, id: string): Promise<void> {
    if (!isUuid(id)) throw new AuthError(ErrorCode.NOT_FOUND);
    await inTransaction(em, (tx) =>
      removeUnlessLastWayIn(tx, user.id, this.emailSignIn, async () => {
        if ((await tx.nativeDelete(SocialAccount, { id, user: user.id })) === 0) throw new AuthError(ErrorCode.NOT_FOUND);
      }),
    );
  }

  private emailOf(identity: ProviderIdentity): string {
    if (!identity.email) throw new AuthError(ErrorCode.PROVIDER_EMAIL_REQUIRED);
    try {
      return parseEmail(identity.email);
    } catch {
      throw new AuthError(ErrorCode.PROVIDER_EMAIL_REQUIRED);
    }
  }

  private async takeBackUnprovenAccount(em: EntityManager, user: User): Promise<void> {
    user.passwordHash = null;
    user.emailVerifiedAt = this.clock.now();
    await em.nativeDelete(SocialAccount, { user: user.id });
    await this.sessions.revokeAllSessions(em, user.id, 'claimed_by_verified_provider');
  }

  private async addAccount(em: EntityManager, user: User, provider: SocialProvider, identity: ProviderIdentity): Promise<SocialAccount> {
    const now = this.clock.now();
    const account = em.create(SocialAccount, {
      user,
      provider: provider.id,
      issuer: identity.issuer,
      subject: identity.subject,
      email: identity.email,
      createdAt: now,
      lastUsedAt: now,
    });
    try {
      await em.flush();
    } catch (error) {
      // A race with another first sign-in of the same identity or address: let the client retry.
      if (error instanceof UniqueConstraintViolationException) throw new AuthError(ErrorCode.SOCIAL_LOGIN_FAILED, { cause: error });
      throw error;
    }
    return account;
  }
}

/**
 * Takes the user's row lock for the rest of the transaction: changes to one user's ways of
 * signing in happen one at a time. Returns whether the user has a password (read under the lock).
 */
