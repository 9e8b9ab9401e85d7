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

/**
 * A Fastify request as the core sees it (@fastify/cookie has parsed the cookies). A class, not an
 * object of closures: one is made for every request, on the hot path.
 */
class FastifyRequestInfo implements RequestInfo {
  constructor(private readonly request: FastifyRequest) {}

  get method(): string {
    return this.request.method;
  }

  get path(): string {
    const url = this.request.url;
    const queryAt = url.indexOf('?');
    return queryAt < 0 ? url : url.slice(0, queryAt);
  }

  header(name: string): string | undefined {
    const value = this.request.headers[name];
    return Array.isArray(value) ? value.join(', ') : value;
  }

  cookie(name: string): string | undefined {
    return (this.request.cookies as Record<string, string | undefined>)[name];
  }

  signedCookie(name: string): string | false | undefined {
    const raw = this.cookie(name);
    if (raw === undefined) return undefined;
    // A bad signature, or the name sent unsigned: a cookie we did not issue.
    const { valid, value } = this.request.unsignCookie(raw);
    return valid && value !== null ? value : false;
  }

  query(name: string): string | undefined {
    const value = ((this.request.query ?? {}) as Record<string, unknown>)[name];
    return typeof value === 'string' ? value : undefined; // absent or repeated: not given
  }

  get clientAddress(): string | null {
    return this.request.ip ?? null;
  }

  get peerAddress(): string | null {
    return this.request.socket.remoteAddress ?? null;
  }

  get secure(): boolean {
    return this.request.protocol === 'https';
  }
}

export function requestInfoOf(request: FastifyRequest): RequestInfo {
  return new FastifyRequestInfo(request);
}

/**
 * Applies the core's cookie decisions to a Fastify reply. @fastify/cookie keeps one Set-Cookie
 * per name and path, so a later decision (a sign-in) replaces an earlier one (a clear).
 */
class FastifyEffects implements ResponseEffects {
  constructor(private readonly reply: FastifyReply) {}

  setCookie(name: string, value: string, spec: CookieSpec): void {
    this.reply.setCookie(name, value, cookieOptions(spec));
  }

  clearCookie(name: string, spec: CookieSpec): void {
    this.reply.clearCookie(name, cookieOptions({ ...spec, signed: false }));
  }
}

export function effectsOf(reply: FastifyReply): ResponseEffects {
  return new FastifyEffects(reply);
}

function cookieOptions(spec: CookieSpec) {
  return {
    httpOnly: spec.httpOnly,
    sameSite: spec.sameSite,
    path: spec.path,
    ...(spec.domain ? { domain: spec.domain } : {}),
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
