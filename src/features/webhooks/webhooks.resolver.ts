import { Arg, Authorized, Ctx, Field, ID, InputType, Int, Mutation, ObjectType, Query, Resolver } from 'type-graphql';
import type { Context } from '../../context/context';
import { WebhookDelivery, WebhookDeliveryStatus } from '../../db/entities';
import { pageSize } from '../../graphql/cursor';
import { ADMIN_ROLE, assertAdmin } from '../admin/admin-guard';

@ObjectType()
export class WebhookDeliveryPage {
  @Field(() => [WebhookDelivery])
  deliveries!: WebhookDelivery[];

  @Field(() => String, { nullable: true, description: 'Pass as `after` for the next page.' })
  endCursor!: string | null;

  @Field(() => Boolean)
  hasMore!: boolean;
}

@InputType()
export class WebhookDeliveryFilterInput {
  @Field(() => WebhookDeliveryStatus, { nullable: true, description: 'DEAD: the dead letters.' })
  status?: WebhookDeliveryStatus | null;

  @Field(() => String, { nullable: true, description: 'An endpoint id from WEBHOOK_ENDPOINTS.' })
  endpoint?: string | null;

  @Field(() => ID, { nullable: true })
  userId?: string | null;

  @Field(() => String, { nullable: true, description: 'e.g. user.created' })
  type?: string | null;
}

/** The webhook outbox in the admin API (SEC-64's guard): deliveries, dead letters, redelivery. */
@Resolver()
export class WebhooksResolver {
  @Authorized(ADMIN_ROLE)
  @Query(() => WebhookDeliveryPage, { description: 'Admin: outgoing events per endpoint, newest first.' })
  async webhookDeliveries(
    @Arg('filter', () => WebhookDeliveryFilterInput, { nullable: true }) filter: WebhookDeliveryFilterInput | null,
    @Arg('first', () => Int, { defaultValue: 50 }) first: number,
    @Arg('after', () => String, { nullable: true }) after: string | null,
    @Ctx() ctx: Context,
  ): Promise<WebhookDeliveryPage> {
    await assertAdmin(ctx.em, ctx.caller);
    const page = await ctx.services.webhookDeliveries.page(ctx.em, filter ?? {}, pageSize(first), after ?? null);
    return Object.assign(new WebhookDeliveryPage(), { deliveries: page.items, endCursor: page.endCursor, hasMore: page.hasMore });
  }

  @Authorized(ADMIN_ROLE)
  @Mutation(() => WebhookDelivery, { description: 'Admin: sends a delivery again (a dead letter, or one to repeat), in its place in its user’s order.' })
  async redeliverWebhook(@Arg('id', () => ID) id: string, @Ctx() ctx: Context): Promise<WebhookDelivery> {
    const admin = await assertAdmin(ctx.em, ctx.caller);
    const delivery = await ctx.services.webhookDeliveries.redeliver(ctx.em, admin.userView.id, id);
    ctx.services.webhooks.wake();
    return delivery;
  }
}
