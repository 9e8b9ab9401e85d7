import { Ctx, Query, Resolver } from 'type-graphql';
import type { Context } from '../../context/context';
import { User } from '../../db/entities';

@Resolver()
export class AccountResolver {
  @Query(() => User, { nullable: true, description: 'The signed-in user, or null when anonymous.' })
  me(@Ctx() ctx: Context): User | null {
    return ctx.caller.kind === 'user' ? ctx.caller.userView : null;
  }
}
