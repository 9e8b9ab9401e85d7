import type { MikroORM } from '@mikro-orm/postgresql';
import type { Request, Response } from 'express';
import type { Services } from '../services';
import type { Context } from './context';
import { createCallerResolver } from './resolve-caller';

/** Apollo's context function: a fresh EntityManager per request and the resolved caller. */
export function createContextBuilder(orm: MikroORM, services: Services) {
  const resolveCaller = createCallerResolver(services);
  return async ({ req, res }: { req: Request; res: Response }): Promise<Context> => {
    const em = orm.em.fork();
    const caller = await resolveCaller(em, req, res);
    return { em, req, res, caller, services };
  };
}
