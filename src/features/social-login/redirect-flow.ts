import type { ContextBuilder } from '../../context/build-context';
import type { CookieSpec, RequestInfo, ResponseEffects } from '../../context/request-info';
import { cookieSpec, isSecureRequest } from '../../context/session-cookie';
import { safeEqual } from '../../crypto/constant-time';
import { CredentialKind } from '../../db/entities';
import { isUnavailable } from '../../db/unavailable';
import { AuthError, ErrorCode, errorMessages, httpStatusOf } from '../../errors';
import { PendingStep } from '../../graphql/auth-result';
import { escapeHtml } from '../../mail/templates/layout';
import type { Services } from '../../services';
import { signInRequestOf } from '../../sign-in/sign-in-request';
import { FLOW_LIFETIME_SECONDS } from './oauth-flow.service';

const FLOW_COOKIE = 'gatehouse_oauth';

/** What a step of the redirect flow answers; the HTTP adapter turns it into a response. */
export type RedirectOutcome = { kind: 'redirect'; status: 302 | 303; location: string } | { kind: 'page'; status: number; html: string };

export interface RedirectFlow {
  /** GET /auth/:provider */
  start(request: RequestInfo, effects: ResponseEffects, providerId: string): Promise<RedirectOutcome>;
  /** GET /auth/:provider/callback */
  callback(request: RequestInfo, effects: ResponseEffects, providerId: string): Promise<RedirectOutcome>;
}

/**
 * The browser redirect flow: the start sends the browser to the provider with PKCE (S256),
 * state and nonce. The flow (verifier, nonce, return address) is kept server-side under the
 * state's hash and consumed once; the browser holds only the state, in a short-lived, signed,
 * HttpOnly cookie (`__Host-` over https), which binds the callback to the browser that started
 * it. The callback checks them all, signs in with the session cookie and redirects to an
 * allow-listed `returnTo`. Any failure ends on an error page, without a session.
 */
export function createRedirectFlow(services: Services, buildContext: ContextBuilder): RedirectFlow {
  const { config } = services;
  const cookieName = (request: RequestInfo) => (isSecureRequest(config, request) ? `__Host-${FLOW_COOKIE}` : FLOW_COOKIE);
  // This host only, and Lax whatever SESSION_COOKIE_SAMESITE says: the provider sends the browser
  // back with a top-level navigation from its own site, which a Strict cookie would not follow.
  const flowCookie = (request: RequestInfo): CookieSpec => ({ ...cookieSpec(config, request), sameSite: 'lax', domain: undefined });
  const callbackUrl = (providerId: string) => `${config.publicUrl}/auth/${encodeURIComponent(providerId)}/callback`;

  async function start(request: RequestInfo, effects: ResponseEffects, providerId: string): Promise<RedirectOutcome> {
    const provider = services.socialProviders.list().find((p) => p.id === providerId);
    if (!provider) return errorPage(404, 'There is no such sign-in provider.');
    const returnTo = request.query('returnTo') ?? config.social.returnToUrls[0]!;
    // Exact match only: no prefix, pattern or normalisation, so no open redirect (SEC-49).
    if (!config.social.returnToUrls.includes(returnTo)) return errorPage(400, 'This return address is not allowed.');
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
      effects.setCookie(cookieName(request), flow.state, { ...flowCookie(request), signed: true, maxAgeSeconds: FLOW_LIFETIME_SECONDS });
      return { kind: 'redirect', status: 302, location: url.toString() };
    } catch (error) {
      return failed(error);
    }
  }

  async function callback(request: RequestInfo, effects: ResponseEffects, providerId: string): Promise<RedirectOutcome> {
    const signed = request.signedCookie(cookieName(request));
    effects.clearCookie(cookieName(request), flowCookie(request)); // single use, whatever happens next
    const state = request.query('state') ?? '';
    // The state must come back to the browser that started the flow (its cookie), and the flow
    // must still be waiting (server-side, once).
    const sameBrowser = typeof signed === 'string' && state.length > 0 && safeEqual(signed, state);
    try {
      const flow = sameBrowser ? await services.oauthFlows.consume(services.forkEm(), providerId, state) : null;
      if (!flow) return errorPage(400, 'This sign-in attempt is not valid any more. Please start again.');
      const code = request.query('code');
      if (request.query('error') !== undefined || code === undefined) return errorPage(400, 'The provider did not sign you in.');
      const provider = services.socialProviders.get(flow.provider);
      const identity = () =>
        provider.exchangeCode({
          code,
          codeVerifier: flow.codeVerifier,
          redirectUri: callbackUrl(provider.id),
          state: { received: state, expected: state },
          nonce: flow.nonce,
          iss: request.query('iss') ?? null,
        });
      const ctx = await buildContext(request, effects);
      const result = await services.signIn.social(signInRequestOf(ctx), provider, identity, CredentialKind.COOKIE);
      if (result instanceof PendingStep && result.flowToken) return { kind: 'redirect', status: 303, location: secondStepUrl(result) };
      if (result instanceof PendingStep) return errorPage(403, 'Confirm your email address first: we have sent you a link.');
      return { kind: 'redirect', status: 303, location: flow.returnTo };
    } catch (error) {
      return failed(error);
    }
  }

  /**
   * The frontend's second-step page (MFA_PATH), with the flow token in the fragment: a fragment
   * is never sent to a server nor in a Referer, so the token stays in the browser.
   */
  function secondStepUrl(step: PendingStep): string {
    const url = new URL(config.mail.paths.secondFactor, config.frontendUrl);
    url.hash = new URLSearchParams({ step: step.step, flowToken: step.flowToken!, methods: step.methods.join(',') }).toString();
    return url.toString();
  }

  function failed(error: unknown): RedirectOutcome {
    if (error instanceof AuthError) {
      if (error.cause !== undefined) services.logger.info({ err: error.cause, code: error.code }, 'social sign-in failed');
      const status = (error.extensions.http as { status?: number } | undefined)?.status ?? 400;
      return errorPage(status, error.message);
    }
    if (isUnavailable(error)) {
      services.logger.warn({ err: error }, 'social sign-in: a dependency is unavailable');
      return errorPage(httpStatusOf(ErrorCode.SERVICE_UNAVAILABLE), errorMessages.SERVICE_UNAVAILABLE);
    }
    services.logger.error({ err: error }, 'social sign-in error');
    return errorPage(500, errorMessages.INTERNAL_SERVER_ERROR);
  }

  function errorPage(status: number, message: string): RedirectOutcome {
    const back = config.social.returnToUrls[0]!;
    return {
      kind: 'page',
      status,
      html: `<!doctype html><html><body><h1>Sign-in failed</h1><p>${escapeHtml(message)}</p><p><a href="${escapeHtml(back)}">Back</a></p></body></html>`,
    };
  }

  return { start, callback };
}
