import { GraphQLJSONObject } from 'graphql-scalars';
import { Arg, Authorized, Ctx, Field, ID, InputType, Mutation, ObjectType, Query, Resolver } from 'type-graphql';
import type { Context, UserContext } from '../../context/context';
import { CredentialKind, Passkey } from '../../db/entities';
import { AuthResult } from '../../graphql/auth-result';
import { signInRequestOf } from '../../sign-in/sign-in-request';
import { parseEmail } from '../account/email';
import { clientAddressKey } from '../rate-limits/client-address';

@InputType()
export class FinishPasskeyRegistrationInput {
  @Field(() => GraphQLJSONObject, { description: 'What navigator.credentials.create() returned, as JSON (@simplewebauthn/browser startRegistration).' })
  response!: Record<string, unknown>;

  @Field(() => String, { nullable: true, description: 'A name to recognise it by ("MacBook", "YubiKey").' })
  name?: string | null;
}

@InputType()
export class FinishPasskeySignInInput {
  @Field(() => String, { description: 'From beginPasskeySignIn.' })
  flowToken!: string;

  @Field(() => GraphQLJSONObject, { description: 'What navigator.credentials.get() returned, as JSON (@simplewebauthn/browser startAuthentication).' })
  response!: Record<string, unknown>;

  @Field(() => CredentialKind, { nullable: true, defaultValue: CredentialKind.COOKIE })
  credentials?: CredentialKind | null;
}

/** The start of a passkey sign-in: request options for the browser, and the token that finishes it. */
@ObjectType()
export class PasskeyChallenge {
  @Field(() => String)
  flowToken!: string;

  @Field(() => GraphQLJSONObject, { description: 'PublicKeyCredentialRequestOptionsJSON, for navigator.credentials.get().' })
  options!: Record<string, unknown>;
}

@Resolver()
export class PasskeysResolver {
  @Authorized()
  @Query(() => [Passkey], { description: 'Your passkeys.' })
  passkeys(@Ctx() ctx: UserContext): Promise<Passkey[]> {
    return ctx.services.passkeys.list(ctx.em, ctx.caller.userView.id);
  }

  @Authorized()
  @Mutation(() => GraphQLJSONObject, { description: 'Creation options for a new passkey (for navigator.credentials.create()). Needs a recent sign-in.' })
  async beginPasskeyRegistration(@Ctx() ctx: UserContext): Promise<Record<string, unknown>> {
    await ctx.services.reauthentication.requireRecent(ctx.em, ctx.caller);
    return ctx.services.passkeys.beginRegistration(ctx.em, ctx.caller);
  }

  @Authorized()
  @Mutation(() => Passkey, { description: 'Verifies and keeps the passkey the browser created.' })
  finishPasskeyRegistration(@Arg('input', () => FinishPasskeyRegistrationInput) input: FinishPasskeyRegistrationInput, @Ctx() ctx: UserContext): Promise<Passkey> {
    return ctx.services.passkeys.finishRegistration(ctx.em, ctx.caller, input.response, input.name);
  }

  @Authorized()
  @Mutation(() => GraphQLJSONObject, { description: 'Request options for one of your passkeys, to step up with reauthenticate(webauthnResponse:).' })
  beginPasskeyReauthentication(@Ctx() ctx: UserContext): Promise<Record<string, unknown>> {
    ctx.services.passkeys.assertEnabled();
    return ctx.services.secondFactors.passkeyOptions(ctx.em, ctx.caller.user, null);
  }

  @Authorized()
  @Mutation(() => Passkey)
  renamePasskey(@Arg('id', () => ID) id: string, @Arg('name', () => String) name: string, @Ctx() ctx: UserContext): Promise<Passkey> {
    return ctx.services.passkeys.rename(ctx.em, ctx.caller.userView.id, id, name);
  }

  @Authorized()
  @Mutation(() => Boolean, { description: 'Deletes a passkey; never your last way to sign in (LAST_SIGN_IN_METHOD). Needs a recent sign-in.' })
  async deletePasskey(@Arg('id', () => ID) id: string, @Ctx() ctx: UserContext): Promise<boolean> {
    await ctx.services.reauthentication.requireRecent(ctx.em, ctx.caller);
    await ctx.services.passkeys.remove(ctx.em, ctx.caller, id);
    return true;
  }

  @Mutation(() => PasskeyChallenge, {
    description: 'Starts a passkey sign-in. With an email, that account’s passkeys are allowed; without, any passkey of this site (conditional UI, autofill).',
  })
  async beginPasskeySignIn(@Arg('email', () => String, { nullable: true }) email: string | null, @Ctx() ctx: Context): Promise<PasskeyChallenge> {
    const address = email ? parseEmail(email) : null;
    // Each start stores a challenge: limited per address like the sign-ins it begins.
    await ctx.services.rateLimits.consume('passkey_sign_in_ip', clientAddressKey(ctx.request));
    return ctx.services.passkeys.beginSignIn(ctx.em, address);
  }

  @Mutation(() => AuthResult, { description: 'Finishes a passkey sign-in with what navigator.credentials.get() returned. A user-verified passkey needs no second step.' })
  finishPasskeySignIn(@Arg('input', () => FinishPasskeySignInInput) input: FinishPasskeySignInInput, @Ctx() ctx: Context): Promise<typeof AuthResult> {
    return ctx.services.signIn.passkey(signInRequestOf(ctx), input.flowToken, input.response, input.credentials ?? CredentialKind.COOKIE);
  }
}
