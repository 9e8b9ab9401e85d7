import { Arg, Ctx, Mutation, Resolver } from 'type-graphql';
import type { Context } from '../../context/context';
import { CredentialKind } from '../../db/entities';
import { AuthResult } from '../../graphql/auth-result';
import { localeOf } from '../../mail/locale';
import { signInRequestOf } from '../../sign-in/sign-in-request';
import { parseEmail } from '../account/email';
import { clientAddressKey } from '../rate-limits/client-address';

@Resolver()
export class EmailSignInResolver {
  @Mutation(() => Boolean, {
    description: 'Mails a sign-in link and a 6-digit code if an active account has this address (EMAIL_SIGN_IN_ENABLED). Always true, in the same time, whether or not it has.',
  })
  async requestSignInEmail(@Arg('email', () => String) email: string, @Ctx() ctx: Context): Promise<boolean> {
    const { emailSignIn, rateLimits, background } = ctx.services;
    emailSignIn.assertEnabled();
    const address = parseEmail(email);
    await rateLimits.consume('sign_in_email_ip', clientAddressKey(ctx.request));
    const locale = localeOf(ctx.request);
    // The lookup happens after answering, so nothing about the answer depends on the account (SEC-59).
    background.run((em) => emailSignIn.send(em, address, locale));
    return true;
  }

  @Mutation(() => AuthResult, { description: 'Signs in with the token of a mailed sign-in link (once, 15 minutes). A second step still applies.' })
  signInWithEmailLink(
    @Arg('token', () => String) token: string,
    @Arg('credentials', () => CredentialKind, { defaultValue: CredentialKind.COOKIE }) credentials: CredentialKind,
    @Ctx() ctx: Context,
  ): Promise<typeof AuthResult> {
    return ctx.services.signIn.emailLink(signInRequestOf(ctx), token, credentials);
  }

  @Mutation(() => AuthResult, { description: 'Signs in with the mailed 6-digit code (10 minutes, 3 tries). A second step still applies.' })
  signInWithEmailCode(
    @Arg('email', () => String) email: string,
    @Arg('code', () => String) code: string,
    @Arg('credentials', () => CredentialKind, { defaultValue: CredentialKind.COOKIE }) credentials: CredentialKind,
    @Ctx() ctx: Context,
  ): Promise<typeof AuthResult> {
    return ctx.services.signIn.emailCode(signInRequestOf(ctx), email, code, credentials);
  }
}
