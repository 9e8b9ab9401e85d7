import { Arg, Ctx, Mutation, Resolver } from 'type-graphql';
import type { Context } from '../../context/context';
import { CredentialKind } from '../../db/entities';
import { AuthResult } from '../../graphql/auth-result';
import { signIn } from '../sessions/sign-in';
import { RegisterInput } from './register.input';

@Resolver()
export class RegistrationResolver {
  @Mutation(() => AuthResult, { description: 'Creates an account with a password and signs in.' })
  async register(@Arg('input', () => RegisterInput) input: RegisterInput, @Ctx() ctx: Context): Promise<typeof AuthResult> {
    const user = await ctx.services.registration.register(ctx.em, input);
    return signIn(ctx, user, input.credentials ?? CredentialKind.COOKIE);
  }
}
