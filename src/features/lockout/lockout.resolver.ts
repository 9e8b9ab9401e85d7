import { Arg, Ctx, Mutation, Resolver } from 'type-graphql';
import type { Context } from '../../context/context';

@Resolver()
export class LockoutResolver {
  @Mutation(() => Boolean, { description: 'Lifts a lock caused by failed logins, with the token from the mailed link.' })
  async unlockAccount(@Arg('token', () => String) token: string, @Ctx() ctx: Context): Promise<boolean> {
    await ctx.services.lockout.unlock(ctx.em, token);
    return true;
  }
}
