import type { AuthCheckerFn } from 'type-graphql';
import { AuthError, ErrorCode } from '../errors';
import { assertAllowed } from '../features/roles/roles';
import type { Context } from './context';

/**
 * `@Authorized()`: a signed-in caller, or UNAUTHENTICATED with our own code and message.
 * `@Authorized('admin')`: also one of the roles named (FORBIDDEN otherwise); `'scope:WRITE'`:
 * an API token caller must hold that scope (INSUFFICIENT_SCOPE). The same checker serves
 * Gatehouse's resolvers and an app's own.
 */
export const authChecker: AuthCheckerFn<Context> = ({ context }, requirements) => {
  if (context.caller.kind !== 'user') throw new AuthError(ErrorCode.UNAUTHENTICATED);
  assertAllowed(context.caller, requirements);
  return true;
};
