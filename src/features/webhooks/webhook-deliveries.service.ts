import type { FilterQuery } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import { WebhookDelivery, WebhookDeliveryStatus } from '../../db/entities';
import { inTransaction } from '../../db/transaction';
import { AuthError, ErrorCode } from '../../errors';
import { cursorParts, encodeCursor, invalidCursor } from '../../graphql/cursor';
import type { AuditService } from '../audit/audit.service';
import { isUuid } from '../credentials/credential-id';

export interface DeliveryFilter {
  status?: WebhookDeliveryStatus | null;
  endpoint?: string | null;
  userId?: string | null;
  type?: string | null;
}

const DELIVERY_ID = /^[1-9]\d{0,18}$/;

/** The outbox as operators see it (the admin API): what was sent, what waits, what died. */
export class WebhookDeliveryService {
  constructor(private readonly audit: AuditService) {}

  /** Deliveries, newest first, `first` at a time after the `after` cursor. */
  async page(em: EntityManager, filter: DeliveryFilter, first: number, after: string | null): Promise<{ items: WebhookDelivery[]; endCursor: string | null; hasMore: boolean }> {
    if (filter.userId && !isUuid(filter.userId)) throw new AuthError(ErrorCode.BAD_USER_INPUT, { field: 'userId', message: 'Give a user id.' });
    const before = after === null ? null : decodeDeliveryCursor(after);
    const where: FilterQuery<WebhookDelivery> = {
      ...(filter.status ? { status: filter.status } : {}),
      ...(filter.endpoint ? { endpoint: filter.endpoint } : {}),
      ...(filter.userId ? { userId: filter.userId } : {}),
      ...(filter.type ? { type: filter.type } : {}),
      ...(before ? { id: { $lt: before } } : {}),
    };
    const rows = await em.find(WebhookDelivery, where, { orderBy: { id: 'desc' }, limit: first + 1 });
    const items = rows.slice(0, first);
    const last = items.at(-1);
    return { items, hasMore: rows.length > first, endCursor: last ? encodeCursor([String(last.id)]) : null };
  }

  /**
   * Sends a delivery again (a dead letter, or one already delivered): it becomes pending with a
   * fresh schedule, in its original place in its user's order. Audited with the administrator.
   */
  async redeliver(em: EntityManager, actorId: string | null, id: string): Promise<WebhookDelivery> {
    if (!DELIVERY_ID.test(id)) throw new AuthError(ErrorCode.NOT_FOUND);
    return inTransaction(em, async (tx) => {
      const delivery = await tx.findOne(WebhookDelivery, { id });
      if (!delivery) throw new AuthError(ErrorCode.NOT_FOUND);
      Object.assign(delivery, { status: WebhookDeliveryStatus.PENDING, attempts: 0, nextAttemptAt: null, lastError: null, deliveredAt: null });
      await this.audit.recordIn(tx, { type: 'ADMIN_REDELIVERED_WEBHOOK', success: true, userId: delivery.userId, actorId, detail: `${delivery.endpoint.id} ${delivery.type} ${delivery.eventId}` });
      await tx.flush();
      return delivery;
    });
  }
}

function decodeDeliveryCursor(cursor: string): string {
  const [id] = cursorParts(cursor, 1) as [string];
  if (!DELIVERY_ID.test(id)) throw invalidCursor();
  return id;
}
