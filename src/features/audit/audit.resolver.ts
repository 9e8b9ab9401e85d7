import { Arg, Authorized, Ctx, Field, Int, ObjectType, Query, Resolver } from 'type-graphql';
import type { UserContext } from '../../context/context';
import { AuthEvent } from '../../db/entities';
import { AuthError, ErrorCode } from '../../errors';

@ObjectType()
export class SecurityEventPage {
  @Field(() => [AuthEvent])
  events!: AuthEvent[];

  @Field(() => String, { nullable: true, description: 'Pass as `after` for the next page.' })
  endCursor!: string | null;

  @Field(() => Boolean)
  hasMore!: boolean;
}

const MAX_PAGE = 100;

@Resolver()
export class AuditResolver {
  @Authorized()
  @Query(() => SecurityEventPage, { description: 'Your own security events (sign-ins, failures, changes), newest first.' })
  async securityEvents(
    @Arg('first', () => Int, { defaultValue: 20 }) first: number,
    @Arg('after', () => String, { nullable: true }) after: string | null | undefined,
    @Ctx() ctx: UserContext,
  ): Promise<SecurityEventPage> {
    if (first < 1 || first > MAX_PAGE) throw new AuthError(ErrorCode.BAD_USER_INPUT, { field: 'first', message: `Ask for 1 to ${MAX_PAGE} events.` });
    return Object.assign(new SecurityEventPage(), await ctx.services.audit.list(ctx.em, ctx.caller.user.id, first, after ?? null));
  }
}
