import { Arg, Authorized, Ctx, ID, Mutation, Resolver } from 'type-graphql';
import type { UserContext } from '../../context/context';
import { AuthError, ErrorCode } from '../../errors';
import { isUuid } from '../credentials/credential-id';
import { rolesOf } from '../roles/roles';
import { CreateApiTokenInput, CreatedApiToken } from './api-token.types';

@Resolver()
export class ApiTokensResolver {
  @Authorized()
  @Mutation(() => CreatedApiToken, { description: 'Creates a personal API token. Needs a recent sign-in or the current password.' })
  async createApiToken(
    @Arg('input', () => CreateApiTokenInput) input: CreateApiTokenInput,
    @Ctx() ctx: UserContext,
  ): Promise<CreatedApiToken> {
    await ctx.services.reauthentication.requireRecent(ctx.em, ctx.caller, input.currentPassword);
    return ctx.services.apiTokens.create(ctx.em, ctx.caller.user, input, rolesOf(ctx.caller));
  }

  @Authorized()
  @Mutation(() => Boolean, { description: 'Revokes one of your API tokens at once.' })
  async revokeApiToken(@Arg('id', () => ID) id: string, @Ctx() ctx: UserContext): Promise<boolean> {
    if (!isUuid(id) || !(await ctx.services.apiTokens.revoke(ctx.em, ctx.caller.user.id, id))) {
      throw new AuthError(ErrorCode.NOT_FOUND);
    }
    return true;
  }
}
