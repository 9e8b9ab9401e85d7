import 'reflect-metadata';
import type { MikroORM } from '@mikro-orm/postgresql';
import type { GraphQLSchema } from 'graphql';
import type { NonEmptyArray } from 'type-graphql';
import { type App, createApp } from '../app';
import type { Clock } from '../clock';
import { type Config, type Env, loadConfig, type SettingName } from '../config';
import { authChecker } from '../context/auth-checker';
import { type Database, openDatabase } from '../db/database';
import { type AppSchema, createOrmOptions, type EntityClass } from '../db/mikro-orm.config';
import type { Options } from '@mikro-orm/postgresql';
import { gatehouseResolvers } from '../graphql/schema';
import type { HttpServer } from '../http/server';
import { createLogger, type Logger } from '../logger';
import type { ProfileFieldSpec } from '../features/profile-fields/profile-fields';
import type { WebhookEndpointSpec } from '../features/webhooks/webhook-config';
import type { Services } from '../services';

/**
 * Gatehouse's settings as an object: the names and values of its environment variables;
 * PROFILE_FIELDS and WEBHOOK_ENDPOINTS may also be the specs themselves.
 */
export type GatehouseSettings = Partial<Record<Exclude<SettingName, 'PROFILE_FIELDS' | 'WEBHOOK_ENDPOINTS'>, string | number | boolean | readonly string[] | undefined>> & {
  PROFILE_FIELDS?: string | readonly ProfileFieldSpec[];
  WEBHOOK_ENDPOINTS?: string | readonly WebhookEndpointSpec[];
};

export interface GatehouseOptions {
  /**
   * The settings, as the server reads them from its environment (`DATABASE_URL`, `SECRET_KEY`,
   * `ROLES`, …). Nothing is read from `process.env` unless you pass it: `{ ...process.env, … }`.
   */
  settings?: GatehouseSettings;
  /** A configuration already parsed (the standalone server's, from its environment); wins over `settings`. */
  config?: Config;
  /** The app's own type-graphql resolvers, served beside Gatehouse's under one auth checker. */
  // eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
  resolvers?: readonly Function[];
  /**
   * For schema-first apps (plain Apollo resolvers, graphql-tools): receives Gatehouse's executable
   * schema (with the type-graphql resolvers, if any) and returns the one to serve, e.g.
   * `(schema) => mergeSchemas({ schemas: [schema], typeDefs, resolvers })`; resolvers guard
   * themselves with `requireUser(ctx)` and `requireRole(ctx, 'admin')`.
   */
  extendSchema?: (schema: GraphQLSchema) => GraphQLSchema;
  /** The app's MikroORM entities (they may reference `User`); `ctx.em` serves them. */
  entities?: EntityClass[];
  /** The app's migrations folder: applied after Gatehouse's at start, recorded in their own table. */
  migrations?: { path: string; tableName?: string };
  clock?: Clock;
  logger?: Logger;
  /** Where relative paths (the data dir) resolve from; the current folder by default. */
  cwd?: string;
}

/** A running Gatehouse inside an app: everything the app composes its server from. */
export interface Gatehouse {
  config: Config;
  /** Where the data lives, for a start-up banner (never a password). */
  databaseDescription: string;
  /** The ORM: Gatehouse's entities and the app's, on the database the settings name (embedded by default). */
  orm: MikroORM;
  services: Services;
  /** The schema served: Gatehouse's types and resolvers with the app's. */
  schema: GraphQLSchema;
  /** Gatehouse's own resolvers and its auth checker, for an app that builds a schema itself. */
  // eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
  resolvers: NonEmptyArray<Function>;
  authChecker: typeof authChecker;
  /**
   * The HTTP server (Fastify): add the app's own routes before `listen`, e.g. a REST endpoint or a
   * webhook receiver, beside GraphQL, JWKS, the redirect flow, introspection and health.
   */
  fastify: HttpServer['fastify'];
  /**
   * The context of a request to such a route, as a resolver would get it: `requireUser(await
   * gatehouse.contextOf(request, reply))`. The session cookie counts on POST, PUT, PATCH and
   * DELETE only with a CSRF-safe request (a JSON body, or an `x-requested-with` header).
   */
  contextOf: HttpServer['contextOf'];
  /**
   * For an Apollo server of the app's own (on `gatehouse.fastify` or elsewhere): the served
   * schema with Gatehouse's plugins (credential gate, HTTP statuses, audit, operation limits),
   * validation rules, CSRF prevention and error masking. Give it `contextOf` as its context.
   */
  apolloOptions: App['apolloOptions'];
  /** Serves GraphQL (with the app's resolvers), JWKS, the redirect flow, introspection and health; resolves with the port. */
  listen(port?: number, host?: string): Promise<number>;
  /** Stops serving (bounded), then closes the database (and the embedded PostgreSQL). */
  close(): Promise<void>;
}

/**
 * Gatehouse as a library: opens the database the settings name (the embedded PostgreSQL unless
 * DATABASE_URL), applies Gatehouse's migrations and then the app's, and prepares the server
 * with the app's resolvers and entities. The standalone server (`main.ts`) is one such app.
 */
export async function createGatehouse(options: GatehouseOptions = {}): Promise<Gatehouse> {
  const config = options.config ?? loadConfig(toEnv(options.settings ?? {}), options.cwd);
  const logger = options.logger ?? createLogger(config);
  const appSchema: AppSchema = { entities: options.entities, migrations: options.migrations };
  const database: Database = await openDatabase(config, logger, appSchema);
  let app: App;
  try {
    app = await createApp({ config, orm: database.orm, clock: options.clock, logger, resolvers: options.resolvers, extendSchema: options.extendSchema });
  } catch (error) {
    await database.close();
    throw error;
  }
  return {
    config,
    databaseDescription: database.description,
    orm: database.orm,
    services: app.services,
    schema: app.schema,
    resolvers: gatehouseResolvers,
    authChecker,
    fastify: app.http.fastify,
    contextOf: app.http.contextOf,
    apolloOptions: app.apolloOptions,
    listen: (port, host) => app.listen(port, host),
    close: async () => {
      await app.close();
      await database.close();
    },
  };
}

function toEnv(settings: GatehouseSettings): Env {
  const env: Env = {};
  for (const [name, value] of Object.entries(settings)) {
    if (value === undefined) continue;
    if ((name === 'PROFILE_FIELDS' || name === 'WEBHOOK_ENDPOINTS') && typeof value !== 'string') env[name] = JSON.stringify(value);
    else env[name] = Array.isArray(value) ? value.join(',') : String(value);
  }
  return env;
}

/**
 * MikroORM options for the app's own migrations, for its `mikro-orm.config.ts`: Gatehouse's
 * entities and the app's, the app's migrations folder and table. Run Gatehouse's migrations first
 * (start the app once), then `mikro-orm migration:create`: the diff holds only the app's tables.
 */
export function appMigrationConfig(databaseUrl: string, app: Required<Pick<AppSchema, 'migrations'>> & AppSchema): Options {
  return createOrmOptions(databaseUrl, undefined, undefined, { app, appMigrator: true });
}
