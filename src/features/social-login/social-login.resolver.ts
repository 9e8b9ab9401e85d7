import { Arg, Authorized, Ctx, ID, Mutation, Query, Resolver } from 'type-graphql';
import type { Context, UserContext } from '../../context/context';
import { CredentialKind, SocialAccount } from '../../db/entities';
import { AuthResult } from '../../graphql/auth-result';
import { signInRequestOf } from '../../sign-in/sign-in-request';
import { identityFrom } from './identity';
import { AuthProvider, AuthProviderKind, SocialLoginInput } from './social-login.types';

@Resolver()
export class SocialLoginResolver {
  @Query(() => [AuthProvider], { description: 'The social sign-in providers this server offers.' })
  authProviders(@Ctx() ctx: Context): AuthProvider[] {
    return ctx.services.socialProviders.list().map(({ settings }) =>
      Object.assign(new AuthProvider(), { id: settings.id, displayName: settings.displayName, kind: settings.kind === 'oidc' ? AuthProviderKind.OIDC : AuthProviderKind.OAUTH2 }),
    );
  }

  @Mutation(() => AuthResult, { description: 'Signs in with a provider: an authorization code with PKCE, or an ID token.' })
  socialLogin(@Arg('input', () => SocialLoginInput) input: SocialLoginInput, @Ctx() ctx: Context): Promise<typeof AuthResult> {
    const provider = ctx.services.socialProviders.get(input.provider);
    const identity = () => identityFrom(provider, input, ctx.services.config);
    return ctx.services.signIn.social(signInRequestOf(ctx), provider, identity, input.credentials ?? CredentialKind.COOKIE);
  }

  @Authorized()
  @Mutation(() => SocialAccount, { description: 'Links a provider identity to your account. Needs a recent sign-in.' })
  async linkSocialAccount(@Arg('input', () => SocialLoginInput) input: SocialLoginInput, @Ctx() ctx: UserContext): Promise<SocialAccount> {
    await ctx.services.reauthentication.requireRecent(ctx.em, ctx.caller);
    const provider = ctx.services.socialProviders.get(input.provider);
    const identity = await identityFrom(provider, input, ctx.services.config);
    return ctx.services.socialAccounts.link(ctx.em, ctx.caller.user, provider, identity);
  }

  @Authorized()
  @Query(() => [SocialAccount], { description: 'Your linked provider identities.' })
  socialAccounts(@Ctx() ctx: UserContext): Promise<SocialAccount[]> {
    return ctx.services.socialAccounts.list(ctx.em, ctx.caller.user.id);
  }

  @Authorized()
  @Mutation(() => Boolean, { description: 'Unlinks a provider identity, unless it is your last way to sign in. Needs a recent sign-in.' })
  async unlinkSocialAccount(@Arg('id', () => ID) id: string, @Ctx() ctx: UserContext): Promise<boolean> {
    await ctx.services.reauthentication.requireRecent(ctx.em, ctx.caller);
    await ctx.services.socialAccounts.unlink(ctx.em, ctx.caller.user, id);
    return true;
  }
}
