import { Arg, Authorized, Ctx, FieldResolver, Int, Mutation, Resolver, Root } from 'type-graphql';
import type { Context, UserContext } from '../../context/context';
import { SecondFactor, User } from '../../db/entities';
import { AuthError, ErrorCode } from '../../errors';
import { AuthResult } from '../../graphql/auth-result';
import { localeOf } from '../../mail/locale';
import { signInRequestOf } from '../../sign-in/sign-in-request';
import { CompleteSignInInput, ConfirmTotpInput, RecoveryCodes, TotpEnrollment } from './mfa.types';

@Resolver(() => User)
export class MfaResolver {
  @Mutation(() => AuthResult, { description: 'Finishes a sign-in that answered PendingStep SECOND_FACTOR, with the credential kind asked for at the first step.' })
  completeSignIn(@Arg('input', () => CompleteSignInInput) input: CompleteSignInInput, @Ctx() ctx: Context): Promise<typeof AuthResult> {
    return ctx.services.signIn.complete(signInRequestOf(ctx), input);
  }

  @Mutation(() => TotpEnrollment, {
    description: 'Starts setting up an authenticator app: a new seed and its QR code. Signed in, it needs a recent sign-in; under MFA=required, the flow token of an ENROLL_SECOND_FACTOR step instead.',
  })
  async beginTotpEnrollment(@Arg('flowToken', () => String, { nullable: true }) flowToken: string | null, @Ctx() ctx: Context): Promise<TotpEnrollment> {
    const { mfa, signIn } = ctx.services;
    if (flowToken) return mfa.beginTotpFor(ctx.em, await signIn.enrolmentUser(ctx.em, flowToken));
    return mfa.beginTotp(ctx.em, requireUser(ctx));
  }

  @Mutation(() => RecoveryCodes, {
    description: 'Turns two-factor authentication on with a code from the app, and returns the first recovery codes (shown once). Other sessions are signed out. With the flow token of an ENROLL_SECOND_FACTOR step it also finishes that sign-in (`signIn`).',
  })
  async confirmTotpEnrollment(@Arg('input', () => ConfirmTotpInput) input: ConfirmTotpInput, @Ctx() ctx: Context): Promise<RecoveryCodes> {
    if (input.flowToken) return Object.assign(new RecoveryCodes(), await ctx.services.signIn.completeEnrolment(signInRequestOf(ctx), input.flowToken, input.code));
    const codes = await ctx.services.mfa.confirmTotp(ctx.em, requireUser(ctx), input.code, localeOf(ctx.request));
    return Object.assign(new RecoveryCodes(), { codes });
  }

  @Authorized()
  @Mutation(() => Boolean, { description: 'Turns two-factor authentication off with a current code from the app (or a recovery code). Other sessions are signed out.' })
  async disableTotp(@Arg('code', () => String) code: string, @Ctx() ctx: UserContext): Promise<boolean> {
    await ctx.services.mfa.disableTotp(ctx.em, ctx.caller, code, localeOf(ctx.request));
    return true;
  }

  @Authorized()
  @Mutation(() => RecoveryCodes, { description: 'A new set of recovery codes; the old set stops working. Needs a second factor within the last few minutes (reauthenticate).' })
  async regenerateRecoveryCodes(@Ctx() ctx: UserContext): Promise<RecoveryCodes> {
    return Object.assign(new RecoveryCodes(), { codes: await ctx.services.mfa.regenerateRecoveryCodes(ctx.em, ctx.caller) });
  }

  @FieldResolver(() => [SecondFactor], { description: 'The second factors that are on (the authenticator app).' })
  secondFactors(@Root() user: User, @Ctx() ctx: Context): Promise<SecondFactor[]> {
    return ctx.services.secondFactors.enabled(ctx.em, user.id);
  }

  @FieldResolver(() => Int, { description: 'Unused recovery codes.' })
  recoveryCodesLeft(@Root() user: User, @Ctx() ctx: Context): Promise<number> {
    return ctx.services.recoveryCodes.left(ctx.em, user.id);
  }
}

/** The signed-in caller, for mutations that also take a flow token instead (so no @Authorized). */
function requireUser(ctx: Context): UserContext['caller'] {
  if (ctx.caller.kind !== 'user') throw new AuthError(ErrorCode.UNAUTHENTICATED);
  return ctx.caller;
}
