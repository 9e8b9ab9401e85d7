import type { MikroORM } from '@mikro-orm/postgresql';
import type { Request, Response } from 'express';
import type { Services } from '../services';
import type { Caller, Context } from './context';
import { createCallerResolver } from './resolve-caller';

/** Apollo's context function: a fresh EntityManager per request and the resolved caller. */
export function createContextBuilder(orm: MikroORM, services: Services) {
  const resolveCaller = createCallerResolver(services);
  return async ({ req, res }: { req: Request; res: Response }): Promise<Context> => {
    const em = orm.em.fork();
    const caller = await resolveCaller(em, req, res);
    (req as RequestWithAuth).gatehouseAuth = describeCaller(caller);
    return { em, req, res, caller, services };
  };
}

/** How a request was authenticated, as the request log records it: no secrets, only ids. */
export type AuthSummary = { method: string; userId?: string; sessionId?: string; apiTokenId?: string };
export type RequestWithAuth = Request & { gatehouseAuth?: AuthSummary };

function describeCaller(caller: Caller): AuthSummary {
  if (caller.kind === 'anonymous') return { method: 'ANONYMOUS' };
  if (caller.kind === 'rejected') return { method: `REJECTED_${caller.method}` };
  return {
    method: caller.method,
    userId: caller.user.id,
    ...(caller.sessionId ? { sessionId: caller.sessionId } : {}),
    ...(caller.apiToken ? { apiTokenId: caller.apiToken.id } : {}),
  };
}
