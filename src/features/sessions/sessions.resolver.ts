import { GraphQLJSONObject } from 'graphql-scalars';
import { Arg, Authorized, Ctx, Mutation, Resolver } from 'type-graphql';
import type { Context, UserContext } from '../../context/context';
import { CredentialKind } from '../../db/entities';
import { AuthResult, AuthSuccess } from '../../graphql/auth-result';
import { localeOf } from '../../mail/locale';
import { signInRequestOf } from '../../sign-in/sign-in-request';
import { clientAddressKey } from '../rate-limits/client-address';
import { LoginInput } from './login.input';
import { signOut } from './sign-out';

@Resolver()
export class SessionsResolver {
  @Mutation(() => AuthResult, { description: 'Signs in with email and password.' })
  login(@Arg('input', () => LoginInput) input: LoginInput, @Ctx() ctx: Context): Promise<typeof AuthResult> {
    // Only someone with the password learns that the address is unverified.
    return ctx.services.signIn.password(signInRequestOf(ctx), input, input.credentials ?? CredentialKind.COOKIE);
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

  @Mutation(() => AuthResult, {
    description: 'Exchanges a refresh token for a new access token and a new refresh token (the old one stops working).',
  })
  async refreshToken(@Arg('refreshToken', () => String) refreshToken: string, @Ctx() ctx: Context): Promise<typeof AuthResult> {
    await ctx.services.rateLimits.consume('refresh_ip', clientAddressKey(ctx.request));
    const issued = await ctx.services.refreshTokens.rotate(ctx.em, refreshToken);
    return Object.assign(new AuthSuccess(), {
      user: issued.session.user,
      session: issued.session,
      accessToken: issued.access.token,
      accessTokenExpiresAt: issued.access.expiresAt,
      refreshToken: issued.refreshToken,
    });
  }

  @Authorized()
  @Mutation(() => Boolean, {
    description:
      'Confirms who you are, so that sensitive operations are allowed for the next few minutes: the password, or (required when two-factor authentication is on) a code from the authenticator app or a recovery code. Send exactly one.',
  })
  async reauthenticate(
    @Arg('password', () => String, { nullable: true }) password: string | null,
    @Arg('totpCode', () => String, { nullable: true }) totpCode: string | null,
    @Arg('recoveryCode', () => String, { nullable: true }) recoveryCode: string | null,
    @Arg('webauthnResponse', () => GraphQLJSONObject, { nullable: true, description: 'A passkey assertion for the options of beginPasskeyReauthentication.' }) webauthnResponse: Record<string, unknown> | null,
    @Ctx() ctx: UserContext,
  ): Promise<boolean> {
    await ctx.services.reauthentication.reauthenticate(ctx.em, ctx.caller, { password, totpCode, recoveryCode, webauthnResponse }, localeOf(ctx.request));
    return true;
  }
}
