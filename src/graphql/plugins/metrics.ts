import type { ApolloServerPlugin } from '@apollo/server';
import { Kind } from 'graphql';
import type { Context } from '../../context/context';
import type { Metrics } from '../../observability/metrics';

/**
 * The duration of each GraphQL operation, labelled by its type and first root field (names the
 * schema bounds, never the client's operation name) and whether it answered errors.
 */
export function metricsPlugin(metrics: Metrics): ApolloServerPlugin<Context> {
  return {
    async requestDidStart() {
      const started = performance.now();
      return {
        async willSendResponse({ operation, response }) {
          const first = operation?.selectionSet.selections.find((s) => s.kind === Kind.FIELD);
          const field = first?.kind === Kind.FIELD ? first.name.value : 'none';
          const errors = response.body.kind === 'single' && (response.body.singleResult.errors?.length ?? 0) > 0;
          metrics.graphqlDuration.observe({ type: operation?.operation ?? 'invalid', field, outcome: errors ? 'error' : 'ok' }, (performance.now() - started) / 1000);
        },
      };
    },
  };
}
