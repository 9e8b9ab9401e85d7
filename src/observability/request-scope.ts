import { AsyncLocalStorage } from 'node:async_hooks';

/**
 * The request that a piece of work is done for. The HTTP server runs each request inside its
 * scope, and Node carries it through every await, timer and promise that the request starts, so
 * the logger's mixin can put the request id on each line written meanwhile: by a service, by the
 * work done after the answer (audit, mail), or by an error handler.
 */
export const requestScope = new AsyncLocalStorage<{ reqId: string }>();

/** `{ reqId }` inside a request's work, else nothing: the logger's mixin. */
export function requestIdFields(): { reqId?: string } {
  const scope = requestScope.getStore();
  return scope ? { reqId: scope.reqId } : {};
}
