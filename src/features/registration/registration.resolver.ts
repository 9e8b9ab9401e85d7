import { Arg, Ctx, Mutation, Resolver } from 'type-graphql';
import type { Context } from '../../context/context';
import { CredentialKind } from '../../db/entities';
import { AuthResult } from '../../graphql/auth-result';
import { signInRequestOf } from '../../sign-in/sign-in-request';
import { RegisterInput } from './register.input';

@Resolver()
export class RegistrationResolver {
  @Mutation(() => AuthResult, {
    description: 'Creates an account with a password and signs in; with mandatory verification, answers PendingStep VERIFY_EMAIL instead.',
  })
  register(@Arg('input', () => RegisterInput) input: RegisterInput, @Ctx() ctx: Context): Promise<typeof AuthResult> {
    return ctx.services.signIn.register(signInRequestOf(ctx), input, input.credentials ?? CredentialKind.COOKIE);
  }
}
