import { ArrayType, Entity, Enum, Index, ManyToOne, type Opt, PrimaryKey, Property } from '@mikro-orm/core';
import { GraphQLJSONObject } from 'graphql-scalars';
import { Field, ID, Int, ObjectType, registerEnumType } from 'type-graphql';

/**
 * A configured receiver of events (WEBHOOK_ENDPOINTS), as the database triggers see it: the
 * server writes this table from its configuration at start-up. The signing secret is never here;
 * it stays in the configuration of the servers that deliver.
 */
@Entity({ tableName: 'webhook_endpoints' })
export class WebhookEndpoint {
  @PrimaryKey({ type: 'text' })
  id!: string;

  @Property({ type: 'text' })
  url!: string;

  /** The event types it receives; empty: all of them. */
  @Property({ type: ArrayType, columnType: 'text[]', default: '{}' })
  events: string[] & Opt = [];

  /** False once the endpoint left the configuration: no new events are written for it. */
  @Property({ type: 'boolean', default: true })
  active: boolean & Opt = true;
}

export enum WebhookDeliveryStatus {
  PENDING = 'PENDING',
  DELIVERED = 'DELIVERED',
  DEAD = 'DEAD',
}

registerEnumType(WebhookDeliveryStatus, {
  name: 'WebhookDeliveryStatus',
  valuesConfig: {
    PENDING: { description: 'Not yet accepted by the endpoint: waiting for its turn or for its next attempt.' },
    DELIVERED: { description: 'Answered with a 2xx by the endpoint.' },
    DEAD: { description: 'Every attempt failed (dead letter); `redeliverWebhook` sends it again.' },
  },
});

/**
 * One event for one endpoint: the outbox row and its delivery state. Rows are written by database
 * triggers in the transaction of the change they describe (migration Migration20261201184618), so
 * an event exists exactly when its change committed. `tx` is the writing transaction's id: events
 * are delivered per user and endpoint in (tx, id) order, and only once no older transaction is
 * still running, so a later commit can never slip in front of an event already delivered.
 */
@Entity({ tableName: 'webhook_deliveries' })
@Index({ name: 'webhook_deliveries_pending_index', expression: `create index "webhook_deliveries_pending_index" on "webhook_deliveries" ("endpoint_id", "user_id", "tx", "id") where status = 'PENDING'` })
@Index({ properties: ['status', 'id'] })
@ObjectType('WebhookDelivery')
export class WebhookDelivery {
  @PrimaryKey({ type: 'bigint', autoincrement: true })
  @Field(() => ID)
  id!: string;

  /** The event's id (`webhook-id`): the same for every endpoint and every attempt, so receivers can deduplicate. */
  @Property({ type: 'uuid' })
  @Field(() => String)
  eventId!: string;

  @ManyToOne(() => WebhookEndpoint, { deleteRule: 'cascade', fieldName: 'endpoint_id' })
  endpoint!: WebhookEndpoint;

  @Field(() => String, { name: 'endpoint', description: 'The endpoint id from WEBHOOK_ENDPOINTS.' })
  get endpointId(): string & Opt {
    return this.endpoint.id;
  }

  @Property({ type: 'string', columnType: 'xid8', defaultRaw: 'pg_current_xact_id()' })
  tx!: string & Opt;

  /** Whose event it is; no foreign key, so that `user.deleted` outlives the user. */
  @Property({ type: 'uuid', nullable: true })
  @Field(() => String, { nullable: true })
  userId: string | null = null;

  @Property({ type: 'text' })
  @Field(() => String)
  type!: string;

  /** The body as sent: `{ type, timestamp, data }`. Never a secret (the triggers pick the fields). */
  @Property({ type: 'jsonb' })
  @Field(() => GraphQLJSONObject)
  payload!: Record<string, unknown>;

  @Enum({ items: () => WebhookDeliveryStatus, nativeEnumName: 'webhook_delivery_status', default: WebhookDeliveryStatus.PENDING })
  @Field(() => WebhookDeliveryStatus)
  status: WebhookDeliveryStatus & Opt = WebhookDeliveryStatus.PENDING;

  @Property({ type: 'integer', default: 0 })
  @Field(() => Int)
  attempts: number & Opt = 0;

  /** Not before then (a retry's backoff, or a delivery in flight); null: as soon as it is its turn. */
  @Property({ type: 'timestamptz', nullable: true })
  @Field(() => Date, { nullable: true })
  nextAttemptAt: Date | null = null;

  /** Why the last attempt failed ("HTTP 500", "timed out"); never the receiver's body. */
  @Property({ type: 'text', nullable: true })
  @Field(() => String, { nullable: true })
  lastError: string | null = null;

  @Property({ type: 'timestamptz', defaultRaw: 'now()' })
  @Field(() => Date)
  createdAt!: Date & Opt;

  @Property({ type: 'timestamptz', nullable: true })
  @Field(() => Date, { nullable: true })
  deliveredAt: Date | null = null;
}
