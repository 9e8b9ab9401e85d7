import cookieParser from 'cookie-parser';
import { type Request, type Response, Router } from 'express';
import type { Context } from '../../context/context';
import { isSecureRequest } from '../../context/session-cookie';
import { safeEqual } from '../../crypto/constant-time';
import { CredentialKind } from '../../db/entities';
import { isUnavailable } from '../../db/unavailable';
import { AuthError, ErrorCode, errorMessages, httpStatusOf } from '../../errors';
import { escapeHtml } from '../../mail/templates/layout';
import type { Services } from '../../services';
import { signInRequestOf } from '../../sign-in/sign-in-request';
import { FLOW_LIFETIME_SECONDS } from './oauth-flow.service';

const FLOW_COOKIE = 'gatehouse_oauth';

type ContextBuilder = (args: { req: Request; res: Response }) => Promise<Context>;

/**
 * The browser redirect flow: GET /auth/:provider sends the browser to the provider with PKCE
 * (S256), state and nonce. The flow (verifier, nonce, return address) is kept server-side under
 * the state's hash and consumed once; the browser holds only the state, in a short-lived, signed,
 * HttpOnly cookie (`__Host-` over https), which binds the callback to the browser that started
 * it. GET /auth/:provider/callback checks them all, signs in with the session cookie and
 * redirects to an allow-listed `returnTo`. Any failure ends on an error page, without a session.
 */
export function createRedirectFlowRoutes(services: Services, buildContext: ContextBuilder): Router {
  const { config } = services;
  const router = Router();
  router.use('/auth', cookieParser([...config.secretKeys]));
  const cookieName = (req: Request) => (isSecureRequest(config, req) ? `__Host-${FLOW_COOKIE}` : FLOW_COOKIE);
  const cookieOptions = (req: Request) => ({ httpOnly: true, sameSite: 'lax' as const, path: '/', secure: isSecureRequest(config, req) });
  const callbackUrl = (providerId: string) => `${config.publicUrl}/auth/${encodeURIComponent(providerId)}/callback`;

  router.get('/auth/:provider', async (req, res) => {
    const provider = services.socialProviders.list().find((p) => p.id === req.params.provider);
    if (!provider) return errorPage(res, 404, 'There is no such sign-in provider.');
    const returnTo = typeof req.query.returnTo === 'string' ? req.query.returnTo : config.social.returnToUrls[0]!;
    // Exact match only: no prefix, pattern or normalisation, so no open redirect (SEC-49).
    if (!config.social.returnToUrls.includes(returnTo)) return errorPage(res, 400, 'This return address is not allowed.');
    const client = await import('openid-client');
    const flow = { provider: provider.id, state: client.randomState(), nonce: client.randomNonce(), codeVerifier: client.randomPKCECodeVerifier(), returnTo };
    try {
      const url = await provider.authorizationUrl({
        redirectUri: callbackUrl(provider.id),
        state: flow.state,
        nonce: flow.nonce,
        codeChallenge: await client.calculatePKCECodeChallenge(flow.codeVerifier),
      });
      await services.oauthFlows.start(services.forkEm(), flow);
      res.cookie(cookieName(req), flow.state, { ...cookieOptions(req), signed: true, maxAge: FLOW_LIFETIME_SECONDS * 1000 });
      res.redirect(302, url.toString());
    } catch (error) {
      failed(res, error);
    }
  });

  router.get('/auth/:provider/callback', async (req, res) => {
    const signed = (req.signedCookies as Record<string, unknown>)[cookieName(req)];
    res.clearCookie(cookieName(req), cookieOptions(req)); // single use, whatever happens next
    const state = typeof req.query.state === 'string' ? req.query.state : '';
    // The state must come back to the browser that started the flow (its cookie), and the flow
    // must still be waiting (server-side, once).
    const sameBrowser = typeof signed === 'string' && state.length > 0 && safeEqual(signed, state);
    try {
      const flow = sameBrowser ? await services.oauthFlows.consume(services.forkEm(), req.params.provider, state) : null;
      if (!flow) return errorPage(res, 400, 'This sign-in attempt is not valid any more. Please start again.');
      if (typeof req.query.error === 'string' || typeof req.query.code !== 'string') {
        return errorPage(res, 400, 'The provider did not sign you in.');
      }
      const provider = services.socialProviders.get(flow.provider);
      const code = req.query.code;
      const identity = () =>
        provider.exchangeCode({
          code,
          codeVerifier: flow.codeVerifier,
          redirectUri: callbackUrl(provider.id),
          state: { received: state, expected: state },
          nonce: flow.nonce,
          iss: typeof req.query.iss === 'string' ? req.query.iss : null,
        });
      const ctx = await buildContext({ req, res });
      const result = await services.signIn.social(signInRequestOf(ctx), provider, identity, CredentialKind.COOKIE);
      if (!('user' in result)) return errorPage(res, 403, 'Confirm your email address first: we have sent you a link.');
      res.redirect(303, flow.returnTo);
    } catch (error) {
      failed(res, error);
    }
  });

  function failed(res: Response, error: unknown): void {
    if (error instanceof AuthError) {
      if (error.cause !== undefined) services.logger.info({ err: error.cause, code: error.code }, 'social sign-in failed');
      const status = (error.extensions.http as { status?: number } | undefined)?.status ?? 400;
      return errorPage(res, status, error.message);
    }
    if (isUnavailable(error)) {
      services.logger.warn({ err: error }, 'social sign-in: a dependency is unavailable');
      return errorPage(res, httpStatusOf(ErrorCode.SERVICE_UNAVAILABLE), errorMessages.SERVICE_UNAVAILABLE);
    }
    services.logger.error({ err: error }, 'social sign-in error');
    errorPage(res, 500, errorMessages.INTERNAL_SERVER_ERROR);
  }

  function errorPage(res: Response, status: number, message: string): void {
    const back = config.social.returnToUrls[0]!;
    res
      .status(status)
      .type('html')
      .send(`<!doctype html><html><body><h1>Sign-in failed</h1><p>${escapeHtml(message)}</p><p><a href="${escapeHtml(back)}">Back</a></p></body></html>`);
  }

  return router;
}
