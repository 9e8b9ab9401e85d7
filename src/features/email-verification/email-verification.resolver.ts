import { Arg, Ctx, Mutation, Resolver } from 'type-graphql';
import type { Context } from '../../context/context';
import { User } from '../../db/entities';
import { localeOf } from '../../mail/locale';
import { parseEmail } from '../account/email';
import { clientAddressKey } from '../rate-limits/client-address';

@Resolver()
export class EmailVerificationResolver {
  @Mutation(() => Boolean, {
    description:
      'Mails a new verification link and code: to the signed-in user, or to the account at `email`. Always true, whether or not such an account exists.',
  })
  async requestEmailVerification(
    @Arg('email', () => String, { nullable: true }) email: string | null | undefined,
    @Ctx() ctx: Context,
  ): Promise<boolean> {
    await ctx.services.rateLimits.consume('verification_ip', clientAddressKey(ctx.request));
    const locale = localeOf(ctx.request);
    const signedIn = ctx.caller.kind === 'user' ? ctx.caller.user.id : null;
    const address = email === null || email === undefined ? null : parseEmail(email);
    if (!signedIn && !address) return true;
    // Looked up after answering: the answer and its timing are the same for every address.
    ctx.services.background.run(async (em) => {
      const user = await em.findOne(User, signedIn ? { id: signedIn } : { email: address! });
      if (user) await ctx.services.emailVerification.send(em, user, locale);
    });
    return true;
  }

  @Mutation(() => User, { description: 'Verifies the address with the token from the mailed link.' })
  verifyEmail(@Arg('token', () => String) token: string, @Ctx() ctx: Context): Promise<User> {
    return ctx.services.emailVerification.verifyToken(ctx.em, token);
  }

  @Mutation(() => User, { description: 'Verifies the address with the 6-digit code from the mail (3 attempts).' })
  async verifyEmailCode(@Arg('email', () => String) email: string, @Arg('code', () => String) code: string, @Ctx() ctx: Context): Promise<User> {
    await ctx.services.rateLimits.consume('verify_code_ip', clientAddressKey(ctx.request));
    return ctx.services.emailVerification.verifyCode(ctx.em, parseEmail(email), code.trim());
  }
}
