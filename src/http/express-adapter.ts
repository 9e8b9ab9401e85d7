import type { CookieOptions, Request, Response, Router } from 'express';
import express from 'express';
import type { AuthSummary } from '../context/build-context';
import type { CookieSpec, RequestInfo, ResponseEffects } from '../context/request-info';
import type { RedirectFlow, RedirectOutcome } from '../features/social-login/redirect-flow';

/** The request log reads how the request was authenticated from here (set once the context knows). */
export type RequestWithAuth = Request & { gatehouseAuth?: AuthSummary };

/** An Express request as the core sees it (cookie-parser has run: signed cookies are verified). */
export function requestInfoOf(req: Request): RequestInfo {
  const cookies = (req.cookies ?? {}) as Record<string, unknown>;
  const signedCookies = (req.signedCookies ?? {}) as Record<string, unknown>;
  return {
    method: req.method,
    path: req.path,
    header: (name) => {
      const value = req.headers[name];
      return Array.isArray(value) ? value.join(', ') : value;
    },
    cookie: (name) => (typeof cookies[name] === 'string' ? cookies[name] : undefined),
    signedCookie: (name) => {
      const signed = signedCookies[name];
      if (typeof signed === 'string') return signed;
      // A bad signature, or the name sent unsigned: a cookie we did not issue.
      return signed === false || cookies[name] !== undefined ? false : undefined;
    },
    query: (name) => {
      const value = (req.query as Record<string, unknown>)[name];
      return typeof value === 'string' ? value : undefined; // absent or repeated: not given
    },
    clientAddress: req.ip ?? req.socket.remoteAddress ?? null,
    peerAddress: req.socket.remoteAddress ?? null,
    secure: req.secure,
  };
}

/** Applies the core's cookie decisions to an Express response, one Set-Cookie per name. */
export function effectsOf(res: Response): ResponseEffects {
  return {
    setCookie(name, value, spec) {
      dropPendingCookie(res, name);
      res.cookie(name, value, cookieOptions(spec));
    },
    clearCookie(name, spec) {
      dropPendingCookie(res, name);
      res.clearCookie(name, cookieOptions({ ...spec, signed: false }));
    },
  };
}

function cookieOptions(spec: CookieSpec): CookieOptions {
  return {
    httpOnly: spec.httpOnly,
    sameSite: spec.sameSite,
    path: spec.path,
    secure: spec.secure,
    ...(spec.signed ? { signed: true } : {}),
    ...(spec.expires ? { expires: spec.expires } : {}),
    ...(spec.maxAgeSeconds !== undefined ? { maxAge: spec.maxAgeSeconds * 1000 } : {}),
  };
}

/** A later decision (a sign-in) replaces an earlier one (a clear) for the same cookie. */
function dropPendingCookie(res: Response, name: string): void {
  const pending = res.getHeader('Set-Cookie');
  if (pending === undefined) return;
  const kept = [pending].flat().map(String).filter((c) => !c.startsWith(`${name}=`));
  if (kept.length > 0) res.setHeader('Set-Cookie', kept);
  else res.removeHeader('Set-Cookie');
}

/** The redirect flow's two routes. */
export function redirectFlowRoutes(flow: RedirectFlow): Router {
  const router = express.Router();
  router.get('/auth/:provider', async (req, res) => send(res, await flow.start(requestInfoOf(req), effectsOf(res), req.params.provider)));
  router.get('/auth/:provider/callback', async (req, res) => send(res, await flow.callback(requestInfoOf(req), effectsOf(res), req.params.provider)));
  return router;
}

function send(res: Response, outcome: RedirectOutcome): void {
  if (outcome.kind === 'redirect') res.redirect(outcome.status, outcome.location);
  else res.status(outcome.status).type('html').send(outcome.html);
}
