import type { EntityManager } from '@mikro-orm/postgresql';
import type { Request } from 'express';
import type { AuthenticatedCaller } from '../context';

/** The per-request EntityManager travels on the request so strategies share it with resolvers. */
export type RequestWithEm = Request & { gatehouseEm?: EntityManager };

export function requestEm(req: Request): EntityManager {
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
