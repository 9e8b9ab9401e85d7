import type { ApolloServerPlugin } from '@apollo/server';
import type { Context } from '../../context/context';
import { AuthError } from '../../errors';
import { canonicalEmail } from '../account/email';

/**
 * Mutations this plugin does not record: `__typename` changes nothing, and sign-ins are recorded
 * by the sign-in pipeline, which every entry point (the redirect flow and Basic too) goes through.
 */
const NOT_AUDITED = new Set(['__typename', 'login', 'register', 'socialLogin', 'completeSignIn', 'signInWithEmailLink', 'signInWithEmailCode', 'finishPasskeySignIn']);

/**
 * Writes one audit entry per executed mutation field (so 1 entry per attempt, aliases included):
 * its name as the event type (login → LOGIN), whether it worked, the error code when not, the
 * user (the caller, the user it signed in, or the account named by the email it was given) and
 * how the request was authenticated. Arguments and results are read only for ids and kinds.
 */
export function auditPlugin(): ApolloServerPlugin<Context> {
  return {
    async requestDidStart() {
      return {
        async executionDidStart({ operation }) {
          if (operation?.operation !== 'mutation') return;
          return {
            willResolveField({ info, contextValue, args }) {
              if (info.parentType.name !== 'Mutation' || NOT_AUDITED.has(info.fieldName)) return;
              return (error: unknown, result: unknown) => {
                const { caller, request, services } = contextValue;
                const input = (args as { input?: Record<string, unknown> }).input ?? (args as Record<string, unknown>);
                const email = typeof input.email === 'string' ? canonicalEmail(input.email) : null;
                const signedIn = (result as { user?: { id?: string } } | null)?.user?.id;
                services.audit.record({
                  type: info.fieldName.replace(/([A-Z])/g, '_$1').toUpperCase(),
                  success: !error,
                  detail: error instanceof AuthError ? error.code : error ? 'INTERNAL_SERVER_ERROR' : typeof input.provider === 'string' ? input.provider : null,
                  userId: caller.kind === 'user' ? caller.user.id : (signedIn ?? null),
                  email,
                  credentialKind: typeof input.credentials === 'string' ? input.credentials : caller.kind === 'user' ? caller.method : null,
                  ipAddress: request.clientAddress,
                  userAgent: request.header('user-agent') ?? null,
                });
              };
            },
          };
        },
      };
    },
  };
}
