import type { FastifyReply, FastifyRequest } from 'fastify';
import { getDomain } from 'tldts';
import type { Config } from '../config';
import type { Logger } from '../logger';

/** A page served from this machine over http, on any port: a frontend's dev server. */
const LOOPBACK_ORIGIN = /^http:\/\/(localhost|127\.0\.0\.1|\[::1\])(:\d{1,5})?$/;
/** Refused origins logged at most once each, and at most this many (a scanner must not fill memory). */
const MAX_LOGGED = 100;

/**
 * Which browser origins may call the API with credentials: the exact CORS_ORIGINS list (by
 * default the FRONTEND_URL's origin, and Apollo Sandbox's in development), and in development any
 * http://localhost or http://127.0.0.1 port, so that a frontend's dev server works whatever port
 * it picked. Production stays an exact allow-list: never `*`, never a reflected Origin (SEC-34).
 */
export function originPolicy(config: Pick<Config, 'corsOrigins' | 'env'>): (origin: string) => boolean {
  const listed = new Set(config.corsOrigins);
  const anyLoopback = config.env === 'development';
  return (origin) => listed.has(origin) || (anyLoopback && LOOPBACK_ORIGIN.test(origin));
}

/** A warning about an origin, logged once per origin and for at most MAX_LOGGED of them. */
function oncePerOrigin(logger: Logger) {
  const logged = new Set<string>();
  const done = (origin: string) => logged.has(origin) || logged.size >= MAX_LOGGED;
  return {
    done,
    warn(origin: string, fields: Record<string, unknown>, message: string): void {
      if (done(origin)) return;
      logged.add(origin);
      logger.warn({ origin: origin.slice(0, 200), ...fields }, message);
    },
  };
}

/**
 * A preflight from an origin that may not call us gets an answer that says so (403,
 * ORIGIN_NOT_ALLOWED, without CORS headers, so the browser still refuses it) instead of falling
 * through to GraphQL's CSRF refusal, which misled everyone who met it; and the server logs each
 * such origin once, so whoever runs it sees which frontend to allow.
 */
export function refusedOriginHook(allowed: (origin: string) => boolean, logger: Logger, isApiPath: (url: string) => boolean, refuse: (reply: FastifyReply) => FastifyReply) {
  const warnings = oncePerOrigin(logger);
  return async (request: FastifyRequest, reply: FastifyReply): Promise<void> => {
    const origin = request.headers.origin;
    if (request.method !== 'OPTIONS' || !origin || !request.headers['access-control-request-method'] || !isApiPath(request.url) || allowed(origin)) return;
    warnings.warn(origin, {}, 'refused a browser from an origin that may not call the API; if it is your frontend, add it to CORS_ORIGINS');
    await refuse(reply);
  };
}

/**
 * The site of an origin (scheme and registrable domain, by the Public Suffix List through tldts):
 * what SameSite compares. A host with no registrable domain (localhost, an IP address) is its own.
 */
function siteOf(scheme: string, hostname: string): string {
  const host = hostname.replace(/^\[|\]$/g, '').toLowerCase();
  return `${scheme}://${getDomain(host, { allowPrivateDomains: true }) ?? host}`;
}

/**
 * Browsers drop a SameSite=Lax or Strict cookie set in answer to a page of another site (a
 * fetch from http://127.0.0.1:3000 to http://localhost:4000, or from app.example.com to
 * auth.example.net): the sign-in answers success and the next request is anonymous, with no
 * error anywhere. This says so in the log, once per origin, with what to change.
 */
export function droppedCookieHook(config: Pick<Config, 'cookie'>, logger: Logger) {
  const warnings = oncePerOrigin(logger);
  return async (request: FastifyRequest, reply: FastifyReply, payload: unknown): Promise<unknown> => {
    const origin = request.headers.origin;
    if (config.cookie.sameSite === 'none' || !origin || !reply.hasHeader('set-cookie') || warnings.done(origin)) return payload;
    let page: URL;
    try {
      page = new URL(origin);
    } catch {
      return payload;
    }
    if (siteOf(page.protocol.slice(0, -1), page.hostname) === siteOf(request.protocol, request.hostname)) return payload;
    warnings.warn(
      origin,
      { host: request.host },
      'the browser will drop the cookies set for this page: it is on another site than the API (SameSite). Serve both from one site (the same host name, or subdomains of one domain), or set SESSION_COOKIE_SAMESITE=none with COOKIE_SECURE=true',
    );
    return payload;
  };
}
