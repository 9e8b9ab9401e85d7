import type { ApolloServer } from '@apollo/server';
import { fastifyApolloHandler } from '@as-integrations/fastify';
import fastifyCookie from '@fastify/cookie';
import fastifyCors from '@fastify/cors';
import fastifyWebsocket from '@fastify/websocket';
import type { MikroORM } from '@mikro-orm/postgresql';
import type { GraphQLSchema } from 'graphql';
import Fastify, { type FastifyError, type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import proxyAddr from 'proxy-addr';
import type { Config } from '../config';
import { type ContextBuilder, describeCaller } from '../context/build-context';
import { safeEqual } from '../crypto/constant-time';
import type { Context } from '../context/context';
import { NO_EFFECTS, type RequestInfo } from '../context/request-info';
import { isUnavailable } from '../db/unavailable';
import { AuthError, ErrorCode, errorMessages, httpStatusOf } from '../errors';
import { assertMayIntrospect, introspectionOf } from '../features/introspection/introspection';
import type { RedirectFlow } from '../features/social-login/redirect-flow';
import type { Logger } from '../logger';
import type { Services } from '../services';
import { csrfSafe } from './app-routes';
import { cookieSigner } from './cookie-signer';
import { graphiqlRoute } from './graphiql';
import { droppedCookieHook, originPolicy, refusedOriginHook } from './cors';
import { effectsOf, requestInfoOf, sendOutcome } from './fastify-adapter';
import { requestLog } from './request-log';
import { requestScope } from '../observability/request-scope';
import { securityHeaders } from './security-headers';
import { graphqlWebSocket, type WebSocketOptions } from './websocket';

export const GRAPHQL_PATH = '/graphql';
export const INTROSPECTION_PATH = '/oauth/introspect';
const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;
/** Far more than any credential of ours (a JWT is under 1 KB). */
const MAX_TOKEN_LENGTH = 4096;
const BODY_LIMIT_BYTES = 1024 * 1024;
const HEALTH_TIMEOUT_MS = 2_000;
/** After the drain deadline, how long a 503 has to reach its client before its connection is cut. */
const CLOSE_GRACE_MS = 500;

export interface HttpServerOptions {
  config: Config;
  logger: Logger;
  orm: MikroORM;
  services: Services;
  apollo: ApolloServer<Context>;
  schema: GraphQLSchema;
  limits: WebSocketOptions['limits'];
  buildContext: ContextBuilder;
  redirectFlow: RedirectFlow;
}

export type { FastifyInstance, FastifyReply, FastifyRequest };

export interface HttpServer {
  /** The Fastify instance: an app adds its own routes to it before `listen`. */
  fastify: FastifyInstance;
  /**
   * The GraphQL context of a request to an app's own route: the caller resolved exactly as for
   * GraphQL, the session cookie counting only on CSRF-safe requests (see `csrfSafe`).
   */
  contextOf(request: FastifyRequest, reply: FastifyReply): Promise<Context>;
  listen(port: number, host: string): Promise<number>;
  /** Stops accepting; requests still unanswered after `drainMs` get 503; resolves once all are done. */
  close(drainMs: number): Promise<void>;
}

/**
 * The one place that knows the HTTP framework (Fastify): GraphQL over HTTP, cookies (signed, with
 * key rotation), CORS, the body limit, security headers, the redirect-flow routes, JWKS, health,
 * request logs, errors in GraphQL's shape, and a bounded drain at shutdown.
 */
export async function createHttpServer(options: HttpServerOptions): Promise<HttpServer> {
  const { config, logger, services, apollo, buildContext, redirectFlow } = options;
  const app: FastifyInstance = Fastify({
    trustProxy: trustProxyOption(config.trustProxy),
    bodyLimit: BODY_LIMIT_BYTES,
    logger: false, // our own request log (request-log.ts) and error logging
    // JSON.parse as it is: a `__proto__` key stays an own property, which GraphQL's input
    // coercion then refuses as an unknown field (BAD_USER_INPUT) like any other; nothing merges
    // request bodies into objects.
    onProtoPoisoning: 'ignore',
    // A path that is not valid percent-encoding, and the like: our error shape, not Fastify's
    // (which would echo the path back).
    frameworkErrors: (_error, _request, reply) => void sendError(reply, ErrorCode.BAD_REQUEST),
    // A request id for the request log and the response (X-Request-Id): the caller's own when it
    // looks like one (a proxy's or a load balancer's), else a new one; never arbitrary text.
    requestIdHeader: false,
    genReqId: (request) => {
      const given = request.headers['x-request-id'];
      return typeof given === 'string' && REQUEST_ID.test(given) ? given : randomUUID();
    },
  });

  const inFlight = new Set<FastifyReply>();
  // First: everything the request does, and everything it starts, runs in its scope (log lines get its id).
  app.addHook('onRequest', (request, _reply, done) => requestScope.run({ reqId: request.id }, done));
  app.addHook('onRequest', requestLog(config, logger));
  app.addHook('onRequest', async (_request, reply) => {
    inFlight.add(reply);
    reply.raw.once('close', () => inFlight.delete(reply));
  });
  app.addHook('onRequest', securityHeaders(config, GRAPHQL_PATH));
  app.addHook('onRequest', async (request, reply) => void reply.header('X-Request-Id', request.id));
  await app.register(fastifyCookie, { secret: cookieSigner(config.secretKeys) });
  await app.register(fastifyWebsocket, { options: { maxPayload: BODY_LIMIT_BYTES } });
  const allowedOrigin = originPolicy(config);
  app.addHook('onRequest', refusedOriginHook(allowedOrigin, logger, isGraphqlPath, (reply) => sendError(reply, ErrorCode.ORIGIN_NOT_ALLOWED)));
  app.addHook('onSend', droppedCookieHook(config, logger));
  // Only the GraphQL endpoint speaks to other origins, and only to the allowed ones (cors.ts).
  const graphqlCors = {
    origin: (origin: string | undefined, cb: (error: null, allow: boolean) => void) => cb(null, origin !== undefined && allowedOrigin(origin)),
    credentials: true,
    methods: ['GET', 'POST'],
    maxAge: 600,
  };
  const noCors = { origin: false };
  await app.register(fastifyCors, {
    delegator: (request, callback) => callback(null, isGraphqlPath(request.url) ? graphqlCors : noCors),
  });
  // Bodies that are not JSON reach Apollo empty, so its CSRF check refuses them (400) as a
  // browser's "simple" request; JSON is parsed by Fastify within the body limit.
  app.addContentTypeParser('*', (_request, _payload, done) => done(null, {}));

  // Readiness names each dependency (/healthz is its older name); liveness only says the process answers.
  app.get('/readyz', healthCheck(options));
  app.get('/healthz', healthCheck(options));
  app.get('/livez', async (_request, reply) => reply.send({ status: 'ok' }));
  app.get('/metrics', metricsRoute(options));
  app.addHook('onResponse', async (request, reply) => {
    const route = request.routeOptions.url ?? 'unmatched';
    services.metrics.httpDuration.observe({ method: request.method, route, status: String(reply.statusCode) }, reply.elapsedTime / 1000);
  });
  // Public keys for other services that verify our access tokens.
  app.get('/.well-known/jwks.json', async (_request, reply) => reply.header('Cache-Control', 'public, max-age=300').send(services.accessTokens.jwks()));

  await app.register(introspectionRoute(options));
  if (config.graphql.landingPage) await app.register(graphiqlRoute(GRAPHQL_PATH, logger));

  const graphql = fastifyApolloHandler(apollo, {
    context: async (request, reply) => {
      const context = await buildContext(requestInfoOf(request), effectsOf(reply));
      request.gatehouseAuth = describeCaller(context.caller);
      return context;
    },
  });
  // The same path upgrades to WebSocket for subscriptions (graphql-ws).
  app.route({ method: 'GET', url: GRAPHQL_PATH, handler: graphql, wsHandler: graphqlWebSocket(options) });
  app.route({ method: 'POST', url: GRAPHQL_PATH, handler: graphql });

  app.get<{ Params: { provider: string } }>('/auth/:provider', async (request, reply) =>
    sendOutcome(reply, await redirectFlow.start(requestInfoOf(request), effectsOf(reply), request.params.provider)),
  );
  app.get<{ Params: { provider: string } }>('/auth/:provider/callback', async (request, reply) =>
    sendOutcome(reply, await redirectFlow.callback(requestInfoOf(request), effectsOf(reply), request.params.provider)),
  );

  app.setNotFoundHandler((_request, reply) => sendError(reply, ErrorCode.ROUTE_NOT_FOUND));
  app.setErrorHandler((error: FastifyError, _request, reply) => {
    // An app route's guard (requireUser, requireRole) or a stalled database: our codes, as statuses.
    if (error instanceof AuthError) return sendAuthError(reply, error);
    if (isUnavailable(error)) return sendError(reply, ErrorCode.SERVICE_UNAVAILABLE);
    const code = httpErrorCode(error);
    if (code === ErrorCode.INTERNAL_SERVER_ERROR) logger.error({ err: error }, 'unhandled HTTP error');
    return sendError(reply, code, code === ErrorCode.BAD_REQUEST && isJsonError(error) ? 'The request body is not valid JSON.' : undefined);
  });
  return {
    fastify: app,
    contextOf: (request, reply) => buildContext(csrfSafe(requestInfoOf(request)), effectsOf(reply)),
    listen: async (port, host) => {
      await app.listen({ port, host });
      return (app.server.address() as AddressInfo).port;
    },
    close: async (drainMs) => {
      // Stops accepting and waits for the requests in flight; those still waiting at the
      // deadline are answered 503 (with Connection: close), and a connection still open a
      // moment later (a keep-alive one, a client that does not read) is cut.
      const cutOff = setTimeout(() => {
        answerUnavailable(inFlight);
        app.server.closeIdleConnections();
      }, drainMs);
      const cutAll = setTimeout(() => app.server.closeAllConnections(), drainMs + CLOSE_GRACE_MS);
      await app.close();
      clearTimeout(cutOff);
      clearTimeout(cutAll);
    },
  };
}

/**
 * `POST /oauth/introspect` (RFC 7662): the token in a form body (or JSON), the client authenticated
 * by an API token with the INTROSPECT scope. In a scope of its own, so form bodies are parsed
 * here only (the GraphQL endpoint keeps refusing them).
 */
function introspectionRoute({ buildContext, services }: HttpServerOptions) {
  return async (scope: FastifyInstance) => {
    scope.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (_request, body, done) =>
      done(null, Object.fromEntries(new URLSearchParams(body as string))),
    );
    scope.post(INTROSPECTION_PATH, async (request, reply) => {
      try {
        assertMayIntrospect((await buildContext(requestInfoOf(request), effectsOf(reply))).caller);
        const token = (request.body as Record<string, unknown> | undefined)?.token;
        if (typeof token !== 'string' || token.length === 0 || token.length > MAX_TOKEN_LENGTH) {
          return sendError(reply, ErrorCode.BAD_REQUEST, 'Send the token to check as `token`.');
        }
        const subject = await buildContext(bearerOnly(requestInfoOf(request), token), NO_EFFECTS);
        return reply.header('Cache-Control', 'no-store').send(introspectionOf(subject.caller, services.config));
      } catch (error) {
        if (!(error instanceof AuthError)) throw error;
        if (error.code === ErrorCode.UNAUTHENTICATED) reply.header('WWW-Authenticate', 'Bearer');
        return sendError(reply, error.code);
      }
    });
  };
}

/**
 * GET /metrics (Prometheus text format): only from METRICS_ALLOW_FROM (loopback by default, the
 * address as TRUST_PROXY resolves it), or with `Authorization: Bearer <METRICS_TOKEN>` (compared
 * in constant time). Anyone else gets 404, as if there were nothing here.
 */
function metricsRoute({ config, services }: HttpServerOptions) {
  const trusted = proxyAddr.compile([...config.metrics.allowFrom]);
  const token = config.metrics.token;
  return async (request: FastifyRequest, reply: FastifyReply) => {
    const bearer = /^Bearer (\S+)$/.exec(request.headers.authorization ?? '')?.[1];
    const byToken = token !== undefined && bearer !== undefined && safeEqual(bearer, token);
    if (!byToken && !trusted(request.ip, 0)) return sendError(reply, ErrorCode.ROUTE_NOT_FOUND);
    return reply.type(services.metrics.registry.contentType).header('Cache-Control', 'no-store').send(await services.metrics.registry.metrics());
  };
}

/** A request that carries only `token` as its bearer credential, checked passively (no activity recorded). */
function bearerOnly(request: RequestInfo, token: string): RequestInfo {
  return {
    method: request.method,
    path: request.path,
    clientAddress: request.clientAddress,
    peerAddress: request.peerAddress,
    secure: request.secure,
    passive: true,
    header: (name) => (name === 'authorization' ? `Bearer ${token}` : undefined),
    cookie: () => undefined,
    signedCookie: () => undefined,
    query: () => undefined,
  };
}

/** The GraphQL path, with or without a query string. */
function isGraphqlPath(url: string): boolean {
  return url.startsWith(GRAPHQL_PATH) && (url.length === GRAPHQL_PATH.length || url[GRAPHQL_PATH.length] === '?');
}

/** TRUST_PROXY as Fastify takes it: a hop count becomes "the nearest n hops", as proxy-addr reads it. */
function trustProxyOption(trust: Config['trustProxy']): boolean | string[] | ((address: string, hop: number) => boolean) {
  return typeof trust === 'number' ? (_address, hop) => hop < trust : trust;
}

/** Outcome codes answer 200 in GraphQL; over plain HTTP they need a status of their own. */
const REST_STATUS: Partial<Record<ErrorCode, number>> = { FORBIDDEN: 403, NOT_FOUND: 404, INVALID_CREDENTIALS: 401 };

/** An AuthError raised in an app's own route: its code, message and field, under a fitting status. */
function sendAuthError(reply: FastifyReply, error: AuthError): FastifyReply {
  const graphqlStatus = httpStatusOf(error.code);
  const status = graphqlStatus !== 200 ? graphqlStatus : (REST_STATUS[error.code] ?? 400);
  if (status === 401) reply.header('WWW-Authenticate', 'Bearer realm="gatehouse"');
  const extensions = { code: error.code, ...(error.field ? { field: error.field } : {}) };
  return reply.code(status).send({ errors: [{ message: error.message, extensions }] });
}

function sendError(reply: FastifyReply, code: ErrorCode, message?: string): FastifyReply {
  return reply.code(httpStatusOf(code)).send({ errors: [{ message: message ?? errorMessages[code], extensions: { code } }] });
}

/** HTTP-level failures (body parsing, limits) as our codes; anything else the client did is a 400. */
function httpErrorCode(error: FastifyError): ErrorCode {
  const status = error.statusCode ?? 500;
  if (status === 413) return ErrorCode.PAYLOAD_TOO_LARGE;
  if (status === 415) return ErrorCode.UNSUPPORTED_MEDIA_TYPE;
  if (status >= 400 && status < 500) return ErrorCode.BAD_REQUEST;
  return ErrorCode.INTERNAL_SERVER_ERROR;
}

function isJsonError(error: FastifyError): boolean {
  return error.code === 'FST_ERR_CTP_INVALID_JSON_BODY' || error.code === 'FST_ERR_CTP_EMPTY_JSON_BODY' || error instanceof SyntaxError;
}

/** Shutdown's last word to requests that are still waiting (on a stalled database, say). */
function answerUnavailable(replies: Set<FastifyReply>): void {
  for (const reply of replies) {
    if (reply.sent || reply.raw.headersSent) continue;
    void sendError(reply.header('Connection', 'close'), ErrorCode.SERVICE_UNAVAILABLE);
  }
}

/**
 * 200 when every dependency a request needs answers, 503 otherwise, naming each: the database
 * (a `select 1` within HEALTH_TIMEOUT_MS) and the LISTEN connection that carries revocations and
 * keeps the caller caches current (while it is down the server still works, from the database,
 * but an operator should know); Redis when it holds the rate limits (degraded, still 200: the
 * limits count in PostgreSQL meanwhile).
 */
function healthCheck({ orm, services }: HttpServerOptions) {
  return async (_request: FastifyRequest, reply: FastifyReply) => {
    const database = await Promise.race([
      orm.em.getConnection().execute('select 1').then(() => 'ok' as const),
      new Promise<'unavailable'>((resolve) => setTimeout(() => resolve('unavailable'), HEALTH_TIMEOUT_MS).unref()),
    ]).catch(() => 'unavailable' as const);
    const listener = services.notifications.isCurrent ? 'ok' : 'unavailable';
    const healthy = database === 'ok' && listener === 'ok';
    const store = services.rateLimits.health();
    const status = !healthy ? 'unavailable' : Object.values(store).every((s) => s === 'ok') ? 'ok' : 'degraded';
    return reply.code(healthy ? 200 : 503).send({ status, checks: { database, listener, ...store } });
  };
}
