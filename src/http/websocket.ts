import type { WebsocketHandler } from '@fastify/websocket';
import { getOperationAST, GraphQLError, type GraphQLSchema, OperationTypeNode, parse, specifiedRules, validate, type ValidationRule } from 'graphql';
import { makeHandler } from 'graphql-ws/use/@fastify/websocket';
import type { Config } from '../config';
import type { ContextBuilder } from '../context/build-context';
import type { AuthenticatedCaller, Context } from '../context/context';
import { NO_EFFECTS, type RequestInfo, withCredentials } from '../context/request-info';
import { tokenMayRun } from '../graphql/plugins/credential-gate';
import { createFormatError } from '../errors';
import { clientAddressKey } from '../features/rate-limits/client-address';
import type { Logger } from '../logger';
import type { Services } from '../services';
import { requestInfoOf } from './fastify-adapter';
import { originPolicy } from './cors';

/** Close codes (graphql-ws's where it has one). */
const CLOSE = {
  FORBIDDEN: 4403, // connection_init without a working credential
  UNAUTHORIZED: 4401, // the credential was revoked or expired while the socket was open
  TOO_MANY: 4429,
  UNAVAILABLE: 4503, // the credential could not be checked again (a dependency is away): fail closed
} as const;

export interface WebSocketOptions {
  config: Config;
  logger: Logger;
  services: Services;
  schema: GraphQLSchema;
  limits: { validationRules: ValidationRule[]; parseOptions: { maxTokens?: number } };
  buildContext: ContextBuilder;
}

interface SocketState {
  caller: AuthenticatedCaller;
  request: RequestInfo;
}

/**
 * GraphQL subscriptions over WebSocket (graphql-ws) on the GraphQL path. A socket authenticates
 * once, in `connection_init`, with the same credential resolution as a request: a token in the
 * payload (`{ authorization: "Bearer …" }`) or the upgrade request's Authorization header, or the
 * session cookie of the upgrade request when its Origin is ours or allowed (a page of another
 * origin cannot ride the browser's cookie: cross-site WebSocket hijacking). Only subscriptions are
 * served, under the same operation limits as HTTP; the credential is checked again on every change
 * to it and every second, and the socket is closed when it no longer holds.
 */
export function graphqlWebSocket(options: WebSocketOptions): WebsocketHandler {
  const { config, logger, services, schema, limits, buildContext } = options;
  const ownOrigin = new URL(config.publicUrl).origin;
  const allowedOrigin = originPolicy(config);
  const cookieOrigins = (origin: string) => origin === ownOrigin || allowedOrigin(origin);
  const formatError = createFormatError(logger);
  const perAddress = new Counter();
  const perUser = new Counter();

  const handler = makeHandler<Record<string, unknown>, { gatehouse: SocketState }>({
    schema,
    onConnect: async (ctx) => {
      const request = socketRequest(requestInfoOf(ctx.extra.request), ctx.connectionParams, cookieOrigins);
      let caller;
      try {
        caller = (await buildContext(request, NO_EFFECTS)).caller;
      } catch (error) {
        logger.warn({ err: error }, 'a WebSocket could not be authenticated');
        ctx.extra.socket.close(CLOSE.UNAVAILABLE, 'Service unavailable');
        return false;
      }
      if (caller.kind !== 'user') return false; // 4403 Forbidden
      // Basic would verify a password (argon2) at every re-check of a long-lived socket: refused;
      // a socket holds a session, a JWT or an API token.
      if (caller.method === 'BASIC') return false;
      if (caller.apiToken && !tokenMayRun(caller.apiToken.scopes, OperationTypeNode.SUBSCRIPTION)) return false;
      const { socket } = ctx.extra;
      if (!perUser.take(caller.userView.id, config.webSockets.maxPerUser)) {
        socket.close(CLOSE.TOO_MANY, 'Too many connections');
        return false;
      }
      ctx.extra.gatehouse = { caller, request };
      // Re-checks are not the user's activity: they never extend the session's idle lifetime.
      const recheck = recheckOf(caller, { ...request, passive: true }, buildContext, (code, reason) => socket.close(code, reason));
      const unwatch = services.credentialWatch.watch({ caller, recheck });
      socket.once('close', () => {
        unwatch();
        perUser.give(caller.userView.id);
      });
      return true;
    },
    onSubscribe: (ctx, _id, payload) => {
      const state = ctx.extra.gatehouse;
      if (!state) return [new GraphQLError('Not authenticated.', { extensions: { code: 'UNAUTHENTICATED' } })];
      let document;
      try {
        document = parse(payload.query, limits.parseOptions);
      } catch (error) {
        return [error instanceof GraphQLError ? error : new GraphQLError('The document could not be parsed.')];
      }
      const errors = validate(schema, document, [...specifiedRules, ...limits.validationRules]);
      if (errors.length > 0) return errors;
      if (getOperationAST(document, payload.operationName)?.operation !== 'subscription') {
        return [new GraphQLError('Only subscriptions are served over WebSocket; send queries and mutations over HTTP.', { extensions: { code: 'BAD_REQUEST' } })];
      }
      const contextValue: Context = { em: services.forkEm(), request: state.request, effects: NO_EFFECTS, caller: state.caller, services };
      return { schema, document, variableValues: payload.variables, operationName: payload.operationName, contextValue };
    },
    onNext: (_ctx, _id, _payload, _args, result) =>
      'errors' in result && result.errors ? { ...result, errors: result.errors.map((e) => formatError(e.toJSON(), e) as GraphQLError) } : result,
    onError: (_ctx, _id, _payload, errors) => errors.map((e) => formatError(e.toJSON(), e) as GraphQLError),
  });

  return function onSocket(this: ThisParameterType<WebsocketHandler>, socket, request) {
    const address = clientAddressKey(requestInfoOf(request));
    if (!perAddress.take(address, config.webSockets.maxPerAddress)) {
      socket.close(CLOSE.TOO_MANY, 'Too many connections');
      return;
    }
    socket.once('close', () => perAddress.give(address));
    return handler.call(this, socket, request);
  };
}

/**
 * The upgrade request as the credential resolution sees it: the payload's token stands in for an
 * Authorization header; the cookie counts only from an origin of ours or an allowed one.
 */
function socketRequest(upgrade: RequestInfo, params: Readonly<Record<string, unknown>> | undefined, cookieOrigins: (origin: string) => boolean): RequestInfo {
  const authorization = typeof params?.authorization === 'string' ? params.authorization : undefined;
  const origin = upgrade.header('origin');
  return withCredentials(upgrade, { authorization, cookies: origin !== undefined && cookieOrigins(origin) });
}

/** Checks the socket's credential again (one check at a time); closes the socket when it no longer holds. */
function recheckOf(caller: AuthenticatedCaller, request: RequestInfo, buildContext: ContextBuilder, close: (code: number, reason: string) => void) {
  let running = false;
  return async () => {
    if (running) return;
    running = true;
    try {
      const now = (await buildContext(request, NO_EFFECTS)).caller;
      const same = now.kind === 'user' && now.userView.id === caller.userView.id && now.sessionId === caller.sessionId && now.apiToken?.id === caller.apiToken?.id;
      if (!same) close(CLOSE.UNAUTHORIZED, 'Unauthorized');
    } catch {
      close(CLOSE.UNAVAILABLE, 'Service unavailable');
    } finally {
      running = false;
    }
  };
}

/** Open sockets by key, bounded. */
class Counter {
  private readonly counts = new Map<string, number>();

  take(key: string, max: number): boolean {
    const count = this.counts.get(key) ?? 0;
    if (count >= max) return false;
    this.counts.set(key, count + 1);
    return true;
  }

  give(key: string): void {
    const count = (this.counts.get(key) ?? 1) - 1;
    if (count <= 0) this.counts.delete(key);
    else this.counts.set(key, count);
  }
}
