import type { EntityManager } from '@mikro-orm/postgresql';
import { EventEmitter, on } from 'node:events';
import type { DatabaseNotifications } from '../../db/notifications';
import { AuthEvent } from '../../db/entities';
import type { Logger } from '../../logger';

/** Announced by a trigger at the commit of every audit entry that has a user: `<user id>:<event id>`. */
export const SECURITY_EVENT_CHANNEL = 'gatehouse_security_event';

/**
 * Live security events for `securityEvents` subscriptions. The database announces each entry of
 * the audit trail (whichever instance wrote it, or the outbox later), every instance hears it on
 * its LISTEN connection, and the one that has subscribers for that user reads the entry once and
 * hands it to each of them. What a subscription sees is exactly what the `securityEvents` query
 * lists afterwards.
 */
export class SecurityEventBus {
  private readonly subscribers = new EventEmitter();

  constructor(
    notifications: DatabaseNotifications,
    private readonly forkEm: () => EntityManager,
    private readonly logger: Logger,
  ) {
    this.subscribers.setMaxListeners(0); // bounded by the sockets per user, not here
    notifications.subscribe(SECURITY_EVENT_CHANNEL, (payload) => void this.deliver(payload));
  }

  /** The user's events from now on, until the iterator is returned (the subscription ends). */
  subscribe(userId: string): AsyncIterableIterator<AuthEvent> {
    const events = on(this.subscribers, userId) as AsyncIterableIterator<[AuthEvent]>;
    return {
      next: async () => {
        const step = await events.next();
        return step.done ? { done: true, value: undefined } : { done: false, value: step.value[0] };
      },
      return: async () => {
        await events.return?.();
        return { done: true, value: undefined };
      },
      [Symbol.asyncIterator]() {
        return this;
      },
    };
  }

  private async deliver(payload: string): Promise<void> {
    const [userId, eventId] = payload.split(':');
    if (!userId || !eventId || this.subscribers.listenerCount(userId) === 0) return;
    try {
      const event = await this.forkEm().findOne(AuthEvent, { id: eventId });
      if (event) this.subscribers.emit(userId, event);
    } catch (error) {
      this.logger.warn({ err: error }, 'a security event could not be read for its subscribers');
    }
  }
}
