import type { AuthenticatedCaller } from '../context';
import type { RequestInfo, ResponseEffects } from '../request-info';
import type { LazyEm } from '../user-cache';

/**
 * What passport hands each strategy as its "request": the request as the core sees it, the
 * response effects, and the request's EntityManager (forked on first use, shared with resolvers).
 * A plain object, not the HTTP framework's request: passport runs the same over HTTP and WebSocket.
 */
export interface StrategyRequest {
  info: RequestInfo;
  effects: ResponseEffects;
  em: LazyEm;
}

/** passport-custom types its verify callback's request as Express's; ours is a StrategyRequest. */
export function strategyRequest(req: unknown): StrategyRequest {
  return req as StrategyRequest;
}

type Done = (error: unknown, user?: AuthenticatedCaller | false) => void;

/** Reports a strategy's outcome to passport: a caller on success, `false` for a failed credential. */
export function settle(done: Done, outcome: Promise<AuthenticatedCaller | null>): void {
  outcome.then(
    (caller) => done(null, caller ?? false),
    (error: unknown) => done(error),
  );
}
