import { Arg, Authorized, Ctx, Mutation, Resolver } from 'type-graphql';
import type { Context, UserContext } from '../../context/context';
import { User } from '../../db/entities';
import { localeOf } from '../../mail/locale';
import { parseEmail } from '../account/email';

@Resolver()
export class EmailChangeResolver {
  @Authorized()
  @Mutation(() => Boolean, {
    description: 'Mails a confirmation link to the new address (and a notice to the current one). Needs a recent sign-in (see reauthenticate).',
  })
  async requestEmailChange(@Arg('newEmail', () => String) newEmail: string, @Ctx() ctx: UserContext): Promise<boolean> {
    const address = parseEmail(newEmail, 'newEmail');
    await ctx.services.reauthentication.requireRecent(ctx.em, ctx.caller);
    await ctx.services.emailChange.request(ctx.em, ctx.caller.user, address, localeOf(ctx.request));
    return true;
  }

  @Mutation(() => User, { description: 'Applies an address change with the token from the link mailed to the new address.' })
  confirmEmailChange(@Arg('token', () => String) token: string, @Ctx() ctx: Context): Promise<User> {
    return ctx.services.emailChange.confirm(ctx.em, token, localeOf(ctx.request));
  }
}
