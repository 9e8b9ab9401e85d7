import type { ApolloServerPlugin } from '@apollo/server';
import type { Context } from '../../context/context';
import { AuthError, ErrorCode } from '../../errors';

/**
 * Subscriptions are served over WebSocket (graphql-ws) only. Over HTTP, Apollo would run one as
 * if it were a query, with no event to resolve: refused before execution, as the client's error.
 */
export function subscriptionsOverWebSocketPlugin(): ApolloServerPlugin<Context> {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ operation }) {
          if (operation?.operation === 'subscription') {
            throw new AuthError(ErrorCode.BAD_REQUEST, { message: 'Subscriptions are served over WebSocket (graphql-ws) at this path, not over HTTP.' });
          }
        },
      };
    },
  };
}
