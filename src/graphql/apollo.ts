import { ApolloServer, type ApolloServerOptionsWithSchema } from '@apollo/server';
import type { GraphQLSchema } from 'graphql';
import { ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import type { Config } from '../config';
import type { Context } from '../context/context';
import { createFormatError } from '../errors';
import { auditPlugin } from '../features/audit/audit.plugin';
import type { Logger } from '../logger';
import type { Metrics } from '../observability/metrics';
import { credentialGatePlugin } from './plugins/credential-gate';
import { metricsPlugin } from './plugins/metrics';
import { httpStatusPlugin } from './plugins/http-status';
import type { operationLimits } from './plugins/operation-limits';
import { subscriptionsOverWebSocketPlugin } from './plugins/subscriptions-over-websocket';
import { sandboxLandingPage } from './plugins/landing-page';

/**
 * The Apollo server: Gatehouse's schema with its plugins (credential gate, HTTP statuses, audit,
 * operation limits), CSRF prevention on, batching off, no stack traces. It knows no HTTP server:
 * the adapter hands it requests (src/http/) and stops taking them before it is stopped.
 */
export async function createApolloServer(
  config: Config,
  logger: Logger,
  schema: GraphQLSchema,
  limits: ReturnType<typeof operationLimits>,
  metrics: Metrics,
): Promise<ApolloServer<Context>> {
  const apollo = new ApolloServer<Context>(apolloOptions(config, logger, schema, limits, metrics));
  await apollo.start();
  return apollo;
}

/**
 * The options of Gatehouse's Apollo server, for an app that runs an Apollo server of its own on
 * the same schema: the same plugins (credential gate, HTTP statuses, audit, operation limits),
 * validation rules, CSRF prevention and error masking.
 */
export function apolloOptions(
  config: Config,
  logger: Logger,
  schema: GraphQLSchema,
  limits: ReturnType<typeof operationLimits>,
  metrics: Metrics,
): ApolloServerOptionsWithSchema<Context> {
  return {
    schema,
    validationRules: limits.validationRules,
    parseOptions: limits.parseOptions,
    csrfPrevention: true,
    allowBatchedHttpRequests: false,
    introspection: config.graphql.introspection,
    hideSchemaDetailsFromClientErrors: config.graphql.maskSchemaDetails,
    includeStacktraceInErrorResponses: false,
    stopOnTerminationSignals: false, // main.ts owns the signals and the shutdown order
    formatError: createFormatError(logger),
    logger,
    plugins: [
      credentialGatePlugin(),
      metricsPlugin(metrics),
      subscriptionsOverWebSocketPlugin(),
      httpStatusPlugin(),
      auditPlugin(),
      ...limits.plugins,
      config.graphql.landingPage
        ? sandboxLandingPage()
        : ApolloServerPluginLandingPageDisabled(),
    ],
  };
}
