import type { EntityManager } from '@mikro-orm/postgresql';
import type { Clock } from '../../clock';
import type { Config, SessionLifetimes } from '../../config';
import { createOpaqueToken, hashToken } from '../../crypto/opaque-token';
import { CredentialKind, Session, type User } from '../../db/entities';

/** Prefix of opaque session tokens (cookie value and SESSION_TOKEN bearer alike). */
export const SESSION_TOKEN_PREFIX = 'gths_';
const MAX_USER_AGENT_LENGTH = 512;

export interface SessionOrigin {
  ipAddress: string | null;
  userAgent: string | null;
}

export interface CreatedSession {
  session: Session;
  /** Plaintext token for cookie and session-token clients; only its hash is stored. */
  token: string | null;
}

/** Server-side sessions: creation, lookup with idle/absolute expiry, and revocation. */
export class SessionService {
  constructor(
    private readonly config: Pick<Config, 'session' | 'tokenSession'>,
    private readonly clock: Clock,
    /** Told of every revocation this instance makes, so its own JWT checks see it at once. */
    private readonly onRevoked: (sessionIds: string[]) => void = () => {},
  ) {}

  /** Browsers get the short ASVS lifetimes; app sessions (token, JWT) the longer app ones. */
  lifetimesFor(kind: CredentialKind): SessionLifetimes {
    return kind === CredentialKind.COOKIE ? this.config.session : this.config.tokenSession;
  }

  /** Opens a new session for `user`; the caller flushes. A new id and token on every sign-in. */
  createSession(em: EntityManager, user: User, kind: CredentialKind, origin: SessionOrigin): CreatedSession {
    const now = this.clock.now();
    const lifetimes = this.lifetimesFor(kind);
    const token = kind === CredentialKind.JWT ? null : createOpaqueToken(SESSION_TOKEN_PREFIX);
    const session = em.create(Session, {
      user,
      credentialKind: kind,
      tokenHash: token ? hashToken(token) : null,
      createdAt: now,
      authenticatedAt: now,
      lastSeenAt: now,
      expiresAt: new Date(now.getTime() + lifetimes.absoluteTimeoutSeconds * 1000),
      idleTimeoutSeconds: lifetimes.idleTimeoutSeconds,
      ipAddress: origin.ipAddress,
      userAgent: origin.userAgent?.slice(0, MAX_USER_AGENT_LENGTH) ?? null,
    });
    return { session, token };
  }

  /**
   * The live session of `kind` a token belongs to, with its user, or null when the token is
   * unknown, of another kind (a cookie's token is not a bearer token), revoked, expired (idle or
   * absolute) or its user is deactivated. Records activity at most once per touch interval, so a
   * busy client costs one indexed read per request, not a write.
   */
  async findLiveSession(em: EntityManager, token: string, kind: CredentialKind): Promise<Session | null> {
    if (!token.startsWith(SESSION_TOKEN_PREFIX)) return null;
    const session = await em.findOne(Session, { tokenHash: hashToken(token) }, { populate: ['user'] });
    const now = this.clock.now();
    if (!session || session.credentialKind !== kind || !session.isLiveAt(now) || !session.user.isActive) return null;
    await this.touch(em, session, now);
    return session;
  }

  /** Records activity, extending the idle lifetime; written at most once per touch interval. */
  async touch(em: EntityManager, session: Session, now = this.clock.now()): Promise<void> {
    if (now.getTime() - session.lastSeenAt.getTime() < this.config.session.touchIntervalSeconds * 1000) return;
    await em.nativeUpdate(Session, { id: session.id, revokedAt: null }, { lastSeenAt: now });
    session.lastSeenAt = now;
  }

  /** The database's answer for a JWT session, used only while the revocation listener is down. */
  async isLive(em: EntityManager, sessionId: string): Promise<boolean> {
    const session = await em.findOne(Session, { id: sessionId });
    return session !== null && session.isLiveAt(this.clock.now());
  }

  /** Ends one session now. Idempotent. */
  async revokeSession(em: EntityManager, sessionId: string, reason: string): Promise<void> {
    await em.nativeUpdate(Session, { id: sessionId, revokedAt: null }, { revokedAt: this.clock.now(), revokedReason: reason });
    this.onRevoked([sessionId]);
  }

  /** Ends every live session of a user now; returns how many were ended. */
  revokeAllSessions(em: EntityManager, userId: string, reason: string): Promise<number> {
    return this.revokeOtherSessions(em, userId, null, reason);
  }

  /** Ends every live session of a user but `keepId` (the caller's own); returns how many were ended. */
  async revokeOtherSessions(em: EntityManager, userId: string, keepId: string | null, reason: string): Promise<number> {
    const rows = await em
      .createQueryBuilder(Session)
      .update({ revokedAt: this.clock.now(), revokedReason: reason })
      .where({ user: userId, revokedAt: null, ...(keepId ? { id: { $ne: keepId } } : {}) })
      .returning(['id'])
      .execute<{ id: string }[]>('all', false);
    this.onRevoked(rows.map((r) => r.id));
    return rows.length;
  }
}
