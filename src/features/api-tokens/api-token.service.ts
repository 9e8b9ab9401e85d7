import type { EntityManager } from '@mikro-orm/postgresql';
import type { Clock } from '../../clock';
import type { Config } from '../../config';
import type { CallerApiToken, FoundUser } from '../../context/context';
import type { LazyEm, UserCache } from '../../context/user-cache';
import { createOpaqueToken, hashToken } from '../../crypto/opaque-token';
import { ApiToken, ApiTokenScope, apiTokenIsLiveAt, type User } from '../../db/entities';
import type { DatabaseNotifications } from '../../db/notifications';
import { RowCache, unlessRevoked } from '../../db/row-cache';
import { AuthError, ErrorCode } from '../../errors';
import { parseLabel } from '../account/text';
import { BASE_ROLE } from '../roles/roles';

/** Prefix of personal API tokens, so secret scanners can recognise a leaked one. */
export const API_TOKEN_PREFIX = 'gthp_';
/** Characters of the token kept in clear to tell tokens apart: the prefix plus 6 random ones. */
const DISPLAY_PREFIX_LENGTH = API_TOKEN_PREFIX.length + 6;
const MAX_NAME_LENGTH = 100;
const DAY_MS = 24 * 60 * 60 * 1000;
/** NOTIFYed with the id by a trigger on every update or delete of an API token row. */
export const API_TOKEN_CHANGED_CHANNEL = 'gatehouse_api_token_changed';

/** An API token's row as the caller cache holds it: what a request needs of it, no entity. */
type CachedApiToken = Pick<ApiToken, 'id' | 'scopes' | 'roles' | 'expiresAt' | 'lastUsedAt' | 'revokedAt'> & { userId: string };

export interface NewApiToken {
  name: string;
  expiresAt?: Date | null;
  scopes?: ApiTokenScope[] | null;
  /** Roles besides `user` the token may act with; each must be one the user holds now. */
  roles?: string[] | null;
}

/** Personal API tokens: what DRF's Token should have been. */
export class ApiTokenService {
  /** Tokens by hash, evicted by NOTIFY (see RowCache). */
  private readonly cache: RowCache<CachedApiToken>;

  constructor(
    private readonly config: Pick<Config, 'apiTokens' | 'session' | 'callerCacheSize'>,
    private readonly clock: Clock,
    notifications: DatabaseNotifications,
    private readonly users: UserCache,
    /** Whether the user has a second factor: an ADMIN token is made only at aal2 (SEC-64). */
    private readonly hasSecondFactor: (em: EntityManager, userId: string) => Promise<boolean>,
  ) {
    this.cache = new RowCache(notifications, API_TOKEN_CHANGED_CHANNEL, config.callerCacheSize);
  }

  /** Reports each cache lookup (hit or miss) to `onLookup`: the metrics. */
  observeCache(onLookup: (hit: boolean) => void): void {
    this.cache.onLookup = onLookup;
  }

  /**
   * Creates a token for `user`; returns it with its plaintext, which is never stored or shown
   * again. Lifetimes are bounded: the default applies when none is given, and no token outlives
   * the configured maximum. Its roles are among `heldRoles`: those the creating caller acts with
   * (a token cannot make a token with more roles than its own).
   */
  async create(em: EntityManager, user: User, input: NewApiToken, heldRoles: readonly string[] = user.roles): Promise<{ apiToken: ApiToken; token: string }> {
    const now = this.clock.now();
    const name = parseLabel(input.name, MAX_NAME_LENGTH);
    if (name === null) {
      throw new AuthError(ErrorCode.BAD_USER_INPUT, { field: 'name', message: `Name the token with 1 to ${MAX_NAME_LENGTH} printable characters.` });
    }
    const { defaultLifetimeDays, maxLifetimeDays } = this.config.apiTokens;
    const expiresAt = input.expiresAt ?? new Date(now.getTime() + defaultLifetimeDays * DAY_MS);
    if (expiresAt <= now || expiresAt.getTime() > now.getTime() + maxLifetimeDays * DAY_MS) {
      throw new AuthError(ErrorCode.BAD_USER_INPUT, {
        field: 'expiresAt',
        message: `Choose an expiry in the future and at most ${maxLifetimeDays} days away.`,
      });
    }
    const scopes = [...new Set(input.scopes ?? [ApiTokenScope.READ, ApiTokenScope.WRITE])];
    if (scopes.length === 0) throw new AuthError(ErrorCode.BAD_USER_INPUT, { field: 'scopes', message: 'Give the token at least one scope.' });

    if (scopes.includes(ApiTokenScope.ADMIN) && !(await this.hasSecondFactor(em, user.id))) {
      throw new AuthError(ErrorCode.FORBIDDEN, { field: 'scopes', message: 'Turn on two-factor authentication before creating an ADMIN token.' });
    }
    const roles = [...new Set(input.roles ?? [])].filter((role) => role !== BASE_ROLE);
    if (!roles.every((role) => heldRoles.includes(role))) {
      throw new AuthError(ErrorCode.BAD_USER_INPUT, { field: 'roles', message: 'A token can only have roles that you hold.' });
    }

    const token = createOpaqueToken(API_TOKEN_PREFIX);
    const apiToken = em.create(ApiToken, {
      user,
      name,
      prefix: token.slice(0, DISPLAY_PREFIX_LENGTH),
      tokenHash: hashToken(token),
      scopes,
      roles,
      createdAt: now,
      expiresAt,
    });
    await em.flush();
    return { apiToken, token };
  }

  /** The live token and its active user, or null. Records use at most once per touch interval. */
  async findLive(em: LazyEm, token: string): Promise<{ apiToken: CallerApiToken; user: FoundUser } | null> {
    const tokenHash = hashToken(token);
    const read = async () => {
      const row = await em().findOne(ApiToken, { tokenHash });
      return row && cachedApiToken(row);
    };
    const apiToken = await this.cache.lookup(tokenHash, read, unlessRevoked);
    const now = this.clock.now();
    if (!apiToken || !apiTokenIsLiveAt(apiToken, now)) return null;
    const user = await this.users.load(em, apiToken.userId);
    if (!user?.view.isActive) return null;
    const last = apiToken.lastUsedAt?.getTime() ?? 0;
    if (now.getTime() - last >= this.config.session.touchIntervalSeconds * 1000) {
      this.cache.changing(apiToken.id);
      await em().nativeUpdate(ApiToken, { id: apiToken.id }, { lastUsedAt: now });
    }
    return { apiToken, user };
  }

  /** Revokes one of `userId`'s tokens; false when there is no such live token of theirs. */
  async revoke(em: EntityManager, userId: string, id: string): Promise<boolean> {
    this.cache.changing(id);
    const count = await em.nativeUpdate(ApiToken, { id, user: userId, revokedAt: null }, { revokedAt: this.clock.now() });
    return count > 0;
  }

  /** Revokes every live token of the user (account recovery); returns how many. */
  async revokeAll(em: EntityManager, userId: string): Promise<number> {
    const rows = await em
      .createQueryBuilder(ApiToken)
      .update({ revokedAt: this.clock.now() })
      .where({ user: userId, revokedAt: null })
      .returning(['id'])
      .execute<{ id: string }[]>('all', false);
    for (const { id } of rows) this.cache.changing(id);
    return rows.length;
  }

  /** The user's tokens that still work. */
  listLive(em: EntityManager, userId: string): Promise<ApiToken[]> {
    const now = this.clock.now();
    return em.find(
      ApiToken,
      { user: userId, revokedAt: null, $or: [{ expiresAt: null }, { expiresAt: { $gt: now } }] },
      { orderBy: { createdAt: 'desc' } },
    );
  }
}

function cachedApiToken(row: ApiToken): CachedApiToken {
  const { id, scopes, roles, expiresAt, lastUsedAt, revokedAt } = row;
  return { id, userId: row.user.id, scopes, roles, expiresAt, lastUsedAt, revokedAt };
}
