import type { EntityManager, MikroORM } from '@mikro-orm/postgresql';
import { isUnavailable } from '../db/unavailable';
import { AuthError, ErrorCode } from '../errors';
import type { Services } from '../services';
import { ANONYMOUS, type Caller, type Context } from './context';
import type { RequestInfo, ResponseEffects } from './request-info';
import { createCallerResolver } from './resolve-caller';

export type ContextBuilder = (request: RequestInfo, effects: ResponseEffects) => Promise<Context>;

/** The GraphQL context of a request, whatever carried it: the resolved caller, and an EntityManager of its own. */
export function createContextBuilder(orm: MikroORM, services: Services): ContextBuilder {
  const resolveCaller = createCallerResolver(services);
  return async (request, effects) => {
    const context = new RequestContext(orm, request, effects, services);
    try {
      context.caller = await resolveCaller(context.lazyEm, request, effects);
    } catch (error) {
      // Apollo answers a failed context with 500 whatever the cause; a database that cannot be
      // used now is the client's cue to retry (503).
      if (isUnavailable(error)) throw new AuthError(ErrorCode.SERVICE_UNAVAILABLE, { cause: error });
      throw error;
    }
    return context;
  };
}

/**
 * The context of one request. Its EntityManager is forked on first use: a request whose caller
 * came from memory and that only reads (`me`) never needs one. (A getter on the class, not on
 * the object, so copying the context never forks.)
 */
class RequestContext implements Context {
  caller: Caller = ANONYMOUS;
  private forked: EntityManager | undefined;
  readonly lazyEm = (): EntityManager => (this.forked ??= this.orm.em.fork());

  constructor(
    private readonly orm: MikroORM,
    readonly request: RequestInfo,
    readonly effects: ResponseEffects,
    readonly services: Services,
  ) {}

  get em(): EntityManager {
    return this.lazyEm();
  }
}

/** How a request was authenticated, as the request log records it: no secrets, only ids. */
export type AuthSummary = { method: string; userId?: string; sessionId?: string; apiTokenId?: string };

export function describeCaller(caller: Caller): AuthSummary {
  if (caller.kind === 'anonymous') return { method: 'ANONYMOUS' };
  if (caller.kind === 'rejected') return { method: `REJECTED_${caller.method}` };
  return {
    method: caller.method,
    userId: caller.userView.id,
    ...(caller.sessionId ? { sessionId: caller.sessionId } : {}),
    ...(caller.apiToken ? { apiTokenId: caller.apiToken.id } : {}),
  };
}
