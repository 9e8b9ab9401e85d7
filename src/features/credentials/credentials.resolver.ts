import { Arg, Authorized, Ctx, ID, Mutation, Query, Resolver } from 'type-graphql';
import type { UserContext } from '../../context/context';
import { clearSessionCookie } from '../../context/session-cookie';
import { AuthError, ErrorCode } from '../../errors';
import { Credential } from './credential.types';
import { listCredentials, revokeCredential } from './credentials.service';

@Resolver()
export class CredentialsResolver {
  @Authorized()
  @Query(() => [Credential], { description: 'Every way you are signed in: browser sessions, app sessions, JWT refresh families and API tokens.' })
  credentials(@Ctx() ctx: UserContext): Promise<Credential[]> {
    return listCredentials(ctx.em, ctx.services, ctx.caller.userView.id, ctx.caller);
  }

  @Authorized()
  @Mutation(() => Boolean, { description: 'Ends any of your credentials at once. NOT_FOUND for an id that is not yours.' })
  async revokeCredential(@Arg('id', () => ID) id: string, @Ctx() ctx: UserContext): Promise<boolean> {
    if (!(await revokeCredential(ctx.em, ctx.services, ctx.caller, id))) throw new AuthError(ErrorCode.NOT_FOUND);
    if (id === ctx.caller.sessionId && ctx.caller.method === 'COOKIE') clearSessionCookie(ctx.services.config, ctx.request, ctx.effects);
    return true;
  }
}
