import 'reflect-metadata';
import { ApolloServer } from '@apollo/server';
import { ApolloServerPluginDrainHttpServer } from '@apollo/server/plugin/drainHttpServer';
import { ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import { ApolloServerPluginLandingPageLocalDefault } from '@apollo/server/plugin/landingPage/default';
import { expressMiddleware } from '@as-integrations/express5';
import type { MikroORM } from '@mikro-orm/postgresql';
import cookieParser from 'cookie-parser';
import cors from 'cors';
import express, { type ErrorRequestHandler, type RequestHandler } from 'express';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import pino from 'pino';
import { type Clock, systemClock } from './clock';
import type { Config } from './config';
import { createContextBuilder, describeCaller } from './context/build-context';
import type { Context } from './context/context';
import { createFormatError, ErrorCode, errorMessages, httpStatusOf } from './errors';
import { auditPlugin } from './features/audit/audit.plugin';
import { createRedirectFlow } from './features/social-login/redirect-flow';
import { effectsOf, redirectFlowRoutes, requestInfoOf, type RequestWithAuth } from './http/express-adapter';
import { credentialGatePlugin } from './graphql/plugins/credential-gate';
import { httpStatusPlugin } from './graphql/plugins/http-status';
import { operationLimits } from './graphql/plugins/operation-limits';
import { buildGatehouseSchema } from './graphql/schema';
import { securityHeaders } from './http/security-headers';
import { createLogger, type Logger } from './logger';
import { createServices, type Services } from './services';
import { within } from './within';

export interface AppOptions {
  config: Config;
  orm: MikroORM;
  clock?: Clock;
  logger?: Logger;
}

export interface App {
  httpServer: Server;
  services: Services;
  /** Starts listening; resolves with the bound port (useful with port 0). */
  listen(port?: number, host?: string): Promise<number>;
  /**
   * Stops accepting requests and lets those in flight finish for at most `drainMs`; any still
   * unanswered then gets 503 SERVICE_UNAVAILABLE. Then releases what the app holds (listener,
   * mail, counters), each step bounded. Leaves the database open.
   */
  close(drainMs?: number): Promise<void>;
}

export const GRAPHQL_PATH = '/graphql';
const BODY_LIMIT = '1mb';
const HEALTH_TIMEOUT_MS = 2_000;
/** How long a request in flight at shutdown may still take; a database stall can take 6 s. */
export const DRAIN_MS = 6_000;
/** Each dependency gets this long to let go at shutdown (a frozen one never answers). */
const RELEASE_MS = 1_000;

/** The HTTP app and Apollo server, ready to listen. Used by main.ts and by the tests alike. */
export async function createApp(options: AppOptions): Promise<App> {
  const { config, orm } = options;
  const logger = options.logger ?? createLogger(config);
  const services = createServices(config, options.clock ?? systemClock, logger, orm);
  await services.notifications.start();

  const app = express();
  const httpServer = createServer(app);
  app.set('trust proxy', config.trustProxy);
  app.disable('x-powered-by');
  app.use(requestLogger(config, logger));
  const inFlight = new Set<express.Response>();
  app.use((_req, res, next) => {
    inFlight.add(res);
    res.once('close', () => inFlight.delete(res));
    next();
  });
  app.use(securityHeaders(config, GRAPHQL_PATH));
  app.get('/healthz', healthCheck(orm, services));
  // Public keys for other services that verify our access tokens.
  app.get('/.well-known/jwks.json', (_req, res) => {
    res.setHeader('Cache-Control', 'public, max-age=300');
    res.json(services.accessTokens.jwks());
  });

  const limits = operationLimits(config);
  const apollo = new ApolloServer<Context>({
    schema: await buildGatehouseSchema(),
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
      ApolloServerPluginDrainHttpServer({ httpServer, stopGracePeriodMillis: DRAIN_MS + RELEASE_MS }),
      credentialGatePlugin(),
      httpStatusPlugin(),
      auditPlugin(),
      ...limits.plugins,
      config.graphql.landingPage
        ? ApolloServerPluginLandingPageLocalDefault({ embed: true, includeCookies: true })
        : ApolloServerPluginLandingPageDisabled(),
    ],
  });
  await apollo.start();

  const buildContext = createContextBuilder(orm, services);
  const allowedOrigins = new Set(config.corsOrigins);
  app.use(
    GRAPHQL_PATH,
    cors({
      // Exact-match allow-list; never `*`, never a reflected Origin (SEC-34).
      origin: (origin, callback) => callback(null, origin !== undefined && allowedOrigins.has(origin)),
      credentials: true,
      methods: ['GET', 'POST'],
      maxAge: 600,
    }),
    express.json({ limit: BODY_LIMIT }),
    // Express 5 leaves req.body unset for bodies it did not parse (e.g. text/plain); Apollo then
    // applies its CSRF check and answers 400 rather than the integration's own 500.
    ((req, _res, next) => {
      req.body ??= {};
      next();
    }) satisfies RequestHandler,
    cookieParser([...config.secretKeys]),
    expressMiddleware(apollo, {
      context: async ({ req, res }) => {
        const context = await buildContext(requestInfoOf(req), effectsOf(res));
        (req as RequestWithAuth).gatehouseAuth = describeCaller(context.caller);
        return context;
      },
    }),
  );
  app.use('/auth', cookieParser([...config.secretKeys]));
  app.use(redirectFlowRoutes(createRedirectFlow(services, buildContext)));
  app.use(notFound);
  app.use(errorHandler(logger));

  return {
    httpServer,
    services,
    listen: (port = config.port, host = config.host) =>
      new Promise((resolve, reject) => {
        httpServer.once('error', reject);
        httpServer.listen(port, host, () => resolve((httpServer.address() as AddressInfo).port));
      }),
    close: async (drainMs = DRAIN_MS) => {
      const cutOff = setTimeout(() => answerUnavailable(inFlight), drainMs);
      await apollo.stop(); // stops accepting, waits for the requests in flight
      clearTimeout(cutOff);
      // Work started after answering (lookups, notices) finishes first, within bounds.
      await within(services.background.settled(), RELEASE_MS);
      services.revokedSessions.stop();
      services.audit.close(); // what it still holds stays in the outbox for the next start
      await Promise.all([
        within(services.notifications.stop(), RELEASE_MS),
        within(services.outbox.close(RELEASE_MS), RELEASE_MS * 2),
        within(services.rateLimits.close(), RELEASE_MS),
      ]);
    },
  };
}

/** Shutdown's last word to requests that are still waiting (on a stalled database, say). */
function answerUnavailable(responses: Set<express.Response>): void {
  const code = ErrorCode.SERVICE_UNAVAILABLE;
  for (const res of responses) {
    if (res.headersSent) continue;
    res.setHeader('Connection', 'close');
    res.status(httpStatusOf(code)).json({ errors: [{ message: errorMessages[code], extensions: { code } }] });
  }
}

/**
 * One line per request, once its response is done: method, path (no query string: it may carry
 * tokens), status, duration, and how the request was authenticated (ids only, once the context
 * knows). No headers, so no cookie or Authorization value, ever reaches the log. Hand-written
 * rather than pino-http: that built a child logger and ran serializers for every request, about a
 * tenth of the CPU of an authenticated `me` in the benchmark; this writes one object.
 */
function requestLogger(config: Config, logger: Logger): RequestHandler {
  const level = config.env === 'production' ? 'info' : 'debug';
  // Built field by field from values that are never secret, so these lines skip the redaction
  // pass the general logger runs on every line (about 3 % of a `me` request's CPU); same stream.
  const streams = logger as unknown as Record<symbol, pino.DestinationStream | undefined>;
  const stream = streams[pino.symbols.streamSym];
  const lines = stream ? pino({ level: logger.level, base: undefined }, stream) : logger;
  return (req, res, next) => {
    if (!lines.isLevelEnabled(level)) return next();
    const started = performance.now();
    res.once('close', () => {
      const auth = (req as RequestWithAuth).gatehouseAuth;
      lines[level](
        {
          req: { method: req.method, path: req.originalUrl.split('?')[0], remoteAddress: req.socket.remoteAddress },
          res: { statusCode: res.statusCode },
          responseTime: Math.round(performance.now() - started),
          ...(auth ? { auth } : {}),
        },
        res.writableFinished ? 'request completed' : 'request aborted',
      );
    });
    next();
  };
}

/**
 * 200 when every dependency a request needs answers, 503 otherwise, naming each: the database
 * (a `select 1` within HEALTH_TIMEOUT_MS) and the LISTEN connection that carries revocations and
 * keeps the caller caches current (while it is down the server still works, from the database,
 * but an operator should know).
 */
function healthCheck(orm: MikroORM, services: Services): RequestHandler {
  return async (_req, res) => {
    const database = await Promise.race([
      orm.em.getConnection().execute('select 1').then(() => 'ok' as const),
      new Promise<'unavailable'>((resolve) => setTimeout(() => resolve('unavailable'), HEALTH_TIMEOUT_MS).unref()),
    ]).catch(() => 'unavailable' as const);
    const listener = services.notifications.isCurrent ? 'ok' : 'unavailable';
    const healthy = database === 'ok' && listener === 'ok';
    // Redis down is survivable (the limits count in PostgreSQL meanwhile): degraded, still serving.
    const store = services.rateLimits.health();
    const status = !healthy ? 'unavailable' : Object.values(store).every((s) => s === 'ok') ? 'ok' : 'degraded';
    res.status(healthy ? 200 : 503).json({ status, checks: { database, listener, ...store } });
  };
}

const notFound: RequestHandler = (_req, res) => {
  res.status(httpStatusOf(ErrorCode.ROUTE_NOT_FOUND)).json({ errors: [{ message: errorMessages.ROUTE_NOT_FOUND, extensions: { code: ErrorCode.ROUTE_NOT_FOUND } }] });
};

/** Body-parser and other HTTP-level failures, answered in GraphQL's error shape without internals. */
function errorHandler(logger: Logger): ErrorRequestHandler {
  const known: Record<string, [ErrorCode, string?]> = {
    'entity.too.large': [ErrorCode.PAYLOAD_TOO_LARGE],
    'entity.parse.failed': [ErrorCode.BAD_REQUEST, 'The request body is not valid JSON.'],
    'encoding.unsupported': [ErrorCode.UNSUPPORTED_MEDIA_TYPE],
    'charset.unsupported': [ErrorCode.UNSUPPORTED_MEDIA_TYPE],
  };
  return (error: { type?: string; status?: unknown }, _req, res, _next) => {
    // Other errors the HTTP layer marks as the client's (a path that is not valid percent-encoding).
    const clientError = typeof error.status === 'number' && error.status >= 400 && error.status < 500;
    const [code, message] = known[error.type ?? ''] ?? [clientError ? ErrorCode.BAD_REQUEST : ErrorCode.INTERNAL_SERVER_ERROR];
    if (code === ErrorCode.INTERNAL_SERVER_ERROR) logger.error({ err: error }, 'unhandled HTTP error');
    if (res.headersSent) return;
    res.status(httpStatusOf(code)).json({ errors: [{ message: message ?? errorMessages[code], extensions: { code } }] });
  };
}
