import type { EntityManager } from '@mikro-orm/postgresql';
import type { Request, Response } from 'express';
import { Passport } from 'passport';
import type { Services } from '../services';
import { ANONYMOUS, type Caller } from './context';
import { createSessionCookieStrategy, type RequestWithEm, SESSION_COOKIE_STRATEGY } from './strategies/session-cookie.strategy';

/**
 * The strategies in the order they are tried. One documented order: the session cookie first;
 * bearer credentials (session token, JWT, API token) join this list as further strategies.
 */
const STRATEGY_ORDER = [SESSION_COOKIE_STRATEGY];

export type ResolveCaller = (em: EntityManager, req: Request, res: Response) => Promise<Caller>;

/**
 * Builds the one function that answers "who is calling?" from a private passport instance
 * (no global state, no passport sessions). Each strategy yields a Caller or `false`.
 */
export function createCallerResolver(services: Services): ResolveCaller {
  const passport = new Passport();
  passport.use(SESSION_COOKIE_STRATEGY, createSessionCookieStrategy(services));

  return async (em, req, res) => {
    (req as RequestWithEm).gatehouseEm = em;
    for (const name of STRATEGY_ORDER) {
      const caller = await runStrategy(passport, name, req, res);
      if (caller) return caller;
    }
    return ANONYMOUS;
  };
}

/** Runs a strategy with a custom callback, so passport never writes to the response itself. */
function runStrategy(passport: InstanceType<typeof Passport>, name: string, req: Request, res: Response): Promise<Caller | null> {
  return new Promise((resolve, reject) => {
    const middleware = passport.authenticate(name, { session: false }, (error: unknown, caller: Caller | false) =>
      error ? reject(error) : resolve(caller || null),
    ) as (req: Request, res: Response, next: (error?: unknown) => void) => void;
    middleware(req, res, (error?: unknown) => (error ? reject(error) : resolve(null)));
  });
}
