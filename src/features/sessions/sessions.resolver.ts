import { Arg, Ctx, Mutation, Resolver } from 'type-graphql';
import type { Context } from '../../context/context';
import { CredentialKind } from '../../db/entities';
import { AuthResult } from '../../graphql/auth-result';
import { LoginInput } from './login.input';
import { signIn, signOut } from './sign-in';

@Resolver()
export class SessionsResolver {
  @Mutation(() => AuthResult, { description: 'Signs in with email and password.' })
  async login(@Arg('input', () => LoginInput) input: LoginInput, @Ctx() ctx: Context): Promise<typeof AuthResult> {
    const user = await ctx.services.login.authenticate(ctx.em, input);
    return signIn(ctx, user, input.credentials ?? CredentialKind.COOKIE);
  }

  @Mutation(() => Boolean, {
    description: 'Ends the current session, or with `everywhere: true` every session of the user. False when not signed in.',
  })
  logout(
    @Arg('everywhere', () => Boolean, { defaultValue: false }) everywhere: boolean,
    @Ctx() ctx: Context,
  ): Promise<boolean> {
    return signOut(ctx, everywhere);
  }
}
