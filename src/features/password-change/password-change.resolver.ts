import { Arg, Authorized, Ctx, Field, InputType, Mutation, Resolver } from 'type-graphql';
import type { UserContext } from '../../context/context';
import { localeOf } from '../../mail/locale';

@InputType()
export class ChangePasswordInput {
  @Field(() => String, { nullable: true, description: 'Required when the account has a password; an account without one sets its first (with a recent sign-in).' })
  currentPassword?: string | null;

  @Field(() => String)
  newPassword!: string;
}

@Resolver()
export class PasswordChangeResolver {
  @Authorized()
  @Mutation(() => Boolean, {
    description: 'Changes the password. Needs the current one; signs out every other session, keeps this one.',
  })
  async changePassword(@Arg('input', () => ChangePasswordInput) input: ChangePasswordInput, @Ctx() ctx: UserContext): Promise<boolean> {
    await ctx.services.passwordChange.changePassword(ctx.em, ctx.caller, input, localeOf(ctx.request));
    return true;
  }
}
