import 'reflect-metadata';
import type { MikroORM } from '@mikro-orm/postgresql';
import type { ApolloServerOptionsWithSchema } from '@apollo/server';
import type { GraphQLSchema } from 'graphql';
import type { Context } from './context/context';
import { type Clock, systemClock } from './clock';
import type { Config } from './config';
import { createContextBuilder } from './context/build-context';
import { createRedirectFlow } from './features/social-login/redirect-flow';
import { apolloOptions, createApolloServer } from './graphql/apollo';
import { operationLimits } from './graphql/plugins/operation-limits';
import { buildGatehouseSchema } from './graphql/schema';
import { createHttpServer, GRAPHQL_PATH, type HttpServer } from './http/server';
import { createLogger, type Logger } from './logger';
import { createServices, type Services } from './services';
import { within } from './within';

export { GRAPHQL_PATH };

export interface AppOptions {
  config: Config;
  orm: MikroORM;
  clock?: Clock;
  logger?: Logger;
  /** An app's own type-graphql resolvers, served beside Gatehouse's (the library). */
  // eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
  resolvers?: readonly Function[];
  /** Turns the built schema into the one served: a schema-first app merges its own types and resolvers here. */
  extendSchema?: (schema: GraphQLSchema) => GraphQLSchema;
}

export interface App {
  services: Services;
  /** The executable schema served (Gatehouse's resolvers and the app's). */
  schema: GraphQLSchema;
  /** The HTTP server's Fastify instance (an app's own routes go here before `listen`), and their GraphQL context. */
  http: Pick<HttpServer, 'fastify' | 'contextOf'>;
  /** Fresh options for an Apollo server of the app's own on the same schema, with Gatehouse's plugins and rules. */
  apolloOptions(): ApolloServerOptionsWithSchema<Context>;
  /** Starts listening; resolves with the bound port (useful with port 0). */
  listen(port?: number, host?: string): Promise<number>;
  /**
   * Stops accepting requests and lets those in flight finish for at most `drainMs`; any still
   * unanswered then gets 503 SERVICE_UNAVAILABLE. Then releases what the app holds (listener,
   * mail, counters), each step bounded. Leaves the database open.
   */
  close(drainMs?: number): Promise<void>;
}

/** How long a request in flight at shutdown may still take; a database stall can take 6 s. */
const DRAIN_MS = 6_000;
/** How often accounts whose ban (`disableUser(until)`) has ended are enabled again. */
const BAN_SWEEP_MS = 30_000;
/** How often rows that can never be used again are deleted (HousekeepingService). */
const HOUSEKEEPING_MS = 60 * 60 * 1000;
/** Each dependency gets this long to let go at shutdown (a frozen one never answers). */
const RELEASE_MS = 1_000;

/**
 * Gatehouse, ready to listen: the services, the GraphQL server and the context builder, served by
 * the HTTP adapter (src/http/). Used by main.ts and by the tests alike.
 */
export async function createApp(options: AppOptions): Promise<App> {
  const { config, orm } = options;
  const logger = options.logger ?? createLogger(config);
  const services = createServices(config, options.clock ?? systemClock, logger, orm);
  await services.notifications.start();
  await services.webhooks.start();
  const built = await buildGatehouseSchema(options.resolvers, config.profileFields);
  const schema = options.extendSchema ? options.extendSchema(built) : built;
  const limits = operationLimits(config);
  const apollo = await createApolloServer(config, logger, schema, limits, services.metrics);
  const buildContext = createContextBuilder(orm, services);
  const redirectFlow = createRedirectFlow(services, buildContext);
  const http = await createHttpServer({ config, logger, orm, services, apollo, schema, limits, buildContext, redirectFlow });
  const banSweep = setInterval(() => {
    services.admin.liftExpiredBans(orm.em.fork()).catch((error: unknown) => logger.warn({ err: error }, 'ended bans could not be lifted now; trying again'));
  }, BAN_SWEEP_MS).unref();
  const housekeeping = setInterval(() => {
    services.housekeeping.sweep(orm.em.fork()).catch((error: unknown) => logger.warn({ err: error }, 'housekeeping could not run now; trying again later'));
  }, HOUSEKEEPING_MS).unref();

  return {
    services,
    schema,
    http: { fastify: http.fastify, contextOf: http.contextOf },
    apolloOptions: () => apolloOptions(config, logger, schema, operationLimits(config), services.metrics),
    listen: (port = config.port, host = config.host) => http.listen(port, host),
    close: async (drainMs = DRAIN_MS) => {
      clearInterval(banSweep);
      clearInterval(housekeeping);
      await http.close(drainMs);
      await apollo.stop();
      // Work started after answering (lookups, notices) finishes first, within bounds.
      await within(services.background.settled(), RELEASE_MS);
      await within(services.audit.settled(), RELEASE_MS); // else they wait in the outbox for the next start
      await within(services.webhooks.close(), RELEASE_MS); // an attempt cut short is sent again once its lease ends
      services.revokedSessions.stop();
      services.credentialWatch.stop();
      services.audit.close(); // what it still holds stays in the outbox for the next start
      await Promise.all([
        within(services.notifications.stop(), RELEASE_MS),
        within(services.outbox.close(RELEASE_MS), RELEASE_MS * 2),
        within(services.rateLimits.close(), RELEASE_MS),
      ]);
    },
  };
}
