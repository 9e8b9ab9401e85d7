import type { AuthCheckerFn } from 'type-graphql';
import { AuthError, ErrorCode } from '../errors';
import type { Context } from './context';

/** `@Authorized()`: a signed-in caller, or UNAUTHENTICATED with our own code and message. */
export const authChecker: AuthCheckerFn<Context> = ({ context }) => {
  if (context.caller.kind !== 'user') throw new AuthError(ErrorCode.UNAUTHENTICATED);
  return true;
};
