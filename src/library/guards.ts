import type { AuthenticatedCaller, Context, UserContext } from '../context/context';
import { AuthError, ErrorCode } from '../errors';
import { assertAllowed } from '../features/roles/roles';

/**
 * For schema-first resolvers (plain Apollo, graphql-tools), what `@Authorized()` does for
 * type-graphql: the signed-in caller, or UNAUTHENTICATED.
 */
export function requireUser(ctx: Context): AuthenticatedCaller {
  if (ctx.caller.kind !== 'user') throw new AuthError(ErrorCode.UNAUTHENTICATED);
  return ctx.caller;
}

/** `@Authorized(role, …)`: the signed-in caller acting with one of these roles, else FORBIDDEN. */
export function requireRole(ctx: Context, ...roles: string[]): AuthenticatedCaller {
  const caller = requireUser(ctx);
  assertAllowed(caller, roles);
  return caller;
}

/** Narrows a context to a signed-in one (after `requireUser`), for code typed on UserContext. */
export function isUserContext(ctx: Context): ctx is UserContext {
  return ctx.caller.kind === 'user';
}
