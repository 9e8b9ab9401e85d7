import { Arg, Ctx, Mutation, Resolver } from 'type-graphql';
import type { Context } from '../../context/context';
import { CredentialKind } from '../../db/entities';
import { AuthResult, pendingStep, PendingStepKind } from '../../graphql/auth-result';
import { localeOf } from '../../mail/locale';
import { clientAddressKey } from '../rate-limits/client-address';
import { signIn } from '../sessions/sign-in';
import { RegisterInput } from './register.input';

@Resolver()
export class RegistrationResolver {
  @Mutation(() => AuthResult, {
    description: 'Creates an account with a password and signs in; with mandatory verification, answers PendingStep VERIFY_EMAIL instead.',
  })
  async register(@Arg('input', () => RegisterInput) input: RegisterInput, @Ctx() ctx: Context): Promise<typeof AuthResult> {
    await ctx.services.rateLimits.consume('register_ip', clientAddressKey(ctx.req));
    const outcome = await ctx.services.registration.register(ctx.em, input, localeOf(ctx.req));
    if (outcome.kind === 'pending_verification') return pendingStep(PendingStepKind.VERIFY_EMAIL);
    return signIn(ctx, outcome.user, input.credentials ?? CredentialKind.COOKIE);
  }
}
