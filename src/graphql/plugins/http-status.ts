import type { ApolloServerPlugin } from '@apollo/server';
import type { Context } from '../../context/context';
import { httpStatusOf } from '../../errors';

/**
 * Gives a response the HTTP status its errors' codes have in the catalog, wherever they were
 * raised: Apollo applies `extensions.http` only to errors raised before execution, so a
 * RATE_LIMITED from a full hashing queue, or an INTERNAL_SERVER_ERROR in a mutation, would
 * otherwise answer 200. Of several errors, the highest status wins.
 */
export function httpStatusPlugin(): ApolloServerPlugin<Context> {
  return {
    async requestDidStart() {
      return {
        async willSendResponse({ response, contextValue }) {
          if (response.body.kind !== 'single') return;
          const errors = response.body.singleResult.errors ?? [];
          const status = Math.max(response.http.status ?? 200, ...errors.map((e) => httpStatusOf(e.extensions?.code)));
          if (status !== 200) response.http.status = status;
          // RFC 6750 §3: a 401 names the scheme, and says when the token sent was the problem.
          if (status === 401) {
            const presented = contextValue?.caller?.kind === 'rejected';
            response.http.headers.set('WWW-Authenticate', presented ? 'Bearer realm="gatehouse", error="invalid_token"' : 'Bearer realm="gatehouse"');
          }
        },
      };
    },
  };
}
