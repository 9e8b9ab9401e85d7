import type { Request } from 'express';
import type { AuthenticatedCaller } from '../context';
import type { LazyEm } from '../user-cache';

/** The request's EntityManager (forked on first use) travels on it, so strategies share it with resolvers. */
export type RequestWithEm = Request & { gatehouseEm?: LazyEm };

export function requestEm(req: Request): LazyEm {
  const em = (req as RequestWithEm).gatehouseEm;
  if (!em) throw new Error('strategy run outside the context builder');
  return em;
}

type Done = (error: unknown, user?: AuthenticatedCaller | false) => void;

/** Reports a strategy's outcome to passport: a caller on success, `false` for a failed credential. */
export function settle(done: Done, outcome: Promise<AuthenticatedCaller | null>): void {
  outcome.then(
    (caller) => done(null, caller ?? false),
    (error: unknown) => done(error),
  );
}
