import type { EntityManager } from '@mikro-orm/postgresql';
import type { Clock } from '../../clock';
import type { Config, SessionLifetimes } from '../../config';
import type { FoundUser } from '../../context/context';
import type { LazyEm, UserCache } from '../../context/user-cache';
import { createOpaqueToken, hashToken } from '../../crypto/opaque-token';
import { CredentialKind, Session, sessionIsLiveAt, type User } from '../../db/entities';
import type { DatabaseNotifications } from '../../db/notifications';
import { RowCache, unlessRevoked } from '../../db/row-cache';
import { afterCommit } from '../../db/transaction';
import { isUuid } from '../credentials/credential-id';

/** Prefix of opaque session tokens (cookie value and SESSION_TOKEN bearer alike). */
export const SESSION_TOKEN_PREFIX = 'gths_';
const MAX_USER_AGENT_LENGTH = 512;
/** NOTIFYed with the id by a trigger on every update or delete of a session row. */
export const SESSION_CHANGED_CHANNEL = 'gatehouse_session_changed';

export interface SessionOrigin {
  ipAddress: string | null;
  userAgent: string | null;
}

export interface SessionAssurance {
  amr: string[];
  /** A second factor was proved with this sign-in. */
  secondFactor: boolean;
}

export interface CreatedSession {
  session: Session;
  /** Plaintext token for cookie and session-token clients; only its hash is stored. */
  token: string | null;
}

/** A session row as the caller cache holds it: what a request needs of it, no entity. */
type CachedSession = Pick<Session, 'id' | 'credentialKind' | 'expiresAt' | 'lastSeenAt' | 'idleTimeoutSeconds' | 'revokedAt'> & { userId: string };

/** The session a cookie or session token belongs to, and its user (in the request's EntityManager). */
export interface LiveSession {
  sessionId: string;
  user: FoundUser;
}

/** Server-side sessions: creation, lookup with idle/absolute expiry, and revocation. */
export class SessionService {
  /** Sessions of cookie and session-token callers by token hash, evicted by NOTIFY (see RowCache). */
  private readonly cache: RowCache<CachedSession>;

  constructor(
    private readonly config: Pick<Config, 'session' | 'tokenSession' | 'callerCacheSize'>,
    private readonly clock: Clock,
    notifications: DatabaseNotifications,
    private readonly users: UserCache,
    /** Told of every revocation this instance commits, so its own JWT checks see it at once. */
    private readonly onRevoked: (sessionIds: string[]) => void = () => {},
  ) {
    this.cache = new RowCache(notifications, SESSION_CHANGED_CHANNEL, config.callerCacheSize);
  }

  /** Reports each cache lookup (hit or miss) to `onLookup`: the metrics. */
  observeCache(onLookup: (hit: boolean) => void): void {
    this.cache.onLookup = onLookup;
  }

  /** Browsers get the short ASVS lifetimes; app sessions (token, JWT) the longer app ones. */
  lifetimesFor(kind: CredentialKind): SessionLifetimes {
    return kind === CredentialKind.COOKIE ? this.config.session : this.config.tokenSession;
  }

  /**
   * Opens a new session for `user`; the caller flushes. A new id and token on every sign-in.
   * `assurance` records how the user proved who they are (RFC 8176 `amr`; a second factor makes it aal2).
   */
  createSession(em: EntityManager, user: User, kind: CredentialKind, origin: SessionOrigin, assurance: SessionAssurance = { amr: [], secondFactor: false }): CreatedSession {
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
      amr: assurance.amr,
      secondFactorAt: assurance.secondFactor ? now : null,
    });
    return { session, token };
  }

  /**
   * The live session of `kind` a token belongs to, with its user, or null when the token is
   * unknown, of another kind (a cookie's token is not a bearer token), revoked, expired (idle or
   * absolute) or its user is deactivated. Session and user usually come from memory (kept current
   * by NOTIFY); a cached session that looks idle-expired is read again, since another instance may
   * have recorded activity. Activity is written at most once per touch interval.
   */
  async findLiveSession(em: LazyEm, token: string, kind: CredentialKind, options: { activity: boolean } = { activity: true }): Promise<LiveSession | null> {
    if (!token.startsWith(SESSION_TOKEN_PREFIX)) return null;
    const tokenHash = hashToken(token);
    const now = this.clock.now();
    const read = async () => {
      const row = await em().findOne(Session, { tokenHash });
      return row && cachedSession(row);
    };
    const session = await this.cache.lookup(tokenHash, read, unlessRevoked, (cached) => sessionIsLiveAt(cached, now));
    if (!session || session.credentialKind !== kind || !sessionIsLiveAt(session, now)) return null;
    const user = await this.users.load(em, session.userId);
    if (!user?.view.isActive) return null;
    if (options.activity) await this.touch(em, session, now);
    return { sessionId: session.id, user };
  }

  /** Records activity, extending the idle lifetime; written at most once per touch interval. */
  private async touch(em: LazyEm, session: CachedSession, now: Date): Promise<void> {
    if (now.getTime() - session.lastSeenAt.getTime() < this.config.session.touchIntervalSeconds * 1000) return;
    this.cache.changing(session.id);
    await em().nativeUpdate(Session, { id: session.id, revokedAt: null }, { lastSeenAt: now });
  }

  /**
   * The database's answer for a JWT: is `sessionId` a live JWT session of `userId`? Asked once per
   * access token, and on every request while the revocation listener is down.
   */
  async isLiveSessionOf(em: EntityManager, sessionId: string, userId: string): Promise<boolean> {
    if (!isUuid(sessionId) || !isUuid(userId)) return false;
    const session = await em.findOne(Session, { id: sessionId, user: userId, credentialKind: CredentialKind.JWT });
    return session !== null && session.isLiveAt(this.clock.now());
  }

  /** Ends one session now. Idempotent. */
  async revokeSession(em: EntityManager, sessionId: string, reason: string): Promise<void> {
    this.cache.changing(sessionId);
    await em.nativeUpdate(Session, { id: sessionId, revokedAt: null }, { revokedAt: this.clock.now(), revokedReason: reason });
    afterCommit(em, () => this.onRevoked([sessionId]));
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
    for (const { id } of rows) this.cache.changing(id);
    afterCommit(em, () => this.onRevoked(rows.map((r) => r.id)));
    return rows.length;
  }
}

function cachedSession(row: Session): CachedSession {
  const { id, credentialKind, expiresAt, lastSeenAt, idleTimeoutSeconds, revokedAt } = row;
  return { id, userId: row.user.id, credentialKind, expiresAt, lastSeenAt, idleTimeoutSeconds, revokedAt };
}
