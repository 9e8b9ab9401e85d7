import { Arg, Ctx, Field, InputType, Mutation, Resolver } from 'type-graphql';
import type { Context } from '../../context/context';
import { localeOf } from '../../mail/locale';
import { parseEmail } from '../account/email';
import { clientAddressKey } from '../rate-limits/client-address';

@InputType()
export class ResetPasswordInput {
  @Field(() => String, { description: 'The token from the mailed link.' })
  token!: string;

  @Field(() => String)
  newPassword!: string;
}

@Resolver()
export class PasswordResetResolver {
  @Mutation(() => Boolean, {
    description: 'Mails a reset link if an account has this address. Always true, in the same time, whether or not it has.',
  })
  async requestPasswordReset(@Arg('email', () => String) email: string, @Ctx() ctx: Context): Promise<boolean> {
    const address = parseEmail(email);
    // Keyed on the address typed, account or not: the limit itself reveals nothing (SEC-14, SEC-25).
    await ctx.services.rateLimits.consume('password_reset_ip', clientAddressKey(ctx.request));
    await ctx.services.rateLimits.consume('password_reset_email', address);
    const locale = localeOf(ctx.request);
    // The lookup happens after answering, so nothing about the answer depends on the account.
    ctx.services.background.run((em) => ctx.services.passwordReset.sendResetLink(em, address, locale));
    return true;
  }

  @Mutation(() => Boolean, { description: 'Sets a new password with a reset token. Signs every session out; does not sign in.' })
  async resetPassword(@Arg('input', () => ResetPasswordInput) input: ResetPasswordInput, @Ctx() ctx: Context): Promise<boolean> {
    await ctx.services.passwordReset.resetPassword(ctx.em, input.token, input.newPassword, localeOf(ctx.request));
    return true;
  }
}
