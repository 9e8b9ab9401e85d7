import type { FastifyReply, FastifyRequest } from 'fastify';
import type {} from '@fastify/cookie'; // its request and reply decorations
import type { AuthSummary } from '../context/build-context';
import type { CookieSpec, RequestInfo, ResponseEffects } from '../context/request-info';
import type { RedirectOutcome } from '../features/social-login/redirect-flow';

declare module 'fastify' {
  interface FastifyRequest {
    /** How the request was authenticated, for the request log (set once the context knows). */
    gatehouseAuth?: AuthSummary;
  }
}

/** A Fastify request as the core sees it (@fastify/cookie has parsed the cookies). */
export function requestInfoOf(request: FastifyRequest): RequestInfo {
  const cookies = request.cookies as Record<string, string | undefined>;
  const query = (request.query ?? {}) as Record<string, unknown>;
  const queryAt = request.url.indexOf('?');
  return {
    method: request.method,
    path: queryAt < 0 ? request.url : request.url.slice(0, queryAt),
    header: (name) => {
      const value = request.headers[name];
      return Array.isArray(value) ? value.join(', ') : value;
    },
    cookie: (name) => cookies[name],
    signedCookie: (name) => {
      const raw = cookies[name];
      if (raw === undefined) return undefined;
      // A bad signature, or the name sent unsigned: a cookie we did not issue.
      const { valid, value } = request.unsignCookie(raw);
      return valid && value !== null ? value : false;
    },
    query: (name) => {
      const value = query[name];
      return typeof value === 'string' ? value : undefined; // absent or repeated: not given
    },
    clientAddress: request.ip ?? null,
    peerAddress: request.socket.remoteAddress ?? null,
    secure: request.protocol === 'https',
  };
}

/**
 * Applies the core's cookie decisions to a Fastify reply. @fastify/cookie keeps one Set-Cookie
 * per name and path, so a later decision (a sign-in) replaces an earlier one (a clear).
 */
export function effectsOf(reply: FastifyReply): ResponseEffects {
  return {
    setCookie: (name, value, spec) => void reply.setCookie(name, value, cookieOptions(spec)),
    clearCookie: (name, spec) => void reply.clearCookie(name, cookieOptions({ ...spec, signed: false })),
  };
}

function cookieOptions(spec: CookieSpec) {
  return {
    httpOnly: spec.httpOnly,
    sameSite: spec.sameSite,
    path: spec.path,
    secure: spec.secure,
    signed: spec.signed ?? false,
    ...(spec.expires ? { expires: spec.expires } : {}),
    ...(spec.maxAgeSeconds !== undefined ? { maxAge: spec.maxAgeSeconds } : {}),
  };
}

/** Sends a redirect-flow outcome. */
export function sendOutcome(reply: FastifyReply, outcome: RedirectOutcome): FastifyReply {
  if (outcome.kind === 'redirect') return reply.redirect(outcome.location, outcome.status);
  return reply.code(outcome.status).type('text/html; charset=utf-8').send(outcome.html);
}
