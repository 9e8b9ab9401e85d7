import { Arg, Authorized, Ctx, Mutation, Resolver } from 'type-graphql';
import type { UserContext } from '../../context/context';
import { clearSessionCookieIfSent } from '../../context/session-cookie';
import { localeOf } from '../../mail/locale';

@Resolver()
export class AccountDeletionResolver {
  @Authorized()
  @Mutation(() => Boolean, {
    description: 'Deletes the account and every credential of it. Needs the password, or a recent sign-in for accounts without one.',
  })
  async deleteAccount(@Arg('password', () => String, { nullable: true }) password: string | null | undefined, @Ctx() ctx: UserContext): Promise<boolean> {
    const { services, request, effects } = ctx;
    await services.accountDeletion.deleteAccount(ctx.em, ctx.caller, password ?? null, localeOf(request));
    clearSessionCookieIfSent(services.config, request, effects);
    return true;
  }
}
