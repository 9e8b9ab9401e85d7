import { type EventSubscriber, wrap } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import { User } from '../db/entities';
import type { DatabaseNotifications } from '../db/notifications';
import { RowCache } from '../db/row-cache';
import { type FoundUser, loadedUser } from './context';

/** The request's EntityManager, forked on first use: a request served from memory never needs one. */
export type LazyEm = () => EntityManager;

export const USER_CHANGED_CHANNEL = 'gatehouse_user_changed';

/**
 * The users behind token and cookie callers, kept in memory so a request needs no database read
 * at all (the benchmark's main cost before: one round trip per request). Kept
 * correct by NOTIFY on every change to a user row (migration 20261128160000) and, for this
 * instance's own changes, by the ORM subscriber below. The cached copy is a frozen User, shared by
 * the requests that only read it; one that changes the user gets it merged into its
 * EntityManager (`attach`), so it flushes only what it changed.
 */
export class UserCache {
  private readonly rows: RowCache<User>;

  constructor(notifications: DatabaseNotifications, maxEntries: number) {
    this.rows = new RowCache(notifications, USER_CHANGED_CHANNEL, maxEntries);
  }

  /** Reports each lookup (hit or miss) to `onLookup`: the metrics. */
  observe(onLookup: (hit: boolean) => void): void {
    this.rows.onLookup = onLookup;
  }

  async load(em: LazyEm, id: string): Promise<FoundUser | null> {
    const cached = this.rows.get(id);
    if (cached) return { view: cached, attach: () => em().merge(User, { ...cached }) };
    const user = await this.rows.fill(id, () => em().findOne(User, { id }), (found) => ({ id, value: frozenCopy(found) }));
    return user && loadedUser(user);
  }

  /** Evicts users as this instance updates or deletes them, before their NOTIFY comes back. */
  subscriber(): EventSubscriber<User> {
    return {
      getSubscribedEntities: () => [User],
      afterUpdate: ({ entity }) => this.rows.changing(entity.id),
      afterDelete: ({ entity }) => this.rows.changing(entity.id),
    };
  }
}

/** A read-only copy of a user, detached from any EntityManager (the User prototype keeps its getters). */
function frozenCopy(user: User): User {
  return Object.freeze(Object.assign(Object.create(User.prototype) as User, wrap(user).toPOJO()));
}
