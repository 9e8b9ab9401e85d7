import type { EntityManager, MikroORM } from '@mikro-orm/postgresql';
import type { Request, Response } from 'express';
import { isUnavailable } from '../db/unavailable';
import { AuthError, ErrorCode } from '../errors';
import type { Services } from '../services';
import { ANONYMOUS, type Caller, type Context } from './context';
import { createCallerResolver } from './resolve-caller';

/** Apollo's context function: the resolved caller, and an EntityManager of the request's own. */
export function createContextBuilder(orm: MikroORM, services: Services) {
  const resolveCaller = createCallerResolver(services);
  return async ({ req, res }: { req: Request; res: Response }): Promise<Context> => {
    const context = new RequestContext(orm, req, res, services);
    try {
      context.caller = await resolveCaller(context.lazyEm, req, res);
    } catch (error) {
      // Apollo answers a failed context with 500 whatever the cause; a database that cannot be
      // used now is the client's cue to retry (503).
      if (isUnavailable(error)) throw new AuthError(ErrorCode.SERVICE_UNAVAILABLE, { cause: error });
      throw error;
    }
    (req as RequestWithAuth).gatehouseAuth = describeCaller(context.caller);
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
    readonly req: Request,
    readonly res: Response,
    readonly services: Services,
  ) {}

  get em(): EntityManager {
    return this.lazyEm();
  }
}

/** How a request was authenticated, as the request log records it: no secrets, only ids. */
export type AuthSummary = { method: string; userId?: string; sessionId?: string; apiTokenId?: string };
export type RequestWithAuth = Request & { gatehouseAuth?: AuthSummary };

function describeCaller(caller: Caller): AuthSummary {
  if (caller.kind === 'anonymous') return { method: 'ANONYMOUS' };
  if (caller.kind === 'rejected') return { method: `REJECTED_${caller.method}` };
  return {
    method: caller.method,
    userId: caller.userView.id,
    ...(caller.sessionId ? { sessionId: caller.sessionId } : {}),
    ...(caller.apiToken ? { apiTokenId: caller.apiToken.id } : {}),
  };
}
