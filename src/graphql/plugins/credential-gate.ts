import type { ApolloServerPlugin } from '@apollo/server';
import { Kind, type OperationDefinitionNode, type OperationTypeNode } from 'graphql';
import type { Context } from '../../context/context';
import { ApiTokenScope } from '../../db/entities';
import { AuthError, ErrorCode } from '../../errors';

/**
 * Operations a client with a failed credential may still run, as if anonymous: signing in or out,
 * and following a mailed link, must work when a browser still holds an expired cookie or an app
 * an expired token.
 */
const SIGN_IN_FIELDS = new Set([
  'login',
  'register',
  'logout',
  'refreshToken',
  'requestPasswordReset',
  'resetPassword',
  'requestEmailVerification',
  'verifyEmail',
  'verifyEmailCode',
  'confirmEmailChange',
  'socialLogin',
  'unlockAccount',
  'completeSignIn',
  'requestSignInEmail',
  'signInWithEmailLink',
  'signInWithEmailCode',
  'beginPasskeySignIn',
  'finishPasskeySignIn',
  // With the flow token of an ENROLL_SECOND_FACTOR step; without it they need a signed-in caller.
  'beginTotpEnrollment',
  'confirmTotpEnrollment',
  '__typename',
]);

/**
 * Enforces, before any resolver runs, what the credential allows:
 * - fail closed: a presented credential that failed (invalid, expired, revoked, inactive user)
 *   answers UNAUTHENTICATED with HTTP 401, never proceeds as anonymous (SEC-44);
 * - API token scopes: a token without WRITE cannot run mutations, and one with neither READ
 *   nor WRITE (an INTROSPECT token, for `POST /oauth/introspect`) no operation at all.
 */
export function credentialGatePlugin(): ApolloServerPlugin<Context> {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ contextValue, operation }) {
          const { caller } = contextValue;
          if (!operation) return;
          if (caller.kind === 'rejected' && !onlySignInFields(operation)) {
            throw new AuthError(ErrorCode.UNAUTHENTICATED, { message: 'The credential sent with this request is not valid.' });
          }
          if (caller.kind === 'user' && caller.apiToken && !tokenMayRun(caller.apiToken.scopes, operation.operation)) throw new AuthError(ErrorCode.INSUFFICIENT_SCOPE);
        },
      };
    },
  };
}

/** Whether an API token with these scopes may run an operation of this kind (over HTTP or a socket). */
export function tokenMayRun(scopes: readonly ApiTokenScope[], kind: OperationTypeNode): boolean {
  if (kind === 'mutation') return scopes.includes(ApiTokenScope.WRITE);
  return scopes.includes(ApiTokenScope.READ) || scopes.includes(ApiTokenScope.WRITE);
}

function onlySignInFields(operation: OperationDefinitionNode): boolean {
  return (
    operation.operation === 'mutation' &&
    operation.selectionSet.selections.every((s) => s.kind === Kind.FIELD && SIGN_IN_FIELDS.has(s.name.value))
  );
}
