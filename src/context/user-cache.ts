import { type EntityData, type EventSubscriber, wrap } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import { User } from '../db/entities';
import type { DatabaseNotifications } from '../db/notifications';
import { RowCache } from '../db/row-cache';

export const USER_CHANGED_CHANNEL = 'gatehouse_user_changed';

/**
 * The users behind JWT callers, kept in memory so a request with an access token needs no
 * database read at all (the benchmark's main cost before: one round trip per request). Kept
 * correct by NOTIFY on every change to a user row (migration 20261128160000) and, for this
 * instance's own changes, by the ORM subscriber below. A cached user enters each request's
 * EntityManager through `merge`, so a resolver that changes it flushes only what it changed.
 */
export class UserCache {
  private readonly rows: RowCache<EntityData<User>>;

  constructor(notifications: DatabaseNotifications, maxEntries: number) {
    this.rows = new RowCache(notifications, USER_CHANGED_CHANNEL, maxEntries);
  }

  async load(em: EntityManager, id: string): Promise<User | null> {
    const row = this.rows.get(id);
    if (row) return em.merge(User, { ...row });
    const started = this.rows.readStarted();
    const user = await em.findOne(User, { id });
    if (user) this.rows.set(id, id, Object.freeze(wrap(user).toPOJO()), started);
    return user;
  }

  /** Evicts users as this instance updates or deletes them, before their NOTIFY comes back. */
  subscriber(): EventSubscriber<User> {
    return {
      getSubscribedEntities: () => [User],
      afterUpdate: ({ entity }) => this.rows.changing(entity.id),
      afterDelete: ({ entity }) => this.rows.changing(entity.id),
    };
  }

  get size(): number {
    return this.rows.size;
  }
}
